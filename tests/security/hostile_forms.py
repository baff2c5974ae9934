"""Every data-entry form of the app, with a valid submission to spoil one field at a time.

``prepare(world, n)`` builds whatever the form needs (a dossier at the right step, a unique
tax code) and returns the URL, a body the app accepts as it is, and the records whose text
must be clean if the spoiled body is accepted anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from ldld_tracker.extensions import db
from ldld_tracker.models import Dossier, EndKind, Enterprise, Introducer, Person, Plan, User
from ldld_tracker.workflow.rules import MILESTONES

from .. import factories
from .world import World

PROVINCE_CODE = "66"


@dataclass
class Case:
    url: str
    data: dict[str, str]
    stored: Callable[[], list[Any]] = lambda: []  # records to check once accepted


@dataclass(frozen=True)
class FormSpec:
    role: str
    prepare: Callable[[World, int], Case]
    # Categories per field (rotating, so every form gets them all); None: at least two, more
    # for a form of few fields.
    per_field: int | None = None
    may_change: frozenset[str] = field(default_factory=frozenset)  # tables a refusal writes
    megabyte: bool = False  # also send a 1,000,000-character value to its first field


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _newest(model) -> Callable[[], list[Any]]:
    return lambda: [db.session.scalar(select(model).order_by(model.id.desc()))]


# --- enterprises and members -------------------------------------------------------------

def _enterprise_body(world: World, n: int) -> dict[str, str]:
    return {"name": f"Công ty Thử {n}", "tax_code": f"{6410000000 + n}",
            "unit_id": str(world.inside.unit.id), "ownership": "private", "zone_id": "",
            "workforce": "120", "union_founded_on": "01/01/2015", "has_party_org": "y",
            "party_org_since": "01/06/2016"}


def enterprise_new(world: World, n: int) -> Case:
    return Case("/enterprises/new", _enterprise_body(world, n), _newest(Enterprise))


def enterprise_edit(world: World, n: int) -> Case:
    enterprise = world.inside.enterprise
    body = {**_enterprise_body(world, n), "tax_code": enterprise.tax_code,
            "version": str(enterprise.version)}
    return Case(f"/enterprises/{enterprise.id}/edit", body, lambda: [enterprise])


def _person_body(world: World, n: int) -> dict[str, str]:
    return {"full_name": f"Nguyễn Văn Thử {n}", "birth_date": "17/05/1990", "sex": "male",
            "citizen_id": f"066{190_000_000 + n:09d}",
            "ethnic_group_id": str(world.inside.person.ethnic_group_id),
            "religion_id": str(world.inside.person.religion_id), "phone": "0912345678",
            "enterprise_id": str(world.inside.enterprise.id), "role_category": "worker",
            "union_joined_on": "01/01/2015", "education": "upper_secondary",
            "qualification": "Kỹ sư", "youth_union_member": "y"}


def person_new(world: World, n: int) -> Case:
    return Case("/members/new", _person_body(world, n), _newest(Person))


def person_edit(world: World, n: int) -> Case:
    person = world.inside.person
    body = {**_person_body(world, n), "citizen_id": person.citizen_id,
            "version": str(person.version)}
    return Case(f"/members/{person.id}/edit", body, lambda: [person])


# --- dossiers ----------------------------------------------------------------------------

# A path recorded in 2018-2020 (today is 15/12/2020 in the tests): every step's date and
# details, valid for every rule.
PATH = {
    "identified": (date(2018, 10, 1), {"identified_by": "BCH CĐCS"}),
    "trained": (date(2018, 11, 1), {"certificate_no": "CN-01"}),
    "applied": (date(2018, 12, 1), {}),
    "verified": (date(2019, 1, 10), {}),
    "introduced": (date(2019, 2, 1), {"introduction_resolution_no": "1/NQ-CĐCS"}),
    "cell_resolved": (date(2019, 3, 1), {"cell_votes_for": 7, "cell_members": 9}),
    "committee_resolved": (date(2019, 3, 10), {"committee_votes_for": 5, "committee_members": 7}),
    "admitted": (date(2019, 4, 1), {"admission_decision_no": "10-QĐ/HU"}),
    "sworn_in": (date(2019, 11, 2), {}),
    "official": (date(2020, 12, 1), {"official_decision_no": "20-QĐ/HU"}),
}
INTRODUCER = {"introducers-0-full_name": "Trần Thị Bình", "introducers-0-is_official_member": "1",
              "introducers-0-party_unit": "Chi bộ Công ty",
              "introducers-0-worked_together_since": "01/01/2017",
              "introducers-1-full_name": "", "introducers-1-is_official_member": "1",
              "introducers-1-party_unit": "", "introducers-1-worked_together_since": ""}


def dossier_before(code: str | None, n: int) -> Dossier:
    """A new member's dossier with every step before ``code`` recorded (all with None)."""
    values: dict[str, Any] = {}
    for milestone in MILESTONES:
        if milestone.code == code:
            break
        on, details = PATH[milestone.code]
        values[milestone.date_field] = on
        values.update(details)
    person = factories.person(factories.enterprise("643", tax_code=f"{6420000000 + n}"),
                              citizen_id=f"066{180_000_000 + n:09d}")
    dossier = factories.dossier(person, **values)
    if "introduced_on" in values:
        db.session.add(Introducer(dossier=dossier, full_name="Trần Thị Bình",
                                  worked_together_since=date(2017, 1, 1)))
    db.session.commit()
    return dossier


