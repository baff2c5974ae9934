"""Progress toward a plan's target: the province, its units and their enterprises.

The public API of the dashboards, used by the pages, the JSON API and the Excel reports:
``plans()``, ``plan_for_year()``, ``default_as_of()`` and ``progress()``. Results are plain
dataclasses. Each call runs a fixed number of SQL queries (aggregated with GROUP BY and
CASE/SUM), scoped with ``access``, counted with ``workflow.counting``.

A person is counted in the unit of the enterprise they are in now; a unit belongs to a
plan's territory when it is a child of the plan's unit and exists during the plan's year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from werkzeug.exceptions import NotFound

from .. import access, clock
from ..extensions import db
from ..models import (
    Dossier,
    Enterprise,
    EnterpriseTarget,
    Person,
    Plan,
    ReportedTotal,
    Unit,
    UnitTarget,
    User,
)
from ..workflow import counting
from ..workflow.rules import END_CODES, STAGE_CODES
from . import pace

MILESTONE_CODES: tuple[str, ...] = STAGE_CODES
CURRENT_CODES: tuple[str, ...] = STAGE_CODES + END_CODES


class PlanNotFound(NotFound):
    description = _l("There is no plan for this year.")


class UnitNotFound(NotFound):
    description = _l("Not found. It does not exist, or it is outside your area.")


@dataclass(frozen=True)
class PlanInfo:
    id: int
    year: int
    number: str
    issuing_body: str
    issued_on: date
    target: int
    unit_id: int
    monthly_profile: list[int] | None


@dataclass
class Figures:
    """The numbers of one level (the whole scope, a unit or an enterprise)."""

    target: int | None = None
    admitted_tracked: int = 0
    admitted_reported: int = 0
    introduced: int = 0
    reached: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MILESTONE_CODES, 0))
    current: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CURRENT_CODES, 0))
    people: int = 0  # union members recorded (with or without a dossier)
    reported_women: int = 0
    reported_ethnic_minority: int = 0
    # Filled by ``progress``: the target's pace on the "as of" day.
    expected: int | None = None
    behind: bool = False

    @property
    def admitted(self) -> int:
        return self.admitted_tracked + self.admitted_reported

    @property
    def share(self) -> float | None:
        """Admitted as a share of the target (None without a positive target)."""
        return self.admitted / self.target if self.target else None

    @property
    def open_dossiers(self) -> int:
        """Dossiers on the path that have not reached the end (official) nor left it."""
        return sum(n for code, n in self.current.items() if code not in END_CODES + ("official",))

    def add(self, other: Figures) -> None:
        """Add ``other``'s counts to these (targets are not added)."""
        self.admitted_tracked += other.admitted_tracked
        self.admitted_reported += other.admitted_reported
        self.introduced += other.introduced
        self.people += other.people
        self.reported_women += other.reported_women
        self.reported_ethnic_minority += other.reported_ethnic_minority
        for code in MILESTONE_CODES:
            self.reached[code] += other.reached[code]
        for code in CURRENT_CODES:
            self.current[code] += other.current[code]

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "admitted": self.admitted,
            "admitted_tracked": self.admitted_tracked,
            "admitted_reported": self.admitted_reported,
            "introduced": self.introduced,
            "reached": dict(self.reached),
            "current": dict(self.current),
        }


@dataclass
class UnitFigures(Figures):
    unit_id: int = 0
    code: str = ""
    name: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, **super().as_json()}


@dataclass
class EnterpriseFigures(Figures):
    """An enterprise's figures; ``target`` is its optional introduction target."""

    enterprise_id: int = 0
    tax_code: str = ""
    name: str = ""
    unit_id: int = 0
    union_founded_on: date | None = None
    workforce: int | None = None
    has_party_org: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"tax_code": self.tax_code, "name": self.name, **super().as_json()}


@dataclass
class Progress:
    """A plan's progress on ``as_of`` as the user may see it.

    ``districts`` are the plan's units in scope (one, when ``unit`` is set); ``total`` is
    their sum (its target: the plan's own for a user who sees the whole province).
    ``enterprises`` are listed only for one unit.
    """

    plan: PlanInfo
    as_of: date
    total: Figures
    districts: list[UnitFigures]
    unit: UnitFigures | None = None
    enterprises: list[EnterpriseFigures] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.plan.year

    @property
    def forecast(self) -> int | None:
        return pace.forecast(self.total.admitted, self.plan.year, self.as_of)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "year": self.plan.year,
            "as_of": self.as_of.isoformat(),
            "plan": {"number": self.plan.number, "target": self.plan.target},
            "total": self.total.as_json(),
            "districts": [d.as_json() for d in self.districts],
        }
        if self.unit is not None:
            data["enterprises"] = [e.as_json() for e in self.enterprises]
        return data


