"""Small factories: each test builds just the data it needs."""

from __future__ import annotations

import itertools
import re
from datetime import date

from sqlalchemy import select

from ldld_tracker.extensions import db
from ldld_tracker.models import (
    Dossier,
    Education,
    Enterprise,
    EthnicGroup,
    Ownership,
    Person,
    Role,
    RoleCategory,
    Sex,
    Unit,
    User,
)

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def unit(code: str = "643") -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def ethnic(name: str = "Kinh") -> EthnicGroup:
    return db.session.scalar(select(EthnicGroup).where(EthnicGroup.name == name))


def enterprise(unit_code: str = "643", **values) -> Enterprise:
    n = next(_seq)
    values.setdefault("name", f"Công ty TNHH Thử Nghiệm {n}")
    values.setdefault("tax_code", f"{6000000000 + n}")
    values.setdefault("ownership", Ownership.PRIVATE)
    values.setdefault("union_founded_on", date(2015, 1, 1))
    obj = Enterprise(unit=unit(unit_code), **values)
    db.session.add(obj)
    db.session.flush()
    return obj


def person(enterprise_obj: Enterprise | None = None, **values) -> Person:
    n = next(_seq)
    values.setdefault("full_name", f"Nguyễn Văn Thử {n}")
    values.setdefault("birth_date", date(1990, 5, 17))
    values.setdefault("sex", Sex.MALE)
    values.setdefault("citizen_id", f"066{n:09d}")
    values.setdefault("role_category", RoleCategory.WORKER)
    values.setdefault("education", Education.UPPER_SECONDARY)
    values.setdefault("ethnic_group", ethnic())
    obj = Person(enterprise=enterprise_obj or enterprise(), **values)
    db.session.add(obj)
    db.session.flush()
    return obj


def dossier(person_obj: Person | None = None, **values) -> Dossier:
    obj = Dossier(person=person_obj or person(), **values)
    db.session.add(obj)
    db.session.flush()
    return obj


def dossier_ready_for_cell(person_obj: Person | None = None, **values) -> Dossier:
    """A dossier with milestones 1-5 recorded in 2020, ready for the cell resolution."""
    values.setdefault("identified_on", date(2020, 1, 10))
    values.setdefault("trained_on", date(2020, 2, 10))
    values.setdefault("certificate_no", "CN-01")
    values.setdefault("applied_on", date(2020, 3, 1))
    values.setdefault("verified_on", date(2020, 3, 20))
    values.setdefault("introduced_on", date(2020, 4, 1))
    values.setdefault("introduction_resolution_no", "12/NQ-CĐCS")
    return dossier(person_obj, **values)


def user(role: Role = Role.BOARD, *, unit_obj: Unit | None = None,
         enterprise_obj: Enterprise | None = None, username: str | None = None) -> User:
    obj = User(username=username or f"user{next(_seq)}", role=role,
               unit=unit_obj if role is Role.DISTRICT else None,
               enterprise=enterprise_obj if role is Role.ENTERPRISE else None)
    obj.set_password(PASSWORD)
    db.session.add(obj)
    db.session.flush()
    return obj


def page_without_tokens(body: bytes) -> bytes:
    """A page's HTML with its CSRF tokens blanked: they are signed with the time, so two
    answers rendered a second apart differ there and only there."""
    return re.sub(rb'(name="csrf_token"[^>]*value=")[^"]*"', rb'\1"', body)
