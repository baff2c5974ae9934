"""What needs an officer's attention in one dossier today: deadlines passed or near.

``checks`` warns when a step is recorded late; these alerts warn while the step is still
missing, so the officer can chase the paperwork before it is late. They never block
anything. Every number comes from ``rules.RuleValues``; the dashboards reuse this too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..models import Dossier
from .calendar import add_months, add_working_days
from .checks import d
from .rules import RuleValues, rule_values


@dataclass(frozen=True)
class Alert:
    """One thing to chase: ``code`` names the rule, ``due`` the date it was or is due."""

    code: str
    message: str
    due: date
    overdue: bool = True


def dossier_alerts(dossier: Dossier, today: date, rules: RuleValues | None = None) -> list[Alert]:
    """The alerts of an open dossier on ``today`` (none once it has left the path)."""
    if dossier.end_kind is not None or dossier.official_on is not None:
        return []
    rules = rules or rule_values()
    alerts: list[Alert] = []
    for check in (_certificate, _decision, _ceremony, _recognition):
        alert = check(dossier, today, rules)
        if alert is not None:
            alerts.append(alert)
    return alerts


def _certificate(dossier: Dossier, today: date, rules: RuleValues) -> Alert | None:
    """The awareness certificate must still be valid on the cell-resolution date."""
    if dossier.trained_on is None or dossier.cell_resolved_on is not None:
        return None
    expires = add_months(dossier.trained_on, rules.certificate_valid_months)
    if today > expires:
        return Alert("certificate_expired", _(
            "The awareness-course certificate expired on %(date)s: the applicant must take the "
            "course again before the cell resolution.", date=d(expires)), expires)
    if (expires - today).days <= rules.certificate_warning_days:
        return Alert("certificate_expiring", _(
            "The awareness-course certificate expires on %(date)s: the cell resolution must be "
            "passed before then.", date=d(expires)), expires, overdue=False)
    return None


def _decision(dossier: Dossier, today: date, rules: RuleValues) -> Alert | None:
    """The district's admission decision is due within a number of working days."""
    if dossier.cell_resolved_on is None or dossier.admitted_on is not None:
        return None
    due = add_working_days(dossier.cell_resolved_on, rules.admission_working_days)
    if today <= due:
        return None
    extended = add_working_days(due, rules.admission_extension_working_days)
    if today > extended:
        return Alert("decision_overdue", _(
            "No admission decision %(days)s working days after the cell resolution of %(cell)s: "
            "it was due by %(due)s, and even the extended limit %(extended)s has passed.",
            days=rules.admission_working_days, cell=d(dossier.cell_resolved_on), due=d(due),
            extended=d(extended)), due)
    return Alert("decision_overdue", _(
        "No admission decision %(days)s working days after the cell resolution of %(cell)s: it "
        "was due by %(due)s (extended limit %(extended)s).", days=rules.admission_working_days,
        cell=d(dossier.cell_resolved_on), due=d(due), extended=d(extended)), due)


def _ceremony(dossier: Dossier, today: date, rules: RuleValues) -> Alert | None:
    """The admission ceremony follows the decision within a number of working days."""
    if dossier.admitted_on is None or dossier.sworn_in_on is not None:
        return None
    due = add_working_days(dossier.admitted_on, rules.ceremony_working_days)
    if today <= due:
        return None
    return Alert("ceremony_overdue", _(
        "The admission ceremony was due within %(days)s working days of the decision of "
        "%(decided)s, by %(due)s.", days=rules.ceremony_working_days,
        decided=d(dossier.admitted_on), due=d(due)), due)


def _recognition(dossier: Dossier, today: date, rules: RuleValues) -> Alert | None:
    """After probation the member is to be recognised as official within working days."""
    if dossier.sworn_in_on is None:
        return None
    ends = add_months(dossier.sworn_in_on, rules.probation_months)
    if today < ends:
        return None
    due = add_working_days(ends, rules.recognition_working_days)
    if today > due:
        return Alert("recognition_overdue", _(
            "Probation ended on %(end)s; recognition as an official member was due by %(due)s.",
            end=d(ends), due=d(due)), due)
    return Alert("recognition_due", _(
        "Probation ended on %(end)s: consider recognition as an official member by %(due)s.",
        end=d(ends), due=d(due)), due, overdue=False)
