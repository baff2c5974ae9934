"""The scale data set (``seed-scale``): the demo's recipes at province or national size.

Province: 1,500 enterprises, 80,000 members, 12,000 dossiers over 2020-2025, on the 15
districts of 2020. National (60 times that) adds fictitious "province groups" of 15
districts each, with codes no real unit uses (``9GGDD``: group, district) under the same
province, so the board sees the data spread over some 900 units like a country's.

Everything is planned from one seed, group by group (each group with its own generators,
so memory stays flat and the result does not depend on chunk sizes), and written with
bulk inserts (``ldld_tracker.bulk``) in the caller's transaction: it flushes, never commits.
Plans for each year, their split per unit and monthly reported totals come with it.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit, clock
from ..bulk import BulkWriter
from ..errors import OperationRefused
from ..extensions import db
from ..models import (
    Dossier,
    EthnicGroup,
    IndustrialZone,
    Introducer,
    Person,
    Plan,
    Religion,
    ReportedTotal,
    Setting,
    Unit,
    UnitKind,
    UnitTarget,
    ZoneKind,
)
from ..models import Enterprise as EnterpriseModel
from ..reference import load_reference_data
from ..tally import upkeep as tally_upkeep
from ..text import clean, fold, name_sort_key, person_name, text_sort_key
from ..workflow.calendar import full_months
from ..workflow.counting import reported_months
from . import enterprises as demo_enterprises
from . import names, plans
from .dossiers import ROLE_WEIGHT, DossierSpec
from .enterprises import EnterpriseSpec
from .people import PersonSpec
from .scale_dossiers import plan_dossier
from .scale_people import CitizenIds, apportion, plan_group_enterprises, plan_group_people

PROVINCE = {"enterprises": 1500, "members": 80_000, "dossiers": 12_000}
NATIONAL_FACTOR = 60
GROUP_ENTERPRISES = PROVINCE["enterprises"]
DEFAULT_SEED = 2020
PROVINCE_CODE = "66"
TARGET_GROWTH = 0.05  # each year's targets grow by 5% of 2020's


@dataclass(frozen=True)
class ScaleSpec:
    enterprises: int
    members: int
    dossiers: int
    first_year: int
    last_year: int
    seed: int = DEFAULT_SEED

    @property
    def as_of(self) -> date:
        """The data's last day: every date in it is on or before it."""
        return date(self.last_year, 12, 15)

    @property
    def groups(self) -> int:
        """Province groups: the real province, then fictitious ones of the same size."""
        return max(1, round(self.enterprises / GROUP_ENTERPRISES))


@cache
def _person_keys(raw: str) -> tuple[str, str, str]:
    name = person_name(raw)
    return name, fold(name), name_sort_key(name)


@cache
def _enterprise_keys(raw: str) -> tuple[str, str, str]:
    name = clean(raw)
    return name, fold(name), text_sort_key(name)


class _Territory:
    """The districts of each group and their zones (the fictitious ones created here)."""

    def __init__(self, groups: int):
        province = db.session.scalar(select(Unit).where(Unit.code == PROVINCE_CODE))
        real = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.parent_id == province.id))}
        self.province = province
        self.units: dict[str, Unit] = dict(real)
        self.added = 0
        self._new_zones: dict[str, IndustrialZone] = {}
        self.zone_ids: dict[str, int] = {z.name: z.id for z in db.session.scalars(select(IndustrialZone))}
        self.districts: list[list[tuple[str, str]]] = [[(c, c) for c in demo_enterprises.PER_UNIT]]
        self.zones: list[dict[str, list[str]]] = [
            {code: [z for z, _n in zones] for code, zones in demo_enterprises.IN_ZONES.items()}]
        for group in range(1, groups):
            self._add_group(group, real)
        db.session.flush()
        self.zone_ids.update({name: zone.id for name, zone in self._new_zones.items()})

    def _add_group(self, group: int, real: dict[str, Unit]) -> None:
        districts: list[tuple[str, str]] = []
        zones: dict[str, list[str]] = {}
        for number, template in enumerate(demo_enterprises.PER_UNIT, start=1):
            code = f"9{group:02d}{number:02d}"
            kind = real[template].kind
            word = {UnitKind.CITY: "Thành phố", UnitKind.TOWN: "Thị xã"}.get(kind, "Huyện")
            unit = Unit(code=code, name=f"{word} Giả lập {group:02d}-{number:02d}", kind=kind,
                        parent=self.province, valid_to=real[template].valid_to, aliases="")
            db.session.add(unit)
            self.units[code] = unit
            self.added += 1
            districts.append((code, template))
            for index, (zone_name, _n) in enumerate(demo_enterprises.IN_ZONES.get(template, ()), 1):
                prefix = "KCN" if zone_name.startswith("KCN") else "CCN"
                name = f"{prefix} Giả lập {group:02d}-{number:02d}-{index}"
                self._new_zones[name] = IndustrialZone(
                    name=name, kind=ZoneKind.ZONE if prefix == "KCN" else ZoneKind.CLUSTER, unit=unit)
                db.session.add(self._new_zones[name])
                zones.setdefault(code, []).append(name)
        self.districts.append(districts)
        self.zones.append(zones)

    def home(self, group: int) -> str:
        """The province-of-birth code most of a group's members carry in their ID."""
        return "066" if group == 0 else f"{group % 96 + 1:03d}"


