"""Who was admitted and introduced: women, ethnic minorities, believers, the young, the
plan's categories, enterprise ownership and industrial zone (tracked people only; the
reported totals carry their own women and ethnic-minority counts, shown beside them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, case, extract, func, or_, select

from .. import access
from ..extensions import db
from ..models import (
    Dossier,
    Enterprise,
    EthnicGroup,
    IndustrialZone,
    Ownership,
    Person,
    RoleCategory,
    Sex,
)
from ..tally import read as tally
from ..tally.events import BROKEN_DOWN, NO_ZONE, TRAIT
from ..workflow import counting
from ..workflow.rules import rule_values
from .figures import Progress
from .queries import reported_sum
from .scope import flag, people_base, tally_rows

ROLE_LABELS = {
    RoleCategory.WORKER: _l("Workers"),
    RoleCategory.MANAGER: _l("Managers"),
    RoleCategory.UNION_OFFICER: _l("Trade-union officers"),
    RoleCategory.YOUTH_OFFICER: _l("Youth Union officers"),
    RoleCategory.BUSINESS_OWNER: _l("Business owners"),
}
OWNERSHIP_LABELS = {
    Ownership.STATE: _l("State-owned"),
    Ownership.FOREIGN: _l("Foreign-invested"),
    Ownership.PRIVATE: _l("Private"),
    Ownership.COOPERATIVE: _l("Cooperatives"),
}


@dataclass
class Line:
    label: object
    admitted: int = 0
    introduced: int = 0


@dataclass
class Breakdown:
    key: str
    title: object
    lines: list[Line] = field(default_factory=list)


@dataclass
class Breakdowns:
    admitted: int
    introduced: int
    groups: list[Breakdown]
    reported_admitted: int
    reported_women: int
    reported_ethnic_minority: int


def _ymd(column) -> ColumnElement[int]:
    return (extract("year", column) * 10000 + extract("month", column) * 100
            + extract("day", column))


def _younger_than(years: int, on) -> ColumnElement[int]:
    """1 when the person is under ``years`` full years old on the date column ``on``."""
    return case((_ymd(on) - _ymd(Person.birth_date) < years * 10000, 1), else_=0)


Totals = dict[str, dict[object, list[int]]]  # breakdown -> value -> [admitted, introduced]


def _new_totals() -> Totals:
    return defaultdict(lambda: defaultdict(lambda: [0, 0]))


def _from_dossiers(user, progress: Progress, young: int) -> tuple[int, int, Totals]:
    """The counts from the dossiers in the user's scope, in one grouped query."""
    plan, as_of = progress.plan, progress.as_of
    unit_id = progress.unit_id
    admitted = counting.admitted_in_year(plan.year, as_of)
    introduced = counting.introduced_in_year(plan.year, as_of)
    inner = (
        people_base(user, plan, unit_id)
        .join(Dossier, Dossier.person_id == Person.id)
        .join(EthnicGroup, Person.ethnic_group_id == EthnicGroup.id)
        .outerjoin(IndustrialZone, Enterprise.zone_id == IndustrialZone.id)
        .add_columns(
            Person.sex.label("sex"),
            EthnicGroup.is_minority.label("minority"),
            case((Person.religion_id.is_not(None), 1), else_=0).label("believer"),
            _younger_than(young, Dossier.admitted_on).label("young_a"),
            _younger_than(young, Dossier.introduced_on).label("young_i"),
            Person.role_category.label("role"),
            Enterprise.ownership.label("ownership"),
            IndustrialZone.name.label("zone"),
            flag(admitted).label("a"),
            flag(introduced).label("i"),
        )
        .where(or_(admitted, introduced))
        .subquery()
    )
    keys = [inner.c.sex, inner.c.minority, inner.c.believer, inner.c.young_a, inner.c.young_i,
            inner.c.role, inner.c.ownership, inner.c.zone]
    stmt = db.select(*keys, func.sum(inner.c.a), func.sum(inner.c.i)).group_by(*keys)
    totals = _new_totals()
    all_a = all_i = 0
    for sex, minority, believer, young_a, young_i, role, ownership, zone, a, i in \
            db.session.execute(stmt):
        a, i = int(a or 0), int(i or 0)
        all_a, all_i = all_a + a, all_i + i
        for key, value in (("women", sex == Sex.FEMALE), ("minority", bool(minority)),
                           ("believer", bool(believer))):
            if value:
                totals[key][True][0] += a
                totals[key][True][1] += i
        if young_a:
            totals["young"][True][0] += a
        if young_i:
            totals["young"][True][1] += i
        for key, value in (("role", role), ("ownership", ownership), ("zone", zone)):
            totals[key][value][0] += a
            totals[key][value][1] += i
    return all_a, all_i, totals


