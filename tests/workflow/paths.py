"""Builders for dossiers part-way along the path, and a way to try one step either through
the checks alone or through the operation (both must agree)."""

from __future__ import annotations

from datetime import date

from ldld_tracker.errors import RuleViolation
from ldld_tracker.models import Dossier, Role, User
from ldld_tracker.workflow.checks import Finding, IntroducerEntry, MilestoneEntry, check_milestone
from ldld_tracker.workflow.operations import record_milestone
from ldld_tracker.workflow.rules import MILESTONES, rule_values

from .. import factories

TODAY = date(2020, 12, 15)  # FIXED_TODAY of the test app

# One plausible path, each step on a working day and within every deadline.
PATH: dict[str, date] = {
    "identified": date(2019, 1, 10),
    "trained": date(2019, 2, 11),
    "applied": date(2019, 3, 1),
    "verified": date(2019, 3, 20),
    "introduced": date(2019, 4, 1),
    "cell_resolved": date(2019, 5, 6),
    "committee_resolved": date(2019, 5, 20),
    "admitted": date(2019, 6, 10),
    "sworn_in": date(2019, 6, 20),
    "official": date(2020, 6, 22),
}
DETAILS: dict[str, dict[str, object]] = {
    "identified": {"identified_by": "BCH CĐCS"},
    "trained": {"certificate_no": "CN-01"},
    "introduced": {"introduction_resolution_no": "12/NQ-CĐCS"},
    "cell_resolved": {"cell_votes_for": 6, "cell_members": 9},
    "committee_resolved": {"committee_votes_for": 7, "committee_members": 9},
    "admitted": {"admission_decision_no": "101-QĐ/HU"},
    "official": {"official_decision_no": "55-QĐ/HU"},
}


def introducer(since: date = date(2017, 1, 1), official: bool = True, name: str = "Trần Văn Giới"):
    return IntroducerEntry(full_name=name, is_official_member=official, worked_together_since=since)


def dossier_with(codes, person=None, **values) -> Dossier:
    """A dossier with exactly the milestones ``codes`` recorded on their PATH dates."""
    fields: dict[str, object] = {}
    for milestone in MILESTONES:
        if milestone.code in codes:
            fields[milestone.date_field] = PATH[milestone.code]
            fields.update(DETAILS.get(milestone.code, {}))
    fields.update(values)
    return factories.dossier(person, **fields)


def dossier_through(code: str | None, person=None, **values) -> Dossier:
    """A dossier with every milestone up to ``code`` (none when None) recorded; no committee
    step where the cell is the grassroots organisation."""
    codes = []
    if code is not None:
        number = next(m.number for m in MILESTONES if m.code == code)
        codes = [m.code for m in MILESTONES if m.number <= number]
    if values.get("cell_is_grassroots"):
        codes = [c for c in codes if c != "committee_resolved"]
    return dossier_with(codes, person, **values)


def entry(code: str, on: date | None = None, details=None, introducers=None) -> MilestoneEntry:
    """The step ``code`` on its PATH date with the usual details (and one introducer)."""
    if introducers is None:
        introducers = [introducer()] if code == "introduced" else []
    return MilestoneEntry(code=code, on=on or PATH[code],
                          details=dict(DETAILS.get(code, {}) if details is None else details),
                          introducers=list(introducers))


def district_officer() -> User:
    return factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))


def attempt(via: str, dossier: Dossier, step: MilestoneEntry) -> list[Finding]:
    """All findings of ``step``: by ``check_milestone`` or by ``record_milestone`` (whose
    refusal carries the findings and whose success returns the warnings)."""
    if via == "check":
        return check_milestone(dossier, step, TODAY, rule_values())
    try:
        return record_milestone(dossier, step, district_officer(), TODAY)
    except RuleViolation as refusal:
        return refusal.findings


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if not f.blocking]
