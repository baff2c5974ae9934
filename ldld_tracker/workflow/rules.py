"""The admission path and every number of the Party's rules, as data, in one place.

Sources (rules in force in 2020): Party Charter (2011) Art. 1-4; Quy định 29-QĐ/TW (2016);
Hướng dẫn 01-HD/TW (2016); Hướng dẫn 09-HD/BTCTW (2017). A regulation that changes a
number changes ``RuleValues`` (or ``RULE_OVERRIDES`` in the configuration), nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from fractions import Fraction

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from ..models.dossier import EndKind
from ..models.member import Education
from ..models.user import Role

OFFICERS = frozenset({Role.DISTRICT, Role.ENTERPRISE})
DISTRICT_ONLY = frozenset({Role.DISTRICT})


@dataclass(frozen=True)
class Milestone:
    """One step of a candidate's file: its number, what it needs and where it is stored."""

    code: str
    number: int
    label: object
    form: str
    needs: tuple[str, ...]
    date_field: str
    # Dossier columns recorded with this milestone, besides the date.
    detail_fields: tuple[str, ...] = ()
    required_details: tuple[str, ...] = ()
    recorded_by: frozenset[Role] = OFFICERS


MILESTONES: tuple[Milestone, ...] = (
    Milestone("identified", 1, _l("Identified as outstanding"), "", (), "identified_on",
              ("identified_by",)),
    Milestone("trained", 2, _l("Awareness course passed"), "CN-NTVĐ", (), "trained_on",
              ("certificate_no",), ("certificate_no",)),
    Milestone("applied", 3, _l("Application and biodata"), "1-KNĐ, 2-KNĐ", (), "applied_on"),
    Milestone("verified", 4, _l("Background verified"), "", ("applied",), "verified_on"),
    Milestone("introduced", 5, _l("Introduced by the union"), "4A-KNĐ, 3-KNĐ",
              (), "introduced_on", ("introduction_resolution_no",)),
    Milestone("cell_resolved", 6, _l("Party cell resolution"), "6-KNĐ",
              ("trained", "applied", "verified", "introduced"), "cell_resolved_on",
              ("cell_votes_for", "cell_members"), ("cell_votes_for", "cell_members")),
    Milestone("committee_resolved", 7, _l("Grassroots committee resolution"), "8-KNĐ",
              ("cell_resolved",), "committee_resolved_on",
              ("committee_votes_for", "committee_members"),
              ("committee_votes_for", "committee_members"), DISTRICT_ONLY),
    Milestone("admitted", 8, _l("Admitted"), "9-KNĐ", ("cell_resolved", "committee_resolved"),
              "admitted_on", ("admission_decision_no",), ("admission_decision_no",),
              DISTRICT_ONLY),
    Milestone("sworn_in", 9, _l("Sworn in"), "", ("admitted",), "sworn_in_on"),
    Milestone("official", 10, _l("Official member"), "13-KNĐ, 15-KNĐ", ("sworn_in",),
              "official_on", ("official_decision_no",), (), DISTRICT_ONLY),
)
MILESTONE_BY_CODE = {m.code: m for m in MILESTONES}


@dataclass(frozen=True)
class End:
    """A way off the path: allowed after ``after`` (if set) and before ``before``."""

    kind: EndKind
    label: object
    after: str | None
    before: str
    recorded_by: frozenset[Role] = OFFICERS


ENDS: tuple[End, ...] = (
    End(EndKind.WITHDRAWN, _l("Withdrawn"), None, "official"),
    End(EndKind.NOT_ADMITTED, _l("Not admitted"), None, "admitted"),
    End(EndKind.REMOVED, _l("Removed during probation"), "admitted", "official"),
)
END_BY_CODE = {e.kind.value: e for e in ENDS}

# Stage codes, in path order, then the off-path ends. "none": nothing recorded yet.
STAGE_CODES: tuple[str, ...] = tuple(m.code for m in MILESTONES)
END_CODES: tuple[str, ...] = tuple(e.kind.value for e in ENDS)


def stage_label(code: str) -> object:
    """The label users see for a stage or end code."""
    if code in MILESTONE_BY_CODE:
        return MILESTONE_BY_CODE[code].label
    if code in END_BY_CODE:
        return END_BY_CODE[code].label
    return _l("Nothing recorded")


@dataclass(frozen=True)
class RuleValues:
    """Every configurable number of the rules, with the defaults in force in 2020."""

    min_age_months: int = 18 * 12
    max_age_months: int = 60 * 12
    min_education: Education = Education.LOWER_SECONDARY
    introducer_min_months: int = 12
    official_introducers_alone: int = 2  # without the union's resolution
    official_introducers_with_union: int = 1  # with the BCH CĐCS resolution
    certificate_valid_months: int = 60
    cell_vote_share: Fraction = Fraction(2, 3)
    committee_vote_share: Fraction = Fraction(2, 3)
    admission_working_days: int = 60
    admission_extension_working_days: int = 30
    ceremony_working_days: int = 30
    probation_months: int = 12
    recognition_working_days: int = 30
    young_age_years: int = 30  # "young" in the breakdowns: under 30 on the decision date
    # Warn about certificates expiring within this many days (due lists).
    certificate_warning_days: int = 60


# Holidays that fall on the same solar date every year (Tết and Giỗ Tổ follow the lunar
# calendar and are not counted: a deadline may then be flagged a few days early).
FIXED_HOLIDAYS: frozenset[tuple[int, int]] = frozenset({(1, 1), (4, 30), (5, 1), (9, 2)})


def rule_values() -> RuleValues:
    """The rule values in force, with the configuration's ``RULE_OVERRIDES`` applied."""
    overrides = current_app.config.get("RULE_OVERRIDES", {}) if has_app_context() else {}
    known = {f.name for f in fields(RuleValues)}
    return replace(RuleValues(), **{k: v for k, v in overrides.items() if k in known})
