"""The lists written by XlsxWriter keep the official format officials print (frame, table,
widths, dates, print setup), never hold a formula, and are sent from a temporary file;
the openpyxl writer of the progress report lays out the same description identically."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell

from ldld_tracker import clock
from ldld_tracker.excel.layout import (
    DOSSIERS_TITLE,
    DUE_TITLE,
    HEADER_ROW,
    ISSUING_BODY,
    MOTTO,
    NATION,
    Column,
    ReportSheet,
    date_line,
    ratio,
)
from ldld_tracker.excel.reports import DossierFilters, _dossier_columns, build_dossiers
from ldld_tracker.excel.sheets import OpenpyxlSheet, XlsxReport
from ldld_tracker.extensions import db
from ldld_tracker.models import Role
from ldld_tracker.workflow.rules import MILESTONES

from .. import factories
from ..dashboards.helpers import admitted

TODAY = date(2020, 12, 15)


def _download(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return load_workbook(io.BytesIO(response.data)).worksheets[0], response


def _width(sheet, index: int) -> float | None:
    """The width of column ``index`` (a file may give one width to a range of columns)."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min and dimension.min <= index <= dimension.max:
            return dimension.width
    return None


def _style(cell) -> tuple:
    font, alignment, border = cell.font, cell.alignment, cell.border
    fill = cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None
    return (font.name, font.sz, bool(font.b), bool(font.i), alignment.horizontal,
            alignment.vertical, bool(alignment.wrap_text),
            tuple(side.style for side in (border.left, border.right, border.top, border.bottom)),
            fill, cell.number_format)


@pytest.fixture
def people(app):
    ent = factories.enterprise("643", name="Công ty TNHH Cà phê Ví Dụ")
    first = admitted(date(2020, 5, 4), ent, full_name="Nguyễn Văn An")
    first.note = "Ghi chú"
    admitted(date(2020, 6, 1), ent, full_name="Trần Thị Bình")
    db.session.commit()
    return ent


def test_dossier_list_keeps_the_official_frame(client, login_as, people):
    login_as(Role.DISTRICT)
    sheet, _response = _download(client, "/reports/dossiers.xlsx")
    width = len(_dossier_columns())
    assert sheet["A1"].value == ISSUING_BODY and sheet["A1"].font.b
    right = sheet.cell(1, 16)
    assert right.value == NATION and right.font.b
    assert sheet.cell(2, 16).value == MOTTO and sheet.cell(2, 16).font.b
    assert sheet.cell(3, 16).value == date_line(clock.today()) and sheet.cell(3, 16).font.i
    assert sheet["A5"].value == DOSSIERS_TITLE
    assert (sheet["A5"].font.b, sheet["A5"].font.sz) == (True, 14)
    assert sheet["A6"].value.endswith(clock.today().strftime("%d/%m/%Y")) and sheet["A6"].font.i
    assert sheet.row_dimensions[5].height == 36
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:D1", "P1:AC1", "A2:D2", "P2:AC2", "A3:D3", "P3:AC3", "A5:AC5", "A6:AC6"} <= merged
    last = HEADER_ROW + 2
    signature = [sheet.cell(row, 1).value for row in range(last + 2, last + 4)]
    assert signature == ["NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"]
    assert sheet.cell(last + 2, 16).value == "TM. BAN THƯỜNG VỤ"
    assert f"P{last + 2}:AC{last + 2}" in merged
    assert sheet.max_column == width == 29


