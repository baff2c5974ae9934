"""Forms of the user administration: create, edit, reset a password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from ..extensions import db
from ..models import Enterprise, Role, Unit
from .fields import CleanStringField

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.BOARD: _l("Organization Board"),
    Role.DISTRICT: _l("District officer"),
    Role.ENTERPRISE: _l("Enterprise officer"),
}
TOO_SHORT = _l("The password must have at least 10 characters.")


def _optional_int(value: object) -> int | None:
    if value in (None, ""):
        return None
    return int(value)  # a non-number raises ValueError: "Not a valid choice"


def unit_choices() -> list[SelectChoice]:
    """Every unit below the province (districts, towns, the city, party blocks)."""
    units = db.session.scalars(select(Unit).where(Unit.parent_id.is_not(None)).order_by(Unit.code))
    return [SelectChoice("", "—")] + [SelectChoice(str(u.id), f"{u.code} · {u.name}") for u in units]


class UserFieldsForm(FlaskForm):
    """Name, role and scope: shared by the create and edit forms."""

    full_name = CleanStringField(_l("Full name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()],
                       validators=[DataRequired()])
    unit_id = SelectField(_l("Unit (district officers)"), coerce=_optional_int)
    enterprise_tax_code = CleanStringField(
        _l("Enterprise tax code (enterprise officers)"),
        validators=[Optional(), Regexp(r"^\d{10}(\d{3})?$", message=_l("A tax code has 10 or 13 digits."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unit_id.choices = unit_choices()
        self.enterprise_id: int | None = None

    def validate_unit_id(self, field) -> None:
        if self.role.data == Role.DISTRICT.value and field.data is None:
            raise ValidationError(_l("A district officer needs a unit."))

    def validate_enterprise_tax_code(self, field) -> None:
        if self.role.data != Role.ENTERPRISE.value:
            return
        if not field.data:
            raise ValidationError(_l("An enterprise officer needs an enterprise."))
        self.enterprise_id = db.session.scalar(
            select(Enterprise.id).where(Enterprise.tax_code == field.data))
        if self.enterprise_id is None:
            raise ValidationError(_l("No enterprise has this tax code."))


class UserCreateForm(UserFieldsForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(min=3, max=64),
                    Regexp(r"^[A-Za-z0-9._-]+$",
                           message=_l("Use only letters without accents, digits, dots, - and _."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none"})
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(), Length(min=10, max=200, message=TOO_SHORT)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class UserEditForm(UserFieldsForm):
    pass


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), Length(min=10, max=200, message=TOO_SHORT)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
                            render_kw={"autocomplete": "new-password"})
