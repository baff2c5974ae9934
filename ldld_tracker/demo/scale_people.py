"""Enterprises and members for the scale data set, one "province group" at a time.

The same recipes as the demo (``demo.enterprises``, ``demo.people``, ``demo.names``), but
with exact counts (largest remainder, so ``seed-scale`` makes precisely what it is asked
for) and citizen IDs unique by construction instead of by a set of every ID made so far,
which would not fit millions of members.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from ..models import Education, RoleCategory, Sex
from ..workflow.calendar import add_months
from . import enterprises as demo_enterprises
from . import names
from . import people as demo_people
from .enterprises import EnterpriseSpec
from .people import PersonSpec

# Enterprises of a group per district, as in the demo (index into the group's districts).
DISTRICT_WEIGHTS = tuple(demo_enterprises.PER_UNIT.values())
# Share of a district's enterprises that sit in its zones, per zone (demo's proportions).
ZONE_SHARES = {code: tuple((zone, n / demo_enterprises.PER_UNIT[code]) for zone, n in zones)
               for code, zones in demo_enterprises.IN_ZONES.items()}
TAX_CODE_BASE = 6_100_000_000
TAX_CODE_BLOCK = 10_000_000
SERIAL_STEP = 7919  # coprime with 10**6: serials look scattered, never repeat


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split along ``weights`` in whole numbers that add up exactly."""
    if not weights:
        return []
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_group_enterprises(rng: random.Random, group: int, count: int,
                           districts: Sequence[tuple[str, str]],
                           zones: dict[str, list[str]]) -> list[EnterpriseSpec]:
    """``count`` enterprises over a group's districts (``(code, template code)`` pairs:
    the template is the real district whose proportions a synthetic one copies)."""
    specs: list[EnterpriseSpec] = []
    used: set[str] = set()
    tax_number = TAX_CODE_BASE + group * TAX_CODE_BLOCK
    for (code, template), n in zip(districts, apportion(count, DISTRICT_WEIGHTS), strict=True):
        zone_counts = [round(n * share) for _z, share in ZONE_SHARES.get(template, ())]
        in_zone = [zone for zone, k in zip(zones.get(code, []), zone_counts, strict=False)
                   for _ in range(k)]
        for index in range(n):
            zone = in_zone[index] if index < len(in_zone) else None
            mix = demo_enterprises.ZONE_OWNERSHIP_MIX if zone else demo_enterprises.OWNERSHIP_MIX
            ownership = rng.choices([o for o, _w in mix], [w for _o, w in mix])[0]
            name = demo_enterprises._name(rng, ownership, zone is not None)
            if name in used:
                name = f"{name} - Chi nhánh {len(used)}"
            used.add(name)
            tax_number += rng.randint(11, 700)
            workforce = demo_enterprises._workforce(rng, ownership, zone is not None)
            founded = demo_enterprises._day_between(rng, date(1996, 1, 1), date(2018, 12, 31))
            has_org = demo_enterprises._party_org(rng, ownership, workforce)
            since = None
            if has_org:
                since = demo_enterprises._day_between(
                    rng, founded, min(founded + timedelta(days=8 * 365), date(2019, 6, 30)))
            specs.append(EnterpriseSpec(name, str(tax_number), code, zone, ownership, workforce,
                                        founded, has_org, since))
    return specs


class CitizenIds:
    """Citizen IDs in the CCCD layout, unique by construction: one counter per prefix
    (province of birth, century-and-sex digit, year of birth) mapped to a scattered
    six-digit serial."""

    def __init__(self, seed: int):
        self.counters: dict[str, int] = {}
        self.offset = random.Random(f"{seed}:ids").randrange(10**6)

    def next(self, province: str, sex: Sex, birth: date) -> str:
        century = (0 if birth.year < 2000 else 2) + (1 if sex is Sex.FEMALE else 0)
        prefix = f"{province}{century}{birth.year % 100:02d}"
        counter = self.counters.get(prefix, 0)
        if counter >= 10**6:
            raise ValueError(f"more than a million members born with ID prefix {prefix}")
        self.counters[prefix] = counter + 1
        return f"{prefix}{(counter * SERIAL_STEP + self.offset) % 10**6:06d}"


def _birth_province(rng: random.Random, group: str, home: str) -> str:
    others = demo_people.BIRTH_PROVINCES.get(group, ("064", "067"))
    away = 0.2 if group == "Kinh" else 0.05 if group in demo_people.HIGHLAND else 0.4
    return rng.choice(others) if rng.random() < away else home


def plan_group_people(rng: random.Random, enterprises: list[EnterpriseSpec], count: int,
                      as_of: date, home: str, ids: CitizenIds) -> list[PersonSpec]:
    """``count`` members over ``enterprises`` (bigger workforces have more; each at least
    one); ages on ``as_of`` 18 to 58. ``home`` is the group's province of birth code."""
    weights = [e.workforce ** 0.6 for e in enterprises]
    base = 1 if count >= len(enterprises) else 0
    quotas = [base + q for q in apportion(count - base * len(enterprises), weights)]
    people: list[PersonSpec] = []
    for index, (enterprise, quota) in enumerate(zip(enterprises, quotas, strict=True)):
        enterprise.workforce = max(enterprise.workforce, quota + quota // 4)
        for _ in range(quota):
            sex = Sex.FEMALE if rng.random() < 0.45 else Sex.MALE
            group = names.ethnic_group(rng, enterprise.unit_code)
            years = rng.triangular(18.1, 58.9, 29)
            birth = as_of - timedelta(days=int(years * 365.25))
            role = demo_people._role(rng, enterprise, int(years))
            education: Education | None = demo_people._education(rng, group, role)
            qualification = rng.choice(demo_people.QUALIFICATIONS) \
                if education is Education.UPPER_SECONDARY else ""
            if role in (RoleCategory.MANAGER, RoleCategory.BUSINESS_OWNER):
                qualification = rng.choice(("Đại học", "Đại học", "Cao đẳng", "Thạc sĩ"))
            earliest = max(add_months(birth, 18 * 12), enterprise.union_founded_on)
            latest = as_of - timedelta(days=30)
            joined = earliest + timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))
            youth = years < 30 and rng.random() < 0.65 or 30 <= years < 35 and rng.random() < 0.15
            people.append(PersonSpec(
                full_name=names.person_name(rng, group, sex), birth_date=birth, sex=sex,
                ethnic_group=group, religion=demo_people._religion(rng, group),
                citizen_id=ids.next(_birth_province(rng, group, home), sex, birth),
                enterprise=index, role_category=role, union_joined_on=min(joined, latest),
                education=education, qualification=qualification,
                youth_union_member=youth or role is RoleCategory.YOUTH_OFFICER))
    return people
