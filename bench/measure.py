"""Everything measured on one database: query counts, server-side times of every call
for both users, and the floor (bare SQL) of each call with a check that it computes the
same numbers as the API."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import event, select

from ldld_tracker.extensions import db
from ldld_tracker.models import Unit

from . import floor
from .databases import BOARD, DISTRICT, DISTRICT_UNIT
from .timing import CALLS, USERS, Timing, api_figures, signed_in, time_calls

PROGRESS = ["units", "reported", "members", "dossiers"]
# One unit: its own figures, and a page of its enterprises with theirs.
UNIT_PROGRESS = [*PROGRESS, "enterprises", "unit members", "unit dossiers"]
CALL_SETS = {
    "api progress": PROGRESS, "api progress, unit": UNIT_PROGRESS, "overview": PROGRESS,
    "by district": PROGRESS, "district": UNIT_PROGRESS, "funnel": PROGRESS,
    "over time": [*PROGRESS, "monthly", "reported monthly"],
    "breakdowns": ["reported", "breakdowns"],  # (a page without the progress figures)
    "coverage": ["coverage by unit", "coverage list"],
    "due and stuck": ["medians", "due lists"],
}
UNIT_CALLS = {"api progress, unit", "district"}
# The figure sets the application reads from the per-unit summaries for whole units.
FROM_SUMMARIES = {name: f"{name} (summaries)"
                  for name in ("members", "dossiers", "monthly", "breakdowns", "medians", "coverage by unit")}
FROM_SUMMARIES.update({"unit members": "members (summaries)", "unit dossiers": "dossiers (summaries)"})


# The pages that show the whole territory's total alone (the board's, no unit chosen) read
# it from the rows the plan's unit keeps of its children, not unit by unit; by district
# and the API add one page of units.
TOTAL_ONLY = {"overview", "funnel", "over time", "breakdowns"}
PAGE_OF_UNITS = {"by district", "api progress"}  # (the API: its first page of 50)
# Figure sets run only to be compared with the call's answer (``_check_summaries``).
CHECKED = {"api progress": ["dossiers (summaries)"]}
FROM_TERRITORY = {"members": "members (total)", "reported": "reported (total)",
                  "dossiers": "dossiers (territory)", "monthly": "monthly (territory)",
                  "breakdowns": "breakdowns (territory)"}


def sets_read(name: str, whole: bool = False, one_page: bool = False) -> list[str]:
    """The figure sets a call reads: from the summaries, except for the enterprises of a
    unit's page; for the ``whole`` territory's total alone, from the rows of the plan's
    unit; a page of units under that total, or (``one_page``: every unit on the first
    page) under theirs added up."""
    if name in UNIT_CALLS:
        return [FROM_SUMMARIES.get(s, s) if s.startswith("unit ") else s for s in CALL_SETS[name]]
    if whole and name in TOTAL_ONLY:
        return [FROM_TERRITORY.get(s, s) for s in CALL_SETS[name] if s != "units"]
    if whole and name in PAGE_OF_UNITS:  # a page of units, under the total of them all
        page = [f"{s} (page)" for s in PROGRESS]
        return page if one_page else [*(FROM_TERRITORY[s] for s in ("members", "reported", "dossiers")),
                                      *page]
    return [FROM_SUMMARIES.get(s, s) for s in CALL_SETS[name]]


@dataclass
class DatabaseRun:
    label: str
    sizes: str
    build: dict
    timings: dict[tuple[str, str], Timing]
    queries: dict[tuple[str, str], int]
    floors: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    record_floors: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)


def query_counts(app: Flask) -> dict[tuple[str, str], int]:
    """SQL statements per call, the sign-in's user lookup included."""
    counts: dict[tuple[str, str], int] = {}
    clients = {user: signed_in(app, username) for user, username in USERS}
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(*_args) -> None:
        statements.append("")

    event.listen(engine, "before_cursor_execute", count)
    try:
        for user, client in clients.items():
            for name, path in CALLS:
                statements.clear()
                client.get(path)
                counts[(user, name)] = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counts


def _unit_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.code == DISTRICT_UNIT))


