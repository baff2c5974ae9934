"""The report downloads: progress.xlsx, dossiers.xlsx and due.xlsx, in the official frame.

Each builder takes the user (everything is scoped through ``access`` and the dashboards'
queries) and returns the workbook as a file to send and, for lists of people, how many
rows it holds, for the audit log. The lists are written by XlsxWriter (see ``sheets``):
the dossier list streams its rows from the query in batches into a constant-memory
workbook on a temporary file, so a province-wide list of tens of thousands of people
stays light and costs little more than writing its cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import Select

from .. import access
from ..dashboards.due import Due
from ..dashboards.figures import Progress
from ..extensions import db
from ..forms.dossiers import ROLE_CATEGORY_LABELS
from ..forms.people import SEX_LABELS
from ..models import Dossier, Enterprise, EthnicGroup, Person, Religion, Unit, User
from ..workflow import counting
from ..workflow.rules import END_BY_CODE, MILESTONES, stage_label
from .layout import DOSSIERS_TITLE, DUE_TITLE, Column, ReportSheet
from .progress_report import build_progress
from .sheets import XlsxReport

__all__ = ["DossierFilters", "build_dossiers", "build_due", "build_progress", "dossiers_query"]

# Rows fetched from the database at a time for the dossier list.
BATCH = 1000


@dataclass(frozen=True)
class DossierFilters:
    """The dossier list's filters (as on the list page): a unit, an enterprise, the stage
    today, and a milestone (``year_of``) reached in ``year``."""

    unit_id: int | None = None
    enterprise_id: int | None = None
    stage: str = ""
    year: int | None = None
    year_of: str = "admitted"

    def describe(self, unit_name: str = "") -> str:
        parts = []
        if unit_name:
            parts.append(unit_name)
        if self.year:
            parts.append(_("“%(step)s” in %(year)s", step=stage_label(self.year_of),
                           year=self.year))
        if self.stage:
            parts.append(_("stage: %(stage)s", stage=stage_label(self.stage)))
        return "; ".join(parts)


def dossiers_query(user: User, filters: DossierFilters, today: date) -> Select:
    """The rows of the list, in Vietnamese name order, scoped by ``access.dossiers``."""
    stage = counting.stage_expression(today)
    stmt = (
        access.dossiers(user)
        .join(Unit, Enterprise.unit_id == Unit.id)
        .join(EthnicGroup, Person.ethnic_group_id == EthnicGroup.id)
        .outerjoin(Religion, Person.religion_id == Religion.id)
        .with_only_columns(
            Person.full_name, Person.birth_date, Person.sex, EthnicGroup.name, Religion.name,
            Person.citizen_id, Enterprise.name, Enterprise.tax_code, Unit.name,
            Person.role_category, stage.label("stage"),
            *[getattr(Dossier, m.date_field) for m in MILESTONES],
            Dossier.certificate_no, Dossier.introduction_resolution_no,
            Dossier.admission_decision_no, Dossier.end_kind, Dossier.ended_on,
            Dossier.end_reason, Dossier.note)
        .order_by(Person.sort_name, Person.id)
    )
    if filters.unit_id:
        stmt = stmt.where(Enterprise.unit_id == filters.unit_id)
    if filters.enterprise_id:
        stmt = stmt.where(Person.enterprise_id == filters.enterprise_id)
    if filters.stage:
        stmt = stmt.where(stage == filters.stage)
    if filters.year:
        stmt = stmt.where(counting.reached_in_year(filters.year_of, filters.year, today))
    return stmt


def _dossier_columns() -> list[Column]:
    columns = [Column(_("No."), 7, "center"), Column(_("Full name"), 26),
               Column(_("Date of birth"), 13, "date"), Column(_("Sex"), 7, "center"),
               Column(_("Ethnic group"), 11), Column(_("Religion"), 11),
               Column(_("Citizen ID"), 15, "center"), Column(_("Enterprise"), 30),
               Column(_("Tax code"), 14, "center"), Column(_("Unit"), 22),
               Column(_("Category"), 16), Column(_("Stage"), 18)]
    columns += [Column(str(m.label), 13, "date") for m in MILESTONES]
    columns += [Column(_("Certificate no."), 12), Column(_("Introduction resolution no."), 13),
                Column(_("Admission decision no."), 13), Column(_("Left the path"), 14),
                Column(_("Date left"), 13, "date"), Column(_("Reason"), 24),
                Column(_("Note"), 30)]
    return columns


def build_dossiers(user: User, filters: DossierFilters, today: date,
                   unit_name: str = "") -> tuple[IO[bytes], int]:
    """The list of people with every milestone date (real dates, dd/mm/yyyy)."""
    role_labels = {role: str(label) for role, label in ROLE_CATEGORY_LABELS.items()}
    sex_labels = {sex: str(label) for sex, label in SEX_LABELS.items()}
    end_labels = {code: str(end.label) for code, end in END_BY_CODE.items()}
    stage_labels: dict[str, str] = {}
    subtitle = _("As of %(date)s", date=today.strftime("%d/%m/%Y"))
    described = filters.describe(unit_name)
    milestones = len(MILESTONES)
    count = 0
    with XlsxReport(_("Dossiers")) as workbook:
        report = ReportSheet(workbook.sheet, _dossier_columns(), DOSSIERS_TITLE,
                             f"{described} – {subtitle}" if described else subtitle, today)
        result = db.session.execute(dossiers_query(user, filters, today).execution_options(
            yield_per=BATCH))
        for rows in result.partitions():
            for row in rows:
                count += 1
                (name, birth, sex, ethnic, religion, citizen_id, enterprise, tax_code, unit, role,
                 stage, *rest) = row
                (cert, resolution, decision, end_kind, ended_on, end_reason,
                 note) = rest[milestones:]
                if stage not in stage_labels:
                    stage_labels[stage] = str(stage_label(stage))
                report.add_row([
                    count, name, birth, sex_labels[sex], ethnic, religion or "",
                    citizen_id, enterprise, tax_code, unit, role_labels[role],
                    stage_labels[stage], *rest[:milestones], cert, resolution, decision,
                    end_labels.get(end_kind.value, "") if end_kind else "", ended_on,
                    end_reason, note])
        report.finish()
        return workbook.close(), count


def _due_titles() -> dict[str, str]:
    return {
        "ceremony": _("Admission ceremonies due or overdue"),
        "recognition": _("Probations ending: recognition as official member due"),
        "certificate": _("Awareness certificates expiring before the cell resolution"),
        "decision": _("Admission decisions overdue"),
        "stuck": _("Waiting longer than usual at one stage"),
    }


def build_due(user: User, progress: Progress, due: Due, issued_on: date) -> tuple[IO[bytes], int]:
    """The due and stuck lists of ``progress``'s scope, one table filterable by list."""
    titles = _due_titles()
    columns = [Column(_("No."), 7, "center"), Column(_("List"), 34), Column(_("Member"), 26),
               Column(_("Enterprise"), 30), Column(_("Unit"), 22), Column(_("Stage"), 18),
               Column(_("Since"), 13, "date"), Column(_("Due"), 13, "date"),
               Column(_("Overdue"), 10, "center"), Column(_("Days waited"), 10, "int")]
    subtitle = _("On %(date)s", date=progress.as_of.strftime("%d/%m/%Y"))
    if progress.unit is not None:
        subtitle = f"{progress.unit.name} – {subtitle}"
    count = 0
    with XlsxReport(_("Due and stuck")) as workbook:
        report = ReportSheet(workbook.sheet, columns, DUE_TITLE, subtitle, issued_on)
        cut: list[str] = []
        for key, items in due.lists.items():
            if items.total > len(items.items):
                cut.append(_("%(list)s: the first %(shown)s of %(total)s.", list=titles[key],
                             shown=len(items.items), total=items.total))
            for item in items.items:
                count += 1
                report.add_row([count, titles[key], item.person, item.enterprise, item.unit,
                                str(stage_label(item.stage)), item.since, item.due,
                                _("Yes") if item.overdue else "", item.days or None])
        report.add_line()
        for line in cut:
            report.add_line((line, "plain"))
        report.finish()
        return workbook.close(), count
