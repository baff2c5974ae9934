"""Hostile and broken files are refused with a clear message before any parsing, and
text from users can never run as a formula."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from ldld_tracker.excel import safety
from ldld_tracker.excel.columns import DOSSIER_COLUMNS
from ldld_tracker.excel.importer import run_import
from ldld_tracker.excel.reader import WorkbookReader
from ldld_tracker.excel.safety import UnsafeWorkbook, check_workbook_file, neutralise
from ldld_tracker.models import Role

from .. import factories
from .helpers import PERSON_HEADERS, person_row

BOMB_DOCTYPE = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def _xlsx_bytes(rows: list[list] | None = None) -> bytes:
    workbook = Workbook()
    for row in rows or [PERSON_HEADERS, person_row("066190000001", "6000000001")]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, replace: dict[str, bytes] | None = None,
             add: dict[str, bytes] | None = None) -> bytes:
    """The archive with some members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename,
                                                               source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def _refused(tmp_path, data: bytes, name: str = "upload.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnsafeWorkbook) as refused:
        check_workbook_file(path)
    return refused.value.message


@pytest.mark.parametrize("text", ["=1+1", "+84905", "-2", "@SUM(A1)", "\tx", "\r=1",
                                  '=HYPERLINK("http://x","y")'])
def test_text_that_could_start_a_formula_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text
    assert safety.strip_neutralising_quote(neutralise(text)) == text


@pytest.mark.parametrize("value", ["Nguyễn Văn An", "066190000001", 12, None, 3.5, "a=b"])
def test_other_values_pass_unchanged(value):
    assert neutralise(value) == value


def test_a_plain_workbook_passes(tmp_path):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(_xlsx_bytes())
    check_workbook_file(path)


def test_old_xls_is_refused_by_its_signature(tmp_path):
    message = _refused(tmp_path, safety.OLE_SIGNATURE + b"\x00" * 600)
    assert ".xls" in message and ".xlsx" in message


def test_csv_renamed_to_xlsx_is_refused_as_text(tmp_path):
    message = _refused(tmp_path, "Họ và tên;Ngày sinh\nNguyễn Văn An;05/06/1990\n".encode())
    assert "CSV" in message


def test_random_bytes_are_refused(tmp_path):
    assert ".xlsx" in _refused(tmp_path, bytes(range(256)) * 4)


def test_macro_workbook_renamed_to_xlsx_is_refused(tmp_path):
    data = _rewrite(_xlsx_bytes(), add={"xl/vbaProject.bin": b"\x00" * 100})
    assert "macro" in _refused(tmp_path, data).lower()


def test_macro_content_type_alone_is_refused(tmp_path):
    data = _xlsx_bytes()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
    assert "macro" in _refused(tmp_path, _rewrite(data, {"[Content_Types].xml": types})).lower()


def test_truncated_archive_gets_the_damaged_message(tmp_path):
    data = _xlsx_bytes()
    assert _refused(tmp_path, data[: len(data) // 2]) == safety.damaged_message()


def test_empty_file_is_refused(tmp_path):
    assert _refused(tmp_path, b"")


def test_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_UPLOAD_BYTES", 1000)
    assert "20 MB" in _refused(tmp_path, _xlsx_bytes())


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    data = _rewrite(_xlsx_bytes(), add={"xl/media/padding.bin": b"\x00" * (20 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    assert "unpacks" in _refused(tmp_path, data)


def test_too_much_unpacked_data_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_UNPACKED_BYTES", 2000)
    assert "too large" in _refused(tmp_path, _xlsx_bytes())


def test_opendocument_spreadsheet_is_named(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    assert ".ods" in _refused(tmp_path, out.getvalue())


def _bombed(data: bytes) -> bytes:
    """The workbook with an entity expansion ("billion laughs") in its sheet."""
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    body = sheet.split("?>", 1)[1] if sheet.startswith("<?xml") else sheet
    bombed = (BOMB_DOCTYPE + body.replace("<sheetData>", "<sheetData>&lol3;", 1)).encode()
    return _rewrite(data, {"xl/worksheets/sheet1.xml": bombed})


def test_xml_bomb_inside_a_valid_archive_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_bombed(_xlsx_bytes()))
    check_workbook_file(path)  # a well-formed archive: only its XML can tell
    with pytest.raises(UnsafeWorkbook) as refused:
        with WorkbookReader(path, DOSSIER_COLUMNS) as reader:
            list(reader.rows())
    assert "XML" in refused.value.message


def test_entity_definitions_in_any_part_are_refused(tmp_path):
    data = _xlsx_bytes()
    book = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml").decode()
    body = book.split("?>", 1)[1] if book.startswith("<?xml") else book
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_rewrite(data, {"xl/workbook.xml": (BOMB_DOCTYPE + body).encode()}))
    with pytest.raises(UnsafeWorkbook) as refused:
        safety.check_contents(path)
    assert "XML" in refused.value.message


def _with_cell(data: bytes, row_xml: str) -> bytes:
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    return _rewrite(data, {"xl/worksheets/sheet1.xml": sheet.replace(
        "</sheetData>", row_xml + "</sheetData>").encode()})


@pytest.mark.parametrize("row_xml", [
    # Two cells far apart: the area between them would be held in memory.
    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    # The same with single quotes and spaces around "=".
    "<row r = '1048576'><c r = 'XFD1048576'><v>1</v></c></row>",
    # Cells without a reference are placed after the last: still counted.
    '<row r="1048576">' + "<c><v>1</v></c>" * 20 + "</row>",
    # The same with the tags' namespace prefix spelled out.
    '<x:row r="1048576">' + "<x:c><x:v>1</x:v></x:c>" * 20 + "</x:row>",
])
def test_a_sheet_spanning_too_large_an_area_is_refused_before_parsing(tmp_path, row_xml):
    path = tmp_path / "far.xlsx"
    path.write_bytes(_with_cell(_xlsx_bytes(), row_xml))
    check_workbook_file(path)
    with pytest.raises(UnsafeWorkbook) as refused:
        with WorkbookReader(path, DOSSIER_COLUMNS) as reader:
            list(reader.rows())
    assert "1,048,576" in refused.value.message


def test_a_long_narrow_sheet_is_read(tmp_path):
    """100,000 rows of a few columns is within the area read."""
    path = tmp_path / "long.xlsx"
    path.write_bytes(_with_cell(_xlsx_bytes(), '<row r="100000"><c r="H100000"><v>1</v></c></row>'))
    safety.check_contents(path)


@pytest.mark.parametrize("kind", ["truncated", "bomb", "text"])
def test_import_of_a_broken_file_reports_and_writes_nothing(app, tmp_path, kind):
    officer = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    data = _xlsx_bytes()
    if kind == "truncated":
        data = data[:-200]
    elif kind == "text":
        data = b"a,b,c\n1,2,3\n"
    else:
        data = _bombed(data)
    path = tmp_path / "broken.xlsx"
    path.write_bytes(data)
    result = run_import("dossiers", path, officer, apply=True)
    assert not result.applied and result.rows == 0
    assert len(result.errors) == 1 and result.errors[0].row is None
