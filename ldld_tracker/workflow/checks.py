"""The Party's rules applied to one proposed milestone: refusals and warnings.

Every message names the rule and the numbers, so an officer can see why a step is
refused (e.g. the applicant's age on the resolution date). Missed deadlines are only
warnings: data entry is never refused because paperwork was late.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..models import Dossier
from .calendar import add_months, full_months
from .calendar import add_working_days as _add_working_days
from .rules import MILESTONE_BY_CODE, Milestone, RuleValues

# Counting working days walks the calendar day by day; an import checks thousands of
# steps whose dates repeat, so the answers are remembered (dates and numbers only).
add_working_days = lru_cache(maxsize=4096)(_add_working_days)


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    blocking: bool = True


@dataclass(frozen=True)
class IntroducerEntry:
    full_name: str
    is_official_member: bool
    worked_together_since: date
    party_unit: str = ""


@dataclass
class MilestoneEntry:
    """What an officer submits for one milestone."""

    code: str
    on: date | None
    details: dict[str, object] = field(default_factory=dict)
    introducers: list[IntroducerEntry] = field(default_factory=list)


def d(value: date) -> str:
    return format_date(value, "dd/MM/yyyy")


def needs_of(milestone: Milestone, dossier: Dossier) -> tuple[str, ...]:
    """What a milestone needs for this dossier (no committee step where the cell is the
    grassroots organisation)."""
    if dossier.cell_is_grassroots:
        return tuple(n for n in milestone.needs if n != "committee_resolved")
    return milestone.needs


def recorded_on(dossier: Dossier, code: str) -> date | None:
    return getattr(dossier, MILESTONE_BY_CODE[code].date_field)


def check_milestone(
    dossier: Dossier, entry: MilestoneEntry, today: date, rules: RuleValues
) -> list[Finding]:
    """All findings for recording ``entry`` on ``dossier`` (which is not changed)."""
    milestone = MILESTONE_BY_CODE[entry.code]
    if entry.on is None:
        return [Finding("date", _("Enter the date of this step."))]
    findings = _check_dates(dossier, milestone, entry.on, today)
    findings += _check_details(milestone, entry)
    if milestone.code == "committee_resolved" and dossier.cell_is_grassroots:
        findings.append(Finding("structure", _(
            "This party cell is itself the grassroots organisation: there is no committee "
            "resolution to record.")))
    specific = _SPECIFIC.get(milestone.code)
    if specific and not any(f.blocking for f in findings):
        findings += specific(dossier, entry, rules)
    return findings


def _check_dates(dossier: Dossier, milestone: Milestone, on: date, today: date) -> list[Finding]:
    findings = []
    if on > today:
        findings.append(Finding("future", _(
            "The date %(date)s is in the future (today is %(today)s).",
            date=d(on), today=d(today))))
    birth = dossier.person.birth_date
    if birth and on < birth:
        findings.append(Finding("date_order", _(
            "The date %(date)s is before the date of birth %(birth)s.",
            date=d(on), birth=d(birth))))
    for need_code in needs_of(milestone, dossier):
        need = MILESTONE_BY_CODE[need_code]
        need_on = recorded_on(dossier, need_code)
        if need_on is None:
            findings.append(Finding("needs", _(
                "“%(step)s” needs “%(need)s” to be recorded first.",
                step=milestone.label, need=need.label)))
        elif on < need_on:
            findings.append(Finding("date_order", _(
                "The date of “%(step)s” (%(date)s) is before that of “%(need)s” (%(need_date)s).",
                step=milestone.label, date=d(on), need=need.label, need_date=d(need_on))))
    return findings


def _check_details(milestone: Milestone, entry: MilestoneEntry) -> list[Finding]:
    return [
        Finding("details", _("“%(step)s”: this field is required: %(field)s.",
                             step=milestone.label, field=_field_label(name)))
        for name in milestone.required_details
        if _blank(entry.details.get(name))
    ]


def _blank(value: object) -> bool:
    """Nothing given: None, or text of spaces only (imports pass cell values as they are)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _field_label(name: str) -> str:
    labels = {
        "certificate_no": _("certificate number"),
        "cell_votes_for": _("votes in favour"),
        "cell_members": _("official members of the cell"),
        "committee_votes_for": _("votes in favour"),
        "committee_members": _("members of the committee"),
        "admission_decision_no": _("decision number"),
    }
    return labels.get(name, name)


def _check_introduced(dossier: Dossier, entry: MilestoneEntry, rules: RuleValues) -> list[Finding]:
    findings = []
    with_union = not _blank(entry.details.get("introduction_resolution_no"))
    needed = (rules.official_introducers_with_union if with_union
              else rules.official_introducers_alone)
    official = [i for i in entry.introducers if i.is_official_member]
    if len(official) < needed:
        if with_union:
            message = _(
                "With the union executive committee's resolution, %(n)s official party "
                "member(s) must also introduce the applicant; %(got)s given.",
                n=needed, got=len(official))
        else:
            message = _(
                "Without the union executive committee's resolution, %(n)s official party "
                "members must introduce the applicant; %(got)s given.", n=needed, got=len(official))
        findings.append(Finding("introducers", message))
    for intro in entry.introducers:
        if not intro.is_official_member:
            findings.append(Finding("introducers", _(
                "%(name)s is not an official party member and cannot introduce the applicant.",
                name=intro.full_name)))
        months = full_months(intro.worked_together_since, entry.on)
        if months < rules.introducer_min_months:
            findings.append(Finding("introducer_months", _(
                "%(name)s has worked with the applicant for %(months)s months by %(date)s; "
                "at least %(min)s months are required.",
                name=intro.full_name, months=max(months, 0), date=d(entry.on),
                min=rules.introducer_min_months)))
    return findings


