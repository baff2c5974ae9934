"""Where the unions are not yet finding candidates: enterprises with a union where nobody
was identified this year, and enterprises with a union but no party organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select

from .. import access
from ..extensions import db
from ..models import Dossier, Enterprise, Unit
from ..workflow import counting
from .figures import Progress
from .scope import enterprises_in_scope, flag, territory_clause

PAGE_SIZE = 300  # gaps per page unless the caller says otherwise


@dataclass
class UnitCoverage:
    unit_id: int
    code: str
    name: str
    with_union: int = 0
    nobody_identified: int = 0
    no_party_org: int = 0


@dataclass
class Gap:
    enterprise_id: int
    tax_code: str
    name: str
    unit_id: int
    unit_name: str
    workforce: int | None
    nobody_identified: bool
    no_party_org: bool


@dataclass
class Coverage:
    units: list[UnitCoverage]
    gaps: list[Gap] = field(default_factory=list)  # one page of them
    gaps_total: int = 0

    @property
    def total(self) -> UnitCoverage:
        total = UnitCoverage(0, "", "")
        for row in self.units:
            total.with_union += row.with_union
            total.nobody_identified += row.nobody_identified
            total.no_party_org += row.no_party_org
        return total


def _per_enterprise(user, progress: Progress, as_of: date):
    """One narrow row per enterprise with a union on ``as_of``: its unit, how many were
    identified in the year, and whether it has a party organisation. The identified are
    counted per enterprise from the year's range of the index on the day identified,
    which holds the enterprise (only the enterprises in scope when the user or the page
    is narrowed to some), not by visiting every member."""
    plan = progress.plan
    unit_id = progress.unit_id
    identified = enterprises_in_scope(
        select(Dossier.enterprise_id.label("enterprise_id"), func.count().label("identified"))
        .where(counting.reached_in_year("identified", plan.year, as_of))
        .group_by(Dossier.enterprise_id),
        Dossier.enterprise_id, user, unit_id,
    ).subquery()
    stmt = (
        select(
            Enterprise.id.label("enterprise_id"), Enterprise.sort_name,
            Unit.id.label("unit_id"), Unit.code.label("unit_code"),
            flag(and_(Enterprise.has_party_org,
                      or_(Enterprise.party_org_since.is_(None),
                          Enterprise.party_org_since <= as_of))).label("party_org"),
            func.coalesce(identified.c.identified, 0).label("identified"),
        )
        .select_from(Enterprise)
        .join(Unit, Enterprise.unit_id == Unit.id)
        .outerjoin(identified, identified.c.enterprise_id == Enterprise.id)
        .where(access.enterprise_clause(user), territory_clause(plan),
               Enterprise.union_founded_on.is_not(None), Enterprise.union_founded_on <= as_of)
    )
    if unit_id is not None:
        stmt = stmt.where(Unit.id == unit_id)
    # Computed whole before it is filtered, sorted and cut (PostgreSQL): the planner cannot
    # estimate how many enterprises have a gap, and for the country's 90,000 it guessed
    # 900 and walked the units in code order against every enterprise, for 15 s instead of 1.
    return stmt.cte("per_enterprise").prefix_with("MATERIALIZED", dialect="postgresql")


def coverage(user, progress: Progress, page: int = 1, size: int = PAGE_SIZE) -> Coverage:
    """Counts per unit and the ``page``-th ``size`` enterprises with a gap (in unit and
    name order) with how many there are in all. One query: the per-unit counts (the
    number of gaps among them) with the page's enterprises joined to their unit, so the
    enterprises are looked at once for both. The page is picked from narrow rows (a
    top-N sort) and only its enterprises are joined to their names."""
    per = _per_enterprise(user, progress, progress.as_of)
    nobody = per.c.identified == 0
    no_org = per.c.party_org == 0
    has_gap = or_(nobody, no_org)
    units = (select(per.c.unit_id, func.count().label("with_union"),
                    func.sum(flag(nobody)).label("nobody_identified"),
                    func.sum(flag(no_org)).label("no_party_org"),
                    func.sum(flag(has_gap)).label("gaps"))
             .group_by(per.c.unit_id)
             .subquery("units"))
    order = (per.c.unit_code, per.c.sort_name, per.c.enterprise_id)
    picked = (select(per.c.enterprise_id, per.c.unit_id, per.c.identified, per.c.party_org,
                     per.c.unit_code, per.c.sort_name)
              .where(has_gap).order_by(*order).limit(size).offset((page - 1) * size)
              .subquery("picked"))
    p = picked.c
    gaps = (select(p.enterprise_id, p.unit_id, p.identified, p.party_org,
                   func.row_number().over(order_by=(p.unit_code, p.sort_name, p.enterprise_id))
                   .label("position"))
            .subquery("gaps"))
    stmt = (select(Unit.id.label("unit_id"), Unit.code.label("unit_code"),
                   Unit.name.label("unit_name"), units.c.with_union, units.c.nobody_identified,
                   units.c.no_party_org, units.c.gaps, gaps.c.enterprise_id,
                   Enterprise.tax_code, Enterprise.name, Enterprise.workforce,
                   gaps.c.identified, gaps.c.party_org)
            .join_from(units, Unit, Unit.id == units.c.unit_id)
            .outerjoin(gaps, gaps.c.unit_id == units.c.unit_id)
            .outerjoin(Enterprise, Enterprise.id == gaps.c.enterprise_id)
            .order_by(Unit.code, gaps.c.position))
    result = Coverage([])
    for row in db.session.execute(stmt):
        if not result.units or result.units[-1].unit_id != row.unit_id:
            result.units.append(UnitCoverage(row.unit_id, row.unit_code, row.unit_name,
                                             int(row.with_union), int(row.nobody_identified or 0),
                                             int(row.no_party_org or 0)))
            result.gaps_total += int(row.gaps or 0)
        if row.enterprise_id is not None:
            result.gaps.append(Gap(row.enterprise_id, row.tax_code, row.name, row.unit_id,
                                   row.unit_name, row.workforce, row.identified == 0,
                                   row.party_org == 0))
    return result
