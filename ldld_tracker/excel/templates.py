"""The two import templates: a data sheet ready to fill, instructions, an example.

The data sheet has the header row only (an example row there would be imported by an
officer who forgets to delete it, so the example sits on the instructions sheet, below
the rows the reader searches). Closed lists get drop-downs fed from a hidden sheet; ID,
tax code and phone columns are formatted as text so Excel keeps their leading zeros;
date columns are formatted dd/mm/yyyy.
"""

from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from .. import access
from ..extensions import db
from ..models import EthnicGroup, IndustrialZone, Religion, Unit, UnitKind, User
from . import columns as cols
from .layout import DATE_FORMAT, FONT_NAME

TEXT_KINDS = ("citizen_id", "tax_code", "phone")
DATA_ROWS = 5000
EXAMPLE_ROW = 24  # well below the 15 rows the reader searches for a header

HELP = {
    "name": _l("Full name of the enterprise."),
    "tax_code": _l("10 or 13 digits. Enterprises are matched by tax code."),
    "unit": _l("District, town or city (choose from the list)."),
    "ownership": _l("State, foreign-invested, private or cooperative."),
    "zone": _l("Industrial zone or cluster, if any."),
    "workforce": _l("Number of workers."),
    "union_founded_on": _l("Date the grassroots union was founded (dd/mm/yyyy)."),
    "has_party_org": _l("Yes if the enterprise has a party organisation."),
    "full_name": _l("Full name, in Unicode."),
    "birth_date": _l("dd/mm/yyyy."),
    "sex": _l("Male or female."),
    "ethnic_group": _l("Ethnic group (choose from the list)."),
    "religion": _l("Religion, or “Không” (none)."),
    "citizen_id": _l("12 digits. People are matched by citizen ID, across enterprises."),
    "phone": _l("Phone number."),
    "role_category": _l("Category of the plan (choose from the list)."),
    "union_joined_on": _l("Date of joining the union."),
    "education": _l("General education: 9/12, 12/12, THCS, THPT …"),
    "youth_union_member": _l("Yes if a member of the Youth Union."),
    "party_cell": _l("The party cell that considers the applicant."),
    "cell_is_grassroots": _l("Yes if this cell is itself the grassroots party organisation "
                             "(then there is no committee resolution)."),
    "introducer_name": _l("The official party member who introduces the applicant, with the "
                          "union's resolution."),
    "introducer_since": _l("Since when that party member has worked with the applicant."),
    "note": _l("Anything else."),
}


def _lists(user: User) -> dict[str, list[str]]:
    units = db.session.scalars(access.units(user).where(
        Unit.kind.in_((UnitKind.CITY, UnitKind.TOWN, UnitKind.DISTRICT))).order_by(Unit.code))
    return {
        "units": [u.name for u in units],
        "zones": list(db.session.scalars(select(IndustrialZone.name).order_by(IndustrialZone.name))),
        "ethnic_groups": list(db.session.scalars(select(EthnicGroup.name).order_by(EthnicGroup.code))),
        "religions": ["Không", *db.session.scalars(select(Religion.name).order_by(Religion.name))],
        "yes_no": cols.first_words(cols.YES_NO_WORDS),
        "sex": cols.first_words(cols.SEX_WORDS),
        "role_categories": cols.first_words(cols.ROLE_WORDS),
        "ownership": cols.first_words(cols.OWNERSHIP_WORDS),
        "education": cols.first_words(cols.EDUCATION_WORDS),
    }


def _font(**kwargs: object) -> Font:
    return Font(name=FONT_NAME, size=12, **kwargs)


