"""The error workbook: the officer's own rows back, with the problems beside them.

Every row of the uploaded sheet is copied at the same row number (title rows and empty
rows included), so "row 12" in a message is row 12 here too; the cells with a problem
are highlighted and a last column says what is wrong. The officer fixes this file and
uploads it again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .columns import DOSSIER_COLUMNS, ENTERPRISE_COLUMNS
from .layout import DATE_FORMAT
from .reader import WorkbookReader
from .result import ImportResult
from .safety import neutralise

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006")
HEADER_FONT = Font(bold=True)


def build_error_workbook(path: Path | str, result: ImportResult) -> BytesIO:
    columns = ENTERPRISE_COLUMNS if result.kind == "enterprises" else DOSSIER_COLUMNS
    bad: set[tuple[int, str]] = set()
    notes: dict[int, list[str]] = defaultdict(list)
    for problem in result.errors:
        if problem.row is None:
            continue
        if problem.column:
            bad.add((problem.row, problem.column))
            notes[problem.row].append(_("Column %(col)s (%(header)s): %(message)s",
                                        col=problem.column, header=problem.header,
                                        message=problem.message))
        else:
            notes[problem.row].append(problem.message)
    workbook = Workbook(write_only=True)
    with WorkbookReader(path, columns) as reader:
        table = reader.table
        sheet = workbook.create_sheet(table.sheet[:31] or _("Data"))
        error_index = max(table.width, 1)  # 0-based position of the problems column
        sheet.column_dimensions[get_column_letter(error_index + 1)].width = 80
        sheet.freeze_panes = f"A{table.header_row + 1}"
        for number, values in reader.all_rows():
            cells: list[object] = []
            for index, value in enumerate(values[:error_index]):
                cell = WriteOnlyCell(sheet, neutralise(value))
                if isinstance(value, datetime | date):
                    cell.number_format = DATE_FORMAT
                if (number, get_column_letter(index + 1)) in bad:
                    cell.fill = BAD_FILL
                elif number == table.header_row:
                    cell.font = HEADER_FONT
                cells.append(cell)
            if number == table.header_row or notes.get(number):
                cells += [None] * (error_index - len(cells))
                text = _("Problems") if number == table.header_row else "\n".join(notes[number])
                cell = WriteOnlyCell(sheet, neutralise(text))
                cell.font = HEADER_FONT if number == table.header_row else BAD_FONT
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cells.append(cell)
            sheet.append(cells)
    output = BytesIO()
    workbook.save(output)
    output.seek(0)
    return output
