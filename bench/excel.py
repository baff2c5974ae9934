"""The report download and the import, each against the bare library doing the same
work, each in its own process (``bench.excel_worker``) so peak memory is measured alone.

The dossier list is downloaded by the board from the province data set (every dossier).
The import workbook holds 12,000 new members of the district officer's unit, each with
the milestones of a dossier of the data set (so every row passes the Party's rules), and
is read through the importer's preview (full validation, nothing written) and its write.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from ldld_tracker import PROJECT_DIR

from .databases import DISTRICT_UNIT

IMPORT_ROWS = 12_000
SEX = {"male": "Nam", "female": "Nữ"}
ROLE = {"worker": "Công nhân, người lao động", "manager": "Cán bộ quản lý",
        "union_officer": "Cán bộ công đoàn", "youth_officer": "Cán bộ Đoàn thanh niên",
        "business_owner": "Chủ doanh nghiệp"}
EDUCATION = {"primary": "Tiểu học", "lower_secondary": "Trung học cơ sở",
             "upper_secondary": "Trung học phổ thông"}


RUNS = 3


def _once(args: list[str], fresh: Path | None) -> dict:
    """One run of ``bench.excel_worker`` in a new process (``fresh``: a copy of the database
    made anew first, for work that writes)."""
    if fresh is not None:
        shutil.copyfile(fresh, args[1])
    output = subprocess.run([sys.executable, "-m", "bench.excel_worker", *args],
                            cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    if output.returncode != 0:
        raise RuntimeError(f"excel worker {args[0]} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def _side_by_side(*works: tuple[list[str], Path | None]) -> list[dict]:
    """Per work (worker arguments, database to copy afresh or None), the run with the
    median time of ``RUNS``, the works run in turn (ours, the bare library's, ours …) so
    that a ratio compares runs made side by side, not a minute apart on a machine whose
    pace drifts."""
    runs: list[list[dict]] = [[] for _ in works]
    for _ in range(RUNS):
        for found, (args, fresh) in zip(runs, works, strict=True):
            found.append(_once(list(args), fresh))
    return [sorted(found, key=lambda r: r["seconds"])[len(found) // 2] for found in runs]


def build_import_workbook(database: Path, path: Path, rows: int = IMPORT_ROWS) -> int:
    """A dossiers workbook (the import template's headers) of ``rows`` new members."""
    import xlsxwriter

    from ldld_tracker.excel.columns import DOSSIER_COLUMNS

    connection = sqlite3.connect(database)
    tax_codes = [t for (t,) in connection.execute(
        "SELECT e.tax_code FROM enterprise e JOIN unit u ON u.id = e.unit_id WHERE u.code = ? "
        "ORDER BY e.id", (DISTRICT_UNIT,))]
    query = connection.execute(
        "SELECT p.full_name, p.birth_date, p.sex, g.name, r.name, p.role_category, "
        "p.union_joined_on, p.education, p.youth_union_member, d.*, "
        "(SELECT i.full_name FROM introducer i WHERE i.dossier_id = d.id ORDER BY i.id LIMIT 1), "
        "(SELECT i.worked_together_since FROM introducer i WHERE i.dossier_id = d.id "
        " ORDER BY i.id LIMIT 1) "
        "FROM dossier d JOIN person p ON p.id = d.person_id "
        "JOIN ethnic_group g ON g.id = p.ethnic_group_id "
        "LEFT JOIN religion r ON r.id = p.religion_id ORDER BY d.id LIMIT ?", (rows,))
    names = [c[0] for c in query.description]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Hồ sơ")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    keys = [c.key for c in DOSSIER_COLUMNS]
    for column, c in enumerate(DOSSIER_COLUMNS):
        sheet.write_string(0, column, c.header)
    count = 0
    for count, raw in enumerate(query, start=1):
        r = dict(zip(names, raw, strict=False))
        introducer, since = raw[-2], raw[-1]
        values = {
            "full_name": raw[0], "birth_date": raw[1], "sex": SEX[raw[2]], "ethnic_group": raw[3],
            "religion": raw[4] or "Không", "citizen_id": f"099{count:09d}",
            "tax_code": tax_codes[count % len(tax_codes)], "role_category": ROLE[raw[5]],
            "union_joined_on": raw[6], "education": EDUCATION.get(raw[7], ""),
            "youth_union_member": "Có" if raw[8] else "Không",
            "cell_is_grassroots": "Có" if r["cell_is_grassroots"] else "Không",
            "introducer_name": introducer if r["introduced_on"] else None,
            "introducer_since": since if r["introduced_on"] else None,
        }
        if r["introduced_on"] and not r["introduction_resolution_no"]:
            values["introduction_resolution_no"] = "01/NQ-CĐCS"
        for column, key in enumerate(keys):
            value = values.get(key, r.get(key))
            if value in (None, ""):
                continue
            if DOSSIER_COLUMNS[column].kind == "date":
                sheet.write_datetime(count, column, date.fromisoformat(value), day)
            elif isinstance(value, int):
                sheet.write_number(count, column, value)
            else:
                sheet.write_string(count, column, str(value))
    book.close()
    connection.close()
    return count


def measure(database: Path, log) -> dict[str, dict]:
    """Download and import, ours and the bare library's: seconds and peak memory (the
median run of three each, ours and the bare library's in turn)."""
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="ldld-bench-") as folder:
        work = Path(folder)
        copy = work / "data.sqlite"
        shutil.copyfile(database, copy)
        log("  dossier list download")
        results["report"], results["writer"] = _side_by_side(
            (["report", str(copy)], database), (["writer", str(copy), str(work / "bare.xlsx")], None))
        log("  import workbook")
        book = work / "import.xlsx"
        rows = build_import_workbook(copy, book)
        results["import"], results["read"], results["read-calamine"] = _side_by_side(
            (["import", str(copy), str(book)], None), (["read", str(copy), str(book)], None),
            (["read-calamine", str(copy), str(book)], None))
        (results["import-apply"],) = _side_by_side((["import-apply", str(copy), str(book)], database))
        results["import"]["rows"] = results["import-apply"]["rows"] = rows
        results["report"]["rows"] = results["writer"]["size"]
    return results