def build_template(kind: str, user: User) -> BytesIO:
    """The template workbook for ``kind`` ("enterprises" or "dossiers"), as bytes."""
    columns = cols.ENTERPRISE_COLUMNS if kind == "enterprises" else cols.DOSSIER_COLUMNS
    workbook = Workbook()
    data = workbook.active
    data.title = _("Data")
    instructions = workbook.create_sheet(_("Instructions"))
    lists_sheet = workbook.create_sheet(_("Lists"))
    lists_sheet.sheet_state = "hidden"

    ranges: dict[str, str] = {}
    needed = {c.choices for c in columns if c.choices}
    for index, (name, values) in enumerate(
            (n, v) for n, v in _lists(user).items() if n in needed):
        letter = get_column_letter(index + 1)
        lists_sheet.cell(1, index + 1, name)
        for row, value in enumerate(values, 2):
            lists_sheet.cell(row, index + 1, value)
        ranges[name] = (f"{quote_sheetname(lists_sheet.title)}!${letter}$2:"
                        f"${letter}${max(len(values), 1) + 1}")

    header_fill = PatternFill("solid", fgColor="D9D9D9")
    for index, column in enumerate(columns, 1):
        letter = get_column_letter(index)
        cell = data.cell(1, index, column.title)
        cell.font = _font(bold=True, color="9C0006" if column.required else None)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        dimension = data.column_dimensions[letter]
        dimension.width = column.width
        if column.kind == "date":
            dimension.number_format = DATE_FORMAT
        elif column.kind in TEXT_KINDS:
            dimension.number_format = "@"
        target = f"{letter}2:{letter}{DATA_ROWS + 1}"
        if column.choices:
            validation = DataValidation(type="list", formula1=f"={ranges[column.choices]}",
                                        allow_blank=True, showErrorMessage=True,
                                        errorStyle="warning")
            validation.error = _("Choose a value from the list.")
            validation.add(target)
            data.add_data_validation(validation)
        elif column.kind == "date":
            validation = DataValidation(type="date", operator="greaterThan", formula1="1",
                                        allow_blank=True, showErrorMessage=True,
                                        errorStyle="warning")
            validation.error = _("Enter a date as dd/mm/yyyy, e.g. 05/06/2020.")
            validation.add(target)
            data.add_data_validation(validation)
    data.row_dimensions[1].height = 45
    data.freeze_panes = "B2"
    _instructions(instructions, kind, columns)
    output = BytesIO()
    workbook.save(output)
    output.seek(0)
    return output


def _instructions(sheet, kind: str, columns: tuple[cols.ImportColumn, ...]) -> None:
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 90
    lines = [
        _("How to fill in this workbook"),
        _("Enter one row per %(what)s on the sheet “%(sheet)s”, below the header row.",
          what=_("enterprise") if kind == "enterprises" else _("person"), sheet=_("Data")),
        _("Columns marked * are required. Columns may be in any order; other columns are "
          "ignored, and your own workbook with the same headers can be imported as it is."),
        _("Dates: dd/mm/yyyy (05/06/2020). Lists: choose from the drop-down."),
        _("Importing the same workbook again changes nothing. Nothing is saved while any "
          "row has an error: the preview lists every problem with its row and column."),
    ]
    if kind == "dossiers":
        lines.append(_("Each milestone is recorded in order with the same rules as the "
                       "form; an empty cell never removes a recorded milestone."))
    for row, line in enumerate(lines, 1):
        cell = sheet.cell(row, 1, line)
        cell.font = _font(bold=row == 1)
    start = len(lines) + 2
    for index, header in enumerate((_("Column"), _("Required"), _("What to enter"))):
        sheet.cell(start, index + 1, header).font = _font(bold=True)
    for row, column in enumerate(columns, start + 1):
        sheet.cell(row, 1, column.header).font = _font()
        sheet.cell(row, 2, _("Yes") if column.required else "").font = _font()
        sheet.cell(row, 3, str(HELP.get(column.key, ""))).font = _font()
    example_row = max(EXAMPLE_ROW, start + len(columns) + 3)
    sheet.cell(example_row - 1, 1, _("Example")).font = _font(bold=True)
    for index, column in enumerate(columns, 1):
        sheet.cell(example_row, index, column.title).font = _font(bold=True)
        cell = sheet.cell(example_row + 1, index, column.example)
        cell.font = _font(italic=True)
        if column.kind == "date":
            cell.number_format = DATE_FORMAT
