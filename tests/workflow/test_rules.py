"""The Party's admission rules, table-driven at their boundaries.

Every case runs twice: through ``checks.check_milestone`` and through
``operations.record_milestone``; the two must agree (a refusal records nothing, a
warning never blocks). Messages are asserted on their numbers and dates, not their wording,
so the Vietnamese catalogue can change the words.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale

from ldld_tracker.models import Education
from ldld_tracker.workflow.calendar import add_working_days
from ldld_tracker.workflow.checks import recorded_on
from ldld_tracker.workflow.rules import MILESTONE_BY_CODE

from .. import factories
from .paths import PATH, TODAY, attempt, blocking, dossier_through, dossier_with, entry, introducer, warnings

CELL_DAY = date(2020, 6, 10)


@pytest.fixture(params=["check", "operation"])
def via(request, app):
    return request.param


def assert_accepted(via, dossier, step, findings):
    assert blocking(findings) == [], [f.message for f in findings]
    if via == "operation":
        assert recorded_on(dossier, step.code) == step.on


def assert_refused(via, dossier, step, findings, rule, *mentions):
    refusals = [f for f in blocking(findings) if f.rule == rule]
    assert refusals, f"expected a {rule!r} refusal, got {[(f.rule, f.message) for f in findings]}"
    for text in mentions:
        assert any(text in f.message for f in refusals), (text, [f.message for f in refusals])
    if via == "operation":
        assert recorded_on(dossier, step.code) is None


def ready_for_cell(birth=date(1990, 5, 17), education=Education.UPPER_SECONDARY, **values):
    person = factories.person(birth_date=birth, education=education)
    return factories.dossier_ready_for_cell(person, **values)


def cell(on=CELL_DAY, votes=6, members=9):
    return entry("cell_resolved", on, {"cell_votes_for": votes, "cell_members": members})


# --- Age on the cell-resolution date: full 18 to full 60 years, counted in months ---------

@pytest.mark.parametrize(
    ("birth", "accepted", "mentions"),
    [
        (date(2002, 6, 11), False, ("17", "11", "18")),  # 18 years minus one day
        (date(2002, 6, 10), True, ()),  # exactly 18
        (date(1960, 6, 10), True, ()),  # exactly 60
        (date(1960, 5, 11), True, ()),  # 60 years, 11 months 30 days: still 60 full years
        (date(1960, 5, 10), False, ("60", "1")),  # 60 years and 1 month
    ],
)
def test_age_is_counted_in_full_months_on_the_cell_resolution_date(via, birth, accepted, mentions):
    dossier = ready_for_cell(birth)
    step = cell()
    findings = attempt(via, dossier, step)
    if accepted:
        assert_accepted(via, dossier, step, findings)
        assert not [f for f in findings if f.rule == "age"]
    else:
        assert_refused(via, dossier, step, findings, "age", *mentions)


def test_age_message_names_years_and_months(app):
    dossier = ready_for_cell(date(2002, 6, 11))
    [finding] = [f for f in attempt("check", dossier, cell()) if f.rule == "age"]
    assert "17" in finding.message and "11" in finding.message and "10/06/2020" in finding.message


def test_over_sixty_with_the_standing_boards_consent_is_a_warning(via):
    dossier = ready_for_cell(date(1960, 5, 10), age_exception_ref="88-CV/TU")
    step = cell()
    findings = attempt(via, dossier, step)
    assert_accepted(via, dossier, step, findings)
    [age] = [f for f in warnings(findings) if f.rule == "age"]
    assert "88-CV/TU" in age.message and "60" in age.message


# --- Votes: at least 2/3 in favour, at the cell and at the grassroots committee ----------

VOTES = [
    (6, 9, True),
    (5, 8, False),
    (2, 3, True),
    (1, 3, False),
    (9, 9, True),
    (0, 9, False),
    (0, 0, False),  # no members: refused
    (10, 9, False),  # more votes than members
    (-1, 3, False),
]


@pytest.mark.parametrize(("votes", "members", "accepted"), VOTES)
def test_cell_needs_two_thirds_of_its_official_members(via, votes, members, accepted):
    dossier = ready_for_cell()
    step = cell(votes=votes, members=members)
    findings = attempt(via, dossier, step)
    if accepted:
        assert_accepted(via, dossier, step, findings)
    else:
        assert_refused(via, dossier, step, findings, "votes", str(votes), str(members))


@pytest.mark.parametrize(("votes", "members", "accepted"), VOTES)
def test_committee_needs_two_thirds_of_its_members(via, votes, members, accepted):
    dossier = dossier_through("cell_resolved")
    step = entry("committee_resolved", details={"committee_votes_for": votes,
                                                "committee_members": members})
    findings = attempt(via, dossier, step)
    if accepted:
        assert_accepted(via, dossier, step, findings)
    else:
        assert_refused(via, dossier, step, findings, "votes", str(votes), str(members))


def test_vote_refusal_names_the_share(app):
    findings = attempt("check", ready_for_cell(), cell(votes=5, members=8))
    [votes] = blocking(findings)
    assert "2/3" in votes.message


@pytest.mark.parametrize(("locale", "cell_body", "committee_body"), [
    ("vi", "Chi bộ", "Đảng ủy cơ sở"), ("en", "Party cell", "Grassroots committee")])
def test_vote_refusal_names_the_body_in_the_users_language(app, locale, cell_body,
                                                           committee_body):
    committee = entry("committee_resolved", details={"committee_votes_for": 5,
                                                      "committee_members": 8})
    with app.test_request_context(), force_locale(locale):
        [for_cell] = blocking(attempt("check", ready_for_cell(), cell(votes=5, members=8)))
        [for_committee] = blocking(attempt("check", dossier_through("cell_resolved"), committee))
    assert type(for_cell.message) is str and for_cell.message.startswith(f"{cell_body}: 5")
    assert for_committee.message.startswith(f"{committee_body}: 5")


@pytest.mark.parametrize("missing", ["cell_votes_for", "cell_members"])
def test_cell_votes_are_required(via, missing):
    dossier = ready_for_cell()
    details = {"cell_votes_for": 6, "cell_members": 9}
    details.pop(missing)
    step = entry("cell_resolved", CELL_DAY, details)
    assert_refused(via, dossier, step, attempt(via, dossier, step), "details")


# --- Awareness-course certificate: valid 60 months at the cell resolution ----------------

@pytest.mark.parametrize(
    ("trained", "accepted"),
    [
        (date(2015, 6, 10), True),  # exactly 60 months before
        (date(2015, 6, 9), False),  # one day past
        (date(2015, 6, 11), True),
    ],
)
def test_certificate_is_valid_sixty_months(via, trained, accepted):
    dossier = ready_for_cell(trained_on=trained)
    step = cell()
    findings = attempt(via, dossier, step)
    if accepted:
        assert_accepted(via, dossier, step, findings)
    else:
        assert_refused(via, dossier, step, findings, "certificate", "60", "09/06/2020")


# --- Introducers ------------------------------------------------------------------------

INTRODUCED_ON = date(2020, 4, 1)


def ready_to_introduce():
    return dossier_with(["identified", "trained", "applied", "verified"])


@pytest.mark.parametrize(
    ("since", "accepted"),
    [
        (date(2019, 5, 1), False),  # 11 months
        (date(2019, 4, 2), False),  # 12 months minus one day
        (date(2019, 4, 1), True),  # 12 months
        (date(2018, 1, 1), True),
    ],
)
def test_introducer_has_worked_with_the_applicant_twelve_months(via, since, accepted):
    dossier = ready_to_introduce()
    step = entry("introduced", INTRODUCED_ON, introducers=[introducer(since)])
    findings = attempt(via, dossier, step)
    if accepted:
        assert_accepted(via, dossier, step, findings)
    else:
        assert_refused(via, dossier, step, findings, "introducer_months", "11", "12", "01/04/2020")


@pytest.mark.parametrize(
    ("resolution", "introducers", "accepted", "rule"),
    [
        ("12/NQ-CĐCS", [introducer()], True, None),  # union resolution + 1 official member
        ("", [introducer()], False, "introducers"),  # no resolution, 1 member
        ("", [introducer(name="A"), introducer(name="B")], True, None),  # no resolution, 2
        ("12/NQ-CĐCS", [], False, "introducers"),  # resolution alone
        ("12/NQ-CĐCS", [introducer(official=False)], False, "introducers"),  # probationary
        ("", [introducer(name="A"), introducer(name="B", official=False)], False, "introducers"),
        ("12/NQ-CĐCS", [introducer(name="A"), introducer(name="B", official=False)], False,
         "introducers"),
    ],
)
def test_introducers_union_resolution_plus_one_or_two_official_members(
    via, resolution, introducers, accepted, rule
):
    dossier = ready_to_introduce()
    step = entry("introduced", INTRODUCED_ON, {"introduction_resolution_no": resolution},
                 introducers)
    findings = attempt(via, dossier, step)
    if accepted:
        assert_accepted(via, dossier, step, findings)
    else:
        assert_refused(via, dossier, step, findings, rule)


def test_introducer_refusal_names_the_numbers(app):
    dossier = ready_to_introduce()
    step = entry("introduced", INTRODUCED_ON, {"introduction_resolution_no": ""}, [introducer()])
    [finding] = blocking(attempt("check", dossier, step))
    assert "2" in finding.message and "1" in finding.message


# --- Education: a warning, never a block ------------------------------------------------

@pytest.mark.parametrize(
    ("education", "warned"),
    [
        (Education.PRIMARY, True),
        (None, True),
        (Education.LOWER_SECONDARY, False),
        (Education.UPPER_SECONDARY, False),
    ],
)
def test_education_below_lower_secondary_is_only_a_warning(via, education, warned):
    dossier = ready_for_cell(education=education)
    step = cell()
    findings = attempt(via, dossier, step)
    assert_accepted(via, dossier, step, findings)
    assert bool([f for f in warnings(findings) if f.rule == "education"]) is warned


# --- Dates: not in the future, not before what the step needs ---------------------------

@pytest.mark.parametrize(
    ("on", "accepted"), [(TODAY, True), (TODAY + timedelta(days=1), False)]
)
def test_a_date_in_the_future_is_refused(via, on, accepted):
    dossier = dossier_through(None)
    step = entry("identified", on)
    findings = attempt(via, dossier, step)
    if accepted:
        assert_accepted(via, dossier, step, findings)
    else:
        assert_refused(via, dossier, step, findings, "future", "16/12/2020", "15/12/2020")


def test_a_date_before_the_date_of_birth_is_refused(via):
    person = factories.person(birth_date=date(1990, 5, 17))
    dossier = dossier_through(None, person)
    step = entry("identified", date(1990, 5, 16))
    assert_refused(via, dossier, step, attempt(via, dossier, step), "date_order", "17/05/1990")


def test_missing_date_is_refused(via):
    dossier = dossier_through(None)
    step = entry("identified")
    step.on = None
    findings = attempt(via, dossier, step)
    assert [f.rule for f in blocking(findings)] == ["date"]


@pytest.mark.parametrize(
    ("code", "need"),
    [
        ("verified", "applied"),
        ("cell_resolved", "trained"),
        ("cell_resolved", "applied"),
        ("cell_resolved", "verified"),
        ("cell_resolved", "introduced"),
        ("committee_resolved", "cell_resolved"),
        ("admitted", "cell_resolved"),
        ("admitted", "committee_resolved"),
        ("sworn_in", "admitted"),
        ("official", "sworn_in"),
    ],
)
def test_a_date_before_a_needed_milestone_is_refused(via, code, need):
    dossier = dossier_through(code)
    setattr(dossier, MILESTONE_BY_CODE[code].date_field, None)
    step = entry(code, PATH[need] - timedelta(days=1))
    assert_refused(via, dossier, step, attempt(via, dossier, step), "date_order",
                   PATH[need].strftime("%d/%m/%Y"))


def test_a_step_on_the_same_day_as_its_need_is_accepted(via):
    dossier = dossier_with(["applied"])
    step = entry("verified", PATH["applied"])
    assert_accepted(via, dossier, step, attempt(via, dossier, step))


# The "needs" column of DOMAIN.md, written out here rather than read from rules.py.
NEEDS = {
    "identified": (),
    "trained": (),
    "applied": (),
    "verified": ("applied",),
    "introduced": (),
    "cell_resolved": ("trained", "applied", "verified", "introduced"),
    "committee_resolved": ("cell_resolved",),
    "admitted": ("cell_resolved", "committee_resolved"),
    "sworn_in": ("admitted",),
    "official": ("sworn_in",),
}
ALL_BEFORE = {code: [c for c in PATH if list(PATH).index(c) < list(PATH).index(code)]
              for code in PATH}


@pytest.mark.parametrize(("code", "need"), [(c, n) for c, needs in NEEDS.items() for n in needs])
def test_each_need_of_the_domain_table_is_enforced(via, code, need):
    dossier = dossier_with([c for c in ALL_BEFORE[code] if c != need])
    step = entry(code)
    assert_refused(via, dossier, step, attempt(via, dossier, step), "needs",
                   str(MILESTONE_BY_CODE[need].label))


@pytest.mark.parametrize("code", list(NEEDS))
def test_a_step_with_only_its_needs_recorded_has_no_needs_finding(via, code):
    dossier = dossier_with(list(NEEDS[code]))
    findings = attempt(via, dossier, entry(code))
    assert not [f for f in findings if f.rule == "needs"], [f.message for f in findings]


def test_admission_needs_only_the_cell_where_the_cell_is_the_grassroots_organisation(via):
    dossier = dossier_through("cell_resolved", cell_is_grassroots=True)
    step = entry("admitted")
    assert_accepted(via, dossier, step, attempt(via, dossier, step))


def test_admission_needs_the_committee_where_there_is_one(via):
    dossier = dossier_through("cell_resolved", cell_is_grassroots=False)
    step = entry("admitted")
    assert_refused(via, dossier, step, attempt(via, dossier, step), "needs")


def test_committee_step_is_refused_where_the_cell_is_the_grassroots_organisation(via):
    dossier = dossier_through("cell_resolved", cell_is_grassroots=True)
    step = entry("committee_resolved")
    assert_refused(via, dossier, step, attempt(via, dossier, step), "structure")


# --- Probation and deadlines ------------------------------------------------------------

@pytest.mark.parametrize(
    ("on", "accepted"),
    [
        (date(2020, 6, 19), False),  # one day short of 12 months from 20/06/2019
        (date(2020, 6, 20), True),
    ],
)
def test_official_recognition_only_after_twelve_months_of_probation(via, on, accepted):
    dossier = dossier_through("sworn_in")
    step = entry("official", on)
    findings = attempt(via, dossier, step)
    if accepted:
        assert_accepted(via, dossier, step, findings)
    else:
        assert_refused(via, dossier, step, findings, "probation", "12", "20/06/2019", "20/06/2020")


def _deadline_case(code, start, days):
    due = add_working_days(start, days)
    return [(code, due, False), (code, due + timedelta(days=1), True)]


@pytest.mark.parametrize(
    ("code", "on", "late"),
    [
        *_deadline_case("admitted", PATH["cell_resolved"], 60),
        (("admitted", add_working_days(PATH["cell_resolved"], 95), True)),  # past the extension
        *_deadline_case("sworn_in", PATH["admitted"], 30),
        *_deadline_case("official", date(2020, 6, 20), 30),
    ],
)
def test_missed_deadlines_are_warnings_only(via, code, on, late):
    number = MILESTONE_BY_CODE[code].number
    dossier = dossier_with([c for c in PATH if MILESTONE_BY_CODE[c].number < number])
    step = entry(code, on)
    findings = attempt(via, dossier, step)
    assert_accepted(via, dossier, step, findings)
    deadline = [f for f in warnings(findings) if f.rule == "deadline"]
    assert bool(deadline) is late
    if late:
        assert any(str(days) in deadline[0].message for days in (30, 60))


def test_admission_deadline_names_the_due_date(app):
    dossier = dossier_through("committee_resolved")
    due = add_working_days(PATH["cell_resolved"], 60)
    findings = attempt("check", dossier, entry("admitted", due + timedelta(days=1)))
    [late] = warnings(findings)
    assert "60" in late.message and due.strftime("%d/%m/%Y") in late.message


def test_recorded_on_reads_the_milestones_date_column(app):
    assert recorded_on(dossier_through("applied"), "applied") == PATH["applied"]
    assert recorded_on(dossier_through("applied"), "verified") is None


# --- Blank details (imports pass cell values as they are) -------------------------------

def test_a_blank_resolution_number_is_no_union_resolution(via):
    dossier = ready_to_introduce()
    step = entry("introduced", INTRODUCED_ON, {"introduction_resolution_no": "   "}, [introducer()])
    assert_refused(via, dossier, step, attempt(via, dossier, step), "introducers")


@pytest.mark.parametrize(("code", "name"), [("trained", "certificate_no"),
                                            ("admitted", "admission_decision_no")])
def test_a_blank_required_detail_is_missing(via, code, name):
    dossier = dossier_with([c for c in PATH if MILESTONE_BY_CODE[c].number < MILESTONE_BY_CODE[code].number])
    step = entry(code, details={name: "  "})
    assert_refused(via, dossier, step, attempt(via, dossier, step), "details")
