"""Where the unions are not yet finding candidates: enterprises with a union where nobody
was identified this year, and enterprises with a union but no party organisation.

The counts per unit come from coverage's summary rows for a user who sees whole units
(the country's board: 900 units' rows, not 90,000 enterprises and their dossiers), from
the enterprises themselves for an enterprise officer; the page of enterprises to follow
up is read from the records of the units that hold it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, not_, or_, select

from .. import access
from ..extensions import db
from ..models import Dossier, Enterprise, Unit
from ..tally import events
from ..tally import read as tally
from ..workflow import counting
from .figures import Progress
from .scope import by_unit, enterprises_in_scope, flag, territory_clause

PAGE_SIZE = 300  # gaps per page unless the caller says otherwise


@dataclass
class UnitCoverage:
    unit_id: int
    code: str
    name: str
    with_union: int = 0
    nobody_identified: int = 0
    no_party_org: int = 0
    gaps: int = 0  # enterprises with either gap


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

    @property
    def gaps_total(self) -> int:
        """The enterprises with a gap, in every unit (not only those of the page)."""
        return self.total.gaps

    @property
    def total(self) -> UnitCoverage:
        total = UnitCoverage(0, "", "")
        for row in self.units:
            total.with_union += row.with_union
            total.nobody_identified += row.nobody_identified
            total.no_party_org += row.no_party_org
            total.gaps += row.gaps
        return total


def _identified(user, progress: Progress, units: list[int] | None = None):  # noqa: ANN202
    """(enterprise id, identified) of the enterprises in scope (of ``units`` when given)
    where somebody was identified in the year up to the "as of" day: counted per
    enterprise from the year's range of the index on the day identified, which holds
    the enterprise, not by visiting every member."""
    stmt = enterprises_in_scope(
        select(Dossier.enterprise_id.label("enterprise_id"), func.count().label("identified"))
        .where(counting.reached_in_year("identified", progress.plan.year, progress.as_of))
        .group_by(Dossier.enterprise_id),
        Dossier.enterprise_id, user, progress.unit_id,
    )
    if units is not None:
        stmt = stmt.where(Dossier.enterprise_id.in_(
            select(Enterprise.id).where(Enterprise.unit_id.in_(units))))
    return stmt.subquery("identified")


def _with_union(user, progress: Progress, identified) -> Select:  # noqa: ANN001
    """``select()`` from the enterprises in scope with a union on the "as of" day, joined
    to their unit and to their ``identified`` row (none: nobody identified)."""
    plan, as_of = progress.plan, progress.as_of
    stmt = (
        select()
        .select_from(Enterprise)
        .join(Unit, Enterprise.unit_id == Unit.id)
        .outerjoin(identified, identified.c.enterprise_id == Enterprise.id)
        .where(access.enterprise_clause(user), territory_clause(plan),
               Enterprise.union_founded_on.is_not(None), Enterprise.union_founded_on <= as_of)
    )
    return stmt if progress.unit_id is None else stmt.where(Unit.id == progress.unit_id)


def _gap_flags(progress: Progress, identified) -> tuple:  # noqa: ANN001
    """(nobody identified, no party organisation) as SQL conditions on an enterprise
    joined to its ``identified`` row."""
    as_of = progress.as_of
    has_org = and_(Enterprise.has_party_org, or_(Enterprise.party_org_since.is_(None),
                                                 Enterprise.party_org_since <= as_of))
    return identified.c.identified.is_(None), not_(has_org)


def _page_units(units: list, offset: int, size: int) -> tuple[list[int], int]:
    """The units (in code order) holding the gaps ``offset`` to ``offset + size``, and
    how many of the first one's gaps come before the page."""
    picked, before, skip = [], 0, 0
    for unit_id, gaps in units:
        if gaps and before + gaps > offset and before < offset + size:
            if not picked:
                skip = offset - before
            picked.append(unit_id)
        before += gaps
    return picked, skip


def _per_unit(user, progress: Progress) -> list[UnitCoverage]:
    """Per unit in code order (those with an enterprise with a union): its enterprises
    with a union, without anybody identified, without a party organisation, and with
    either gap."""
    if access.sees_whole_units(user):
        return _per_unit_summarised(user, progress)
    return _per_unit_records(user, progress)


