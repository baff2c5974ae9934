"""One Excel measurement in a fresh process, so its peak memory is its own:
``python -m bench.excel_worker MODE DATABASE_FILE [WORKBOOK]`` prints a JSON line with
the seconds, the peak resident memory (MB) and the memory before the work began.

Modes: ``report`` (GET /reports/dossiers.xlsx as the board), ``writer`` (the same rows
fetched with sqlite3 and written with XlsxWriter's constant-memory mode), ``import`` and
``import-apply`` (the dossiers workbook through the importer as a district officer:
the preview, or the preview and the write), ``read`` (openpyxl's read-only mode reading
every cell of the workbook: the goal's floor), ``read-calamine`` (calamine, the
importer's own reader, reading every cell: for comparison).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    """The process's own high-water mark (VmHWM; ru_maxrss would include the parent's
    memory at fork time)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _report(database: str) -> tuple[float, float, int]:
    from bench.databases import BOARD, bench_app
    from bench.timing import signed_in

    client = signed_in(bench_app(f"sqlite:///{database}"), BOARD)
    before = _rss_mb()
    started = time.perf_counter()
    response = client.get("/reports/dossiers.xlsx")
    data = response.get_data()
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"report: {response.status_code}")
    return elapsed, before, len(data)


WRITER_SQL = """
SELECT p.full_name, p.birth_date, p.sex, g.name, r.name, p.citizen_id, e.name, e.tax_code,
       u.name, p.role_category, {stage}, d.identified_on, d.trained_on, d.applied_on, d.verified_on,
       d.introduced_on, d.cell_resolved_on, d.committee_resolved_on, d.admitted_on,
       d.sworn_in_on, d.official_on, d.certificate_no, d.introduction_resolution_no,
       d.admission_decision_no, d.end_kind, d.ended_on, d.end_reason, d.note
FROM dossier d JOIN person p ON p.id = d.person_id JOIN enterprise e ON e.id = p.enterprise_id
JOIN unit u ON u.id = e.unit_id JOIN ethnic_group g ON g.id = p.ethnic_group_id
LEFT JOIN religion r ON r.id = p.religion_id ORDER BY p.sort_name, p.id
"""
DATE_COLUMNS = {1, *range(11, 21), 25}


def _writer(database: str, output: str) -> tuple[float, float, int]:
    import sqlite3
    from datetime import date

    import xlsxwriter

    before = _rss_mb()
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet("Dossiers")
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    count = 0
    from bench.floor import STAGE

    rows = connection.execute(WRITER_SQL.format(stage=STAGE), {"as_of": date.today().isoformat()})
    for count, row in enumerate(rows, start=1):
        sheet.write_number(count, 0, count)
        for column, value in enumerate(row, start=1):
            if value is None:
                continue
            if column - 1 in DATE_COLUMNS:
                sheet.write_datetime(count, column, date.fromisoformat(value), day)
            else:
                sheet.write(count, column, value)
    workbook.close()
    connection.close()
    return time.perf_counter() - started, before, count


def _import(database: str, workbook: str, apply: bool) -> tuple[float, float, int]:
    from sqlalchemy import select

    from bench.databases import DISTRICT, bench_app
    from ldld_tracker.excel.importer import run_import
    from ldld_tracker.extensions import db
    from ldld_tracker.models import User

    app = bench_app(f"sqlite:///{database}")
    with app.test_request_context():
        actor = db.session.scalar(select(User).where(User.username == DISTRICT))
        before = _rss_mb()
        started = time.perf_counter()
        result = run_import("dossiers", workbook, actor, apply=apply)
        elapsed = time.perf_counter() - started
        if not result.ok or (apply and not result.applied):
            problems = [str(p.message) for p in result.problems[:5]]
            raise RuntimeError(f"import refused: {problems}")
        return elapsed, before, result.rows


def _read(workbook: str) -> tuple[float, float, int]:
    from openpyxl import load_workbook

    before = _rss_mb()
    started = time.perf_counter()
    book = load_workbook(workbook, read_only=True)
    count = 0
    for sheet in book.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            count += 1
    book.close()
    return time.perf_counter() - started, before, count


def _read_calamine(workbook: str) -> tuple[float, float, int]:
    from python_calamine import CalamineWorkbook

    before = _rss_mb()
    started = time.perf_counter()
    book = CalamineWorkbook.from_path(workbook)
    count = 0
    for name in book.sheet_names:
        for _row in book.get_sheet_by_name(name).iter_rows():
            count += 1
    book.close()
    return time.perf_counter() - started, before, count


def main(argv: list[str]) -> None:
    mode, database, *rest = argv
    if mode == "report":
        seconds, before, size = _report(database)
    elif mode == "writer":
        seconds, before, size = _writer(database, rest[0])
    elif mode in ("import", "import-apply"):
        seconds, before, size = _import(database, rest[0], mode == "import-apply")
    elif mode == "read":
        seconds, before, size = _read(rest[0])
    elif mode == "read-calamine":
        seconds, before, size = _read_calamine(rest[0])
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(), "before_mb": before,
                      "size": size}))


if __name__ == "__main__":
    main(sys.argv[1:])
