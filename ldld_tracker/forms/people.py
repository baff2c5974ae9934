"""The union-member (person) form: identity, enterprise, the plan's category, education.

The record operation (``records.people``) checks the citizen ID, plausible dates and
duplicates; this form checks what a browser can get wrong (missing fields, values outside
the offered choices, text where a date belongs) and offers only the user's enterprises.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField
from wtforms.validators import DataRequired, InputRequired, Length

from .. import access
from ..extensions import db
from ..models import Education, Enterprise, EthnicGroup, Religion, RoleCategory, Sex, User
from .enterprises import ChoiceField, enum_choices, enum_coerce, optional_int, version_field
from .fields import CleanStringField, DayField, not_in_future

SEX_LABELS: dict[Sex, object] = {Sex.MALE: _l("Male"), Sex.FEMALE: _l("Female")}
ROLE_LABELS: dict[RoleCategory, object] = {
    RoleCategory.WORKER: _l("Worker"),
    RoleCategory.MANAGER: _l("Manager"),
    RoleCategory.UNION_OFFICER: _l("Trade-union officer"),
    RoleCategory.YOUTH_OFFICER: _l("Youth Union officer"),
    RoleCategory.BUSINESS_OWNER: _l("Business owner"),
}
EDUCATION_LABELS: dict[Education, object] = {
    Education.PRIMARY: _l("Primary school"),
    Education.LOWER_SECONDARY: _l("Lower secondary school"),
    Education.UPPER_SECONDARY: _l("Upper secondary school"),
}
LONG = _l("At most %(max)d characters.")


def enterprise_choices(user: User, unit_id: int | None = None) -> list[tuple[Any, object]]:
    """The enterprises this user may put a member in (of one unit, if given), in
    Vietnamese order."""
    stmt = access.enterprises(user).with_only_columns(Enterprise.id, Enterprise.name)
    if unit_id is not None:
        stmt = stmt.where(Enterprise.unit_id == unit_id)
    rows = db.session.execute(stmt.order_by(Enterprise.sort_name, Enterprise.id))
    return [(row.id, row.name) for row in rows]


class PersonForm(FlaskForm):
    full_name = CleanStringField(_l("Full name"), validators=[
        DataRequired(_l("Enter the full name.")), Length(max=120, message=LONG)])
    birth_date = DayField(_l("Date of birth"), validators=[
        InputRequired(_l("Enter the date of birth.")), not_in_future])
    sex = ChoiceField(_l("Sex"), coerce=enum_coerce(Sex),
                      validators=[InputRequired(_l("Choose the sex."))])
    citizen_id = CleanStringField(_l("Citizen ID (CCCD)"), validators=[
        DataRequired(_l("Enter the citizen ID (12 digits).")),
        Length(max=20, message=_l("A citizen ID (CCCD) has exactly 12 digits."))])
    ethnic_group_id = ChoiceField(_l("Ethnic group"), coerce=optional_int,
                                  validators=[InputRequired(_l("Choose the ethnic group."))])
    religion_id = ChoiceField(_l("Religion"), coerce=optional_int)
    phone = CleanStringField(_l("Phone"), validators=[Length(max=20, message=LONG)])
    enterprise_id = ChoiceField(_l("Enterprise"), coerce=optional_int,
                                validators=[InputRequired(_l("Choose the enterprise."))])
    role_category = ChoiceField(_l("Category"), coerce=enum_coerce(RoleCategory),
                                validators=[InputRequired(_l("Choose the category."))])
    union_joined_on = DayField(_l("Joined the union on"), validators=[not_in_future])
    education = ChoiceField(_l("General education"), coerce=enum_coerce(Education))
    qualification = CleanStringField(_l("Qualification"), validators=[Length(max=120, message=LONG)])
    youth_union_member = BooleanField(_l("Youth Union member"))

    def fill_choices(self, user: User) -> None:
        choose = ("", _l("Choose…"))
        self.sex.choices = [choose] + enum_choices(SEX_LABELS)
        self.role_category.choices = [choose] + enum_choices(ROLE_LABELS)
        self.education.choices = [("", _l("Not known"))] + enum_choices(EDUCATION_LABELS)
        self.ethnic_group_id.choices = [choose] + [
            (g.id, g.name) for g in db.session.scalars(select(EthnicGroup).order_by(EthnicGroup.code))]
        self.religion_id.choices = [("", _l("None"))] + [
            (r.id, r.name) for r in db.session.scalars(select(Religion).order_by(Religion.id))]
        if "enterprise_id" in self:
            self.enterprise_id.choices = [choose] + enterprise_choices(user)


class PersonEditForm(PersonForm):
    version = version_field()