def _per_unit_summarised(user, progress: Progress) -> list[UnitCoverage]:
    """``_per_unit`` from coverage's summary rows up to the "as of" day: the enterprises
    with a union less those with a party organisation, somebody identified this year, or
    both (``events.enterprise_events``). One query: each code's rows one range of their
    index, added up per unit, then joined to the units."""
    year = progress.plan.year
    codes = (events.UNION, events.PARTY, events.identified_code(year), events.both_code(year))
    up_to = tally.coverage_up_to(progress.as_of)
    rows = tally.labelled(*[(code, up_to, (code,)) for code in codes])
    per_unit = (select(rows.c.unit_id, *[func.sum(case((rows.c.label == code, rows.c.n), else_=0))
                                         .label(f"n{index}") for index, code in enumerate(codes)])
                .group_by(rows.c.unit_id).subquery("per_unit"))
    stmt = by_unit(select(Unit.id, Unit.code, Unit.name, *[per_unit.c[f"n{index}"] for index in range(4)])
                   .select_from(per_unit), per_unit.c.unit_id, user, progress.plan, progress.unit_id)
    found = []
    for unit, code, name, *counts in db.session.connection().execute(stmt.order_by(Unit.code, Unit.id)):
        with_union, party, identified, both = (int(n or 0) for n in counts)
        if with_union:
            found.append(UnitCoverage(unit, code, name, with_union, with_union - identified,
                                      with_union - party, with_union - both))
    return found


def _per_unit_records(user, progress: Progress) -> list[UnitCoverage]:
    """``_per_unit`` counted from the enterprises and their dossiers."""
    identified = _identified(user, progress)
    nobody, no_org = _gap_flags(progress, identified)
    rows = db.session.execute(
        _with_union(user, progress, identified)
        .add_columns(Unit.id, Unit.code, Unit.name, func.count().label("with_union"),
                     func.sum(flag(nobody)).label("nobody"),
                     func.sum(flag(no_org)).label("no_org"),
                     func.sum(flag(or_(nobody, no_org))).label("gaps"))
        .group_by(Unit.id, Unit.code, Unit.name)
        .order_by(Unit.code, Unit.id))
    return [UnitCoverage(row.id, row.code, row.name, int(row.with_union), int(row.nobody),
                         int(row.no_org), int(row.gaps)) for row in rows]


def _gaps(user, progress: Progress, units: list[int], skip: int, size: int) -> list[Gap]:
    """The enterprises with a gap of ``units``, in unit and name order, from the
    ``skip``-th, at most ``size`` of them."""
    identified = _identified(user, progress, units)
    nobody, no_org = _gap_flags(progress, identified)
    rows = db.session.execute(
        _with_union(user, progress, identified)
        .add_columns(Enterprise.id, Enterprise.tax_code, Enterprise.name, Enterprise.unit_id,
                     Unit.name.label("unit_name"), Enterprise.workforce,
                     nobody.label("nobody"), no_org.label("no_org"))
        .where(Unit.id.in_(units), or_(nobody, no_org))
        .order_by(Unit.code, Unit.id, Enterprise.sort_name, Enterprise.id)
        .offset(skip).limit(size))
    return [Gap(row.id, row.tax_code, row.name, row.unit_id, row.unit_name, row.workforce,
                bool(row.nobody), bool(row.no_org)) for row in rows]


def coverage(user, progress: Progress, page: int = 1, size: int = PAGE_SIZE) -> Coverage:
    """Counts per unit and the ``page``-th ``size`` enterprises with a gap (in unit and
    name order) with how many there are in all. Two queries: the per-unit counts, which
    also tell which units hold the page's gaps; then only those units' enterprises with
    a gap, the page cut from them (the country's 90,000 enterprises are not all sorted
    for a page of 300)."""
    counts = _per_unit(user, progress)
    result = Coverage(counts)
    units, skip = _page_units([(row.unit_id, row.gaps) for row in counts],
                              (page - 1) * size, size)
    result.gaps = _gaps(user, progress, units, skip, size)
    return result
