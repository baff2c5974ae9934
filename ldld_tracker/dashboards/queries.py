"""Progress toward a plan's target: the province, its units and their enterprises.

The public API of the dashboards, used by the pages, the JSON API and the Excel reports:
``plans()``, ``plan_for_year()``, ``default_as_of()`` and ``progress()``. Results are plain
dataclasses. Each call runs a fixed number of SQL queries (aggregated with GROUP BY and
CASE/SUM), scoped with ``access``, counted with ``workflow.counting``.

A person is counted in the unit of the enterprise they are in now; a unit belongs to a
plan's territory when it is a child of the plan's unit and exists during the plan's year.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, select

from .. import access
from ..extensions import db
from ..models import (
    Enterprise,
    EnterpriseTarget,
    Person,
    ReportedTotal,
    Unit,
    UnitMembers,
    UnitTarget,
    User,
)
from ..tally import events as tally_events
from ..tally import read as tally
from ..workflow import counting
from . import pace
from .figures import (
    CURRENT_CODES,
    MILESTONE_CODES,
    EnterpriseFigures,
    Figures,
    PlanInfo,
    Progress,
    UnitFigures,
)
from .scope import (
    PlanNotFound,
    UnitNotFound,
    by_unit,
    default_as_of,
    dossiers_base,
    enterprises_in_scope,
    find_unit,
    people_base,
    plan_for_year,
    plan_info,
    plans,
    reported_base,
    tally_rows,
    territory_clause,
    whole_territory,
)

__all__ = [
    "CURRENT_CODES", "MILESTONE_CODES", "EnterpriseFigures", "Figures", "PlanInfo", "PlanNotFound",
    "Progress", "UnitFigures", "UnitNotFound", "default_as_of", "dossiers_base", "find_unit", "people_base",
    "plan_for_year", "plan_info", "plans", "progress", "progress_frame", "reported_base",
    "territory_clause",
]


def _members(user: User, plan: PlanInfo, key: ColumnElement, unit_id: int | None,
             enterprise_ids: list[int] | None = None) -> Select:
    """Members recorded per ``key``: counted per enterprise straight from the index on
    ``person.enterprise_id`` (only the enterprises in scope when the user or the page is
    narrowed to some), then added up per key over the enterprises in scope."""
    per_enterprise = select(Person.enterprise_id.label("enterprise_id"),
                            func.count().label("people")).group_by(Person.enterprise_id)
    if enterprise_ids is not None:
        # (alone: with the unit's enterprises as well, SQLite counted all of them first;
        # the scope is still applied below)
        per_enterprise = per_enterprise.where(Person.enterprise_id.in_(enterprise_ids))
    else:
        per_enterprise = enterprises_in_scope(per_enterprise, Person.enterprise_id, user, unit_id)
    counts = per_enterprise.subquery("members")
    stmt = (select(key.label("key"), func.sum(counts.c.people))
            .select_from(Enterprise)
            .join(counts, counts.c.enterprise_id == Enterprise.id)
            .join(Unit, Enterprise.unit_id == Unit.id)
            .where(access.people_clause(user), territory_clause(plan))
            .group_by(key))
    if unit_id is not None:
        stmt = stmt.where(Unit.id == unit_id)
    return stmt


def _tracked(user: User, plan: PlanInfo, as_of: date, key: ColumnElement,
             unit_id: int | None = None, enterprise_ids: list[int] | None = None,
             ) -> dict[int, Figures]:
    """Tracked figures per ``key`` (a unit or enterprise id column), in two queries: the
    members recorded, and the dossiers by stage with the milestones reached in the year
    (only of ``enterprise_ids``, when given: one page of a unit's enterprises).

    The dossier query starts from the dossiers (not from every member), so its cost follows
    the number of dossiers; the inner query derives each dossier's stage and milestone
    flags, the outer one groups by key and stage (grouping on a subquery's column keeps
    PostgreSQL happy with bound parameters)."""
    result: dict[int, Figures] = {}
    for row_key, people in db.session.execute(_members(user, plan, key, unit_id, enterprise_ids)):
        result.setdefault(row_key, Figures()).people = int(people)
    year = plan.year
    base = dossiers_base(user, plan, unit_id)
    if enterprise_ids is not None:
        base = base.where(Enterprise.id.in_(enterprise_ids))
    inner = base.add_columns(key.label("key"), *_dossier_columns(as_of, year)).subquery()
    stmt = select(
        inner.c.key, inner.c.stage, func.count().label("dossiers"),
        *[func.count(inner.c[f"r_{code}"]).label(f"r_{code}") for code in MILESTONE_CODES],
    ).group_by(inner.c.key, inner.c.stage)
    for row_key, stage, dossiers, *reached in db.session.execute(stmt):
        figures = result.get(row_key)
        if figures is None:  # (setdefault would build a Figures for every row)
            figures = result[row_key] = Figures()
        if stage in figures.current:
            figures.current[stage] += dossiers
        for code, count in zip(MILESTONE_CODES, reached, strict=True):
            figures.reached[code] += count
    for figures in result.values():
        figures.admitted_tracked = figures.reached["admitted"]
        figures.introduced = figures.reached["introduced"]
    return result


def _tracked_units(user: User, plan: PlanInfo, as_of: date, unit_id: int | None = None,
                   unit_ids: list[int] | None = None) -> dict[int, Figures]:
    """``_tracked`` per unit (or of ``unit_id`` alone, or of ``unit_ids``) for a user who
    sees whole units, read from the per-unit summaries (kept with every change) in two
    queries whose cost follows the number of units, not of dossiers and members."""
    result: dict[int, Figures] = {}
    members = by_unit(select(UnitMembers.unit_id, UnitMembers.people), UnitMembers.unit_id,
                      user, plan, unit_id)
    rows = tally.rows(*_summary_ranges(as_of, plan.year))
    columns = _count_columns(rows)
    stmt = by_unit(select(rows.c.unit_id, *[column for _f, _c, column in columns]),
                   rows.c.unit_id, user, plan, unit_id).group_by(rows.c.unit_id)
    if unit_ids is not None:
        members = members.where(UnitMembers.unit_id.in_(unit_ids))
        stmt = stmt.where(rows.c.unit_id.in_(unit_ids))
    for unit, people in db.session.execute(members):
        result.setdefault(unit, Figures()).people = int(people)
    # (executed as plain SQL rows, without the ORM's row handling)
    for unit, *counts in db.session.connection().execute(stmt).all():
        figures = result.get(unit)
        if figures is None:
            figures = result[unit] = Figures()
        _add_counts(figures, columns, counts)
    return result


def _territory_total(user: User, plan: PlanInfo, as_of: date) -> Figures:
    """The whole territory's figures (``scope.whole_territory``) in three queries: the
    members, the summary rows the plan's unit keeps of its children (a few dozen, where
    its units' own are one set per unit) and the reported totals."""
    total = Figures()
    members = by_unit(select(func.sum(UnitMembers.people)), UnitMembers.unit_id, user, plan)
    total.people = int(db.session.scalar(members) or 0)
    rows, stmt = tally_rows(user, plan, None, *_summary_ranges(as_of, plan.year))
    columns = _count_columns(rows)
    counts = db.session.connection().execute(stmt.add_columns(*[c for _f, _c, c in columns])).one()
    _add_counts(total, columns, counts)
    total.admitted_reported, total.reported_women, total.reported_ethnic_minority = \
        reported_sum(user, plan, as_of)
    return total


def _add_counts(figures: Figures, columns: list, counts: list) -> None:
    """Add one row of ``_count_columns`` to ``figures``."""
    for (figures_field, code, _column), count in zip(columns, counts, strict=True):
        if count:
            getattr(figures, figures_field)[code] += int(count)
    figures.admitted_tracked = figures.reached["admitted"]
    figures.introduced = figures.reached["introduced"]


@lru_cache(maxsize=64)
def _dossier_columns(as_of: date, year: int) -> tuple[ColumnElement, ...]:
    """A dossier's stage on ``as_of`` and a flag per milestone reached in ``year``: the
    same for every request of the day, so built once."""
    return (counting.stage_expression(as_of).label("stage"),
            *[case((counting.reached_in_year(code, year, as_of), 1)).label(f"r_{code}")
              for code in MILESTONE_CODES])


def _summary_ranges(as_of: date, year: int) -> tuple[tally.Range, tally.Range]:
    """The summary rows of the stages on ``as_of`` and of the milestones reached in the
    plan's year up to that day."""
    return tally.stages_on(as_of), tally.reached_between(*counting.year_bounds(year, as_of))


@lru_cache(maxsize=64)
def _count_columns(rows: Subquery) -> list:
    """``(figures field, code, sum)``: the sums over ``rows`` (``tally.read.rows`` or
    ``below``) that give one row, per unit or in all, with a column per stage and
    milestone (the country: 900 rows instead of 900 x 23 to hand to Python). The same for
    every request of the day, so built once (building the 23 sums took a third of a small
    request's own time)."""
    return [(figures_field, code, func.sum(case((and_(rows.c.kind == kind, rows.c.code == code),
                                                 rows.c.n))))
            for figures_field, kind, codes in (("current", tally_events.STAGE, CURRENT_CODES),
                                               ("reached", tally_events.REACHED, MILESTONE_CODES))
            for code in codes]


# (admitted, women, ethnic minority) reported, summed: built once, the same in every query.
_REPORTED = (func.sum(ReportedTotal.admitted), func.sum(ReportedTotal.women),
             func.sum(ReportedTotal.ethnic_minority))


def reported_by_unit(user: User, plan: PlanInfo, as_of: date, unit_id: int | None = None,
                     unit_ids: list[int] | None = None) -> dict[int, tuple[int, int, int]]:
    """(admitted, women, ethnic minority) reported per unit (of ``unit_ids`` when
    given), in one query."""
    stmt = reported_base(user, plan, as_of, unit_id)
    if unit_ids is not None:
        stmt = stmt.where(ReportedTotal.unit_id.in_(unit_ids))
    stmt = stmt.add_columns(ReportedTotal.unit_id, *_REPORTED).group_by(ReportedTotal.unit_id)
    return {unit: _counts(sums) for unit, *sums in db.session.execute(stmt)}


def reported_sum(user: User, plan: PlanInfo, as_of: date,
                 unit_id: int | None = None) -> tuple[int, int, int]:
    """(admitted, women, ethnic minority) reported in the whole scope, in one query."""
    stmt = reported_base(user, plan, as_of, unit_id).add_columns(*_REPORTED)
    return _counts(db.session.execute(stmt).one())


def _counts(sums) -> tuple[int, int, int]:  # noqa: ANN001
    """A row of ``_REPORTED`` as whole numbers (no row counted: zeros)."""
    admitted, women, minority = sums
    return int(admitted or 0), int(women or 0), int(minority or 0)


def _units(user: User, plan: PlanInfo, unit_id: int | None = None,
           page: tuple[int, int] | None = None) -> tuple[list[UnitFigures], int]:
    """The plan's units in scope with their share of the target (``page``: the
    ``(number, size)`` page of them in code order) and how many there are in all; one
    query (two for a page past the end)."""
    in_scope = (access.unit_clause(user), territory_clause(plan),
                *(() if unit_id is None else (Unit.id == unit_id,)))
    stmt = (
        select(Unit.id, Unit.code, Unit.name, UnitTarget.target, func.count().over().label("total"))
        .outerjoin(UnitTarget, and_(UnitTarget.unit_id == Unit.id, UnitTarget.plan_id == plan.id,
                                    access.unit_totals_clause(user)))
        .where(*in_scope)
        .order_by(Unit.code)
    )
    rows, total = _page_of(stmt, page, select(func.count()).select_from(Unit).where(*in_scope))
    return [UnitFigures(unit_id=r.id, code=r.code, name=r.name, target=r.target)
            for r in rows], total


def _enterprises(user: User, plan: PlanInfo, unit_id: int,
                 page: tuple[int, int] | None = None) -> tuple[list[EnterpriseFigures], int]:
    """A unit's enterprises in scope with their optional introduction target (``page``:
    the ``(number, size)`` page of them in name order) and how many there are in all; one
    query (two for a page past the end)."""
    in_scope = (Enterprise.unit_id == unit_id, access.enterprise_clause(user))
    stmt = (
        select(Enterprise.id, Enterprise.tax_code, Enterprise.name, Enterprise.unit_id,
               Enterprise.union_founded_on, Enterprise.workforce, Enterprise.has_party_org,
               EnterpriseTarget.introductions, func.count().over().label("total"))
        .outerjoin(EnterpriseTarget, and_(EnterpriseTarget.enterprise_id == Enterprise.id,
                                          EnterpriseTarget.plan_id == plan.id))
        .where(*in_scope)
        .order_by(Enterprise.sort_name, Enterprise.id)
    )
    rows, total = _page_of(stmt, page, select(func.count()).select_from(Enterprise).where(*in_scope))
    return [EnterpriseFigures(enterprise_id=r.id, tax_code=r.tax_code, name=r.name,
                              unit_id=r.unit_id, union_founded_on=r.union_founded_on,
                              workforce=r.workforce, has_party_org=r.has_party_org,
                              target=r.introductions)
            for r in rows], total


def _page_of(stmt: Select, page: tuple[int, int] | None, count: Select) -> tuple[list, int]:
    """The rows of ``stmt`` (all, or the ``(number, size)`` page of them) and how many
    there are in all: its ``total`` column (a count over the whole result), or ``count``
    run for a page past the end."""
    if page is not None:
        number, size = page
        stmt = stmt.limit(size).offset((number - 1) * size)
    rows = db.session.execute(stmt).all()
    if rows:
        total = rows[0].total
    elif page is not None and page[0] > 1:
        total = db.session.scalar(count)
    else:
        total = 0
    return rows, int(total or 0)


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
             district_code: str | None = None,
             enterprise_page: tuple[int, int] | None = None, per_unit: bool = True,
             unit_page: tuple[int, int] | None = None) -> Progress:
    """The plan of ``year`` on ``as_of`` (default ``default_as_of``) as ``user`` may see it.

    Without ``district_code``: one row per unit in scope. With it: that unit alone and its
    enterprises (``UnitNotFound`` when outside the scope or the plan's territory), all of
    them or the ``(number, size)`` page of them in name order, the unit's own figures
    counted over all of them either way. A fixed number of queries whatever the data.

    For the whole territory (``scope.whole_territory``), without ``per_unit`` (a page that
    shows the total alone) its total is read as one set of figures and no unit is listed;
    with ``unit_page``, the ``(number, size)`` page of its units in code order is listed
    beside that total (``district_count`` in all). Either way the cost does not follow the
    number of units. Any other scope (one unit) is read as above, ``unit_page`` cutting
    the list, not the total."""
    plan = plan_for_year(year)
    as_of = as_of or default_as_of(year)
    unit_id = find_unit(user, plan, district_code).id if district_code is not None else None
    if whole_territory(user, unit_id) and (not per_unit or unit_page is not None):
        return _territory(user, plan, as_of, unit_page if per_unit else None)

    districts, count = _units(user, plan, unit_id)
    reported = reported_by_unit(user, plan, as_of, unit_id)
    tracked = _tracked_units(user, plan, as_of, unit_id) if access.sees_whole_units(user) \
        else _tracked(user, plan, as_of, Enterprise.unit_id, unit_id)
    for row in districts:
        _merge(row, tracked.get(row.unit_id), reported.get(row.unit_id))
    enterprises: list[EnterpriseFigures] = []
    enterprise_count = 0
    if unit_id is not None:
        enterprises, enterprise_count = _enterprises(user, plan, unit_id, enterprise_page)
        ids = None if enterprise_page is None else [ent.enterprise_id for ent in enterprises]
        by_enterprise = _tracked(user, plan, as_of, Enterprise.id, unit_id, ids) \
            if ids is None or ids else {}
        for ent in enterprises:
            _merge(ent, by_enterprise.get(ent.enterprise_id))

    total = _added_up(districts, plan, as_of)
    if unit_id is None and user.role in access.READ_ALL:
        _total_of(plan, as_of, total)
    else:
        targets = [row.target for row in districts if row.target is not None]
        total.target = sum(targets) if targets else None
        _set_pace(total, plan, as_of)
    unit = districts[0] if unit_id is not None and districts else None
    if unit_id is None and unit_page is not None:  # the total stays that of them all
        number, size = unit_page
        districts = districts[(number - 1) * size:number * size]
    return Progress(plan=plan, as_of=as_of, total=total, districts=districts, unit=unit,
                    enterprises=enterprises, enterprise_count=enterprise_count,
                    district_count=count)


