"""The enterprise form, and the choice and number fields every data-entry form here shares.

WTForms ships no Vietnamese catalogue, so its built-in messages ("Not a valid choice")
would reach officers in English: the fields below raise our own catalogue's messages.
Choices come from the user's scope (``access``), so a value outside it is simply not a
valid choice and the form refuses it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from .. import access
from ..extensions import db
from ..models import IndustrialZone, Ownership, Unit, UnitKind, User
from .fields import CleanStringField, DayField, not_in_future

OWNERSHIP_LABELS: dict[Ownership, object] = {
    Ownership.STATE: _l("State-owned"),
    Ownership.FOREIGN: _l("Foreign-invested"),
    Ownership.PRIVATE: _l("Private"),
    Ownership.COOPERATIVE: _l("Cooperative"),
}
NOT_A_CHOICE = _l("Choose one of the options in the list.")
MAX_ID_DIGITS = 9


def conflict_message() -> str:
    """The conflict message, when the database (not ``ensure_version``) notices it."""
    return _("Someone else saved this record while you were editing it. Your changes were not "
             "saved: reload the page to see their version, then make your changes again.")


def optional_int(value: Any) -> int | None:
    """Coerce a submitted id: "" means none; anything but a short run of digits is refused."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip()
    if not text:
        return None
    if not text.isdecimal() or len(text) > MAX_ID_DIGITS:
        raise ValueError(text)
    return int(text)


def enum_coerce(enum_cls: type[enum.Enum]) -> Callable[[Any], enum.Enum | None]:
    """Coerce a submitted enum value ("" means none), refusing values the enum lacks."""

    def coerce(value: Any) -> enum.Enum | None:
        if value is None or isinstance(value, enum_cls):
            return value
        return enum_cls(value) if str(value) else None

    return coerce


def enum_choices(labels: dict) -> list[tuple[str, object]]:
    return [(member.value, label) for member, label in labels.items()]


class ChoiceField(SelectField):
    """A select whose refusals speak our language; "" is the "none chosen" option."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        try:
            self.data = self.coerce(valuelist[0])
        except (ValueError, TypeError):
            self.data = None
            raise ValueError(NOT_A_CHOICE) from None

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            return
        if not any(match for _value, _label, match, *_rest in self.iter_choices()):
            raise ValidationError(NOT_A_CHOICE)


class WholeNumberField(IntegerField):
    """A count typed by people: "3.500" and "3 500" are 3500; letters are refused."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        text = (valuelist[0] or "").strip().replace(".", "").replace(" ", "")
        if not text:
            self.data = None
            return
        if not text.isdecimal() or len(text) > MAX_ID_DIGITS:
            self.data = None
            raise ValueError(_l("Enter a whole number, for example 250."))
        self.data = int(text)


def version_field() -> WholeNumberField:
    """The record's version when the form was opened (optimistic locking)."""
    return WholeNumberField(widget=HiddenInput(), validators=[
        InputRequired(_l("The form is incomplete. Reload the page and try again."))])


def unit_choices(user: User) -> list[tuple[Any, object]]:
    """The units this user may file an enterprise under (not the province itself)."""
    units = db.session.scalars(
        access.units(user).where(Unit.kind != UnitKind.PROVINCE).order_by(Unit.code))
    return [(unit.id, unit.name) for unit in units]


def zone_choices(user: User) -> list[tuple[Any, object]]:
    """Industrial zones and clusters of the user's units; "" for none."""
    unit_ids = access.units(user).with_only_columns(Unit.id).scalar_subquery()
    zones = db.session.scalars(
        select(IndustrialZone).where(IndustrialZone.unit_id.in_(unit_ids))
        .order_by(IndustrialZone.name))
    return [("", _l("None"))] + [(zone.id, zone.name) for zone in zones]


class EnterpriseForm(FlaskForm):
    name = CleanStringField(_l("Name"), validators=[
        DataRequired(_l("Enter the enterprise's name.")),
        Length(max=300, message=_l("At most %(max)d characters."))])
    tax_code = CleanStringField(_l("Tax code"), validators=[
        DataRequired(_l("Enter the tax code (10 or 13 digits).")),
        Length(max=20, message=_l("A tax code has 10 or 13 digits."))])
    unit_id = ChoiceField(_l("Unit"), coerce=optional_int,
                          validators=[InputRequired(_l("Choose the unit."))])
    ownership = ChoiceField(_l("Ownership"), coerce=enum_coerce(Ownership),
                            validators=[InputRequired(_l("Choose the ownership."))])
    zone_id = ChoiceField(_l("Industrial zone or cluster"), coerce=optional_int)
    workforce = WholeNumberField(_l("Workforce"), validators=[
        Optional(), NumberRange(min=0, max=1_000_000,
                    message=_l("The workforce must be between 0 and 1,000,000."))])
    union_founded_on = DayField(_l("Grassroots union founded on"), validators=[not_in_future])
    has_party_org = BooleanField(_l("Has a party organisation"))
    party_org_since = DayField(_l("Party organisation since"), validators=[not_in_future])

    def fill_choices(self, user: User) -> None:
        if "unit_id" in self:
            self.unit_id.choices = [("", _l("Choose…"))] + unit_choices(user)
        self.ownership.choices = [("", _l("Choose…"))] + enum_choices(OWNERSHIP_LABELS)
        self.zone_id.choices = zone_choices(user)


class EnterpriseEditForm(EnterpriseForm):
    version = version_field()


def attach_errors(form: FlaskForm, refused: Any) -> list[str]:
    """Show an operation's refusal on the form: each field's message under its field, the
    rest (conflicts, fields this form lacks) returned for the top of the page."""
    attached = []
    for name, message in refused.field_errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
            attached.append(message)
    return [message for message in refused.messages if message not in attached]
