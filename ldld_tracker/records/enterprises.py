"""Creating and changing enterprises."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..errors import OperationRefused
from ..extensions import db
from ..models import Enterprise, IndustrialZone, User
from ._common import apply_changes, ensure_version

FIELDS = ("name", "tax_code", "unit_id", "ownership", "zone_id", "workforce",
          "union_founded_on", "has_party_org", "party_org_since")
TAX_CODE = re.compile(r"^[0-9]{10}([0-9]{3})?$")  # ASCII digits only (see CITIZEN_ID)


def normalise_tax_code(text: str | None) -> str:
    """Digits only: "6000123456-001" -> "6000123456001"; full-width digits made ASCII."""
    return re.sub(r"[\s\-.]", "", unicodedata.normalize("NFKC", text or ""))


def _validate(values: dict[str, Any], current: Enterprise | None) -> None:
    errors: dict[str, str] = {}
    tax_code = values.get("tax_code", current.tax_code if current else "")
    if not TAX_CODE.match(tax_code or ""):
        errors["tax_code"] = _("A tax code has 10 or 13 digits.")
    else:
        taken = db.session.scalar(select(Enterprise).where(Enterprise.tax_code == tax_code))
        if taken is not None and taken is not current:
            errors["tax_code"] = _("The tax code %(code)s is already used by %(name)s.",
                                   code=tax_code, name=taken.name)
    if not (values.get("name") or (current.name if current else "")).strip():
        errors["name"] = _("Enter the enterprise's name.")
    zone_id = values.get("zone_id")
    unit_id = values.get("unit_id", current.unit_id if current else None)
    if zone_id:
        zone = db.session.get(IndustrialZone, zone_id)
        if zone is None or zone.unit_id != unit_id:
            errors["zone_id"] = _("This industrial zone or cluster is not in the chosen unit.")
    workforce = values.get("workforce")
    if workforce is not None and not 0 <= workforce <= 1_000_000:
        errors["workforce"] = _("The workforce must be between 0 and 1,000,000.")
    if values.get("has_party_org") is False and values.get("party_org_since"):
        errors["party_org_since"] = _("Leave this empty when there is no party organisation.")
    if errors:
        raise OperationRefused(*errors.values(), field_errors=errors)


def create_enterprise(values: dict[str, Any], actor: User) -> Enterprise:
    """Add an enterprise (its tax code must be new)."""
    values = {**values, "tax_code": normalise_tax_code(values.get("tax_code"))}
    _validate(values, None)
    enterprise = Enterprise(**{k: v for k, v in values.items() if k in FIELDS})
    db.session.add(enterprise)
    db.session.flush()
    audit.record(actor, "enterprise.create", enterprise, {
        k: [None, v] for k, v in audit.snapshot(enterprise, FIELDS).items() if v is not None})
    return enterprise


def update_enterprise(enterprise: Enterprise, values: dict[str, Any], actor: User,
                      expected_version: int | None = None) -> dict[str, list[Any]]:
    """Change an enterprise; returns the audited changes (empty when nothing changed)."""
    ensure_version(enterprise, expected_version)
    if "tax_code" in values:
        values = {**values, "tax_code": normalise_tax_code(values["tax_code"])}
    _validate(values, enterprise)
    return apply_changes(enterprise, values, FIELDS, actor, "enterprise.update")