def _candidates(rng: random.Random, people: list[PersonSpec], enterprises: list[EnterpriseSpec],
                count: int, spec: ScaleSpec) -> list[int]:
    """Members to give a dossier: 21 or older at the start of the first year and at most 57
    on the last day (so 18 to 60 at every cell resolution), officers and the young more
    often; weighted sampling without replacement, as in the demo."""
    start = date(spec.first_year, 1, 1)
    keyed = []
    for index, person in enumerate(people):
        if full_months(person.birth_date, start) < 21 * 12 or \
                full_months(person.birth_date, spec.as_of) >= 58 * 12:
            continue
        weight = ROLE_WEIGHT[person.role_category] * (1.5 if person.youth_union_member else 1.0)
        weight *= 1.5 if enterprises[person.enterprise].has_party_org else 1.0
        keyed.append((rng.random() ** (1 / weight), index))
    if len(keyed) < count:
        raise OperationRefused(_("Too many dossiers for the members: at most %(count)s of "
                                 "them are of an age to apply.", count=len(keyed)))
    keyed.sort(reverse=True)
    return [index for _key, index in keyed[:count]]


class _Writer:
    """Turns planned enterprises, people and dossiers into rows with explicit ids."""

    def __init__(self, bulk: BulkWriter, territory: _Territory, stamp: datetime):
        self.bulk, self.territory, self.stamp = bulk, territory, stamp
        self.groups = {g.name: g.id for g in db.session.scalars(select(EthnicGroup))}
        self.religions = {r.code: r.id for r in db.session.scalars(select(Religion))}
        self.enterprise_id = bulk.next_id(EnterpriseModel.__table__)
        self.person_id = bulk.next_id(Person.__table__)
        self.dossier_id = bulk.next_id(Dossier.__table__)

    def group(self, enterprises: list[EnterpriseSpec], people: list[PersonSpec],
              dossiers: list[DossierSpec]) -> None:
        stamp = {"version": 1, "created_at": self.stamp, "updated_at": self.stamp}
        first_enterprise, first_person = self.enterprise_id, self.person_id
        rows = []
        for offset, e in enumerate(enterprises):
            name, search, sort = _enterprise_keys(e.name)
            rows.append({"id": first_enterprise + offset, "name": name, "search_name": search,
                         "sort_name": sort, "tax_code": e.tax_code,
                         "unit_id": self.territory.units[e.unit_code].id, "ownership": e.ownership,
                         "zone_id": self.territory.zone_ids[e.zone] if e.zone else None,
                         "workforce": e.workforce, "union_founded_on": e.union_founded_on,
                         "has_party_org": e.has_party_org, "party_org_since": e.party_org_since,
                         **stamp})
        self.bulk.write(EnterpriseModel.__table__, rows)
        rows = []
        for offset, p in enumerate(people):
            name, search, sort = _person_keys(p.full_name)
            rows.append({"id": first_person + offset, "full_name": name, "search_name": search,
                         "sort_name": sort, "birth_date": p.birth_date, "sex": p.sex,
                         "ethnic_group_id": self.groups[p.ethnic_group],
                         "religion_id": self.religions[p.religion] if p.religion else None,
                         "citizen_id": p.citizen_id, "phone": "",
                         "enterprise_id": first_enterprise + p.enterprise,
                         "role_category": p.role_category, "union_joined_on": p.union_joined_on,
                         "education": p.education, "qualification": p.qualification,
                         "youth_union_member": p.youth_union_member, **stamp})
        self.bulk.write(Person.__table__, rows)
        rows, introducers = [], []
        for offset, d in enumerate(dossiers):
            dossier_id = self.dossier_id + offset
            rows.append({**_DOSSIER_DEFAULTS, **d.values, "id": dossier_id,
                         "person_id": first_person + d.person,
                         "enterprise_id": first_enterprise + people[d.person].enterprise,
                         "party_cell": d.party_cell,
                         "cell_is_grassroots": d.cell_is_grassroots, **stamp})
            introducers += [{"dossier_id": dossier_id, "full_name": i.full_name,
                             "is_official_member": True, "party_unit": i.party_unit,
                             "worked_together_since": i.worked_together_since}
                            for i in d.introducers]
        self.bulk.write(Dossier.__table__, rows)
        self.bulk.write(Introducer.__table__, introducers)
        self.enterprise_id += len(enterprises)
        self.person_id += len(people)
        self.dossier_id += len(dossiers)


