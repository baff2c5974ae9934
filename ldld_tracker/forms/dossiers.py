"""Forms of the dossier page: one per milestone (its date and details), and the forms to
remove a step, end or reopen a dossier and edit its settings.

Several forms share one page, so each is built with a ``prefix`` (the milestone code,
``remove_<code>``, ``end`` …). The forms only check the shape of the input (a date, a
whole number); the Party's rules are checked by ``workflow.checks`` when the operation runs.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..models import Dossier, Education, RoleCategory
from ..workflow.checks import IntroducerEntry, MilestoneEntry
from ..workflow.rules import ENDS, MILESTONE_BY_CODE
from .fields import CleanStringField, DayField

ROLE_CATEGORY_LABELS = {
    RoleCategory.WORKER: _l("Worker"),
    RoleCategory.MANAGER: _l("Manager"),
    RoleCategory.UNION_OFFICER: _l("Trade-union officer"),
    RoleCategory.YOUTH_OFFICER: _l("Youth Union officer"),
    RoleCategory.BUSINESS_OWNER: _l("Business owner"),
}
EDUCATION_LABELS = {
    Education.PRIMARY: _l("Primary"),
    Education.LOWER_SECONDARY: _l("Lower secondary"),
    Education.UPPER_SECONDARY: _l("Upper secondary"),
}
# Labels of the detail columns a milestone records, for its form and for the timeline.
DETAIL_LABELS = {
    "identified_by": _l("Identified by"),
    "certificate_no": _l("Certificate number"),
    "introduction_resolution_no": _l("Union executive committee resolution number"),
    "cell_votes_for": _l("Votes in favour"),
    "cell_members": _l("Official members of the cell"),
    "committee_votes_for": _l("Votes in favour"),
    "committee_members": _l("Members of the committee"),
    "admission_decision_no": _l("Decision number"),
    "official_decision_no": _l("Decision number"),
}
REASON = _l("Reason")
NEED_REASON = _l("Give the reason.")


class CountField(IntegerField):
    """A whole number of people, with a message that says so when the text is not one."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.raw_data = [text]
        self.data = None
        if text:
            if not text.isdecimal() or len(text) > 6:
                raise ValueError(_l("Enter a whole number of people, e.g. 9."))
            self.data = int(text)


def _count(label: object, minimum: int) -> CountField:
    return CountField(label, validators=[Optional(), NumberRange(
        min=minimum, max=100000, message=_l("Enter a number from %(min)s.", min=minimum))])


def _text(name: str, max_length: int = 50) -> CleanStringField:
    return CleanStringField(DETAIL_LABELS[name], validators=[Length(max=max_length)])


class IntroducerForm(Form):
    """One introducing party member (form 3-KNĐ), every field optional when left empty."""

    full_name = CleanStringField(_l("Introducer's name"), validators=[Length(max=120)])
    is_official_member = SelectField(_l("Official party member"), default="1",
                                     choices=[SelectChoice("1", _l("Yes")),
                                              SelectChoice("0", _l("No"))])
    party_unit = CleanStringField(_l("Party cell or organisation"), validators=[Length(max=200)])
    worked_together_since = DayField(_l("Worked with the applicant since"))

    def validate_full_name(self, field) -> None:
        if not field.data and self.worked_together_since.data:
            raise ValidationError(_l("Enter the introducer's name."))

    def validate_worked_together_since(self, field) -> None:
        if self.full_name.data and not field.data and not field.errors:
            raise ValidationError(_l("Enter the date since when they have worked together."))

    def entry(self) -> IntroducerEntry:
        return IntroducerEntry(self.full_name.data, self.is_official_member.data == "1",
                               self.worked_together_since.data, self.party_unit.data or "")


class MilestoneForm(FlaskForm):
    """The date of a milestone; subclasses add its details. ``reason`` is needed only to
    correct a recorded step (the operation asks for it then)."""

    code = ""
    on = DayField(_l("Date"), validators=[DataRequired(message=_l("Enter the date of this step."))])
    reason = CleanStringField(_l("Reason for the correction"), validators=[Length(max=500)])

    def entry(self) -> MilestoneEntry:
        """What the officer submitted, in the shape the operation checks."""
        milestone = MILESTONE_BY_CODE[self.code]
        details = {name: self[name].data for name in milestone.detail_fields}
        return MilestoneEntry(self.code, self.on.data, details, self._introducers())

    def _introducers(self) -> list[IntroducerEntry]:
        return []


