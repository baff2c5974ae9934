"""The results as tables, the goals of issue 6 judged PASS or MISS, and the Markdown
written to docs/BENCHMARKS.md."""

from __future__ import annotations

from dataclasses import dataclass, field

from .measure import DatabaseRun
from .timing import CALLS, USERS

API_CALLS = ("api progress", "api progress, unit")


@dataclass
class Results:
    command: str
    machine: dict[str, str]
    load_before: str = ""
    load_after: str = ""
    # machine.reference_seconds() before and after the run
    pace_before: float = 0.0
    pace_after: float = 0.0
    notes: list[str] = field(default_factory=list)
    sqlite: tuple[DatabaseRun, DatabaseRun] | None = None  # (tenth, full)
    postgres: tuple[DatabaseRun, DatabaseRun] | None = None
    excel: dict[str, dict] | None = None


@dataclass
class Goal:
    name: str
    target: str
    outcome: str
    passed: bool | None  # None: not measured in this run


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _calls_table(tenth: DatabaseRun, full: DatabaseRun) -> list[list[str]]:
    rows = []
    for user, _u in USERS:
        for name, _p in CALLS:
            key = (user, name)
            timing, small = full.timings[key], tenth.timings[key]
            floor = full.floors.get(key)
            records = getattr(full, "record_floors", {}).get(key)
            rows.append([
                user, name, _ms(timing.p50), _ms(timing.p95),
                _ms(floor[0]) if floor else "–", _ms(floor[1]) if floor else "–",
                f"{timing.p95 / floor[1]:.2f}" if floor else "–",
                _ms(records[0]) if records else "–",
                _ms(small.p50), f"{timing.p50 / small.p50:.2f}",
                f"{floor[0] / tenth.floors[key][0]:.2f}" if floor and key in tenth.floors else "–",
                f"{tenth.queries[key]}/{full.queries[key]}",
            ])
    return rows


CALL_HEADERS = ["user", "call", "p50 ms", "p95 ms", "floor p50", "floor p95", "p95 / floor",
                "records floor p50", "p50 at 1/10", "growth x10", "floor growth",
                "queries 1/10 / full"]


def _worst(pairs: list[tuple[str, float]]) -> tuple[str, float]:
    return max(pairs, key=lambda p: p[1])


def goals(results: Results) -> list[Goal]:
    found: list[Goal] = []
    if results.sqlite:
        tenth, full = results.sqlite
        api = [(f"{u} {n}", full.timings[(u, n)].p95) for u, _x in USERS for n in API_CALLS]
        ratio = [(f"{u} {n}", full.timings[(u, n)].p95 / full.floors[(u, n)][1])
                 for u, _x in USERS for n in API_CALLS]
        (where, p95), (where_r, worst_ratio) = _worst(api), _worst(ratio)
        found.append(Goal("API progress call, province, SQLite", "p95 ≤ 50 ms, ≤ 2 × the bare SQL",
                          f"worst p95 {_ms(p95)} ms ({where}); worst p95 / bare SQL p95 "
                          f"{worst_ratio:.2f} ({where_r})", p95 <= 50 and worst_ratio <= 2))
        pages = [(f"{u} {n}", full.timings[(u, n)].p95) for u, _x in USERS
                 for n, _p in CALLS if n not in API_CALLS]
        where, p95 = _worst(pages)
        over = [w for w, v in pages if v > 100]
        found.append(Goal("Every dashboard page, province, SQLite", "p95 ≤ 100 ms",
                          f"worst p95 {_ms(p95)} ms ({where})"
                          + (f"; over: {', '.join(over)}" if over else ""), p95 <= 100))
    if results.postgres:
        tenth, full = results.postgres
        calls = [(f"{u} {n}", full.timings[(u, n)].p95) for u, _x in USERS for n, _p in CALLS]
        where, p95 = _worst(calls)
        over = [w for w, v in calls if v > 300]
        found.append(Goal(f"Same calls, {full.label}, PostgreSQL", "p95 ≤ 300 ms",
                          f"worst p95 {_ms(p95)} ms ({where})"
                          + (f"; over: {', '.join(over)}" if over else ""), p95 <= 300))
    for kind, pair in (("SQLite", results.sqlite), ("PostgreSQL", results.postgres)):
        if pair:
            tenth, full = pair
            growth = [(f"{u} {n}", full.timings[(u, n)].p50 / tenth.timings[(u, n)].p50)
                      for u, _x in USERS for n, _p in CALLS]
            where, worst = _worst(growth)
            over = [w for w, v in growth if v > 2]
            found.append(Goal(f"Growth x10 in data ({kind}, {tenth.label} -> {full.label})",
                              "time ≤ x2", f"worst x{worst:.2f} ({where})"
                              + (f"; over x2: {len(over)} of {len(growth)}" if over else ""),
                              worst <= 2))
            same = all(tenth.queries[k] == full.queries[k] for k in full.queries)
            found.append(Goal(f"Queries per page ({kind})", "fixed, whatever the data size",
                              "same counts at 1/10 and full" if same else "counts differ", same))
    if results.excel:
        e = results.excel
        ratio = e["report"]["seconds"] / e["writer"]["seconds"]
        peak = e["report"]["peak_mb"]
        found.append(Goal(f"Dossier list download, {e['report'].get('rows', 0):,} rows",
                          "≤ 1.5 × the bare writer, peak memory ≤ 150 MB",
                          f"{e['report']['seconds']:.2f} s vs {e['writer']['seconds']:.2f} s "
                          f"(x{ratio:.2f}); peak {peak:.0f} MB", ratio <= 1.5 and peak <= 150))
        ratio = e["import"]["seconds"] / e["read"]["seconds"]
        peak = max(e["import"]["peak_mb"], e["import-apply"]["peak_mb"])
        found.append(Goal(f"Import of {e['import']['rows']:,} rows with full validation",
                          "≤ 2 × openpyxl's bare read, peak memory ≤ 200 MB",
                          f"preview {e['import']['seconds']:.1f} s vs read "
                          f"{e['read']['seconds']:.1f} s (x{ratio:.1f}); with the write "
                          f"{e['import-apply']['seconds']:.1f} s; peak {peak:.0f} MB",
                          ratio <= 2 and peak <= 200))
    return found


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _plain(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*headers), fmt.format(*["-" * w for w in widths]),
                      *[fmt.format(*row) for row in rows]])


