"""Creating and changing union members (people), matched across enterprises by citizen ID."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit, clock
from ..errors import OperationRefused
from ..extensions import db
from ..models import Person, User
from ._common import apply_changes, ensure_version, fill_defaults

FIELDS = ("full_name", "birth_date", "sex", "ethnic_group_id", "religion_id", "citizen_id",
          "phone", "enterprise_id", "role_category", "union_joined_on", "education",
          "qualification", "youth_union_member")
# ASCII digits only: "\d" would also take other scripts' digits ("０６６…", "٠٦٦…"), and the
# same citizen could then be recorded twice under two spellings of one number.
CITIZEN_ID = re.compile(r"^[0-9]{12}$")
PHONE = re.compile(r"^\+?[\d .\-]{8,15}$")


class DuplicateCitizenId(OperationRefused):
    """The citizen ID belongs to someone already recorded; ``existing`` is that person."""

    def __init__(self, message: str, existing: Person) -> None:
        super().__init__(message, field_errors={"citizen_id": message})
        self.existing = existing


def normalise_citizen_id(text: str | None) -> str:
    """Digits only, full-width digits (typed with an East Asian input method) made ASCII."""
    return re.sub(r"[\s\-.]", "", unicodedata.normalize("NFKC", text or ""))


def _validate(values: dict[str, Any], current: Person | None, unique_checked: bool = False) -> None:
    errors: dict[str, str] = {}
    today = clock.today()
    citizen_id = values.get("citizen_id", current.citizen_id if current else "")
    if not CITIZEN_ID.match(citizen_id or ""):
        errors["citizen_id"] = _("A citizen ID (CCCD) has exactly 12 digits.")
    if not (values.get("full_name") or (current.full_name if current else "")).strip():
        errors["full_name"] = _("Enter the full name.")
    birth = values.get("birth_date", current.birth_date if current else None)
    if birth is None:
        errors["birth_date"] = _("Enter the date of birth.")
    elif birth > today or birth < date(today.year - 100, 1, 1):
        errors["birth_date"] = _("The date of birth is not plausible.")
    joined = values.get("union_joined_on")
    if joined is not None and (joined > today or (birth and joined < birth)):
        errors["union_joined_on"] = _("The date of joining the union must be between the date "
                                      "of birth and today.")
    phone = values.get("phone")
    if phone and not PHONE.match(phone):
        errors["phone"] = _("Not a valid phone number.")
    if errors:
        raise OperationRefused(*errors.values(), field_errors=errors)
    if unique_checked:
        return
    existing = db.session.scalar(select(Person).where(Person.citizen_id == citizen_id))
    if existing is not None and existing is not current:
        raise DuplicateCitizenId(
            _("The citizen ID %(id)s is already recorded for another person.", id=citizen_id),
            existing)


def create_person(values: dict[str, Any], actor: User, *, flush: bool = True,
                  unique_checked: bool = False, add: bool = True) -> Person:
    """Add a union member; a citizen ID already recorded raises ``DuplicateCitizenId``.

    For the import, which writes thousands of people: ``flush=False`` leaves the flush (and
    ``audit.write_deferred()``) to the caller; ``unique_checked=True`` says the caller has
    already looked this citizen ID up among all people and found no one; ``add=False``
    (with ``flush=False``) leaves the person out of the session: the caller writes it
    itself (a preview, see ``excel.importer``), and the session's bookkeeping of an
    object added, then let go of, is saved."""
    values = {**values, "citizen_id": normalise_citizen_id(values.get("citizen_id"))}
    _validate(values, None, unique_checked)
    person = Person(**{k: v for k, v in values.items() if k in FIELDS})
    if add:
        db.session.add(person)
    if flush:
        db.session.flush()
    else:
        fill_defaults(person)
    if audit.kept():
        audit.record(actor, "person.create", person, {
            k: [None, v] for k, v in audit.snapshot(person, FIELDS).items()
            if v not in (None, "")}, flush=flush)
    return person


def update_person(person: Person, values: dict[str, Any], actor: User,
                  expected_version: int | None = None, *, flush: bool = True,
                  unique_checked: bool = False) -> dict[str, list[Any]]:
    """Change a person; moving to another enterprise keeps the one dossier.
    ``flush`` and ``unique_checked`` as for ``create_person``."""
    ensure_version(person, expected_version)
    if "citizen_id" in values:
        values = {**values, "citizen_id": normalise_citizen_id(values["citizen_id"])}
    _validate(values, person, unique_checked)
    action = ("person.move" if values.get("enterprise_id") not in (None, person.enterprise_id)
              else "person.update")
    return apply_changes(person, values, FIELDS, actor, action, flush=flush)