# --- plans --------------------------------------------------------------------------

def _plan_info(plan: Plan) -> PlanInfo:
    return PlanInfo(plan.id, plan.year, plan.number, plan.issuing_body, plan.issued_on,
                    plan.target, plan.unit_id, list(plan.monthly_profile or []) or None)


def plans() -> list[PlanInfo]:
    """Every plan, latest year first (for the year selector). One query."""
    return [_plan_info(p) for p in db.session.scalars(select(Plan).order_by(Plan.year.desc()))]


def plan_for_year(year: int) -> PlanInfo:
    """The plan of ``year``, or ``PlanNotFound`` (a 404). One query."""
    plan = db.session.scalar(select(Plan).where(Plan.year == year))
    if plan is None:
        raise PlanNotFound()
    return _plan_info(plan)


def default_as_of(year: int) -> date:
    """Today for the current year, 31 December for a year that has ended."""
    return min(clock.today(), date(year, 12, 31))


# --- building blocks shared by the other dashboard modules ----------------------------

def territory_clause(plan: PlanInfo) -> ColumnElement[bool]:
    """The condition on ``Unit`` for the units a plan reports by."""
    start, end = counting.year_bounds(plan.year)
    return and_(
        Unit.parent_id == plan.unit_id,
        or_(Unit.valid_from.is_(None), Unit.valid_from <= end),
        or_(Unit.valid_to.is_(None), Unit.valid_to >= start),
    )


def people_base(user: User, plan: PlanInfo, unit_id: int | None = None) -> Select:
    """``select()`` from Person joined to its enterprise and unit, in the user's scope and
    the plan's territory (one unit when ``unit_id`` is given). Callers add columns."""
    stmt = (
        select()
        .select_from(Person)
        .join(Enterprise, Person.enterprise_id == Enterprise.id)
        .join(Unit, Enterprise.unit_id == Unit.id)
        .where(access.people_clause(user), territory_clause(plan))
    )
    if unit_id is not None:
        stmt = stmt.where(Unit.id == unit_id)
    return stmt


def reported_base(user: User, plan: PlanInfo, as_of: date, unit_id: int | None = None) -> Select:
    """``select()`` from the reported totals that count on ``as_of`` (months ended),
    for the units whose totals the user may see."""
    stmt = (
        select()
        .select_from(ReportedTotal)
        .join(Unit, ReportedTotal.unit_id == Unit.id)
        .where(
            ReportedTotal.year == plan.year,
            ReportedTotal.month <= counting.reported_months(plan.year, as_of),
            access.unit_totals_clause(user),
            territory_clause(plan),
        )
    )
    if unit_id is not None:
        stmt = stmt.where(Unit.id == unit_id)
    return stmt


def find_unit(user: User, plan: PlanInfo, code: str) -> Unit:
    """A unit of the plan's territory in the user's scope, by code; else ``UnitNotFound``."""
    unit = db.session.scalar(
        select(Unit).where(Unit.code == code, access.unit_clause(user), territory_clause(plan)))
    if unit is None:
        raise UnitNotFound()
    return unit


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _tracked(user: User, plan: PlanInfo, as_of: date, key: ColumnElement,
             unit_id: int | None = None) -> dict[int, Figures]:
    """Tracked figures per ``key`` (a unit or enterprise id column), in one query.

    The inner query derives each person's stage and milestone flags; the outer one groups
    by key and stage (grouping on a subquery's column keeps PostgreSQL happy with bound
    parameters)."""
    year = plan.year
    inner = people_base(user, plan, unit_id).add_columns(
        key.label("key"),
        Dossier.id.label("dossier_id"),
        counting.stage_expression(as_of).label("stage"),
        *[_flag(counting.reached_in_year(code, year, as_of)).label(f"r_{code}")
          for code in MILESTONE_CODES],
    ).outerjoin(Dossier, Dossier.person_id == Person.id).subquery()
    stmt = select(
        inner.c.key, inner.c.stage, func.count().label("people"),
        func.count(inner.c.dossier_id).label("dossiers"),
        *[func.sum(inner.c[f"r_{code}"]).label(f"r_{code}") for code in MILESTONE_CODES],
    ).group_by(inner.c.key, inner.c.stage)
    result: dict[int, Figures] = {}
    for row in db.session.execute(stmt):
        figures = result.setdefault(row.key, Figures())
        figures.people += row.people
        if row.stage in figures.current:
            figures.current[row.stage] += row.dossiers
        for code in MILESTONE_CODES:
            figures.reached[code] += int(row._mapping[f"r_{code}"] or 0)
    for figures in result.values():
        figures.admitted_tracked = figures.reached["admitted"]
        figures.introduced = figures.reached["introduced"]
    return result