def milestone(code: str) -> Callable[[World, int], Case]:
    def prepare(world: World, n: int) -> Case:
        dossier = dossier_before(code, n)
        on, details = PATH[code]
        body = {f"{code}-on": _day(on), f"{code}-reason": "",
                **{f"{code}-{name}": str(value) for name, value in details.items()},
                "version": str(dossier.version)}
        if code == "introduced":
            body.update({f"{code}-{name}": value for name, value in INTRODUCER.items()})
        return Case(f"/dossiers/{dossier.id}/milestones/{code}", body,
                    lambda: [dossier, *dossier.introducers])

    return prepare


def dossier_remove(world: World, n: int) -> Case:
    dossier = dossier_before("trained", n)
    return Case(f"/dossiers/{dossier.id}/milestones/identified/remove",
                {"remove_identified-reason": "Nhập nhầm", "version": str(dossier.version)},
                lambda: [dossier])


def dossier_end(world: World, n: int) -> Case:
    dossier = dossier_before("cell_resolved", n)
    return Case(f"/dossiers/{dossier.id}/end",
                {"end-kind": "withdrawn", "end-on": "01/12/2020", "end-reason": "Nghỉ việc",
                 "version": str(dossier.version)}, lambda: [dossier])


def dossier_reopen(world: World, n: int) -> Case:
    dossier = dossier_before("cell_resolved", n)
    dossier.end_kind, dossier.ended_on, dossier.end_reason = EndKind.WITHDRAWN, date(2020, 6, 1), "x"
    db.session.commit()
    return Case(f"/dossiers/{dossier.id}/reopen",
                {"reopen-reason": "Nhập nhầm", "version": str(dossier.version)}, lambda: [dossier])


def dossier_settings(world: World, n: int) -> Case:
    dossier = world.inside.dossier
    return Case(f"/dossiers/{dossier.id}/settings",
                {"settings-party_cell": "Chi bộ Công ty", "settings-cell_is_grassroots": "",
                 "settings-age_exception_ref": "", "settings-note": "Ghi chú",
                 "version": str(dossier.version)}, lambda: [dossier])


def dossier_open(world: World, n: int) -> Case:
    person = factories.person(world.inside.enterprise, citizen_id=f"066{170_000_000 + n:09d}")
    db.session.commit()
    return Case(f"/dossiers/open/{person.id}", {}, lambda: [])


# --- plans, targets, reported totals -----------------------------------------------------

def _plan_body(world: World, year: int) -> dict[str, str]:
    province = factories.unit(PROVINCE_CODE)
    body = {"year": str(year), "number": "155-KH/TU", "issuing_body": "Ban Thường vụ Tỉnh ủy",
            "issued_on": "09/03/2020", "target": "3.500", "unit_id": str(province.id)}
    body.update({f"profile_{m}": str(min(100, 9 * m)) if m < 12 else "100" for m in range(1, 13)})
    return body


def plan_new(world: World, n: int) -> Case:
    return Case("/plans/new", _plan_body(world, 2021 + n % 79), _newest(Plan))


def plan_edit(world: World, n: int) -> Case:
    return Case(f"/plans/{world.plan.id}/edit", _plan_body(world, 2020), lambda: [world.plan])


