"""Writing the demo data set: plan everything from one seed, then insert it in one go.

Planning (``plan_demo``) is pure Python driven by ``random.Random``, so the same seed
always gives the same enterprises, people and dossiers; ``seed_demo`` turns the plan into
rows with bulk adds in the caller's transaction (it flushes, never commits) and writes a
single audit entry with the counts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit, clock
from ..errors import OperationRefused
from ..extensions import db
from ..models import (
    Dossier,
    Enterprise,
    EthnicGroup,
    IndustrialZone,
    Introducer,
    Person,
    Plan,
    Religion,
    ReportedTotal,
    Setting,
    Unit,
    UnitTarget,
)
from ..reference import load_reference_data
from ..workflow.counting import admitted_in_year
from . import accounts, plans
from .dossiers import DossierSpec, plan_dossiers
from .enterprises import EnterpriseSpec, plan_enterprises
from .people import PersonSpec, plan_people

DEFAULT_SEED = 2020
# The demo tells the story of 2020 up to this day; every date in it is on or before it.
DEMO_AS_OF = date(2020, 12, 15)
SHOWCASE_ZONE = "KCN Hòa Phú"


@dataclass
class DemoPlan:
    enterprises: list[EnterpriseSpec]
    people: list[PersonSpec]
    dossiers: list[DossierSpec]

    def showcase_enterprise(self) -> int:
        """The KCN Hòa Phú enterprise with the most dossiers: the enterprise demo account's."""
        counts: dict[int, int] = {}
        for spec in self.dossiers:
            index = self.people[spec.person].enterprise
            if self.enterprises[index].zone == SHOWCASE_ZONE:
                counts[index] = counts.get(index, 0) + 1
        return max(sorted(counts), key=lambda i: counts[i])


def plan_demo(seed: int = DEFAULT_SEED) -> DemoPlan:
    """Everything the demo inserts, from ``seed`` alone (each part has its own generator,
    so changing one part does not reshuffle the others)."""
    enterprises = plan_enterprises(random.Random(f"{seed}:enterprises"))
    people = plan_people(random.Random(f"{seed}:people"), enterprises, DEMO_AS_OF)
    dossiers = plan_dossiers(random.Random(f"{seed}:dossiers"), people, enterprises, DEMO_AS_OF)
    return DemoPlan(enterprises, people, dossiers)


def has_enterprises() -> bool:
    return db.session.scalar(select(Enterprise.id).limit(1)) is not None


def seed_demo(seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Insert the demo data set into an empty database and mark it as demo data."""
    if has_enterprises():
        raise OperationRefused(_("The database already holds enterprises: demo data is only "
                                 "loaded into an empty database."))
    if clock.today() < DEMO_AS_OF:
        raise OperationRefused(_("The demo data ends on %(date)s, after today.",
                                 date=DEMO_AS_OF.strftime("%d/%m/%Y")))
    plan_2020 = db.session.scalar(select(Plan).where(Plan.year == plans.PLAN_YEAR))
    if plan_2020 is None:
        load_reference_data()
        plan_2020 = db.session.scalar(select(Plan).where(Plan.year == plans.PLAN_YEAR))
    demo = plan_demo(seed)
    enterprises = _insert_enterprises(demo.enterprises)
    people = _insert_people(demo.people, enterprises)
    _insert_dossiers(demo.dossiers, people)
    db.session.flush()
    counts = {"enterprises": len(enterprises), "people": len(people),
              "dossiers": len(demo.dossiers)}
    counts.update(_insert_plan_figures(plan_2020, random.Random(f"{seed}:plans")))
    counts["users"] = len(accounts.create_demo_users(enterprises[demo.showcase_enterprise()]))
    Setting.put("demo_data", "1")
    audit.record(None, "demo.seed", None, {"seed": seed, **counts})
    db.session.flush()
    return counts


def _insert_enterprises(specs: list[EnterpriseSpec]) -> list[Enterprise]:
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    zones = {z.name: z for z in db.session.scalars(select(IndustrialZone))}
    rows = [Enterprise(name=s.name, tax_code=s.tax_code, unit=units[s.unit_code],
                       zone=zones[s.zone] if s.zone else None, ownership=s.ownership,
                       workforce=s.workforce, union_founded_on=s.union_founded_on,
                       has_party_org=s.has_party_org, party_org_since=s.party_org_since)
            for s in specs]
    db.session.add_all(rows)
    return rows


def _insert_people(specs: list[PersonSpec], enterprises: list[Enterprise]) -> list[Person]:
    groups = {g.name: g for g in db.session.scalars(select(EthnicGroup))}
    religions = {r.code: r for r in db.session.scalars(select(Religion))}
    rows = [Person(full_name=s.full_name, birth_date=s.birth_date, sex=s.sex,
                   ethnic_group=groups[s.ethnic_group],
                   religion=religions[s.religion] if s.religion else None,
                   citizen_id=s.citizen_id, enterprise=enterprises[s.enterprise],
                   role_category=s.role_category, union_joined_on=s.union_joined_on,
                   education=s.education, qualification=s.qualification,
                   youth_union_member=s.youth_union_member)
            for s in specs]
    db.session.add_all(rows)
    return rows


def _insert_dossiers(specs: list[DossierSpec], people: list[Person]) -> None:
    rows = []
    for spec in specs:
        dossier = Dossier(person=people[spec.person], party_cell=spec.party_cell,
                          cell_is_grassroots=spec.cell_is_grassroots, **spec.values)
        dossier.introducers = [
            Introducer(full_name=i.full_name, is_official_member=True, party_unit=i.party_unit,
                       worked_together_since=i.worked_together_since)
            for i in spec.introducers]
        rows.append(dossier)
    db.session.add_all(rows)


def _insert_plan_figures(plan_2020: Plan, rng: random.Random) -> dict[str, int]:
    """Unit targets (unless the board has set some) and the monthly reported totals."""
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    targets = 0
    if not plan_2020.targets:
        for code, target in plans.TARGETS.items():
            db.session.add(UnitTarget(plan=plan_2020, unit=units[code], target=target))
            targets += 1
    tracked = dict(db.session.execute(
        select(Unit.code, func.count(Dossier.id))
        .join(Person, Dossier.person_id == Person.id)
        .join(Enterprise, Person.enterprise_id == Enterprise.id)
        .join(Unit, Enterprise.unit_id == Unit.id)
        .where(admitted_in_year(plans.PLAN_YEAR))
        .group_by(Unit.code)).all())
    existing = set(db.session.execute(
        select(Unit.code, ReportedTotal.month).join(Unit, ReportedTotal.unit_id == Unit.id)
        .where(ReportedTotal.year == plans.PLAN_YEAR)).all())
    reported = 0
    for row in plans.reported_totals(rng, tracked, plan_2020.target):
        if (row.unit_code, row.month) in existing:
            continue
        db.session.add(ReportedTotal(unit=units[row.unit_code], year=plans.PLAN_YEAR,
                                     month=row.month, admitted=row.admitted, women=row.women,
                                     ethnic_minority=row.ethnic_minority))
        reported += 1
    return {"unit_targets": targets, "reported_totals": reported,
            "tracked_admissions": sum(tracked.values())}