class _VotesForm(MilestoneForm):
    """Votes in favour out of the members entitled to vote, both whole numbers."""

    votes_field = ""
    members_field = ""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        votes, members = self[self.votes_field], self[self.members_field]
        if valid and votes.data is not None and members.data is not None \
                and votes.data > members.data:
            votes.errors = [*votes.errors, _l(
                "Votes in favour (%(votes)s) cannot exceed the number of members (%(members)s).",
                votes=votes.data, members=members.data)]
            return False
        return valid


class IdentifiedForm(MilestoneForm):
    code = "identified"
    identified_by = _text("identified_by", 200)


class TrainedForm(MilestoneForm):
    code = "trained"
    certificate_no = _text("certificate_no")


class AppliedForm(MilestoneForm):
    code = "applied"


class VerifiedForm(MilestoneForm):
    code = "verified"


class IntroducedForm(MilestoneForm):
    code = "introduced"
    introduction_resolution_no = _text("introduction_resolution_no")
    introducers = FieldList(FormField(IntroducerForm), min_entries=2, max_entries=2)

    def _introducers(self) -> list[IntroducerEntry]:
        return [row.form.entry() for row in self.introducers if row.form.full_name.data]


class CellForm(_VotesForm):
    code = "cell_resolved"
    votes_field, members_field = "cell_votes_for", "cell_members"
    cell_votes_for = _count(DETAIL_LABELS["cell_votes_for"], 0)
    cell_members = _count(DETAIL_LABELS["cell_members"], 1)


class CommitteeForm(_VotesForm):
    code = "committee_resolved"
    votes_field, members_field = "committee_votes_for", "committee_members"
    committee_votes_for = _count(DETAIL_LABELS["committee_votes_for"], 0)
    committee_members = _count(DETAIL_LABELS["committee_members"], 1)


class AdmittedForm(MilestoneForm):
    code = "admitted"
    admission_decision_no = _text("admission_decision_no")


class SwornInForm(MilestoneForm):
    code = "sworn_in"


class OfficialForm(MilestoneForm):
    code = "official"
    official_decision_no = _text("official_decision_no")


MILESTONE_FORMS: dict[str, type[MilestoneForm]] = {
    form.code: form for form in (IdentifiedForm, TrainedForm, AppliedForm, VerifiedForm,
                                 IntroducedForm, CellForm, CommitteeForm, AdmittedForm,
                                 SwornInForm, OfficialForm)
}


def recorded_values(dossier: Dossier, code: str) -> dict[str, Any]:
    """A recorded milestone's values, to fill its correction form."""
    milestone = MILESTONE_BY_CODE[code]
    values: dict[str, Any] = {"on": getattr(dossier, milestone.date_field)}
    values.update({name: getattr(dossier, name) for name in milestone.detail_fields})
    if code == "introduced":
        values["introducers"] = [
            {"full_name": i.full_name, "is_official_member": "1" if i.is_official_member else "0",
             "party_unit": i.party_unit, "worked_together_since": i.worked_together_since}
            for i in dossier.introducers
        ]
    return values


class RemoveForm(FlaskForm):
    reason = CleanStringField(REASON, validators=[DataRequired(message=NEED_REASON),
                                                  Length(max=500)])


class EndForm(FlaskForm):
    kind = SelectField(_l("How the dossier ends"),
                       choices=[SelectChoice(e.kind.value, e.label) for e in ENDS])
    on = DayField(_l("Date"), validators=[DataRequired(message=_l("Enter the date of this step."))])
    reason = CleanStringField(REASON, validators=[DataRequired(message=NEED_REASON),
                                                  Length(max=500)])


class ReopenForm(FlaskForm):
    reason = CleanStringField(REASON, validators=[DataRequired(message=NEED_REASON),
                                                  Length(max=500)])


class SettingsForm(FlaskForm):
    party_cell = CleanStringField(_l("Party cell"), validators=[Length(max=200)])
    cell_is_grassroots = BooleanField(
        _l("The party cell is itself the grassroots organisation (no committee resolution)"))
    age_exception_ref = CleanStringField(
        _l("Provincial standing board's consent for an applicant over 60 (reference)"),
        validators=[Length(max=100)])
    note = CleanStringField(_l("Note"), validators=[Length(max=1000)])

    def values(self) -> dict[str, Any]:
        """The settings as the operation takes them (a text left out of the post is "")."""
        texts = {name: self[name].data or "" for name in ("party_cell", "age_exception_ref",
                                                           "note")}
        return {**texts, "cell_is_grassroots": self.cell_is_grassroots.data}
