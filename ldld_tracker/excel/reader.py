"""Reading an officer's workbook: find the header row, then yield the rows.

Real workbooks have a title (often merged cells) above the table, the columns in any
order, headers written with or without accents, in capitals, with "*" or a hint in
brackets, and empty rows. The header row is looked for in the first 15 rows of each
visible sheet; rows keep the number Excel shows, and columns their letter, so every
message can point at the exact cell.

The sheet is parsed by calamine (``python-calamine``, in Rust), more than ten times faster
than openpyxl's read-only mode: the cells of one sheet's area are held in memory as the
rows are handed out one at a time. So the file is first scanned
(``safety.check_contents``): an XML bomb or a sheet whose cells span too large an area
is refused before it is parsed. Cells come back as openpyxl gives them: ``None`` for an
empty cell, a whole number as ``int``, dates as ``date`` or ``datetime``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from openpyxl.utils import get_column_letter
from python_calamine import CalamineSheet, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from ..text import ref_key
from .columns import ImportColumn
from .safety import MAX_ROWS, UnsafeWorkbook, check_contents, damaged_message

HEADER_SEARCH_ROWS = 15
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(text: object) -> str:
    """"Ngày sinh *", "NGAY SINH", "Ngày sinh (dd/mm/yyyy)" all give "ngaysinh"."""
    return ref_key(_BRACKETS.sub("", str(text))) if text is not None else ""


@dataclass(frozen=True)
class FoundColumn:
    column: ImportColumn
    index: int  # 0-based position in the row
    letter: str
    header: str  # as written in the file


@dataclass
class Row:
    number: int  # as Excel shows it
    values: dict[str, object]  # column key -> raw cell value
    cells: tuple = ()  # every cell of the row, for the error workbook


@dataclass
class Table:
    sheet: str
    header_row: int
    found: dict[str, FoundColumn]
    missing: list[ImportColumn] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    estimated_rows: int = 0  # rows below the header, empty ones included (for progress)
    width: int = 0  # columns up to the farthest cell of the sheet (or the header's width)


def _unsafe(error: BaseException) -> UnsafeWorkbook:
    if isinstance(error, UnsafeWorkbook):
        return error
    return UnsafeWorkbook(damaged_message())


def _sheet_rows(sheet: CalamineSheet) -> Iterator[tuple[int, tuple]]:
    """Every row from row 1 with its number, cells from column A, as openpyxl gives them.

    calamine yields rows from the first but cells from the area's first column, and ""
    for an empty cell and every number as a float."""
    start = sheet.start
    pad = (None,) * (start[1] if start else 0)
    for number, values in enumerate(sheet.iter_rows(), 1):
        yield number, pad + tuple(
            None if value == "" else
            int(value) if value.__class__ is float and value.is_integer() else value
            for value in values)


def _match_header(values: tuple, lookup: dict[str, ImportColumn]) -> tuple[dict, list[str]]:
    found: dict[str, FoundColumn] = {}
    duplicates = []
    for index, value in enumerate(values):
        column = lookup.get(header_key(value))
        if column is None:
            continue
        letter = get_column_letter(index + 1)
        if column.key in found:
            duplicates.append(_("Column “%(header)s” appears twice (%(first)s and %(second)s).",
                                header=column.header, first=found[column.key].letter,
                                second=letter))
            continue
        found[column.key] = FoundColumn(column, index, letter, str(value).strip())
    return found, duplicates


class WorkbookReader:
    """Open with ``with WorkbookReader(path, columns) as reader``; then ``reader.table``
    describes the header and ``reader.rows()`` yields the non-empty data rows."""

    def __init__(self, path: Path | str, columns: tuple[ImportColumn, ...]) -> None:
        self.columns = columns
        self._lookup = {header_key(name): column for column in columns
                        for name in (column.header, *column.aliases)}
        try:
            check_contents(path)
            self._workbook = CalamineWorkbook.from_path(str(path))
        except Exception as error:  # any failure to open is the file's, not ours
            raise _unsafe(error) from None
        try:
            self.table, self._sheet = self._find_table()
        except Exception as error:
            self.close()
            raise _unsafe(error) from None

    def __enter__(self) -> WorkbookReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._workbook.close()

    def _find_table(self) -> tuple[Table, CalamineSheet]:
        best: tuple[int, Table, CalamineSheet] | None = None
        for meta in self._workbook.sheets_metadata:
            if (meta.visible != SheetVisibleEnum.Visible
                    or meta.typ != SheetTypeEnum.WorkSheet):
                continue
            sheet = self._workbook.get_sheet_by_name(meta.name)
            last_row, last_column = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end else (0, 0)
            for number, values in _sheet_rows(sheet):
                if number > HEADER_SEARCH_ROWS:
                    break
                found, duplicates = _match_header(values, self._lookup)
                if len(found) >= 2 and (best is None or len(found) > best[0]):
                    best = (len(found), Table(meta.name, number, found, [
                        c for c in self.columns if c.required and c.key not in found],
                        duplicates, max(last_row - number, 0), max(last_column, len(values))),
                        sheet)
        if best is None:
            raise UnsafeWorkbook(_(
                "No header row was found: the column headers (for example “%(a)s”, “%(b)s”) "
                "must be in one row within the first %(n)s rows of a sheet. Download the "
                "template to see them.", a=self.columns[0].header, b=self.columns[1].header,
                n=HEADER_SEARCH_ROWS))
        return best[1], best[2]

    def all_rows(self) -> Iterator[tuple[int, tuple]]:
        """Every row from the first, empty ones included, for copying the sheet."""
        try:
            yield from _sheet_rows(self._sheet)
        except Exception as error:
            raise _unsafe(error) from None

    def rows(self) -> Iterator[Row]:
        """The data rows below the header, empty ones skipped; at most ``MAX_ROWS``."""
        found = list(self.table.found.values())
        count = 0
        try:
            for number, values in _sheet_rows(self._sheet):
                if number <= self.table.header_row:
                    continue
                cells = {f.column.key: values[f.index] if f.index < len(values) else None
                         for f in found}
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
                    continue
                count += 1
                if count > MAX_ROWS:
                    raise UnsafeWorkbook(_("The workbook has more than %(n)s rows: split it "
                                           "into several files.", n=f"{MAX_ROWS:,}"))
                yield Row(number, cells, values)
        except UnsafeWorkbook:
            raise
        except Exception as error:  # a damaged sheet part
            raise _unsafe(error) from None