def _vote_finding(votes_for: int, members: int, share, body: object) -> list[Finding]:
    """``body`` is a lazy label: translated only when a message names it."""
    if members <= 0 or votes_for < 0 or votes_for > members:
        return [Finding("votes", _(
            "Votes in favour (%(votes)s) must be between 0 and the number of members "
            "(%(members)s), which must be positive.", votes=votes_for, members=members))]
    if votes_for * share.denominator < members * share.numerator:
        return [Finding("votes", _(
            "%(body)s: %(votes)s of %(members)s in favour is less than %(num)s/%(den)s.",
            body=body, votes=votes_for, members=members,
            num=share.numerator, den=share.denominator))]
    return []


def _check_cell(dossier: Dossier, entry: MilestoneEntry, rules: RuleValues) -> list[Finding]:
    findings = _vote_finding(int(entry.details["cell_votes_for"]),
                             int(entry.details["cell_members"]),
                             rules.cell_vote_share, _l("Party cell"))
    person = dossier.person
    months = full_months(person.birth_date, entry.on)
    years, rest = divmod(months, 12)
    if months < rules.min_age_months:
        findings.append(Finding("age", _(
            "On %(date)s the applicant is %(years)s years %(months)s months old; the minimum "
            "is %(min)s full years.", date=d(entry.on), years=years, months=rest,
            min=rules.min_age_months // 12)))
    elif months > rules.max_age_months:
        finding = _(
            "On %(date)s the applicant is %(years)s years %(months)s months old, over %(max)s "
            "years.", date=d(entry.on), years=years, months=rest,
            max=rules.max_age_months // 12)
        if dossier.age_exception_ref:
            findings.append(Finding("age", finding + " " + _(
                "Admitted as an exception: %(ref)s.", ref=dossier.age_exception_ref), False))
        else:
            findings.append(Finding("age", finding + " " + _(
                "Record the provincial standing board's written consent first.")))
    expires = add_months(dossier.trained_on, rules.certificate_valid_months)
    if entry.on > expires:
        findings.append(Finding("certificate", _(
            "The awareness-course certificate of %(trained)s was valid %(months)s months, until "
            "%(expires)s; the cell resolution is dated %(date)s.", trained=d(dossier.trained_on),
            months=rules.certificate_valid_months, expires=d(expires), date=d(entry.on))))
    education = person.education
    if education is None or education.rank < rules.min_education.rank:
        findings.append(Finding("education", _(
            "Education is below lower-secondary level (or not recorded): allowed only as an "
            "exception for ethnic-minority or hardship areas."), blocking=False))
    return findings


def _check_committee(dossier: Dossier, entry: MilestoneEntry, rules: RuleValues) -> list[Finding]:
    return _vote_finding(int(entry.details["committee_votes_for"]),
                         int(entry.details["committee_members"]),
                         rules.committee_vote_share, _l("Grassroots committee"))


def _check_admitted(dossier: Dossier, entry: MilestoneEntry, rules: RuleValues) -> list[Finding]:
    due = add_working_days(dossier.cell_resolved_on, rules.admission_working_days)
    if entry.on <= due:
        return []
    extended = add_working_days(due, rules.admission_extension_working_days)
    return [Finding("deadline", _(
        "The decision came after %(days)s working days from the cell resolution (due by "
        "%(due)s%(extended)s).", days=rules.admission_working_days, due=d(due),
        extended="" if entry.on <= extended else _(", extended limit %(date)s", date=d(extended))),
        blocking=False)]


def _check_sworn_in(dossier: Dossier, entry: MilestoneEntry, rules: RuleValues) -> list[Finding]:
    due = add_working_days(dossier.admitted_on, rules.ceremony_working_days)
    if entry.on <= due:
        return []
    return [Finding("deadline", _(
        "The ceremony should be held within %(days)s working days of the decision, by %(due)s.",
        days=rules.ceremony_working_days, due=d(due)), blocking=False)]


def _check_official(dossier: Dossier, entry: MilestoneEntry, rules: RuleValues) -> list[Finding]:
    probation_end = add_months(dossier.sworn_in_on, rules.probation_months)
    if entry.on < probation_end:
        return [Finding("probation", _(
            "Probation lasts %(months)s months from the ceremony (%(sworn)s) and ends on "
            "%(end)s; recognition cannot be dated %(date)s.", months=rules.probation_months,
            sworn=d(dossier.sworn_in_on), end=d(probation_end), date=d(entry.on)))]
    due = add_working_days(probation_end, rules.recognition_working_days)
    if entry.on > due:
        return [Finding("deadline", _(
            "Recognition should be considered within %(days)s working days after probation, "
            "by %(due)s.", days=rules.recognition_working_days, due=d(due)), blocking=False)]
    return []


_SPECIFIC = {
    "introduced": _check_introduced,
    "cell_resolved": _check_cell,
    "committee_resolved": _check_committee,
    "admitted": _check_admitted,
    "sworn_in": _check_sworn_in,
    "official": _check_official,
}
