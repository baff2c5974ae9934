"""One row of the enterprises workbook: matched by tax code, created or updated."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from .. import access
from ..extensions import db
from ..models import Enterprise, Ownership, Unit
from ..records.enterprises import create_enterprise, update_enterprise
from .importer import RowHandler, RowRefused

OPTIONAL = ("workforce", "union_founded_on", "has_party_org")


class EnterpriseRows(RowHandler):
    FIELD_COLUMNS = {"unit_id": "unit", "zone_id": "zone", "party_org_since": "has_party_org"}

    def _in_scope(self, model: type, object_id: int) -> bool:
        scoped = access.enterprises if model is Enterprise else access.units
        return db.session.scalar(scoped(self.actor).where(model.id == object_id)) is not None

    def apply(self, v: dict[str, object]) -> str:
        tax_code = str(v["tax_code"])
        if tax_code in self.seen:
            raise RowRefused(("tax_code", _("This tax code is also on row %(row)s.",
                                            row=self.seen[tax_code])))
        self.seen[tax_code] = self.row.number
        unit = v["unit"]
        assert isinstance(unit, Unit)
        if not self._in_scope(Unit, unit.id):
            raise RowRefused(("unit", _("This unit is outside your area.")))
        existing = db.session.scalar(select(Enterprise).where(Enterprise.tax_code == tax_code))
        if existing is not None and not self._in_scope(Enterprise, existing.id):
            raise RowRefused(("tax_code", _("This tax code belongs to an enterprise outside "
                                            "your area.")))
        values: dict[str, object] = {"name": v["name"], "tax_code": tax_code, "unit_id": unit.id}
        values.update({key: v[key] for key in OPTIONAL if key in v})
        if "ownership" in v:
            values["ownership"] = v["ownership"]
        if "zone" in v:
            values["zone_id"] = v["zone"].id
        if existing is None:
            if not access.can_create_enterprise(self.actor):
                raise RowRefused(("tax_code", _("No enterprise with this tax code is recorded, "
                                                "and your role cannot add enterprises.")))
            if "ownership" not in values:
                values["ownership"] = Ownership.PRIVATE
                self.problem("ownership", _("No type given: recorded as private."), warning=True)
            create_enterprise(values, self.actor)
            return "new"
        return "changed" if update_enterprise(existing, values, self.actor) else "unchanged"
