"""Every change to a candidate's path goes through here: check, change, audit, flush.

Operations never commit: the view (or the import, or the CLI) commits once, so a refusal
or a crash leaves nothing half-written.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from flask_babel import gettext as _

from .. import audit
from ..errors import OperationRefused, RuleViolation
from ..extensions import db
from ..models import Dossier, EndKind, Introducer, Person, User
from ..records._common import fill_defaults
from .checks import Finding, MilestoneEntry, check_milestone, d, needs_of, recorded_on
from .rules import END_BY_CODE, MILESTONE_BY_CODE, MILESTONES, Milestone, RuleValues, rule_values

END_FIELDS = ("end_kind", "ended_on", "end_reason")


def milestone_fields(milestone: Milestone) -> tuple[str, ...]:
    return (milestone.date_field, *milestone.detail_fields)


def dependents(dossier: Dossier, code: str) -> list[Milestone]:
    """Recorded milestones that need ``code``: while any exists, ``code`` is fixed."""
    return [
        m for m in MILESTONES
        if code in needs_of(m, dossier) and recorded_on(dossier, m.code) is not None
    ]


def open_dossier(person: Person, actor: User, *, flush: bool = True, add: bool = True,
                 **values: object) -> Dossier:
    """Start a person's file (one per person, kept when they change enterprise).
    ``flush=False`` (the import) leaves the flush and ``audit.write_deferred()`` to the
    caller; ``add=False`` too, and leaves the dossier out of the session (the new person's
    of a preview, written by the caller: see ``create_person``)."""
    if person.dossier is not None:
        raise OperationRefused(_("This person already has a dossier."))
    dossier = Dossier(person=person, **values)
    if add:
        db.session.add(dossier)
    if flush:
        db.session.flush()
    else:
        fill_defaults(dossier)
    if audit.kept():
        audit.record(actor, "dossier.create", dossier,
                     audit.snapshot(dossier, ("party_cell", "cell_is_grassroots")), flush=flush)
    return dossier


def record_milestone(
    dossier: Dossier, entry: MilestoneEntry, actor: User, today: date, reason: str = "",
    *, flush: bool = True, rules: RuleValues | None = None,
) -> list[Finding]:
    """Record (or correct, with a reason) one milestone; return the warnings.

    Raises ``RuleViolation`` naming each broken rule, or ``OperationRefused``; in both
    cases nothing has changed. ``flush=False`` (the import) leaves the flush and
    ``audit.write_deferred()`` to the caller; ``rules`` saves a caller that records many
    milestones from reading the rule values (``rule_values()``) each time.
    """
    milestone = MILESTONE_BY_CODE[entry.code]
    _ensure_may_record(milestone, actor)
    if dossier.end_kind is not None:
        raise OperationRefused(_("This dossier is closed (%(end)s): reopen it first.",
                                 end=END_BY_CODE[dossier.end_kind.value].label))
    correcting = recorded_on(dossier, entry.code) is not None
    if correcting:
        _ensure_changeable(dossier, milestone, reason)
    findings = check_milestone(dossier, entry, today, rules or rule_values())
    if any(f.blocking for f in findings):
        raise RuleViolation(findings)

    names = milestone_fields(milestone)
    keep = audit.kept()  # else the snapshots would serve no entry
    before = audit.snapshot(dossier, names) if keep else {}
    setattr(dossier, milestone.date_field, entry.on)
    for name in milestone.detail_fields:
        value = entry.details.get(name)
        setattr(dossier, name, "" if value is None and _is_text(name) else value)
    changes = audit.changes_between(before, audit.snapshot(dossier, names)) if keep else {}
    if milestone.code == "introduced":
        changes["introducers"] = _replace_introducers(dossier, entry)
    if keep:
        action = "milestone.correct" if correcting else "milestone.record"
        audit.record(actor, action, dossier, {"milestone": entry.code, **changes}, reason,
                     flush=flush)
    if flush:
        db.session.flush()
    return [f for f in findings if not f.blocking]


def remove_milestone(dossier: Dossier, code: str, actor: User, reason: str) -> None:
    """Remove a recorded milestone that nothing recorded depends on, with a reason."""
    milestone = MILESTONE_BY_CODE[code]
    _ensure_may_record(milestone, actor)
    if recorded_on(dossier, code) is None:
        raise OperationRefused(_("“%(step)s” is not recorded.", step=milestone.label))
    if dossier.end_kind is not None:
        raise OperationRefused(_("This dossier is closed: reopen it first."))
    _ensure_changeable(dossier, milestone, reason)
    names = milestone_fields(milestone)
    before = audit.snapshot(dossier, names)
    for name in names:
        setattr(dossier, name, "" if _is_text(name) else None)
    changes = audit.changes_between(before, audit.snapshot(dossier, names))
    if code == "introduced":
        changes["introducers"] = [[i.full_name for i in dossier.introducers], []]
        dossier.introducers.clear()
    audit.record(actor, "milestone.remove", dossier, {"milestone": code, **changes}, reason)
    db.session.flush()


def end_dossier(
    dossier: Dossier, kind: EndKind, on: date | None, reason: str, actor: User, today: date
) -> None:
    """Close a dossier off the path (withdrawn, not admitted, removed) with date and reason."""
    end = END_BY_CODE[kind.value]
    if actor.role not in end.recorded_by:
        raise OperationRefused(_("Your role cannot record “%(step)s”.", step=end.label))
    problems = []
    if dossier.end_kind is not None:
        problems.append(_("This dossier is already closed."))
    if not reason.strip():
        problems.append(_("Give the reason."))
    if on is None:
        problems.append(_("Enter the date of this step."))
    elif on > today:
        problems.append(_("The date %(date)s is in the future (today is %(today)s).",
                          date=d(on), today=d(today)))
    if end.after and recorded_on(dossier, end.after) is None:
        problems.append(_("“%(end)s” is only possible after “%(step)s”.",
                          end=end.label, step=MILESTONE_BY_CODE[end.after].label))
    if recorded_on(dossier, end.before) is not None:
        problems.append(_("“%(end)s” is not possible after “%(step)s”.",
                          end=end.label, step=MILESTONE_BY_CODE[end.before].label))
    latest = max((recorded_on(dossier, m.code) for m in MILESTONES
                  if recorded_on(dossier, m.code)), default=None)
    if on and latest and on < latest:
        problems.append(_("The date %(date)s is before the last recorded step (%(latest)s).",
                          date=d(on), latest=d(latest)))
    if problems:
        raise OperationRefused(*problems)
    before = audit.snapshot(dossier, END_FIELDS)
    dossier.end_kind, dossier.ended_on, dossier.end_reason = kind, on, reason.strip()
    audit.record(actor, "dossier.end", dossier,
                 audit.changes_between(before, audit.snapshot(dossier, END_FIELDS)), reason)
    db.session.flush()


def reopen_dossier(dossier: Dossier, actor: User, reason: str) -> None:
    """Undo an off-path end recorded by mistake (the end stays in the audit log)."""
    if dossier.end_kind is not None and actor.role not in END_BY_CODE[dossier.end_kind.value].recorded_by:
        raise OperationRefused(_("Your role cannot record “%(step)s”.",
                                 step=END_BY_CODE[dossier.end_kind.value].label))
    if dossier.end_kind is None:
        raise OperationRefused(_("This dossier is not closed."))
    if not reason.strip():
        raise OperationRefused(_("Give the reason."))
    before = audit.snapshot(dossier, END_FIELDS)
    dossier.end_kind, dossier.ended_on, dossier.end_reason = None, None, ""
    audit.record(actor, "dossier.reopen", dossier,
                 audit.changes_between(before, audit.snapshot(dossier, END_FIELDS)), reason)
    db.session.flush()


SETTINGS_FIELDS = ("party_cell", "cell_is_grassroots", "age_exception_ref", "note")


def update_dossier_settings(dossier: Dossier, values: dict[str, object], actor: User) -> None:
    """Change the dossier's own settings (party cell, whether it is the grassroots
    organisation, the over-60 consent, a note), audited. Whether there is a committee step
    cannot change once recorded steps depend on the answer."""
    grassroots = bool(values.get("cell_is_grassroots", dossier.cell_is_grassroots))
    if grassroots and not dossier.cell_is_grassroots and dossier.committee_resolved_on:
        raise OperationRefused(_(
            "A grassroots committee resolution is recorded: remove it before marking the party "
            "cell as the grassroots organisation."))
    if not grassroots and dossier.cell_is_grassroots and dossier.admitted_on:
        raise OperationRefused(_(
            "The admission was recorded without a committee resolution: remove it before "
            "adding a committee step."))
    before = audit.snapshot(dossier, SETTINGS_FIELDS)
    for name in SETTINGS_FIELDS:
        if name in values:
            setattr(dossier, name, values[name])
    changes = audit.changes_between(before, audit.snapshot(dossier, SETTINGS_FIELDS))
    if changes:
        audit.record(actor, "dossier.settings", dossier, changes)
    db.session.flush()


def _ensure_may_record(milestone: Milestone, actor: User) -> None:
    if actor.role not in milestone.recorded_by:
        raise OperationRefused(_("Your role cannot record “%(step)s”.", step=milestone.label))


def _ensure_changeable(dossier: Dossier, milestone: Milestone, reason: str) -> None:
    later = dependents(dossier, milestone.code)
    if later:
        raise OperationRefused(_(
            "“%(step)s” cannot be changed while “%(later)s” is recorded: change that first.",
            step=milestone.label, later=later[-1].label))
    if not reason.strip():
        raise OperationRefused(_("Give the reason for changing a recorded step."))


@cache
def _is_text(name: str) -> bool:
    return Dossier.__table__.c[name].type.python_type is str


def _replace_introducers(dossier: Dossier, entry: MilestoneEntry) -> list[list[str]]:
    before = [i.full_name for i in dossier.introducers]
    dossier.introducers.clear()
    for intro in entry.introducers:
        dossier.introducers.append(Introducer(
            full_name=intro.full_name,
            is_official_member=intro.is_official_member,
            party_unit=intro.party_unit,
            worked_together_since=intro.worked_together_since,
        ))
    return [before, [i.full_name for i in entry.introducers]]
