"""Each report opened by LibreOffice Calc (headless), as an official would open it: it
loads, and the totals it recalculates from our formulas equal our (the API's) numbers.

Skipped, with the reason printed, when LibreOffice is not installed, unless
``LDLD_REQUIRE_LIBREOFFICE=1`` (CI), where its absence fails the run.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ldld_tracker.excel.columns import DOSSIER_COLUMNS
from ldld_tracker.excel.importer import run_import
from ldld_tracker.excel.layout import HEADER_ROW
from ldld_tracker.excel.reader import WorkbookReader
from ldld_tracker.extensions import db
from ldld_tracker.models import Role
from ldld_tracker.workflow.rules import END_CODES, STAGE_CODES

from .. import factories
from .helpers import messy_dossiers

CURRENT = STAGE_CODES + END_CODES


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        for candidate in ("/usr/bin/soffice", "/usr/bin/libreoffice"):
            if os.path.exists(candidate):
                found = candidate
    if found is None:
        reason = "LibreOffice (soffice) is not installed: reports not checked in Calc"
        if os.environ.get("LDLD_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(reason + " and LDLD_REQUIRE_LIBREOFFICE=1")
        print(reason)
        pytest.skip(reason)
    return found


def recalculated(tmp_path: Path, name: str, content: bytes):
    """The workbook after LibreOffice loaded it, recalculated it and saved it again."""
    return load_workbook(saved_by_libreoffice(tmp_path, name, content), data_only=True)


def saved_by_libreoffice(tmp_path: Path, name: str, content: bytes) -> Path:
    """The file LibreOffice writes after loading ``content`` (shared strings, its own
    styles and date formats, as an officer's workbook saved in Calc)."""
    soffice = _soffice()
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    profile = tmp_path / "lo-profile"
    completed = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
        capture_output=True, timeout=180, check=False)
    converted = out / name
    assert completed.returncode == 0 and converted.exists(), completed.stderr.decode()[-500:]
    return converted


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return response.data


def test_libreoffice_recalculates_the_progress_totals_to_the_api_numbers(client, login_as, report_data,
                                                                         tmp_path):
    login_as(Role.BOARD)
    api = client.get("/api/v1/progress?year=2020").get_json()
    book = recalculated(tmp_path, "progress.xlsx", _download(client, "/reports/progress.xlsx?year=2020"))
    sheet = book.worksheets[0]
    total_row = HEADER_ROW + 1 + len(api["districts"])
    total = [c.value for c in sheet[total_row]]
    expected = api["total"]
    assert total[2:6] == [expected["target"], expected["admitted_tracked"],
                          expected["admitted_reported"], expected["admitted"]]
    assert total[6] == pytest.approx(expected["admitted"] / expected["target"])
    assert total[7] == expected["introduced"]
    assert total[8:8 + len(CURRENT)] == [expected["current"][code] for code in CURRENT]
    first = [c.value for c in sheet[HEADER_ROW + 1]]
    district = api["districts"][0]
    assert first[6] == pytest.approx(district["admitted"] / district["target"])
    assert len(book.worksheets) == 2


def test_libreoffice_opens_the_enterprise_progress_and_its_totals_agree(client, login_as, report_data,
                                                                        tmp_path):
    login_as(Role.BOARD)
    api = client.get("/api/v1/progress?year=2020&district=643").get_json()
    book = recalculated(tmp_path, "progress-643.xlsx",
                        _download(client, "/reports/progress.xlsx?year=2020&district=643"))
    sheet = book.worksheets[0]
    total = [c.value for c in sheet[HEADER_ROW + 1 + len(api["enterprises"])]]
    assert total[4] == sum(e["introduced"] for e in api["enterprises"])
    assert total[6] == api["districts"][0]["admitted_tracked"]


@pytest.mark.parametrize("url,name", [("/reports/dossiers.xlsx", "dossiers.xlsx"),
                                      ("/reports/due.xlsx?year=2020", "due.xlsx")])
def test_libreoffice_opens_the_lists(client, login_as, report_data, tmp_path, url, name):
    login_as(Role.BOARD)
    content = _download(client, url)
    ours = load_workbook(io.BytesIO(content)).worksheets[0]
    theirs = recalculated(tmp_path, name, content).worksheets[0]
    assert theirs["A1"].value == ours["A1"].value
    assert [c.value for c in theirs[HEADER_ROW]] == [c.value for c in ours[HEADER_ROW]]
    assert theirs.cell(HEADER_ROW + 1, 2).value == ours.cell(HEADER_ROW + 1, 2).value


def test_a_workbook_saved_by_libreoffice_is_read_and_imported_as_the_original(app, tmp_path):
    """The importer's reader (calamine) on the file as Calc saves it: the same rows and
    values as from the original, and the same preview."""
    officer = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    factories.enterprise("643", tax_code="6000111222")
    db.session.commit()
    original = messy_dossiers(tmp_path)
    (tmp_path / "lo").mkdir()
    saved = saved_by_libreoffice(tmp_path / "lo", "hs.xlsx", original.read_bytes())

    def read(path):
        with WorkbookReader(path, DOSSIER_COLUMNS) as reader:
            return [(row.number, {k: _day(v) for k, v in row.values.items()})
                    for row in reader.rows()]

    assert "xl/sharedStrings.xml" in zipfile.ZipFile(saved).namelist()  # as Calc and Excel save
    assert read(saved) == read(original)
    first, again = (run_import("dossiers", path, officer) for path in (original, saved))
    assert first.ok and first.new == 4
    assert (again.ok, again.rows, again.new, again.problems) == (
        first.ok, first.rows, first.new, first.problems)


def _day(value):
    """A date cell as a date: Calc may save a date-only format that reads as datetime."""
    return value.date() if isinstance(value, datetime) else value