def _reported(user: User, plan: PlanInfo, as_of: date,
              unit_id: int | None = None) -> dict[int, tuple[int, int, int]]:
    """(admitted, women, ethnic minority) reported per unit, in one query."""
    stmt = reported_base(user, plan, as_of, unit_id).add_columns(
        ReportedTotal.unit_id,
        func.sum(ReportedTotal.admitted), func.sum(ReportedTotal.women),
        func.sum(ReportedTotal.ethnic_minority),
    ).group_by(ReportedTotal.unit_id)
    return {row[0]: (int(row[1] or 0), int(row[2] or 0), int(row[3] or 0))
            for row in db.session.execute(stmt)}


def _units(user: User, plan: PlanInfo, unit_id: int | None = None) -> list[UnitFigures]:
    """The plan's units in scope with their share of the target, in one query."""
    stmt = (
        select(Unit.id, Unit.code, Unit.name, UnitTarget.target)
        .outerjoin(UnitTarget, and_(UnitTarget.unit_id == Unit.id, UnitTarget.plan_id == plan.id,
                                    access.unit_totals_clause(user)))
        .where(access.unit_clause(user), territory_clause(plan))
        .order_by(Unit.code)
    )
    if unit_id is not None:
        stmt = stmt.where(Unit.id == unit_id)
    return [UnitFigures(unit_id=r.id, code=r.code, name=r.name, target=r.target)
            for r in db.session.execute(stmt)]


def _enterprises(user: User, plan: PlanInfo, unit_id: int) -> list[EnterpriseFigures]:
    """A unit's enterprises in scope with their optional introduction target, one query."""
    stmt = (
        select(Enterprise.id, Enterprise.tax_code, Enterprise.name, Enterprise.unit_id,
               Enterprise.union_founded_on, Enterprise.workforce, Enterprise.has_party_org,
               EnterpriseTarget.introductions)
        .outerjoin(EnterpriseTarget, and_(EnterpriseTarget.enterprise_id == Enterprise.id,
                                          EnterpriseTarget.plan_id == plan.id))
        .where(Enterprise.unit_id == unit_id, access.enterprise_clause(user))
        .order_by(Enterprise.sort_name)
    )
    return [EnterpriseFigures(enterprise_id=r.id, tax_code=r.tax_code, name=r.name,
                              unit_id=r.unit_id, union_founded_on=r.union_founded_on,
                              workforce=r.workforce, has_party_org=r.has_party_org,
                              target=r.introductions)
            for r in db.session.execute(stmt)]


def _merge(row: Figures, tracked: Figures | None,
           reported: tuple[int, int, int] | None = None) -> None:
    if tracked is not None:
        row.add(tracked)
    if reported is not None:
        row.admitted_reported, row.reported_women, row.reported_ethnic_minority = reported


def _set_pace(row: Figures, plan: PlanInfo, as_of: date) -> None:
    row.expected = pace.expected(row.target, plan.year, as_of, plan.monthly_profile)
    row.behind = pace.behind(row.admitted, row.target, plan.year, as_of, plan.monthly_profile)


def progress(user: User, year: int, as_of: date | None = None,
             district_code: str | None = None) -> Progress:
    """The plan of ``year`` on ``as_of`` (default ``default_as_of``) as ``user`` may see it.

    Without ``district_code``: one row per unit in scope. With it: that unit alone and its
    enterprises (``UnitNotFound`` when outside the scope or the plan's territory).
    Five queries for the province, six for a unit."""
    plan = plan_for_year(year)
    as_of = as_of or default_as_of(year)
    unit_id = find_unit(user, plan, district_code).id if district_code is not None else None

    districts = _units(user, plan, unit_id)
    reported = _reported(user, plan, as_of, unit_id)
    enterprises: list[EnterpriseFigures] = []
    if unit_id is None:
        tracked = _tracked(user, plan, as_of, Enterprise.unit_id)
        for row in districts:
            _merge(row, tracked.get(row.unit_id), reported.get(row.unit_id))
    else:
        enterprises = _enterprises(user, plan, unit_id)
        by_enterprise = _tracked(user, plan, as_of, Enterprise.id, unit_id)
        for ent in enterprises:
            _merge(ent, by_enterprise.get(ent.enterprise_id))
        for row in districts:
            for ent in enterprises:
                row.add(ent)
            _merge(row, None, reported.get(row.unit_id))

    total = Figures()
    for row in districts:
        total.add(row)
        _set_pace(row, plan, as_of)
    if unit_id is None and user.role in access.READ_ALL:
        total.target = plan.target
    else:
        targets = [row.target for row in districts if row.target is not None]
        total.target = sum(targets) if targets else None
    _set_pace(total, plan, as_of)
    unit = districts[0] if unit_id is not None and districts else None
    return Progress(plan=plan, as_of=as_of, total=total, districts=districts, unit=unit,
                    enterprises=enterprises)
