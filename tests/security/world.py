"""Two units' worth of data and one signed-in user per role, shared by the security tests.

Unit 643 holds enterprise A (the enterprise officer's) and its sibling A2; unit 651 holds
enterprise B. Each enterprise has one member with an open dossier, with distinctive names,
ethnic groups and religions so a test can look for them in any page, URL or log line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select

from ldld_tracker.extensions import db
from ldld_tracker.models import Dossier, Enterprise, Person, Plan, Religion, Role, Unit, User

from .. import factories

ROLES = ("anonymous", "admin", "board", "district", "enterprise")


@dataclass
class Side:
    """One enterprise of one unit, with its member and the member's dossier."""

    unit: Unit
    enterprise: Enterprise
    person: Person
    dossier: Dossier

    def personal_strings(self) -> dict[str, str]:
        """What must never be seen outside this person's scope, nor in any URL or log."""
        person = self.person
        values = {"name": person.full_name, "citizen_id": person.citizen_id,
                  "ethnic_group": person.ethnic_group.name}
        if person.religion is not None:
            values["religion"] = person.religion.name
        return values


@dataclass
class World:
    inside: Side  # unit 643, enterprise A: in the district and enterprise officers' scope
    sibling: Side  # unit 643, enterprise A2: in the district officer's scope only
    outside: Side  # unit 651, enterprise B: in nobody's scope but the board's
    plan: Plan
    victim: User  # an account the administrator acts on
    users: dict[str, User] = field(default_factory=dict)


def _religion(name: str) -> Religion:
    return db.session.scalar(select(Religion).where(Religion.name == name))


def _side(unit_code: str, enterprise_name: str, tax_code: str, person_name: str,
          citizen_id: str, ethnic: str, religion: str) -> Side:
    enterprise = factories.enterprise(unit_code, name=enterprise_name, tax_code=tax_code)
    person = factories.person(enterprise, full_name=person_name, citizen_id=citizen_id,
                              ethnic_group=factories.ethnic(ethnic), religion=_religion(religion),
                              birth_date=date(1991, 4, 23))
    dossier = factories.dossier_ready_for_cell(person)
    return Side(enterprise.unit, enterprise, person, dossier)


def build_world() -> World:
    """Create the data and one user per role (every user reads English)."""
    inside = _side("643", "Công ty Cà phê Trong Vùng", "6400000001", "Hoàng Thị Trongvùng",
                   "066191000111", "Ê-đê", "Tin Lành")
    sibling = _side("643", "Công ty Gỗ Bên Cạnh", "6400000002", "Lê Văn Bêncạnh",
                    "066191000222", "Xơ-đăng", "Phật giáo")
    outside = _side("651", "Công ty Cao su Ngoài Vùng", "6500000003", "Y Niê Ngoàivùng",
                    "066191000333", "Chứt", "Cao Đài")
    plan = db.session.scalar(select(Plan).where(Plan.year == 2020))
    victim = factories.user(Role.DISTRICT, unit_obj=outside.unit, username="victim.651")
    users = {
        "admin": factories.user(Role.ADMIN, username="sec.admin"),
        "board": factories.user(Role.BOARD, username="sec.board"),
        "district": factories.user(Role.DISTRICT, unit_obj=inside.unit, username="sec.district"),
        "enterprise": factories.user(Role.ENTERPRISE, enterprise_obj=inside.enterprise,
                                     username="sec.enterprise"),
    }
    for user in users.values():
        user.locale = "en"
    db.session.commit()
    return World(inside, sibling, outside, plan, victim, users)


def sign_in(client: FlaskClient, world: World, role: str) -> User | None:
    """Sign ``role`` in on ``client`` (nothing for "anonymous")."""
    if role == "anonymous":
        return None
    user = world.users[role]
    response = client.post("/login", data={"username": user.username,
                                           "password": factories.PASSWORD})
    assert response.status_code == 302, response.data
    return user