def floors(app: Flask, url: str, repetitions: int) -> tuple[dict, dict, list[str]]:
    """(user, call) -> (floor p50, floor p95) in ms over what the application reads, the
    same over the records alone, and the numbers' check."""
    unit_id = _unit_id(app)
    runner = floor.Runner(url)
    set_times: dict[tuple, floor.Timing] = {}
    set_rows: dict[tuple, list] = {}
    try:
        for user, _u in USERS:
            scope = unit_id if user == "district" else None
            for name, _p in CALLS:
                call_scope = unit_id if name in UNIT_CALLS else scope
                key = "enterprise" if name in UNIT_CALLS else "unit"
                sql = floor.figure_sets(runner.dialect, call_scope, key)
                params = floor.parameters(runner, call_scope)
                # (the due lists last: their cut-offs come from the medians)
                whole = user == "board" and call_scope is None
                checked = CHECKED.get(name, [])
                for set_name in sorted(dict.fromkeys(CALL_SETS[name] + sets_read(name, whole) + checked),
                                       key=lambda s: s == "due lists"):
                    ident = (call_scope, key, set_name)
                    if ident in set_times:
                        continue
                    if set_name == "due lists":
                        due_params, cut_offs = floor.due_parameters(
                            runner, params, set_rows[(call_scope, key, "medians")],
                            set_rows[(call_scope, key, "medians (summaries)")])
                        statement = floor.due_lists(call_scope, cut_offs)
                        set_times[ident], set_rows[ident] = runner.time(statement, due_params,
                                                                        repetitions)
                    else:
                        set_times[ident], set_rows[ident] = runner.time(sql[set_name], params,
                                                                        repetitions)
        results, on_records = {}, {}
        one_page = len(set_rows[(None, "unit", "units (page)")]) < floor.UNITS_PER_PAGE
        for user, _u in USERS:
            scope = unit_id if user == "district" else None
            for name, _p in CALLS:
                call_scope = unit_id if name in UNIT_CALLS else scope
                key = "enterprise" if name in UNIT_CALLS else "unit"
                whole = user == "board" and call_scope is None
                read = sets_read(name, whole, one_page)
                for target, names in ((results, read), (on_records, CALL_SETS[name])):
                    parts = [set_times[(call_scope, key, s)] for s in names]
                    target[(user, name)] = (sum(t.p50 for t in parts), sum(t.p95 for t in parts))
        checks = [_check(app, set_rows, None, BOARD, None), _check(app, set_rows, unit_id, DISTRICT, None),
                  _check(app, set_rows, unit_id, BOARD, DISTRICT_UNIT),
                  _check_summaries(app, set_rows, None, BOARD),
                  _check_summaries(app, set_rows, None, BOARD, "dossiers (territory)"),
                  _check_summaries(app, set_rows, unit_id, DISTRICT)]
    finally:
        runner.close()
    return results, on_records, checks


def _check(app: Flask, rows: dict, scope: int | None, username: str, district: str | None) -> str:
    """Do the bare SQL's figures equal the API's (tracked, reported, by stage)?"""
    key = "enterprise" if district else "unit"
    current: Counter = Counter()
    reached: Counter = Counter()
    for _key, stage, count, *flags in rows[(scope, key, "unit dossiers" if district else "dossiers")]:
        current[stage] += count
        for code, n in zip(floor.STAGES, flags, strict=True):
            reached[code] += n
    reported = sum(int(r[1] or 0) for r in rows[(scope, key, "reported")])
    total = api_figures(app, username, district)["total"]
    api_current = Counter({k: v for k, v in total["current"].items() if v})
    ours_current = Counter({k: v for k, v in current.items() if v and k != "none"})
    same = (api_current == ours_current and dict(total["reached"]) == {s: reached[s] for s in floor.STAGES}
            and total["admitted_reported"] == reported)
    what = f"{username}{' ' + district if district else ''}"
    return f"{what}: {'same figures' if same else 'DIFFERENT figures'} (admitted tracked " \
           f"{total['admitted_tracked']:,} / bare {reached['admitted']:,}, reported " \
           f"{total['admitted_reported']:,} / bare {reported:,})"


def _check_summaries(app: Flask, rows: dict, scope: int | None, username: str,
                     figure_set: str = "dossiers (summaries)") -> str:
    """Do the bare SQL over the summaries (per unit; or the ``figure_set`` of the rows the
    plan's unit keeps of its children) give the API's figures?"""
    current: Counter = Counter()
    reached: Counter = Counter()
    for *_unit, kind, code, count in rows[(scope, "unit", figure_set)]:
        (current if kind.lower() == "s" else reached)[code] += int(count or 0)
    total = api_figures(app, username)["total"]
    same = (Counter({k: v for k, v in total["current"].items() if v})
            == Counter({k: v for k, v in current.items() if v})
            and dict(total["reached"]) == {s: reached[s] for s in floor.STAGES})
    source = "the summaries" if figure_set == "dossiers (summaries)" else "the territory's rows"
    return f"{username}, from {source}: {'same figures' if same else 'DIFFERENT figures'} " \
           f"(admitted tracked {total['admitted_tracked']:,} / bare {reached['admitted']:,})"


@dataclass
class Database:
    """One data set to measure: its label, sizes, build record, URL and application."""
    label: str
    sizes: str
    build: dict
    url: str
    app: Flask


def run_databases(databases: list[Database], repetitions: int) -> list[DatabaseRun]:
    """Query counts, the times of every call (the data sets' requests interleaved round by
    round, ``timing.time_calls``) and the floor, for each data set."""
    runs = [DatabaseRun(d.label, d.sizes, d.build, {}, query_counts(d.app)) for d in databases]
    timings = time_calls({d.label: d.app for d in databases}, repetitions)
    for run, database in zip(runs, databases, strict=True):
        run.timings = timings[database.label]
        run.floors, run.record_floors, run.checks = floors(database.app, database.url,
                                                           repetitions)
    return runs