def test_dossier_list_table_has_the_described_headers_widths_and_formats(client, login_as, people):
    login_as(Role.DISTRICT)
    sheet, _response = _download(client, "/reports/dossiers.xlsx")
    columns = _dossier_columns()
    header = [sheet.cell(HEADER_ROW, i).value for i in range(1, len(columns) + 1)]
    assert header == [c.header for c in columns]
    assert [_width(sheet, i) for i in range(1, len(columns) + 1)] == [c.width for c in columns]
    assert sheet.row_dimensions[HEADER_ROW].height == 48
    first = sheet.cell(HEADER_ROW, 2)
    assert first.font.b and first.fill.fgColor.rgb.endswith("D9D9D9")
    assert first.border.left.style == "thin" and first.alignment.wrap_text
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 2))
    assert [r[0].value for r in rows] == [1, 2]
    assert [r[1].value for r in rows] == ["Nguyễn Văn An", "Trần Thị Bình"]
    admitted_column = 12 + [m.code for m in MILESTONES].index("admitted")
    assert rows[0][admitted_column].value.date() == date(2020, 5, 4)
    assert rows[0][2].value.date() == date(1990, 5, 17)
    for index, column in enumerate(columns):
        cell = rows[0][index]
        assert cell.font.name == "Times New Roman" and cell.font.sz == 13
        assert cell.border.bottom.style == "thin"  # empty cells too: the grid prints whole
        if column.style == "date":
            assert cell.number_format == "dd/mm/yyyy"
            assert cell.value is None or cell.is_date
        assert cell.alignment.horizontal == ("left" if column.style == "text" else "center")
    assert rows[0][-1].value == "Ghi chú" and rows[1][-1].value is None


@pytest.mark.parametrize("url,title", [("/reports/dossiers.xlsx", DOSSIERS_TITLE),
                                       ("/reports/due.xlsx?year=2020", DUE_TITLE)])
