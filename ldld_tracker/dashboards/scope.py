"""Which plan, which day, which units and people: the scoped building blocks every
dashboard query starts from (each function here is at most one query)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, Subquery, and_, case, not_, or_, select
from werkzeug.exceptions import NotFound

from .. import access, clock
from ..extensions import db
from ..models import Dossier, Enterprise, Person, Plan, ReportedTotal, Unit, User
from ..tally import read as tally
from ..workflow import counting
from .figures import PlanInfo


class PlanNotFound(NotFound):
    description = _l("There is no plan for this year.")


class UnitNotFound(NotFound):
    description = _l("Not found. It does not exist, or it is outside your area.")


def plan_info(plan: Plan) -> PlanInfo:
    """A loaded plan as the plain ``PlanInfo`` the queries take."""
    return PlanInfo(plan.id, plan.year, plan.number, plan.issuing_body, plan.issued_on,
                    plan.target, plan.unit_id, tuple(plan.monthly_profile or ()) or None)


def plans() -> list[PlanInfo]:
    """Every plan, latest year first (for the year selector). One query."""
    return [plan_info(p) for p in db.session.scalars(select(Plan).order_by(Plan.year.desc()))]


def plan_for_year(year: int) -> PlanInfo:
    """The plan of ``year``, or ``PlanNotFound`` (a 404). One query."""
    plan = db.session.scalar(select(Plan).where(Plan.year == year))
    if plan is None:
        raise PlanNotFound()
    return plan_info(plan)


def default_as_of(year: int) -> date:
    """Today for the current year, 31 December for a year that has ended."""
    return min(clock.today(), date(year, 12, 31))


def territory_clause(plan: PlanInfo) -> ColumnElement[bool]:
    """The condition on ``Unit`` for the units a plan reports by."""
    return _territory(plan.unit_id, plan.year)


@lru_cache(maxsize=64)
def _territory(unit_id: int, year: int) -> ColumnElement[bool]:
    """(built once per plan: an immutable expression used by every dashboard query)"""
    start, end = counting.year_bounds(year)
    return and_(
        Unit.parent_id == unit_id,
        or_(Unit.valid_from.is_(None), Unit.valid_from <= end),
        or_(Unit.valid_to.is_(None), Unit.valid_to >= start),
    )


def _units_seen(user: User, plan: PlanInfo, unit_id: int | None) -> list[ColumnElement[bool]]:
    """The conditions on ``Unit`` for the units ``user`` sees in the plan's territory (only
    ``unit_id`` when given)."""
    conditions = [access.unit_clause(user), territory_clause(plan)]
    return conditions if unit_id is None else [*conditions, Unit.id == unit_id]


def by_unit(stmt: Select, unit_column: ColumnElement[int], user: User, plan: PlanInfo,
            unit_id: int | None = None) -> Select:
    """``stmt`` over per-unit rows (the summaries) joined to their unit and kept to the
    units ``user`` sees in the plan's territory (only ``unit_id`` when given)."""
    return stmt.join(Unit, Unit.id == unit_column).where(*_units_seen(user, plan, unit_id))


def whole_territory(user: User, unit_id: int | None) -> bool:
    """Whether the figures asked for are the whole territory's, every unit's and the
    plan's own totals (the board, no unit chosen): they are then read from the rows the
    plan's unit keeps of its children (``tally_rows``), not unit by unit."""
    return unit_id is None and user.role in access.READ_ALL


def tally_rows(user: User, plan: PlanInfo, unit_id: int | None, *ranges: tally.Range,
               codes: tuple[str, ...] | None = None) -> tuple[Subquery, Select]:
    """The summary rows of ``ranges`` (kind, code, starts_on, n) and ``select()`` from
    them kept to what ``user`` sees of the plan's territory (only ``unit_id`` when given);
    callers add columns summing ``n``. For the whole territory (``whole_territory``):
    the rows the plan's unit keeps of its children, less those of its children outside
    the territory that year (``tally.below``; one query for those units first, usually
    none: read in the same statement, a wrong guess of the planner read every unit's rows
    to find them). Otherwise every unit's rows joined to their units (``by_unit``)."""
    if whole_territory(user, unit_id):
        outside = db.session.scalars(select(Unit.id).where(
            Unit.parent_id == plan.unit_id, not_(territory_clause(plan))).order_by(Unit.id)).all()
        rows = tally.below(plan.unit_id, tuple(outside), *ranges, codes=codes)
        return rows, select().select_from(rows)
    rows = tally.rows(*ranges, codes=codes)
    return rows, by_unit(select().select_from(rows), rows.c.unit_id, user, plan, unit_id)


def unit_names(user: User, plan: PlanInfo, unit_id: int | None = None) -> Select:
    """(id, name) of the units ``user`` sees in the plan's territory (only ``unit_id`` when
    given): for reading per-unit rows without joining each of them to its unit."""
    return select(Unit.id, Unit.name).where(*_units_seen(user, plan, unit_id))


def enterprises_in_scope(stmt: Select, enterprise_column: ColumnElement[int], user: User,
                         unit_id: int | None = None) -> Select:
    """``stmt``, rows counted per enterprise straight from an index on
    ``enterprise_column``, kept to the enterprises whose people ``user`` sees (of
    ``unit_id`` when given). Unchanged for a user who sees everyone's and no unit: then
    the caller's join to the enterprises in scope is all the narrowing there is, and the
    count reads the index whole rather than once per enterprise."""
    if unit_id is None and user.role in access.READ_ALL:
        return stmt
    in_scope = select(Enterprise.id).where(access.people_clause(user))
    if unit_id is not None:
        in_scope = in_scope.where(Enterprise.unit_id == unit_id)
    return stmt.where(enterprise_column.in_(in_scope))


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


def dossiers_base(user: User, plan: PlanInfo, unit_id: int | None = None) -> Select:
    """``select()`` from Dossier joined to its enterprise (its person's, kept on the
    dossier) and unit, scoped as ``people_base``. Queries about dossiers start here rather
    than from every member, so their cost follows the number of dossiers; a query that
    needs the person's own columns joins the person itself."""
    stmt = (
        select()
        .select_from(Dossier)
        .join(Enterprise, Dossier.enterprise_id == Enterprise.id)
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


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)
