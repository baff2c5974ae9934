"""The shared data of the browser journeys, written straight into the live server's
database: two enterprises in two districts and one account per role.

Journeys whose point is not data entry build their dossiers here too (``dossier_ready_for_cell``,
``admitted_dossier``), so each test only clicks through what it is about.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ldld_tracker.accounts import create_user
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
)

from .conftest import PASSWORD

_seq = itertools.count(1)


@dataclass
class World:
    """Ids and names the journeys use; ``app`` reaches the live server's database."""

    app: object
    enterprise_id: int
    enterprise_name: str
    other_enterprise_id: int
    other_dossier_id: int
    other_person_id: int
    enterprise_officer: str = "j_enterprise"
    district_officer: str = "j_district"
    board: str = "j_board"
    admin: str = "j_admin"

    def dossier(self, dossier_id: int) -> Dossier:
        """A fresh copy of a dossier from the database (call inside ``app.app_context()``)."""
        db.session.expire_all()
        return db.session.get(Dossier, dossier_id)

    def new_person(self, enterprise_id: int | None = None, **values) -> int:
        """A union member of the journeys' enterprise (or another); returns its id."""
        with self.app.app_context():
            person = _person(enterprise_id or self.enterprise_id, **values)
            db.session.commit()
            return person.id

    def new_dossier(self, **person) -> int:
        """A dossier just opened, nothing recorded yet, for a new member; returns its id."""
        with self.app.app_context():
            dossier = Dossier(person=_person(self.enterprise_id, **person))
            db.session.add(dossier)
            db.session.commit()
            return dossier.id

    def dossier_ready_for_cell(self, enterprise_id: int | None = None,
                               person: dict | None = None, **values) -> int:
        """A dossier with milestones 1-5 recorded in 2020 (``person``: the member's values,
        ``values``: the dossier's); returns its id."""
        with self.app.app_context():
            member = _person(enterprise_id or self.enterprise_id, **(person or {}))
            dossier = Dossier(person=member, **_ready_for_cell(values))
            db.session.add(dossier)
            db.session.commit()
            return dossier.id

    def record_admission(self, dossier_id: int, on: date, decision_no: str) -> None:
        """Record the cell, committee and admission of a dossier ready for the cell, as a
        district officer would have (straight into the database)."""
        with self.app.app_context():
            dossier = self.dossier(dossier_id)
            dossier.cell_resolved_on, dossier.cell_votes_for, dossier.cell_members = (
                on - timedelta(days=20), 9, 10)
            dossier.committee_resolved_on, dossier.committee_votes_for = on - timedelta(days=10), 5
            dossier.committee_members = 6
            dossier.admitted_on, dossier.admission_decision_no = on, decision_no
            db.session.commit()


def _person(enterprise_id: int, **values) -> Person:
    n = next(_seq)
    values.setdefault("full_name", f"Lê Thị Hành Trình {n}")
    values.setdefault("birth_date", date(1992, 4, 20))
    values.setdefault("sex", Sex.FEMALE)
    values.setdefault("citizen_id", f"066{190000000 + n:09d}")
    values.setdefault("role_category", RoleCategory.WORKER)
    values.setdefault("education", Education.UPPER_SECONDARY)
    values.setdefault("ethnic_group", db.session.scalar(
        select(EthnicGroup).where(EthnicGroup.name == "Kinh")))
    person = Person(enterprise_id=enterprise_id, **values)
    db.session.add(person)
    db.session.flush()
    return person


def _ready_for_cell(values: dict) -> dict:
    return {
        "identified_on": date(2020, 1, 10), "trained_on": date(2020, 2, 10),
        "certificate_no": "CN-01", "applied_on": date(2020, 3, 1),
        "verified_on": date(2020, 3, 20), "introduced_on": date(2020, 4, 1),
        "introduction_resolution_no": "12/NQ-CĐCS", **values,
    }


def _unit_id(code: str) -> int:
    return db.session.scalar(select(Unit.id).where(Unit.code == code))


def build_world(live_server) -> World:
    """Create the enterprises, the accounts and one dossier outside the journeys' district."""
    app = live_server.app()
    with app.app_context():
        enterprise = Enterprise(name="Công ty TNHH Cà phê Hành Trình", tax_code="6009990001",
                                unit_id=_unit_id("643"), ownership=Ownership.PRIVATE,
                                union_founded_on=date(2012, 3, 1), workforce=240)
        other = Enterprise(name="Công ty CP Cao su Buôn Hồ", tax_code="6009990002",
                           unit_id=_unit_id("644"), ownership=Ownership.STATE,
                           union_founded_on=date(2010, 1, 1), workforce=900)
        db.session.add_all([enterprise, other])
        db.session.flush()
        outsider = _person(other.id, full_name="Y Ngoài Phạm Vi")
        outside_dossier = Dossier(person=outsider, **_ready_for_cell({}))
        db.session.add(outside_dossier)
        db.session.flush()
        world = World(app, enterprise.id, enterprise.name, other.id, outside_dossier.id,
                      outsider.id)
        create_user(world.enterprise_officer, PASSWORD, Role.ENTERPRISE,
                    enterprise_id=enterprise.id, full_name="Cán bộ Doanh nghiệp")
        create_user(world.district_officer, PASSWORD, Role.DISTRICT, unit_id=enterprise.unit_id,
                    full_name="Cán bộ Huyện")
        create_user(world.board, PASSWORD, Role.BOARD, full_name="Ban Tổ chức")
        create_user(world.admin, PASSWORD, Role.ADMIN, full_name="Quản trị")
        db.session.commit()
    return world