def test_lists_print_as_officials_expect(client, login_as, report_data, url, title):
    login_as(Role.BOARD)
    sheet, _response = _download(client, url)
    assert sheet["A5"].value == title
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == 9
    # XlsxWriter leaves out fitToWidth="1", the attribute's default.
    assert int(setup.fitToWidth or 1) == 1 and int(setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_options.horizontalCentered
    margins = sheet.page_margins
    assert (margins.left, margins.right, margins.top, margins.bottom) == (0.4, 0.4, 0.6, 0.6)
    assert (margins.header, margins.footer) == (0.5, 0.5)
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
    assert all(c.font.name == "Times New Roman" for row in sheet.iter_rows() for c in row
               if c.value is not None)


def test_dossier_list_never_holds_a_formula(client, login_as, app):
    ent = factories.enterprise("643", name="=HYPERLINK(\"http://x\",\"y\")")
    for number, (name, note) in enumerate([("Lê Văn A", "@SUM(A1)"), ("+84 Văn", "=1+1"),
                                           ("Lê Văn B", "-2+3"), ("Lê Văn C", "\tTab")]):
        d = admitted(date(2020, 5, 4), ent, full_name=name, citizen_id=f"06619000{number:04d}")
        d.note = note
    db.session.commit()
    login_as(Role.DISTRICT)
    sheet, response = _download(client, "/reports/dossiers.xlsx")
    texts = {c.value for row in sheet.iter_rows(min_row=HEADER_ROW + 1) for c in row
             if isinstance(c.value, str)}
    assert {"'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)", "'-2+3", "'+84 Văn", "'=1+1",
            "'\tTab"} <= texts
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    xml = zipfile.ZipFile(io.BytesIO(response.data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and not re.search(r"<f[ >]", xml)


def test_the_writer_never_turns_text_into_a_formula(tmp_path):
    """Even text that escaped the layout's neutralising stays text in XlsxWriter."""
    with XlsxReport("Sheet") as report:
        report.sheet.write_row(1, ["=1+1", "@A1", "http://example.org"], ["text"] * 3)
        with report.close() as file:
            data = file.read()
    cells = [c.value for c in load_workbook(io.BytesIO(data)).worksheets[0][1]]
    assert cells == ["=1+1", "@A1", "http://example.org"]
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert not re.search(r"<f[ >]", xml) and "hyperlink" not in xml


def test_the_dossier_list_is_sent_from_a_temporary_file(client, login_as, people):
    user = login_as(Role.DISTRICT)
    with client.application.test_request_context():
        file, count = build_dossiers(user, DossierFilters(), TODAY)
    with file:
        assert count == 2 and not isinstance(file, io.BytesIO) and file.fileno() >= 0
        assert file.read(4) == b"PK\x03\x04"
    response = client.get("/reports/dossiers.xlsx")
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert response.headers["Content-Disposition"].startswith("attachment; filename=dossiers-")
    assert "no-cache" in response.headers["Cache-Control"]


def test_an_abandoned_workbook_leaves_no_file_behind(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(RuntimeError), XlsxReport("Sheet") as report:
        report.sheet.write_row(1, ["a", 1], ["text", "int"])
        raise RuntimeError("the query failed")
    assert report.file.closed
    assert list(tmp_path.iterdir()) == []  # XlsxWriter's row data file is gone too


def _sample(sheet) -> None:
    columns = [Column("No.", 7, "center"), Column("Name", 26), Column("Born", 13, "date"),
               Column("Target", 11, "int"), Column("Done", 11, "int"),
               Column("Share", 10, "percent"), Column("Note", 30)]
    report = ReportSheet(sheet, columns, DOSSIERS_TITLE, "Tính đến ngày 15/12/2020", TODAY)
    for number, (name, born, target, done) in enumerate(
            [("An", date(1990, 5, 17), 10, 4), ("Bình", None, 0, 0), ("=Chi", date(2001, 1, 2), 3, 3)], 1):
        row = report.row + 1
        report.add_row([number, name, born, target, done, ratio(row, 5, 4), None])
    report.add_total_row("Total", 2)
    report.add_line(("A note below the table.", "plain"))
    report.finish()


def test_both_writers_lay_out_the_same_description(tmp_path):
    with XlsxReport("Sheet", constant_memory=True) as report:
        _sample(report.sheet)
        with report.close() as file:
            ours = load_workbook(file).worksheets[0]
    book = Workbook()
    _sample(OpenpyxlSheet(book, book.active))
    path = tmp_path / "openpyxl.xlsx"
    book.save(path)
    theirs = load_workbook(path).worksheets[0]

    assert (ours.max_row, ours.max_column) == (theirs.max_row, theirs.max_column)
    for row in range(1, theirs.max_row + 1):
        for column in range(1, theirs.max_column + 1):
            a, b = ours.cell(row, column), theirs.cell(row, column)
            assert isinstance(a, MergedCell) == isinstance(b, MergedCell), a.coordinate
            if isinstance(a, MergedCell):
                continue
            assert a.value == b.value, a.coordinate
            if a.value is not None or b.has_style:
                assert _style(a) == _style(b), a.coordinate
    assert ours.cell(HEADER_ROW + 1, 6).value == '=IF(N(D9)>0,E9/D9,"")'
    assert ours.cell(HEADER_ROW + 4, 4).value == f"=SUM(D9:D{HEADER_ROW + 3})"
    assert ours.cell(HEADER_ROW + 3, 2).value == "'=Chi"
    assert sorted(map(str, ours.merged_cells.ranges)) == sorted(map(str, theirs.merged_cells.ranges))
    assert [_width(ours, i) for i in range(1, 8)] == [_width(theirs, i) for i in range(1, 8)]
    for row in (5, HEADER_ROW):
        assert ours.row_dimensions[row].height == theirs.row_dimensions[row].height
    for attribute in ("orientation", "paperSize", "fitToHeight"):
        assert str(getattr(ours.page_setup, attribute)) == str(getattr(theirs.page_setup, attribute))
    assert ours.page_margins.__dict__ == theirs.page_margins.__dict__
    assert (ours.freeze_panes, ours.print_title_rows, ours.auto_filter.ref) == (
        theirs.freeze_panes, theirs.print_title_rows, theirs.auto_filter.ref)
    assert ours.print_options.horizontalCentered == theirs.print_options.horizontalCentered