def _excel_rows(e: dict) -> list[list[str]]:
    def row(label: str, key: str) -> list[str]:
        r = e[key]
        return [label, f"{r['seconds']:.2f}", f"{r['peak_mb']:.0f}", f"{r['before_mb']:.0f}"]

    rows = [row("dossier list download (ours, XlsxWriter constant_memory)", "report"),
            row("same rows, bare XlsxWriter constant_memory", "writer"),
            row("import preview (ours, full validation)", "import"),
            row("import preview + write (ours)", "import-apply"),
            row("openpyxl read_only, every cell (the goal's floor)", "read")]
    if "read-calamine" in e:  # results kept from a run before it was measured lack it
        rows.append(row("calamine (the importer's reader), every cell", "read-calamine"))
    return rows


EXCEL_HEADERS = ["work", "seconds", "peak RSS MB", "RSS before MB"]


def console(results: Results) -> str:
    parts = []
    for kind, pair in (("SQLite", results.sqlite), ("PostgreSQL", results.postgres)):
        if pair:
            tenth, full = pair
            parts.append(f"\n{kind}: {full.label} ({full.sizes}); 1/10: {tenth.label}")
            parts.append(_plain(CALL_HEADERS, _calls_table(tenth, full)))
            parts += [f"  check: {c}" for c in full.checks]
    if results.excel:
        parts.append("\nExcel (province data set, SQLite)")
        parts.append(_plain(EXCEL_HEADERS, _excel_rows(results.excel)))
    parts.append("\nGoals")
    parts += [f"  {'PASS' if g.passed else 'MISS'}  {g.name}: {g.target} -> {g.outcome}"
              for g in goals(results)]
    return "\n".join(parts)


def markdown(results: Results, explanation: str) -> str:
    out = ["# Benchmarks", "",
           "Generated by `make bench` (`bench/run.py`); the explanation below the tables is "
           "written by hand and kept between the markers when the numbers are regenerated.", "",
           "## Machine and command", "",
           _table(["", ""], [[k, v] for k, v in results.machine.items()]), "",
           f"Command: `{results.command}`", "",
           f"Load average (1, 5, 15 min) before the run: {results.load_before}; after: "
           f"{results.load_after}. The machine was shared with other work during the run.", "",
           f"Machine pace: a fixed pure-Python loop (10 million additions, best of 3) took "
           f"{results.pace_before:.2f} s before the run and {results.pace_after:.2f} s after. "
           "Compare it before comparing two runs' times: the machine's speed drifts by more "
           "than a third between runs.", ""]
    out += [f"- {n}" for n in results.notes]
    out += ["", "## Goals", "",
            _table(["", "goal", "target", "measured"],
                   [["PASS" if g.passed else "**MISS**", g.name, g.target, g.outcome]
                    for g in goals(results)])]
    for kind, pair in (("SQLite", results.sqlite), ("PostgreSQL", results.postgres)):
        if pair:
            tenth, full = pair
            out += ["", f"## Dashboards and API on {kind}: {full.label}", "",
                    f"Data: {full.sizes} (1/10: {tenth.sizes}). Built in "
                    f"{full.build.get('total_seconds', '?')} s (1/10: "
                    f"{tenth.build.get('total_seconds', '?')} s).", "",
                    "Server-side milliseconds per request (Flask test client, in process, "
                    "signed in; fresh session per request); floor = the bare SQL of the same "
                    "figure sets through the driver, over the tables the application reads (the "
                    "per-unit summaries where it reads them); records floor = the same figures "
                    "by bare SQL over the records alone; growth = p50 at full size / p50 at "
                    "1/10, the two sizes' requests interleaved round by round (side by side); "
                    "floor growth the same for the bare SQL.", "",
                    _table(CALL_HEADERS, _calls_table(tenth, full)), ""]
            out += [f"- Check: {c}" for c in full.checks]
    if results.excel:
        out += ["", "## Excel (province data set on SQLite)", "",
                "Each in its own process, the median of three runs, ours and the bare "
                "library's run in turn; peak RSS is the whole process (interpreter, Flask, "
                "SQLAlchemy included).", "", _table(EXCEL_HEADERS, _excel_rows(results.excel))]
    out += ["", "<!-- explanation -->", explanation.strip(), "<!-- /explanation -->", ""]
    return "\n".join(out)
