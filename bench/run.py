"""``make bench`` (``python -m bench.run``): build (or reuse) the data sets, measure, print
the table and the goals, and write docs/BENCHMARKS.md.

Parts (``--only``, repeatable): ``sqlite`` (province: dashboards and API at full size and
1/10, with the floor), ``postgres`` (the country, or ``--fraction`` of it, and 1/10 of
that), ``excel`` (download and import at province size). ``--quick`` is for development:
a quarter province on SQLite, few repetitions, nothing written unless ``--output``.
"""

from __future__ import annotations

import argparse
import pickle
import re
import shlex
import sys
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

from flask import Flask

from ldld_tracker import PROJECT_DIR
from ldld_tracker.extensions import db

from . import excel, machine, report
from .databases import (
    BENCH_DIR,
    bench_app,
    data_set,
    postgres_database,
    sqlite_database,
)
from .measure import Database, run_databases

DOCS = PROJECT_DIR / "docs" / "BENCHMARKS.md"
PARTS = ("sqlite", "postgres", "excel")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=PARTS, help="run only these parts")
    parser.add_argument("--scale", choices=("province", "national"),
                        help="shortcut: province = --only sqlite --only excel; "
                             "national = --only postgres")
    parser.add_argument("--fraction", type=float, default=1.0,
                        help="share of the national data set built on PostgreSQL (default 1)")
    parser.add_argument("--repetitions", type=int, default=40,
                        help="timed requests per call on SQLite (default 40)")
    parser.add_argument("--pg-repetitions", type=int, default=10,
                        help="timed requests per call on PostgreSQL (default 10: the country's "
                             "board-wide pages take seconds)")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--quick", action="store_true",
                        help="a quarter province on SQLite, 5 repetitions, no PostgreSQL")
    parser.add_argument("--output", type=Path, default=None,
                        help=f"Markdown file to write (default {DOCS.relative_to(PROJECT_DIR)}; "
                             "none in --quick mode)")
    args = parser.parse_args(argv)
    if args.scale == "province":
        args.only = (args.only or []) + ["sqlite", "excel"]
    elif args.scale == "national":
        args.only = (args.only or []) + ["postgres"]
    if args.quick:
        args.only = args.only or ["sqlite"]
        args.repetitions = min(args.repetitions, 5)
    args.only = args.only or list(PARTS)
    if args.output is None and not args.quick:
        args.output = DOCS
    return args


def _sqlite(args: argparse.Namespace, results: report.Results) -> Path:
    fraction = 0.25 if args.quick else 1.0
    databases = []
    for share in (fraction / 10, fraction):
        data = data_set("province", share, args.seed)
        url, build = sqlite_database(data, _log)
        databases.append(Database(data.label, data.sizes(), build, url, bench_app(url)))
    _log(f"SQLite {databases[0].label} and {databases[1].label}: measuring side by side")
    results.sqlite = tuple(run_databases(databases, args.repetitions))
    return Path(databases[1].url.split("///", 1)[1])


def _postgres(args: argparse.Namespace, results: report.Results) -> None:
    from tests.pg_cluster import find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        results.notes.append("PostgreSQL is not installed: the national part was not run.")
        return
    with ExitStack() as servers:  # both servers up, so the two sizes are measured side by side
        databases = []
        for share in (args.fraction / 10, args.fraction):
            data = data_set("national", share, args.seed)
            url, build = servers.enter_context(postgres_database(data, bin_dir, _log))
            app = bench_app(url)
            databases.append(Database(data.label, data.sizes(), build, url, app))
            servers.callback(_dispose, app)
        _log(f"PostgreSQL {databases[0].label} and {databases[1].label}: measuring side by side")
        runs = run_databases(databases, args.pg_repetitions)
    results.postgres = (runs[0], runs[1])
    if args.fraction < 1:
        results.notes.append(
            f"National scale ran at {args.fraction:g} of the full size ({runs[1].sizes}); "
            "the full 4.8 million members were not built in this run.")


def _dispose(app: Flask) -> None:
    """Close an application's connections before its server stops."""
    with app.app_context():
        db.engine.dispose()


def _remember(part: str, results: report.Results) -> None:
    """Keep this part's results, so a later run of other parts still reports it."""
    value = {"sqlite": results.sqlite, "postgres": results.postgres, "excel": results.excel}[part]
    if value is not None:
        stamp = f"{datetime.now():%Y-%m-%d %H:%M} (load {machine.load_average()}), `{results.command}`"
        (BENCH_DIR / f"last-{part}.pickle").write_bytes(pickle.dumps((stamp, value)))


def _recall(part: str, results: report.Results) -> None:
    """A part not run this time: its last results, with when and how they were measured."""
    path = BENCH_DIR / f"last-{part}.pickle"
    if not path.exists():
        return
    stamp, value = pickle.loads(path.read_bytes())
    setattr(results, part, value)
    results.notes.append(f"The {part} part is from an earlier run: {stamp}.")


def _explanation(path: Path | None) -> str:
    if path is None or not path.exists():
        return "(No explanation written yet.)"
    found = re.search(r"<!-- explanation -->\n(.*)\n<!-- /explanation -->", path.read_text(), re.S)
    return found.group(1) if found else "(No explanation written yet.)"


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    from tests.pg_cluster import find_bin_dir

    command = "make bench" + (f" BENCH_ARGS={shlex.quote(' '.join(argv or sys.argv[1:]))}"
                              if (argv or sys.argv[1:]) else "")
    results = report.Results(command, machine.describe(find_bin_dir()), machine.load_average(),
                             pace_before=machine.reference_seconds())
    started = time.perf_counter()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    province_file = None
    if "sqlite" in args.only or "excel" in args.only:
        province_file = _sqlite(args, results) if "sqlite" in args.only else None
    if "excel" in args.only:
        if province_file is None:
            data = data_set("province", 0.25 if args.quick else 1.0, args.seed)
            province_file = Path(sqlite_database(data, _log)[0].split("///", 1)[1])
        _log("Excel: measuring")
        results.excel = excel.measure(province_file, _log)
    if "postgres" in args.only and not args.quick:
        _postgres(args, results)
    results.load_after = machine.load_average()
    results.pace_after = machine.reference_seconds()
    if not args.quick:
        for part in PARTS:
            if part in args.only:
                _remember(part, results)
            elif args.output:
                _recall(part, results)
    print(report.console(results))
    _log(f"\n({time.perf_counter() - started:.0f} s)")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report.markdown(results, _explanation(args.output)))
        _log(f"written: {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