def _territory(user: User, plan: PlanInfo, as_of: date, page: tuple[int, int] | None) -> Progress:
    """The whole territory's total (``_territory_total``) and the ``page`` of its units
    with their own figures (none without a page): a fixed number of queries, each
    reading the page's units or the plan's unit's rows, never every unit's. When the
    first page holds every unit (a province's 15), the total is theirs added up, and the
    plan's unit's rows are not read."""
    if page is None:
        return Progress(plan=plan, as_of=as_of, total=_total_of(plan, as_of, _territory_total(
            user, plan, as_of)), districts=[])
    districts, count = _units(user, plan, page=page)
    ids = [row.unit_id for row in districts]
    reported = reported_by_unit(user, plan, as_of, unit_ids=ids)
    tracked = _tracked_units(user, plan, as_of, unit_ids=ids)
    for row in districts:
        _merge(row, tracked.get(row.unit_id), reported.get(row.unit_id))
    added_up = _added_up(districts, plan, as_of)  # (each row given its pace)
    every_unit = page[0] == 1 and count <= page[1]
    total = added_up if every_unit else _territory_total(user, plan, as_of)
    return Progress(plan=plan, as_of=as_of, total=_total_of(plan, as_of, total),
                    districts=districts, district_count=count)


def _added_up(rows: list[UnitFigures], plan: PlanInfo, as_of: date) -> Figures:
    """``rows`` added up (without a target), each row given its pace."""
    total = Figures()
    for row in rows:
        total.add(row)
        _set_pace(row, plan, as_of)
    return total


def _total_of(plan: PlanInfo, as_of: date, total: Figures) -> Figures:
    """The whole territory's ``total`` with the plan's target and pace."""
    total.target = plan.target
    _set_pace(total, plan, as_of)
    return total


def progress_frame(user: User, year: int, as_of: date | None = None,
                   district_code: str | None = None) -> Progress:
    """The plan, day and unit of a page that shows lists rather than progress figures
    (coverage, due and stuck): a ``Progress`` whose figures are left empty, so such a
    page does not pay for counting every dossier. Two queries (one without a unit)."""
    plan = plan_for_year(year)
    as_of = as_of or default_as_of(year)
    districts: list[UnitFigures] = []
    if district_code is not None:
        unit = find_unit(user, plan, district_code)
        districts = [UnitFigures(unit_id=unit.id, code=unit.code, name=unit.name)]
    return Progress(plan=plan, as_of=as_of, total=Figures(), districts=districts,
                    unit=districts[0] if districts else None)
