"""The operations on a dossier: each checks, changes, audits and flushes, or refuses and
changes nothing (neither the dossier nor the audit log)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ldld_tracker import audit
from ldld_tracker.errors import OperationRefused, RuleViolation
from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Dossier, EndKind, Introducer, Role
from ldld_tracker.workflow.checks import recorded_on
from ldld_tracker.workflow.operations import (
    end_dossier,
    open_dossier,
    record_milestone,
    remove_milestone,
    reopen_dossier,
)
from ldld_tracker.workflow.rules import MILESTONES

from .. import factories
from .paths import PATH, TODAY, district_officer, dossier_through, dossier_with, entry, introducer

pytestmark = pytest.mark.usefixtures("app")


def snapshot(dossier: Dossier) -> dict:
    """Every column of the dossier, its introducers and the size of the audit log."""
    values = {c.name: getattr(dossier, c.name) for c in Dossier.__table__.columns}
    values["introducers"] = [(i.full_name, i.worked_together_since) for i in dossier.introducers]
    values["audit_entries"] = db.session.scalar(select(func.count()).select_from(AuditEntry))
    return values


def audit_entries(dossier: Dossier) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "dossier",
                                 AuditEntry.object_id == dossier.id).order_by(AuditEntry.id)))


def enterprise_officer(dossier: Dossier):
    return factories.user(Role.ENTERPRISE, enterprise_obj=dossier.person.enterprise)


# --- Recording --------------------------------------------------------------------------

def test_record_milestone_writes_date_details_and_one_audit_entry():
    dossier = dossier_through("introduced")
    actor = district_officer()
    before = len(audit_entries(dossier))
    warnings = record_milestone(dossier, entry("cell_resolved"), actor, TODAY)
    assert warnings == []
    assert dossier.cell_resolved_on == PATH["cell_resolved"]
    assert (dossier.cell_votes_for, dossier.cell_members) == (6, 9)
    [audit] = audit_entries(dossier)[before:]
    assert audit.action == "milestone.record"
    assert audit.user_id == actor.id and audit.object_id == dossier.id
    assert audit.changes == {
        "milestone": "cell_resolved",
        "cell_resolved_on": [None, "2019-05-06"],
        "cell_votes_for": [None, 6],
        "cell_members": [None, 9],
    }


def test_record_milestone_returns_the_warnings():
    person = factories.person(education=None)
    dossier = dossier_through("introduced", person)
    warnings = record_milestone(dossier, entry("cell_resolved"), district_officer(), TODAY)
    assert [w.rule for w in warnings] == ["education"]
    assert dossier.cell_resolved_on == PATH["cell_resolved"]


def test_introduction_records_its_introducers_in_the_audit_entry():
    dossier = dossier_through("verified")
    record_milestone(dossier, entry("introduced"), district_officer(), TODAY)
    assert [i.full_name for i in dossier.introducers] == ["Trần Văn Giới"]
    assert audit_entries(dossier)[-1].changes["introducers"] == [[], ["Trần Văn Giới"]]



def test_inside_unkept_a_milestone_is_recorded_and_checked_without_an_audit_entry():
    person = factories.person(education=None)
    dossier = dossier_through("introduced", person)
    actor = district_officer()
    before = len(audit_entries(dossier))
    with audit.unkept(db.session):
        assert not audit.kept()
        warnings = record_milestone(dossier, entry("cell_resolved"), actor, TODAY)
        with pytest.raises(RuleViolation):
            record_milestone(dossier, entry("committee_resolved", TODAY + timedelta(days=1)),
                             actor, TODAY)
        assert audit.record(actor, "anything", dossier) is None
    assert audit.kept()
    assert [w.rule for w in warnings] == ["education"]
    assert dossier.cell_resolved_on == PATH["cell_resolved"]
    db.session.flush()
    assert len(audit_entries(dossier)) == before
    assert not [o for o in db.session.new if isinstance(o, AuditEntry)]


def test_unkept_ends_with_its_block_even_when_the_block_raises():
    with pytest.raises(OperationRefused), audit.unkept(db.session):
        raise OperationRefused("refused")
    assert audit.kept()


@pytest.mark.parametrize(
    ("dossier_codes", "step"),
    [
        (["identified"], entry("identified", TODAY + timedelta(days=1))),  # future
        (["applied"], entry("verified", PATH["applied"] - timedelta(days=1))),  # before its need
        ([], entry("verified")),  # need missing
        (list(PATH)[:5], entry("cell_resolved", details={"cell_votes_for": 5, "cell_members": 8})),
        (list(PATH)[:4], entry("introduced", details={"introduction_resolution_no": ""})),
    ],
)
def test_a_refusal_leaves_the_dossier_and_the_audit_log_unchanged(dossier_codes, step):
    dossier = dossier_with([c for c in dossier_codes if c != step.code])
    if step.code == "identified":
        dossier = dossier_with([])
    db.session.flush()
    actor = district_officer()
    before = snapshot(dossier)
    with pytest.raises(RuleViolation) as refusal:
        record_milestone(dossier, step, actor, TODAY)
    assert refusal.value.messages
    assert snapshot(dossier) == before


def test_a_refused_correction_leaves_the_introducers_in_place():
    dossier = dossier_through("verified")
    actor = district_officer()
    record_milestone(dossier, entry("introduced"), actor, TODAY)
    before = snapshot(dossier)
    bad = entry("introduced", details={"introduction_resolution_no": ""},
                introducers=[introducer(name="Lê Thị Mới")])
    with pytest.raises(RuleViolation):
        record_milestone(dossier, bad, actor, TODAY, reason="wrong introducer")
    assert snapshot(dossier) == before


# --- Correcting and removing ------------------------------------------------------------

def test_correction_needs_a_reason():
    dossier = dossier_through("official")
    before = snapshot(dossier)
    with pytest.raises(OperationRefused):
        record_milestone(dossier, entry("official", date(2020, 6, 23)), district_officer(), TODAY)
    with pytest.raises(OperationRefused):
        record_milestone(dossier, entry("official", date(2020, 6, 23)), district_officer(), TODAY,
                         reason="   ")
    assert snapshot(dossier) == before


def test_correction_with_a_reason_is_audited_before_and_after():
    dossier = dossier_through("official")
    actor = district_officer()
    record_milestone(dossier, entry("official", date(2020, 6, 23)), actor, TODAY,
                     reason="typo in the date")
    assert dossier.official_on == date(2020, 6, 23)
    audit = audit_entries(dossier)[-1]
    assert audit.action == "milestone.correct"
    assert audit.reason == "typo in the date"
    assert audit.changes == {"milestone": "official", "official_on": ["2020-06-22", "2020-06-23"]}


@pytest.mark.parametrize(
    ("code", "dependent"),
    [
        ("applied", "verified"),
        ("trained", "cell_resolved"),
        ("introduced", "cell_resolved"),
        ("cell_resolved", "committee_resolved"),
        ("committee_resolved", "admitted"),
        ("admitted", "sworn_in"),
        ("sworn_in", "official"),
    ],
)
def test_correction_and_removal_are_refused_while_a_dependent_step_is_recorded(code, dependent):
    dossier = dossier_through(dependent)
    actor = district_officer()
    before = snapshot(dossier)
    with pytest.raises(OperationRefused):
        record_milestone(dossier, entry(code, PATH[code] - timedelta(days=1)), actor, TODAY,
                         reason="fix")
    with pytest.raises(OperationRefused):
        remove_milestone(dossier, code, actor, "fix")
    assert snapshot(dossier) == before


def test_the_cell_resolution_is_fixed_by_the_admission_where_the_cell_is_grassroots():
    dossier = dossier_through("admitted", cell_is_grassroots=True)
    with pytest.raises(OperationRefused):
        remove_milestone(dossier, "cell_resolved", district_officer(), "fix")


def test_a_step_nothing_depends_on_can_be_corrected_later():
    dossier = dossier_through("official")
    record_milestone(dossier, entry("identified", date(2019, 1, 9)), district_officer(), TODAY,
                     reason="date on the minutes")
    assert dossier.identified_on == date(2019, 1, 9)


def test_remove_milestone_clears_date_and_details_with_an_audit_entry():
    dossier = dossier_through("cell_resolved")
    actor = district_officer()
    remove_milestone(dossier, "cell_resolved", actor, "recorded on the wrong person")
    assert (dossier.cell_resolved_on, dossier.cell_votes_for, dossier.cell_members) == (None,) * 3
    audit = audit_entries(dossier)[-1]
    assert audit.action == "milestone.remove" and audit.reason == "recorded on the wrong person"
    assert audit.changes == {
        "milestone": "cell_resolved",
        "cell_resolved_on": ["2019-05-06", None],
        "cell_votes_for": [6, None],
        "cell_members": [9, None],
    }


def test_remove_milestone_needs_a_reason_and_a_recorded_step():
    dossier = dossier_through("applied")
    actor = district_officer()
    before = snapshot(dossier)
    with pytest.raises(OperationRefused):
        remove_milestone(dossier, "applied", actor, "  ")
    with pytest.raises(OperationRefused):
        remove_milestone(dossier, "verified", actor, "not recorded")
    assert snapshot(dossier) == before


def test_removing_the_introduction_removes_its_introducers():
    dossier = dossier_through("verified")
    actor = district_officer()
    record_milestone(dossier, entry("introduced"), actor, TODAY)
    remove_milestone(dossier, "introduced", actor, "wrong resolution")
    db.session.flush()
    assert dossier.introducers == []
    assert dossier.introduced_on is None and dossier.introduction_resolution_no == ""
    assert audit_entries(dossier)[-1].changes["introducers"] == [["Trần Văn Giới"], []]


def test_correcting_the_introduction_replaces_its_introducers():
    dossier = dossier_through("verified")
    actor = district_officer()
    record_milestone(dossier, entry("introduced"), actor, TODAY)
    new = [introducer(name="Lê Thị Mới"), introducer(name="Phạm Văn Hai")]
    record_milestone(dossier, entry("introduced", details={"introduction_resolution_no": ""},
                                    introducers=new), actor, TODAY, reason="two members")
    db.session.flush()
    assert [i.full_name for i in dossier.introducers] == ["Lê Thị Mới", "Phạm Văn Hai"]
    assert db.session.scalar(select(func.count()).select_from(Introducer)) == 2  # old row deleted
    assert audit_entries(dossier)[-1].changes["introducers"] == [
        ["Trần Văn Giới"], ["Lê Thị Mới", "Phạm Văn Hai"]]


# --- Who may record what ----------------------------------------------------------------

DISTRICT_ONLY = {"committee_resolved", "admitted", "official"}


@pytest.mark.parametrize("milestone", MILESTONES, ids=lambda m: m.code)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_may_record_a_step(milestone, role):
    previous = [m.code for m in MILESTONES if m.number < milestone.number]
    dossier = dossier_with(previous)
    if role is Role.DISTRICT:
        actor = district_officer()
    elif role is Role.ENTERPRISE:
        actor = enterprise_officer(dossier)
    else:
        actor = factories.user(role)
    allowed = role is Role.DISTRICT or (role is Role.ENTERPRISE and milestone.code not in DISTRICT_ONLY)
    before = snapshot(dossier)
    if allowed:
        record_milestone(dossier, entry(milestone.code), actor, TODAY)
        assert recorded_on(dossier, milestone.code) == PATH[milestone.code]
    else:
        with pytest.raises(OperationRefused) as refusal:
            record_milestone(dossier, entry(milestone.code), actor, TODAY)
        assert not isinstance(refusal.value, RuleViolation)
        assert snapshot(dossier) == before


@pytest.mark.parametrize("code", sorted(DISTRICT_ONLY))
def test_enterprise_officer_cannot_remove_a_district_step(code):
    dossier = dossier_through(code)
    with pytest.raises(OperationRefused):
        remove_milestone(dossier, code, enterprise_officer(dossier), "mistake")
    assert recorded_on(dossier, code) is not None


# --- Ends off the path, and reopening ---------------------------------------------------

END_DAY = date(2020, 7, 1)


@pytest.mark.parametrize(
    ("kind", "through", "allowed"),
    [
        (EndKind.WITHDRAWN, None, True),
        (EndKind.WITHDRAWN, "sworn_in", True),
        (EndKind.WITHDRAWN, "official", False),
        (EndKind.NOT_ADMITTED, None, True),
        (EndKind.NOT_ADMITTED, "committee_resolved", True),
        (EndKind.NOT_ADMITTED, "admitted", False),
        (EndKind.REMOVED, "committee_resolved", False),  # not admitted yet
        (EndKind.REMOVED, "admitted", True),
        (EndKind.REMOVED, "sworn_in", True),
        (EndKind.REMOVED, "official", False),
    ],
)
def test_each_end_is_possible_only_at_its_place_on_the_path(kind, through, allowed):
    dossier = dossier_through(through)
    actor = district_officer()
    if allowed:
        end_dossier(dossier, kind, END_DAY, " left the enterprise ", actor, TODAY)
        assert (dossier.end_kind, dossier.ended_on, dossier.end_reason) == (
            kind, END_DAY, "left the enterprise")
        audit = audit_entries(dossier)[-1]
        assert audit.action == "dossier.end" and audit.reason == " left the enterprise "
        assert audit.changes["end_kind"] == [None, kind.value]
        assert audit.changes["ended_on"] == [None, END_DAY.isoformat()]
    else:
        before = snapshot(dossier)
        with pytest.raises(OperationRefused):
            end_dossier(dossier, kind, END_DAY, "reason", actor, TODAY)
        assert snapshot(dossier) == before


@pytest.mark.parametrize(
    ("on", "reason", "allowed"),
    [
        (END_DAY, "", False),  # reason required
        (END_DAY, "   ", False),
        (None, "moved away", False),
        (TODAY + timedelta(days=1), "moved away", False),  # future
        (TODAY, "moved away", True),
        (PATH["sworn_in"] - timedelta(days=1), "moved away", False),  # before the last step
        (PATH["sworn_in"], "moved away", True),  # same day as the last step
    ],
)
def test_an_end_needs_a_reason_and_a_date_not_before_the_last_step(on, reason, allowed):
    dossier = dossier_through("sworn_in")
    actor = district_officer()
    before = snapshot(dossier)
    if allowed:
        end_dossier(dossier, EndKind.REMOVED, on, reason, actor, TODAY)
        assert dossier.ended_on == on
    else:
        with pytest.raises(OperationRefused):
            end_dossier(dossier, EndKind.REMOVED, on, reason, actor, TODAY)
        assert snapshot(dossier) == before


def test_the_last_step_is_the_latest_date_not_the_furthest_step():
    # Milestone 1 recorded after 3 (files are not always filled in order).
    dossier = dossier_with(["applied"], identified_on=date(2020, 5, 1))
    with pytest.raises(OperationRefused):
        end_dossier(dossier, EndKind.WITHDRAWN, date(2020, 4, 1), "left", district_officer(), TODAY)


def test_a_closed_dossier_refuses_new_milestones_removals_and_a_second_end():
    dossier = dossier_through("verified")
    actor = district_officer()
    end_dossier(dossier, EndKind.WITHDRAWN, END_DAY, "left the enterprise", actor, TODAY)
    before = snapshot(dossier)
    with pytest.raises(OperationRefused):
        record_milestone(dossier, entry("introduced"), actor, TODAY)
    with pytest.raises(OperationRefused):
        remove_milestone(dossier, "verified", actor, "mistake")
    with pytest.raises(OperationRefused):
        end_dossier(dossier, EndKind.NOT_ADMITTED, END_DAY, "again", actor, TODAY)
    assert snapshot(dossier) == before


def test_reopen_clears_the_end_and_is_audited():
    dossier = dossier_through("verified")
    actor = district_officer()
    end_dossier(dossier, EndKind.WITHDRAWN, END_DAY, "left the enterprise", actor, TODAY)
    reopen_dossier(dossier, actor, "came back")
    assert (dossier.end_kind, dossier.ended_on, dossier.end_reason) == (None, None, "")
    audit = audit_entries(dossier)[-1]
    assert audit.action == "dossier.reopen" and audit.reason == "came back"
    assert audit.changes["end_kind"] == ["withdrawn", None]
    record_milestone(dossier, entry("introduced"), actor, TODAY)
    assert dossier.introduced_on == PATH["introduced"]


def test_reopen_needs_a_closed_dossier_and_a_reason():
    dossier = dossier_through("verified")
    actor = district_officer()
    with pytest.raises(OperationRefused):
        reopen_dossier(dossier, actor, "why not")
    end_dossier(dossier, EndKind.WITHDRAWN, END_DAY, "left", actor, TODAY)
    before = snapshot(dossier)
    with pytest.raises(OperationRefused):
        reopen_dossier(dossier, actor, " ")
    assert snapshot(dossier) == before


# --- Opening ----------------------------------------------------------------------------

def test_open_dossier_creates_one_audited_dossier_per_person():
    person = factories.person()
    actor = district_officer()
    dossier = open_dossier(person, actor, party_cell="Chi bộ Công ty", cell_is_grassroots=True)
    assert dossier.id is not None and person.dossier is dossier
    [audit] = audit_entries(dossier)
    assert audit.action == "dossier.create"
    with pytest.raises(OperationRefused):
        open_dossier(person, actor)
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 1


def test_only_officers_may_end_or_reopen_a_dossier(app):
    from datetime import date

    import pytest

    from ldld_tracker.errors import OperationRefused
    from ldld_tracker.models import EndKind, Role
    from ldld_tracker.workflow import operations
    from tests import factories

    dossier = factories.dossier(identified_on=date(2020, 3, 1))
    board = factories.user(Role.BOARD)
    with pytest.raises(OperationRefused):
        operations.end_dossier(dossier, EndKind.WITHDRAWN, date(2020, 5, 1), "left", board,
                               date(2020, 12, 15))
    assert dossier.end_kind is None
    officer = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    operations.end_dossier(dossier, EndKind.WITHDRAWN, date(2020, 5, 1), "left", officer,
                           date(2020, 12, 15))
    with pytest.raises(OperationRefused):
        operations.reopen_dossier(dossier, board, "mistake")
    assert dossier.end_kind is EndKind.WITHDRAWN
