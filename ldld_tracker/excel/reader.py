"""Streaming read of an officer's workbook: find the header row, then yield the rows.

Real workbooks have a title (often merged cells) above the table, the columns in any
order, headers written with or without accents, in capitals, with "*" or a hint in
brackets, and empty rows. The header row is looked for in the first 15 rows of each
visible sheet; rows keep the number Excel shows, and columns their letter, so every
message can point at the exact cell. The file is read in openpyxl's read-only mode, row
by row, so a large workbook never sits in memory whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..text import ref_key
from .columns import ImportColumn
from .safety import MAX_ROWS, UnsafeWorkbook, damaged_message, ensure_defused

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
    estimated_rows: int = 0
    width: int = 0  # the widest row as the file states it (or the header's width)


def _unsafe(error: BaseException) -> UnsafeWorkbook:
    if isinstance(error, UnsafeWorkbook):
        return error
    chain: list[BaseException] = []
    while error is not None and error not in chain:  # openpyxl wraps the parser's error
        chain.append(error)
        error = error.__cause__ or error.__context__
    if any(isinstance(e, DefusedXmlException) for e in chain):
        return UnsafeWorkbook(_("This workbook contains XML that is refused for safety "
                                "(entity definitions). Save it again from Excel as .xlsx."))
    return UnsafeWorkbook(damaged_message())


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
        ensure_defused()
        self.columns = columns
        self._lookup = {header_key(name): column for column in columns
                        for name in (column.header, *column.aliases)}
        # Our own handle, closed whatever happens: openpyxl leaves its archive open when
        # it fails half-way through a damaged file.
        self._handle = open(path, "rb")  # closed in close()
        try:
            self._workbook = load_workbook(self._handle, read_only=True, data_only=True)
        except Exception as error:  # any failure to open is the file's, not ours
            self._handle.close()
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
        self._handle.close()

    def _find_table(self) -> tuple[Table, object]:
        best: tuple[int, Table, object] | None = None
        for sheet in self._workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            stated_rows, stated_columns = sheet.max_row or 0, sheet.max_column or 0
            sheet.reset_dimensions()  # a wrong stored size must not cut rows or columns off
            for number, values in enumerate(
                    sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), 1):
                found, duplicates = _match_header(values, self._lookup)
                if len(found) >= 2 and (best is None or len(found) > best[0]):
                    estimated = max(stated_rows - number, 0)
                    width = max(stated_columns, len(values))
                    best = (len(found), Table(sheet.title, number, found, [
                        c for c in self.columns if c.required and c.key not in found],
                        duplicates, estimated, width), sheet)
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
            yield from enumerate(self._sheet.iter_rows(values_only=True), 1)
        except Exception as error:
            raise _unsafe(error) from None

    def rows(self) -> Iterator[Row]:
        """The data rows below the header, empty ones skipped; at most ``MAX_ROWS``."""
        sheet = self._sheet
        found = list(self.table.found.values())
        count = 0
        number = self.table.header_row
        try:
            for values in sheet.iter_rows(min_row=self.table.header_row + 1, values_only=True):
                number += 1
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
