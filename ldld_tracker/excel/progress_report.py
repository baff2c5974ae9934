"""progress.xlsx: the year's results by unit (or by enterprise within one unit).

Every figure comes from ``dashboards.queries.progress`` (the pages' and the API's query),
so the report and the API cannot disagree. Only the breakdown columns (women, ethnic
minorities, believers, under 30, the plan's categories) are counted here, per row, with
the dashboards' own building blocks (``people_base``, ``counting``, the age rule); their
sum over the rows is the dashboards' breakdown total.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from sqlalchemy import case, func

from ..dashboards.breakdowns import ROLE_LABELS, _younger_than
from ..dashboards.figures import CURRENT_CODES, Figures, Progress
from ..dashboards.scope import people_base
from ..extensions import db
from ..models import Dossier, Enterprise, EthnicGroup, Person, RoleCategory, Sex, User
from ..workflow import counting
from ..workflow.rules import rule_values, stage_label
from .layout import PROGRESS_TITLE, PROGRESS_UNIT_TITLE, Column, ReportSheet, ratio
from .sheets import OpenpyxlSheet

BREAKDOWN_KEYS = ("women", "minority", "believer", "young", *(r.value for r in RoleCategory))


def breakdown_counts(user: User, progress: Progress, by_enterprise: bool) -> dict[int, dict[str, int]]:
    """Admissions of the year tracked person by person, per unit (or enterprise) id,
    broken down as the dashboards do. One query."""
    plan, as_of = progress.plan, progress.as_of
    unit_id = progress.unit_id
    key = Enterprise.id if by_enterprise else Enterprise.unit_id
    young = rule_values().young_age_years

    def count(condition) -> object:
        return func.sum(case((condition, 1), else_=0))

    stmt = (
        people_base(user, plan, unit_id)
        .join(Dossier, Dossier.person_id == Person.id)
        .join(EthnicGroup, Person.ethnic_group_id == EthnicGroup.id)
        .add_columns(
            key.label("key"),
            count(Person.sex == Sex.FEMALE), count(EthnicGroup.is_minority.is_(True)),
            count(Person.religion_id.is_not(None)),
            func.sum(_younger_than(young, Dossier.admitted_on)),
            *[count(Person.role_category == role) for role in RoleCategory])
        .where(counting.admitted_in_year(plan.year, as_of))
        .group_by(key)
    )
    return {row[0]: dict(zip(BREAKDOWN_KEYS, (int(v or 0) for v in row[1:]), strict=True))
            for row in db.session.execute(stmt)}


def _columns(by_enterprise: bool) -> list[Column]:
    young = rule_values().young_age_years
    first = ([Column(_("No."), 6, "center"), Column(_("Enterprise"), 36),
              Column(_("Tax code"), 15, "center"), Column(_("Target of introductions"), 13, "int"),
              Column(_("Introduced"), 12, "int"), Column(_("Share of target"), 10, "percent"),
              Column(_("Admitted"), 11, "int")]
             if by_enterprise else
             [Column(_("No."), 6, "center"), Column(_("Unit"), 30), Column(_("Target"), 11, "int"),
              Column(_("Admitted, tracked"), 12, "int"), Column(_("Admitted, reported"), 12, "int"),
              Column(_("Admitted, total"), 12, "int"), Column(_("Share of target"), 10, "percent"),
              Column(_("Introduced"), 12, "int")])
    stages = [Column(str(stage_label(code)), 12, "int") for code in CURRENT_CODES]
    breakdowns = [Column(_("Women"), 10, "int"), Column(_("Ethnic minorities"), 11, "int"),
                  Column(_("Religious believers"), 11, "int"),
                  Column(_("Under %(years)s", years=young), 10, "int"),
                  *[Column(str(label), 12, "int") for label in ROLE_LABELS.values()]]
    return first + stages + breakdowns


def _row_values(figures: Figures, counts: dict[str, int], reported_parts: bool) -> list[int]:
    stages = [figures.current[code] for code in CURRENT_CODES]
    women = counts.get("women", 0) + (figures.reported_women if reported_parts else 0)
    minority = counts.get("minority", 0) + (figures.reported_ethnic_minority if reported_parts else 0)
    rest = [counts.get(key, 0) for key in BREAKDOWN_KEYS[2:]]
    return stages + [women, minority, *rest]


def build_progress(user: User, progress: Progress, issued_on: date) -> BytesIO:
    """The workbook: the official report sheet, then a sheet with a bar chart."""
    by_enterprise = progress.unit is not None
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")
    columns = _columns(by_enterprise)
    title = (PROGRESS_UNIT_TITLE if by_enterprise else PROGRESS_TITLE).format(year=progress.year)
    subtitle = _("Plan %(number)s; figures as of %(date)s", number=progress.plan.number,
                 date=progress.as_of.strftime("%d/%m/%Y"))
    if by_enterprise:
        subtitle = f"{progress.unit.name} – {subtitle}"
    report = ReportSheet(OpenpyxlSheet(workbook, sheet), columns, title, subtitle, issued_on)
    counts = breakdown_counts(user, progress, by_enterprise)
    if by_enterprise:
        for number, ent in enumerate(progress.enterprises, 1):
            row = report.row + 1
            report.add_row([number, ent.name, ent.tax_code, ent.target, ent.introduced,
                            ratio(row, 5, 4), ent.admitted_tracked,
                            *_row_values(ent, counts.get(ent.enterprise_id, {}), False)])
    else:
        for number, unit in enumerate(progress.districts, 1):
            row = report.row + 1
            report.add_row([number, unit.name, unit.target, unit.admitted_tracked,
                            unit.admitted_reported, unit.admitted, ratio(row, 6, 3),
                            unit.introduced, *_row_values(unit, counts.get(unit.unit_id, {}), True)])
    share_column, share_of = (6, (5, 4)) if by_enterprise else (7, (6, 3))
    formulas: dict[int, object] = {share_column: ratio(report.row + 1, *share_of)}
    parts = sum(unit.target or 0 for unit in progress.districts)
    target_differs = not by_enterprise and progress.total.target not in (None, parts)
    if target_differs:
        # The plan's own target (the board's view) even when the units' split differs.
        formulas[3] = progress.total.target
    report.add_total_row(_("Total"), 2, formulas=formulas)
    if by_enterprise:
        _unit_summary(report, progress)
    if target_differs:
        report.add_line((_("The units' targets add up to %(parts)s; the plan's target is "
                           "%(target)s.", parts=parts, target=progress.total.target), "plain"))
    _note(report, by_enterprise)
    report.finish()
    _chart(workbook, sheet, report, by_enterprise)
    output = BytesIO()
    workbook.save(output)
    output.seek(0)
    return output


def _unit_summary(report: ReportSheet, progress: Progress) -> None:
    """Below an enterprise table: the unit's own figures, reported totals included."""
    unit = progress.unit
    report.add_line()
    for label, value in ((_("Target of the unit"), unit.target),
                         (_("Admitted, tracked"), unit.admitted_tracked),
                         (_("Admitted, reported as monthly totals"), unit.admitted_reported),
                         (_("Admitted, total"), unit.admitted)):
        report.add_line(None, (label, "text"), (value, "int"))


def _note(report: ReportSheet, by_enterprise: bool) -> None:
    note = _("Women and ethnic minorities include the reported totals; the other breakdowns "
             "count the admissions tracked person by person.") if not by_enterprise else _(
        "Breakdowns count the admissions tracked person by person.")
    report.add_line((note, "plain"))


def _chart(workbook: Workbook, sheet, report: ReportSheet, by_enterprise: bool) -> None:
    """A native Excel bar chart of target against admitted (introduced, by enterprise)."""
    chart_sheet = workbook.create_sheet(_("Chart"))
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = _("Target and introduced") if by_enterprise else _("Target and admitted")
    chart.y_axis.title = _("People")
    chart.y_axis.majorGridlines = None
    chart.width, chart.height = 30, 14
    first, last = report.first_data_row, max(report.last_data_row, report.first_data_row)
    series = (4, 5) if by_enterprise else (3, 6)
    for column in series:
        chart.add_data(Reference(sheet, min_col=column, min_row=first - 1, max_row=last),
                       titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, min_row=first, max_row=last))
    chart_sheet.add_chart(chart, "A1")