def _from_tally(user, progress: Progress, young: int) -> tuple[int, int, Totals]:
    """The same counts from the per-unit summaries (a user who sees whole units): one
    query for the traits of the year's admissions and introductions, one for the zones'
    names."""
    start, end = counting.year_bounds(progress.plan.year, progress.as_of)
    rows, stmt = tally_rows(user, progress.plan, progress.unit_id, tally.traits_between(start, end),
                            tally.reached_between(start, end))
    stmt = stmt.add_columns(rows.c.kind, rows.c.code, func.sum(rows.c.n)).group_by(rows.c.kind, rows.c.code)
    totals = _new_totals()
    reached = dict.fromkeys(BROKEN_DOWN, 0)
    zones: dict[object, list[int]] = defaultdict(lambda: [0, 0])
    for kind, code, count in db.session.execute(stmt):
        count = int(count or 0)
        if kind != TRAIT:
            if code in reached:
                reached[code] += count
            continue
        milestone, trait, value = (code.split(":", 2) + [""])[:3]
        side = 0 if milestone == "admitted" else 1
        if trait in ("women", "minority", "believer"):
            totals[trait][True][side] += count
        elif trait == "age":
            if int(value) < young:
                totals["young"][True][side] += count
        elif trait == "role":
            totals["role"][RoleCategory(value)][side] += count
        elif trait == "ownership":
            totals["ownership"][Ownership(value)][side] += count
        elif trait == "zone":
            zones[None if value == NO_ZONE else int(value)][side] += count
    # Every zone's name: a reference list of a few hundred (the country's 360), read whole in
    # a quarter of the time of a list of as many ids to look up.
    names = dict(db.session.execute(select(IndustrialZone.id, IndustrialZone.name)).all())
    for zone, counts in zones.items():
        if counts == [0, 0]:  # (rows whose counts went back to zero)
            continue
        line = totals["zone"][names.get(zone) if zone is not None else None]
        line[0] += counts[0]
        line[1] += counts[1]
    return reached["admitted"], reached["introduced"], totals


def breakdowns(user, progress: Progress) -> Breakdowns:
    """The breakdowns of ``progress``'s plan and scope (its frame is enough: no figures
    are read from it): from the per-unit summaries for a user who sees whole units, else
    from the dossiers in scope."""
    young = rule_values().young_age_years
    source = _from_tally if access.sees_whole_units(user) else _from_dossiers
    all_a, all_i, totals = source(user, progress, young)

    def people(key: str, label: object) -> Line:
        return Line(label, *totals[key][True])

    groups = [
        Breakdown("people", _l("People"), [
            people("women", _l("Women")),
            people("minority", _l("Ethnic minorities")),
            people("believer", _l("Religious believers")),
            people("young", _l("Under %(years)s", years=young)),
        ]),
        Breakdown("role", _l("The plan's categories"),
                  [Line(label, *totals["role"][role]) for role, label in ROLE_LABELS.items()]),
        Breakdown("ownership", _l("Enterprise ownership"),
                  [Line(label, *totals["ownership"][o]) for o, label in OWNERSHIP_LABELS.items()]),
        Breakdown("zone", _l("Industrial zone or cluster"),
                  [Line(zone, *counts) for zone, counts in sorted(
                      totals["zone"].items(), key=lambda item: (item[0] is None, item[0] or ""))
                   if zone is not None]
                  + [Line(_l("Outside industrial zones"), *totals["zone"][None])]),
    ]
    return Breakdowns(all_a, all_i, groups, *_reported(user, progress))


def _reported(user, progress: Progress) -> tuple[int, int, int]:
    """(admitted, women, ethnic minority) reported as monthly totals in the scope: the
    page needs no other figure of the progress."""
    return reported_sum(user, progress.plan, progress.as_of, progress.unit_id)