def unit_targets(world: World, n: int) -> Case:
    from ldld_tracker.records.plans import territory_units

    body = {f"unit-{unit.id}": str(200 + i) for i, unit in enumerate(territory_units(world.plan))}
    return Case(f"/plans/{world.plan.id}/targets", body)


def enterprise_targets(world: World, n: int) -> Case:
    ids = db.session.scalars(select(Enterprise.id).where(
        Enterprise.unit_id == world.inside.unit.id).order_by(Enterprise.id).limit(3))
    body = {f"enterprise-{i}": "5" for i in ids}
    return Case(f"/plans/{world.plan.id}/enterprise-targets?unit=643", body)


def reported(world: World, n: int) -> Case:
    body = {}
    for month in range(1, 13):
        body.update({f"admitted-{month}": "4", f"women-{month}": "1",
                     f"ethnic_minority-{month}": "2"})
    return Case(f"/plans/{world.plan.id}/reported?unit=643", body)


# --- accounts ----------------------------------------------------------------------------

def user_new(world: World, n: int) -> Case:
    return Case("/admin/users/new", {
        "username": f"can.bo.{n}", "password": "mật khẩu dài đủ", "confirm": "mật khẩu dài đủ",
        "full_name": "Cán bộ Thử", "role": "enterprise", "unit_id": "",
        "enterprise_tax_code": world.inside.enterprise.tax_code}, _newest(User))


def user_edit(world: World, n: int) -> Case:
    return Case(f"/admin/users/{world.victim.id}", {
        "full_name": "Cán bộ Ngoài", "role": "district", "unit_id": str(world.outside.unit.id),
        "enterprise_tax_code": ""}, lambda: [world.victim])


def user_password(world: World, n: int) -> Case:
    return Case(f"/admin/users/{world.victim.id}/password",
                {"password": "mật khẩu mới dài", "confirm": "mật khẩu mới dài"})


def own_password(world: World, n: int) -> Case:
    """Change the signed-in officer's password to the one they already have."""
    return Case("/account/password", {"current": factories.PASSWORD, "new": factories.PASSWORD,
                                      "confirm": factories.PASSWORD})


def login(world: World, n: int) -> Case:
    return Case("/login", {"username": world.users["board"].username,
                           "password": factories.PASSWORD})


def language(world: World, n: int) -> Case:
    return Case("/language/en", {"next": "/members/"})


def search(path: str) -> Callable[[World, int], Case]:
    return lambda world, n: Case(path, {"q": "Trongvùng"})


SIGN_IN_RECORDS = frozenset({"login_throttle", "audit_entry", "user_account"})

FORMS: dict[str, FormSpec] = {
    "enterprise new": FormSpec("district", enterprise_new, megabyte=True),
    "enterprise edit": FormSpec("district", enterprise_edit),
    "member new": FormSpec("district", person_new, megabyte=True),
    "member edit": FormSpec("district", person_edit),
    **{f"milestone {m.code}": FormSpec("district", milestone(m.code))
       for m in MILESTONES},
    "milestone remove": FormSpec("district", dossier_remove),
    "dossier end": FormSpec("district", dossier_end),
    "dossier reopen": FormSpec("district", dossier_reopen),
    "dossier settings": FormSpec("district", dossier_settings, megabyte=True),
    "dossier open": FormSpec("district", dossier_open),
    "plan new": FormSpec("board", plan_new, megabyte=True),
    "plan edit": FormSpec("board", plan_edit),
    "unit targets": FormSpec("board", unit_targets, per_field=1),
    "enterprise targets": FormSpec("board", enterprise_targets),
    "reported totals": FormSpec("district", reported, per_field=1),
    "user new": FormSpec("admin", user_new, megabyte=True),
    "user edit": FormSpec("admin", user_edit),
    "user password": FormSpec("admin", user_password),
    "own password": FormSpec("district", own_password),
    "language": FormSpec("district", language),
    "member search": FormSpec("district", search("/members/"), megabyte=True),
    "dossier search": FormSpec("district", search("/dossiers/")),
    "enterprise search": FormSpec("district", search("/enterprises/")),
    "sign in": FormSpec("anonymous", login, may_change=SIGN_IN_RECORDS, megabyte=True),
}