_DOSSIER_DEFAULTS: dict[str, object] = {
    "age_exception_ref": "", "note": "", "identified_by": "", "certificate_no": "",
    "introduction_resolution_no": "", "admission_decision_no": "", "official_decision_no": "",
    "end_reason": "", "end_kind": None, "ended_on": None,
    **{name: None for name in ("identified_on", "trained_on", "applied_on", "verified_on",
                               "introduced_on", "cell_resolved_on", "cell_votes_for", "cell_members",
                               "committee_resolved_on", "committee_votes_for", "committee_members",
                               "admitted_on", "sworn_in_on", "official_on")},
}


def _plan_figures(spec: ScaleSpec, territory: _Territory, bulk: BulkWriter,
                  tracked: Counter, stamp: datetime) -> dict[str, int]:
    """A plan for every year (the existing ones kept), each unit's share of its target and
    the monthly reported totals of the months ended by the data's last day."""
    templates = {"K01": "K01", "K02": "K02"}
    for districts in territory.districts:
        templates.update(dict(districts))
    rng = random.Random(f"{spec.seed}:scale:plans")
    targets_written = reported_written = 0
    for year in range(spec.first_year, spec.last_year + 1):
        growth = 1 + TARGET_GROWTH * (year - 2020)
        split = {code: round(plans.TARGETS[template] * growth) for code, template in templates.items()}
        plan = db.session.scalar(select(Plan).where(Plan.year == year))
        if plan is None:
            plan = Plan(year=year, number=f"{year - 1900}-KH/TU (giả lập)",
                        issuing_body="Ban Thường vụ Tỉnh ủy Đắk Lắk (dữ liệu giả lập)",
                        issued_on=date(year, 3, 9), target=sum(split.values()), unit=territory.province)
            db.session.add(plan)
            db.session.flush()
        has_targets = db.session.scalar(select(UnitTarget.id).where(UnitTarget.plan_id == plan.id).limit(1))
        if has_targets is None:
            if spec.groups > 1:
                plan.target = sum(split.values())
            bulk.write(UnitTarget.__table__, [
                {"plan_id": plan.id, "unit_id": territory.units[code].id, "target": target}
                for code, target in split.items()])
            targets_written += len(split)
        taken = set(db.session.execute(select(ReportedTotal.unit_id, ReportedTotal.month)
                                       .where(ReportedTotal.year == year)).all())
        rows = []
        months = reported_months(year, spec.as_of)
        for code, target in split.items():
            unit_id = territory.units[code].id
            total = max(0, round(target * rng.uniform(0.92, 1.07)) - tracked[(code, year)])
            minority_share = min(0.6, 0.15 * names.MINORITY_WEIGHT.get(templates[code], 1.0))
            for month, admitted in enumerate(plans._split(rng, total)[:months], start=1):
                if (unit_id, month) in taken:
                    continue
                women = min(admitted, round(admitted * rng.uniform(0.35, 0.55)))
                minority = min(admitted, round(admitted * minority_share * rng.uniform(0.7, 1.3)))
                rows.append({"unit_id": unit_id, "year": year, "month": month, "admitted": admitted,
                             "women": women, "ethnic_minority": minority, "note": "",
                             "created_at": stamp, "updated_at": stamp})
        bulk.write(ReportedTotal.__table__, rows)
        reported_written += len(rows)
    return {"unit_targets": targets_written, "reported_totals": reported_written}


