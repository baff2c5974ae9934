"""Finding the table in an officer's workbook: title rows, merged cells, headers in any
case, accents, spacing or order, empty rows; Excel's row numbers and column letters kept."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from ldld_tracker.excel import reader as reader_module
from ldld_tracker.excel import safety
from ldld_tracker.excel.columns import DOSSIER_COLUMNS, ENTERPRISE_COLUMNS
from ldld_tracker.excel.reader import WorkbookReader
from ldld_tracker.excel.safety import UnsafeWorkbook

from .helpers import write
from .test_safety import _rewrite


def test_header_below_a_merged_title_in_any_case_accents_and_order(app, tmp_path):
    path = write(tmp_path / "t.xlsx", [
        ["STT", "  MÃ SỐ THUẾ ", "ten doanh nghiep", "Ghi chú riêng", "Huyện / Thị xã / Thành phố *"],
        [1, "6000111222", "Công ty A", "bỏ qua", "Buôn Hồ"],
        [],
        [2, "6000111333", "Công ty B", None, "Ea Kar"],
    ], title="DANH SÁCH DOANH NGHIỆP NĂM 2020", merge="A1:E1", blank_rows=3)
    with WorkbookReader(path, ENTERPRISE_COLUMNS) as reader:
        table = reader.table
        rows = list(reader.rows())
    assert table.header_row == 5
    assert {k: (f.letter, f.header) for k, f in table.found.items()} == {
        "tax_code": ("B", "MÃ SỐ THUẾ"), "name": ("C", "ten doanh nghiep"),
        "unit": ("E", "Huyện / Thị xã / Thành phố *")}
    assert [r.number for r in rows] == [6, 8]  # the empty row 7 is skipped, numbers kept
    assert rows[1].values == {"tax_code": "6000111333", "name": "Công ty B", "unit": "Ea Kar"}


def test_header_hint_in_brackets_is_ignored(app, tmp_path):
    path = write(tmp_path / "t.xlsx", [["Họ và tên", "Ngày sinh (dd/mm/yyyy)", "Số CCCD"],
                                        ["A", "1/1/1990", "1"]])
    with WorkbookReader(path, DOSSIER_COLUMNS) as reader:
        assert set(reader.table.found) == {"full_name", "birth_date", "citizen_id"}
        assert [c.header for c in reader.table.missing] == [
            "Giới tính", "Dân tộc", "Mã số thuế doanh nghiệp", "Vị trí công việc"]


def test_header_after_row_15_is_not_found(app, tmp_path):
    path = write(tmp_path / "t.xlsx", [["Tên doanh nghiệp", "Mã số thuế"]], blank_rows=15)
    with pytest.raises(UnsafeWorkbook) as error:
        WorkbookReader(path, ENTERPRISE_COLUMNS)
    assert "15" in error.value.message


def test_a_column_given_twice_is_reported(app, tmp_path):
    path = write(tmp_path / "t.xlsx", [["Tên doanh nghiệp", "Mã số thuế", "MST"], ["A", "1", "2"]])
    with WorkbookReader(path, ENTERPRISE_COLUMNS) as reader:
        assert reader.table.duplicates and "B" in reader.table.duplicates[0]


def test_the_sheet_with_the_table_is_chosen_and_hidden_sheets_ignored(app, tmp_path):
    workbook = Workbook()
    workbook.active.append(["Ghi chú của cán bộ"])
    hidden = workbook.create_sheet("Ẩn")
    hidden.append(["Tên doanh nghiệp", "Mã số thuế", "Huyện", "Loại hình"])
    hidden.sheet_state = "hidden"
    data = workbook.create_sheet("Danh sách")
    data.append(["Tên doanh nghiệp", "Mã số thuế", "Huyện"])
    data.append(["Công ty A", "6000111222", "Ea Kar"])
    workbook.save(tmp_path / "t.xlsx")
    with WorkbookReader(tmp_path / "t.xlsx", ENTERPRISE_COLUMNS) as reader:
        assert reader.table.sheet == "Danh sách"
        assert len(list(reader.rows())) == 1


def test_a_wrong_stored_sheet_size_does_not_cut_rows_or_columns(app, tmp_path):
    rows = [["Tên doanh nghiệp", "Mã số thuế", "Huyện"]]
    rows += [[f"Công ty {n}", f"60001112{n:02d}", "Ea Kar"] for n in range(30)]
    data = (write(tmp_path / "t.xlsx", rows)).read_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:C31"' in sheet
    path = tmp_path / "small.xlsx"
    path.write_bytes(_rewrite(data, {"xl/worksheets/sheet1.xml": sheet.replace(
        b'<dimension ref="A1:C31"', b'<dimension ref="A1:B2"')}))
    with WorkbookReader(path, ENTERPRISE_COLUMNS) as reader:
        read = list(reader.rows())
    assert len(read) == 30 and read[-1].values["unit"] == "Ea Kar"


def test_row_limit(app, tmp_path, monkeypatch):
    monkeypatch.setattr(reader_module, "MAX_ROWS", 3)
    monkeypatch.setattr(safety, "MAX_ROWS", 3)
    path = write(tmp_path / "t.xlsx", [["Tên doanh nghiệp", "Mã số thuế"]] + [["A", "1"]] * 4)
    with WorkbookReader(path, ENTERPRISE_COLUMNS) as reader, pytest.raises(UnsafeWorkbook) as error:
        list(reader.rows())
    assert "3" in error.value.message


def test_a_table_away_from_a1_keeps_excel_row_numbers_and_column_letters(app, tmp_path):
    """The sheet's first cells are at C3: rows still count from 1, columns from A."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["C3"], sheet["D3"], sheet["E3"] = "Tên doanh nghiệp", "Mã số thuế", "Số lao động"
    sheet["C4"], sheet["D4"], sheet["E4"] = "Công ty A", 6000111222, 25
    sheet["C6"], sheet["D6"], sheet["E6"] = "Công ty B", "6000111333", 7.5
    workbook.save(tmp_path / "t.xlsx")
    with WorkbookReader(tmp_path / "t.xlsx", ENTERPRISE_COLUMNS) as reader:
        table = reader.table
        rows = list(reader.rows())
        copied = dict(reader.all_rows())
    assert table.header_row == 3
    assert {k: f.letter for k, f in table.found.items()} == {
        "name": "C", "tax_code": "D", "workforce": "E"}
    assert [r.number for r in rows] == [4, 6]
    # Whole numbers as int, as openpyxl gives them; others as float; empty cells None.
    assert rows[0].values == {"name": "Công ty A", "tax_code": 6000111222, "workforce": 25}
    assert type(rows[0].values["workforce"]) is int
    assert rows[1].values["workforce"] == 7.5
    assert copied[4] == (None, None, "Công ty A", 6000111222, 25)
    assert copied[5] == (None,) * 5  # an empty row inside the table, as wide


def test_dates_and_formula_results_are_read_as_values(app, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Ngày sinh", "Số CCCD"])
    sheet.append(["Nguyễn Văn An", date(1990, 5, 6), "066190000001"])
    sheet["B2"].number_format = "dd/mm/yyyy"
    workbook.save(tmp_path / "t.xlsx")
    with WorkbookReader(tmp_path / "t.xlsx", DOSSIER_COLUMNS) as reader:
        (row,) = list(reader.rows())
    assert row.number == 2
    assert row.values["birth_date"] in (date(1990, 5, 6), datetime(1990, 5, 6))
    assert row.values["citizen_id"] == "066190000001"
