"""Made-up union members: names, ages, sex, ethnicity, religion, roles and schooling.

Citizen IDs follow the CCCD layout (province of birth, century and sex digit, year of
birth, six digits), mostly 066 (born in Đắk Lắk), others from the provinces people moved
from. Phone numbers are left empty: any random number could belong to someone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ..models import Education, Ownership, RoleCategory, Sex
from ..workflow.calendar import add_months
from . import names
from .enterprises import EnterpriseSpec

TARGET_MEMBERS = 3000
# Other provinces people were born in, by group (CCCD province codes).
BIRTH_PROVINCES = {
    "Kinh": ("038", "040", "042", "036", "034", "052", "030", "044", "001", "054"),
    "Tày": ("004", "020", "006"),
    "Nùng": ("004", "020"),
    "Mường": ("017", "038"),
    "Thái": ("040", "014"),
    "Dao": ("004", "015"),
    "Mông": ("002", "008"),
}
HIGHLAND = {"Ê-đê", "Mnông", "Gia-rai", "Xơ-đăng", "Ba-na"}
ROLE_MIX = ((RoleCategory.WORKER, 74), (RoleCategory.MANAGER, 10),
            (RoleCategory.UNION_OFFICER, 8), (RoleCategory.YOUTH_OFFICER, 5),
            (RoleCategory.BUSINESS_OWNER, 3))
QUALIFICATIONS = ("", "", "", "Sơ cấp nghề", "Trung cấp", "Trung cấp nghề", "Cao đẳng", "Đại học")


@dataclass
class PersonSpec:
    """What the demo will insert for one member (``enterprise`` indexes the plan's list)."""

    full_name: str
    birth_date: date
    sex: Sex
    ethnic_group: str
    religion: str | None
    citizen_id: str
    enterprise: int
    role_category: RoleCategory
    union_joined_on: date
    education: Education | None
    qualification: str
    youth_union_member: bool


def member_quotas(enterprises: list[EnterpriseSpec]) -> list[int]:
    """Members per enterprise: bigger workforces have more, every enterprise at least 3."""
    weights = [e.workforce ** 0.6 for e in enterprises]
    total = sum(weights)
    return [max(3, min(e.workforce, round(TARGET_MEMBERS * w / total)))
            for e, w in zip(enterprises, weights, strict=True)]


def _religion(rng: random.Random, group: str) -> str | None:
    roll = rng.random()
    if group in HIGHLAND:
        return "protestantism" if roll < 0.3 else "catholicism" if roll < 0.4 else None
    if group == "Kinh":
        if roll < 0.075:
            return "catholicism"
        return "buddhism" if roll < 0.125 else "caodaism" if roll < 0.13 else None
    return "protestantism" if roll < 0.08 else "buddhism" if roll < 0.1 else None


def _citizen_id(rng: random.Random, group: str, sex: Sex, birth: date, used: set[str]) -> str:
    others = BIRTH_PROVINCES.get(group, ("064", "067"))
    away = 0.2 if group == "Kinh" else 0.05 if group in HIGHLAND else 0.4
    province = rng.choice(others) if rng.random() < away else "066"
    century = (0 if birth.year < 2000 else 2) + (1 if sex is Sex.FEMALE else 0)
    while True:
        number = f"{province}{century}{birth.year % 100:02d}{rng.randint(0, 999999):06d}"
        if number not in used:
            used.add(number)
            return number


def _role(rng: random.Random, enterprise: EnterpriseSpec, age: int) -> RoleCategory:
    role = rng.choices([r for r, _w in ROLE_MIX], [w for _r, w in ROLE_MIX])[0]
    if role is RoleCategory.BUSINESS_OWNER and enterprise.ownership in (
            Ownership.STATE, Ownership.FOREIGN):
        role = RoleCategory.MANAGER
    if role is RoleCategory.YOUTH_OFFICER and age >= 35:
        role = RoleCategory.UNION_OFFICER
    return role


def _education(rng: random.Random, group: str, role: RoleCategory) -> Education | None:
    if role is not RoleCategory.WORKER:
        weights = (1, 9, 90, 0)
    elif group == "Kinh":
        weights = (4, 22, 70, 4)
    else:
        weights = (12, 32, 50, 6)
    levels = (Education.PRIMARY, Education.LOWER_SECONDARY, Education.UPPER_SECONDARY, None)
    return rng.choices(levels, weights)[0]


def plan_people(rng: random.Random, enterprises: list[EnterpriseSpec], as_of: date) -> list[PersonSpec]:
    """About 3,000 members; ages on ``as_of`` mostly 18 to 58."""
    people: list[PersonSpec] = []
    used: set[str] = set()
    for index, (enterprise, quota) in enumerate(zip(enterprises, member_quotas(enterprises),
                                                    strict=True)):
        for _ in range(quota):
            sex = Sex.FEMALE if rng.random() < 0.45 else Sex.MALE
            group = names.ethnic_group(rng, enterprise.unit_code)
            years = rng.triangular(18.1, 58.9, 29)
            birth = as_of - timedelta(days=int(years * 365.25))
            age = int(years)
            role = _role(rng, enterprise, age)
            education = _education(rng, group, role)
            qualification = rng.choice(QUALIFICATIONS) if education is Education.UPPER_SECONDARY else ""
            if role in (RoleCategory.MANAGER, RoleCategory.BUSINESS_OWNER):
                qualification = rng.choice(("Đại học", "Đại học", "Cao đẳng", "Thạc sĩ"))
            earliest = max(add_months(birth, 18 * 12), enterprise.union_founded_on)
            latest = as_of - timedelta(days=30)
            joined = earliest + timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))
            youth = age < 30 and rng.random() < 0.65 or 30 <= age < 35 and rng.random() < 0.15
            people.append(PersonSpec(
                full_name=names.person_name(rng, group, sex), birth_date=birth, sex=sex,
                ethnic_group=group, religion=_religion(rng, group),
                citizen_id=_citizen_id(rng, group, sex, birth, used), enterprise=index,
                role_category=role, union_joined_on=min(joined, latest), education=education,
                qualification=qualification,
                youth_union_member=youth or role is RoleCategory.YOUTH_OFFICER))
    return people
