"""Both directions of workbook safety.

Out: text that came from a user must never run as a formula in the reader's spreadsheet
(an officer's note "=HYPERLINK(...)" would otherwise be live in every exported report).
In: an uploaded file is checked as an archive *before* any XML is parsed, so a renamed
macro workbook, an old binary .xls, a CSV, a truncated download or a zip bomb gets a clear
message instead of a crash or an exhausted server. Then, before the reader parses it, its
XML is scanned (``check_contents``): an entity definition (an XML bomb) is refused, and so
is a sheet whose cells span an area too large to read (the reader holds a sheet's area
in memory, so two cells far apart would ask for gigabytes).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from zlib import error as zlib_error

from flask_babel import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter

# Characters that make a spreadsheet treat a cell's text as a formula (or start one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
# An ordinary .xlsx unpacks to 5-30 times its size; a zip bomb to thousands of times.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 150
MAX_MEMBERS = 2_000
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
MACRO_CONTENT_TYPE = b"macroenabled"
# The largest area (rows x columns, from A1 to the farthest cell) of a sheet that is read:
# 100,000 rows of 50 columns. The reader holds about 32 bytes a cell of the area.
MAX_AREA_CELLS = 5_000_000
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
# A row's or a cell's reference ("12", "AB12"), as the attribute r="..." of either.
_REFERENCE = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{0,3})([0-9]{1,7})["']""")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
_PREFIXED_TAG = re.compile(rb"<\w+:(?:row|c)[\s/>]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")


class UnsafeWorkbook(Exception):
    """The file is not a workbook we will open; ``message`` tells the user what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def neutralise(value: object) -> object:
    """Text that would start a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def strip_neutralising_quote(text: str) -> str:
    """Undo ``neutralise`` on text read back from one of our own exports."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def _xml_pieces(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's XML unpacked a megabyte at a time, each piece ending after a tag's ">"."""
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            data = tail + chunk
            cut = data.rfind(b">") + 1
            yield data[:cut]
            tail = data[cut:]
    if tail:
        yield tail


def _tags(piece: bytes) -> tuple[int, int]:
    """How many rows and cells ``piece`` opens. Counted as plain bytes (C speed) unless
    a prefixed tag ("<x:c ") is in it; then, with a regex, every spelling."""
    if _PREFIXED_TAG.search(piece):
        return len(_ROW_TAG.findall(piece)), len(_CELL_TAG.findall(piece))
    return (piece.count(b"<row ") + piece.count(b"<row>"),
            piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/"))


def _sheet_area(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """The rows and columns from A1 to the sheet's farthest cell, at most: the farthest
    reference, plus every row or cell written without one (placed after the last)."""
    last_row = last_column = 0
    rows = cells = referenced_rows = referenced_cells = 0
    for piece in _xml_pieces(archive, info):
        if _DOCTYPE.search(piece):
            raise UnsafeWorkbook(_entities_message())
        opened_rows, opened_cells = _tags(piece)
        rows, cells = rows + opened_rows, cells + opened_cells
        references = _REFERENCE.findall(piece)
        columns = [column for column, _row in references]
        row_references = columns.count(b"")
        referenced_rows += row_references
        referenced_cells += len(columns) - row_references
        numbers = {row for _column, row in references}
        if numbers:
            last_row = max(last_row, *map(int, numbers))
        letters = {column.upper() for column in columns if column}
        if letters:
            last_column = max(last_column, *map(column_index_from_string,
                                                map(bytes.decode, letters)))
    return last_row + rows - referenced_rows, last_column + cells - referenced_cells


def check_contents(path: Path | str) -> None:
    """Raise ``UnsafeWorkbook`` for XML with entity definitions or a sheet too large to
    read. Run after ``check_workbook_file``, before the workbook is parsed."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename.lower()
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    rows, columns = _sheet_area(archive, info)
                    if rows * columns > MAX_AREA_CELLS:
                        raise UnsafeWorkbook(_(
                            "A sheet of this workbook has cells down to row %(rows)s and "
                            "across to column %(column)s: too large an area to read. Delete "
                            "the rows and columns beyond the table, or split the file.",
                            rows=f"{rows:,}", column=get_column_letter(min(columns, 16384))))
                elif name.endswith((".xml", ".rels")):
                    if any(_DOCTYPE.search(piece) for piece in _xml_pieces(archive, info)):
                        raise UnsafeWorkbook(_entities_message())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError, ValueError,
            zlib_error):
        raise UnsafeWorkbook(damaged_message()) from None


def _entities_message() -> str:
    return _("This workbook contains XML that is refused for safety (entity definitions). "
             "Save it again from Excel as .xlsx.")


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    for encoding in ("utf-8", "utf-16", "cp1252"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        return printable >= 0.95 * len(text)
    return False


def _refuse_by_signature(head: bytes) -> None:
    if head.startswith(OLE_SIGNATURE):
        raise UnsafeWorkbook(_(
            "This is an old Excel 97-2003 workbook (.xls) or an encrypted file. Open it in "
            "Excel or LibreOffice, save it as an Excel workbook (.xlsx) without a password, "
            "and upload that file."))
    if not head.startswith(ZIP_SIGNATURE):
        if _looks_like_text(head):
            raise UnsafeWorkbook(_(
                "This is a text or CSV file, not an Excel workbook. Open it in Excel or "
                "LibreOffice and save it as an Excel workbook (.xlsx)."))
        raise UnsafeWorkbook(_("This file is not an Excel workbook (.xlsx)."))


def _check_members(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if "mimetype" in names and "content.xml" in names:
        raise UnsafeWorkbook(_(
            "This is an OpenDocument spreadsheet (.ods). Save it as an Excel workbook (.xlsx)."))
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UnsafeWorkbook(_("This file is not an Excel workbook (.xlsx)."))
    if len(infos) > MAX_MEMBERS:
        raise UnsafeWorkbook(_("This workbook has an unusual structure and was refused."))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeWorkbook(_(
                "This file unpacks to far more data than a workbook of its size can hold and "
                "was refused."))
    if total > MAX_UNPACKED_BYTES:
        raise UnsafeWorkbook(_("This workbook is too large to import (too much data once "
                               "unpacked). Split it into several files."))
    content_types = archive.getinfo("[Content_Types].xml")
    if content_types.file_size > 1024 * 1024:
        raise UnsafeWorkbook(_("This workbook has an unusual structure and was refused."))
    macro = (any(name.lower().endswith("vbaproject.bin") for name in names)
             or MACRO_CONTENT_TYPE in archive.read(content_types).lower())
    if macro:
        raise UnsafeWorkbook(_(
            "This workbook contains macros (.xlsm). Save it as an ordinary Excel workbook "
            "(.xlsx), without macros, and upload that file."))


def check_workbook_file(path: Path | str) -> None:
    """Raise ``UnsafeWorkbook`` unless ``path`` is a plain .xlsx of acceptable size.

    Only the archive's directory and content types are read here: nothing is unpacked.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise UnsafeWorkbook(_("The file is empty."))
    if size > MAX_UPLOAD_BYTES:
        raise UnsafeWorkbook(_("The file is too large (at most 20 MB). Split it into several "
                               "files."))
    with open(path, "rb") as handle:
        head = handle.read(4096)
    _refuse_by_signature(head)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError, ValueError):
        raise UnsafeWorkbook(damaged_message()) from None


def damaged_message() -> str:
    return _("The file is damaged or incomplete (an upload or an e-mail attachment may have "
             "been cut short). Open it in Excel, save it again as .xlsx and upload that file.")