def seed_scale(spec: ScaleSpec, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Insert the scale data set into a database without enterprises; returns the counts.
    ``progress(done, groups)`` is called after each province group is written."""
    if db.session.scalar(select(EnterpriseModel.id).limit(1)) is not None:
        raise OperationRefused(_("The database already holds enterprises: scale data is only "
                                 "loaded into an empty database."))
    if spec.first_year > spec.last_year:
        raise OperationRefused(_("The first year comes after the last one."))
    if min(spec.enterprises, spec.members, spec.dossiers) < 0 or spec.members < spec.enterprises:
        raise OperationRefused(_("Give at least one member per enterprise, and no negative counts."))
    if clock.today() < spec.as_of:
        raise OperationRefused(_("The scale data ends on %(date)s, after today.",
                                 date=spec.as_of.strftime("%d/%m/%Y")))
    if db.session.scalar(select(Plan.id).limit(1)) is None:
        load_reference_data()
    territory = _Territory(spec.groups)
    stamp = datetime(spec.as_of.year, spec.as_of.month, spec.as_of.day, 12, tzinfo=UTC)
    bulk = BulkWriter(db.session.connection())
    writer = _Writer(bulk, territory, stamp)
    ids = CitizenIds(spec.seed)
    tracked: Counter = Counter()
    first_day = date(spec.first_year, 1, 10)
    sizes = zip(apportion(spec.enterprises, [1] * spec.groups),
                apportion(spec.members, [1] * spec.groups),
                apportion(spec.dossiers, [1] * spec.groups), strict=True)
    for group, (n_enterprises, n_members, n_dossiers) in enumerate(sizes):
        key = f"{spec.seed}:scale:{group}"
        enterprises = plan_group_enterprises(random.Random(f"{key}:enterprises"), group, n_enterprises,
                                             territory.districts[group], territory.zones[group])
        people = plan_group_people(random.Random(f"{key}:people"), enterprises, n_members,
                                   spec.as_of, territory.home(group), ids)
        rng = random.Random(f"{key}:dossiers")
        dossiers = []
        for index in _candidates(rng, people, enterprises, n_dossiers, spec):
            person = people[index]
            enterprise = enterprises[person.enterprise]
            dossier = plan_dossier(rng, index, person, enterprise, first_day, spec.as_of)
            dossiers.append(dossier)
            admitted = dossier.values.get("admitted_on")
            if admitted is not None:
                tracked[(enterprise.unit_code, admitted.year)] += 1
        writer.group(enterprises, people, dossiers)
        if progress is not None:
            progress(group + 1, spec.groups)
    counts = _plan_figures(spec, territory, bulk, tracked, stamp)
    bulk.finish([EnterpriseModel.__table__, Person.__table__, Dossier.__table__,
                 Introducer.__table__, UnitTarget.__table__, ReportedTotal.__table__])
    # The bulk inserts bypass the session, so the dashboards' summaries are computed here.
    tally_upkeep.rebuild(db.session.connection())
    counts = {"units_added": territory.added,
              **{name: bulk.written.get(name, 0)
                 for name in ("enterprise", "person", "dossier", "introducer")},
              **counts}
    Setting.put("demo_data", "1")
    audit.record(None, "scale.seed", None, {
        "seed": spec.seed, "years": [spec.first_year, spec.last_year], **counts})
    db.session.flush()
    return counts
