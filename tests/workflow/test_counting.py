"""The counting definitions, written once: the stage (in Python and in SQL, which must agree),
"admitted in year Y", "introduced in year Y" and the reported months that count."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ldld_tracker.extensions import db
from ldld_tracker.models import Dossier, EndKind
from ldld_tracker.workflow.counting import (
    NO_STAGE,
    admitted_in_year,
    introduced_in_year,
    reached_in_year,
    reported_months,
    stage_expression,
    stage_of,
    year_bounds,
)

from .paths import PATH, dossier_through, dossier_with

pytestmark = pytest.mark.usefixtures("app")


def _dossiers() -> dict[str, Dossier]:
    """A table of dossiers at every stage, with ends before and after the as_of dates."""
    return {
        "empty": dossier_with([]),
        "identified": dossier_through("identified"),
        "verified": dossier_through("verified"),
        "cell": dossier_through("cell_resolved"),
        "grassroots_admitted": dossier_through("admitted", cell_is_grassroots=True),
        "sworn": dossier_through("sworn_in"),
        "official": dossier_through("official"),
        # Milestone 1 recorded after 3: the furthest step along the path counts, not the latest date.
        "out_of_order": dossier_with(["applied"], identified_on=date(2019, 9, 1)),
        "withdrawn": dossier_through("introduced", end_kind=EndKind.WITHDRAWN,
                                     ended_on=date(2019, 4, 15), end_reason="left"),
        "not_admitted": dossier_through("cell_resolved", end_kind=EndKind.NOT_ADMITTED,
                                        ended_on=date(2019, 5, 6), end_reason="vote failed"),
        "removed": dossier_through("sworn_in", end_kind=EndKind.REMOVED,
                                   ended_on=date(2020, 3, 1), end_reason="xóa tên"),
    }


# as_of -> expected stage of each dossier (None: no as_of, everything recorded counts).
EXPECTED = {
    None: {
        "empty": NO_STAGE, "identified": "identified", "verified": "verified",
        "cell": "cell_resolved", "grassroots_admitted": "admitted", "sworn": "sworn_in",
        "official": "official", "out_of_order": "applied", "withdrawn": "withdrawn",
        "not_admitted": "not_admitted", "removed": "removed",
    },
    date(2019, 1, 9): {
        "empty": NO_STAGE, "identified": NO_STAGE, "verified": NO_STAGE, "cell": NO_STAGE,
        "grassroots_admitted": NO_STAGE, "sworn": NO_STAGE, "official": NO_STAGE,
        "out_of_order": NO_STAGE, "withdrawn": NO_STAGE, "not_admitted": NO_STAGE,
        "removed": NO_STAGE,
    },
    date(2019, 4, 14): {  # the day before the withdrawal
        "empty": NO_STAGE, "identified": "identified", "verified": "verified",
        "cell": "introduced", "grassroots_admitted": "introduced", "sworn": "introduced",
        "official": "introduced", "out_of_order": "applied", "withdrawn": "introduced",
        "not_admitted": "introduced", "removed": "introduced",
    },
    date(2019, 5, 6): {  # the day of the failed vote: an end counts on its own date
        "empty": NO_STAGE, "identified": "identified", "verified": "verified",
        "cell": "cell_resolved", "grassroots_admitted": "cell_resolved", "sworn": "cell_resolved",
        "official": "cell_resolved", "out_of_order": "applied", "withdrawn": "withdrawn",
        "not_admitted": "not_admitted", "removed": "cell_resolved",
    },
    date(2020, 2, 29): {  # the day before the removal
        "empty": NO_STAGE, "identified": "identified", "verified": "verified",
        "cell": "cell_resolved", "grassroots_admitted": "admitted", "sworn": "sworn_in",
        "official": "sworn_in", "out_of_order": "applied", "withdrawn": "withdrawn",
        "not_admitted": "not_admitted", "removed": "sworn_in",
    },
    date(2020, 12, 31): {
        "empty": NO_STAGE, "identified": "identified", "verified": "verified",
        "cell": "cell_resolved", "grassroots_admitted": "admitted", "sworn": "sworn_in",
        "official": "official", "out_of_order": "applied", "withdrawn": "withdrawn",
        "not_admitted": "not_admitted", "removed": "removed",
    },
}


@pytest.mark.parametrize("as_of", list(EXPECTED), ids=str)
def test_stage_of_and_stage_expression_agree_on_every_dossier(as_of):
    dossiers = _dossiers()
    db.session.flush()
    expected = EXPECTED[as_of]
    python = {name: stage_of(d, as_of) for name, d in dossiers.items()}
    assert python == expected
    sql_as_of = as_of or date(9999, 12, 31)
    by_id = dict(db.session.execute(select(Dossier.id, stage_expression(sql_as_of))).all())
    assert {name: by_id[d.id] for name, d in dossiers.items()} == expected


def test_stage_expression_groups_in_the_database():
    dossiers = _dossiers()
    db.session.flush()
    stage = stage_expression(date(2020, 12, 31)).label("stage")
    rows = db.session.execute(select(stage, db.func.count()).group_by(stage)).all()
    counts = dict(rows)
    assert counts[NO_STAGE] == 1 and counts["withdrawn"] == 1 and counts["official"] == 1
    assert sum(counts.values()) == len(dossiers)


# --- Admitted / introduced in year Y ----------------------------------------------------

def _admitted(on: date) -> Dossier:
    return dossier_through("committee_resolved", admitted_on=on, admission_decision_no="1-QĐ")


def _ids(condition) -> set[int]:
    return set(db.session.scalars(select(Dossier.id).where(condition)))


BOUNDARY_DAYS = [date(2019, 12, 31), date(2020, 1, 1), date(2020, 6, 30), date(2020, 7, 1),
                 date(2020, 12, 31), date(2021, 1, 1)]


@pytest.mark.parametrize(
    ("year", "as_of", "counted"),
    [
        (2020, None, {date(2020, 1, 1), date(2020, 6, 30), date(2020, 7, 1), date(2020, 12, 31)}),
        (2020, date(2020, 12, 31), {date(2020, 1, 1), date(2020, 6, 30), date(2020, 7, 1),
                                    date(2020, 12, 31)}),
        (2020, date(2020, 6, 30), {date(2020, 1, 1), date(2020, 6, 30)}),  # cut at as_of
        (2020, date(2021, 3, 1), {date(2020, 1, 1), date(2020, 6, 30), date(2020, 7, 1),
                                  date(2020, 12, 31)}),
        (2020, date(2019, 12, 31), set()),  # as_of before the year
        (2019, None, {date(2019, 12, 31)}),
        (2021, None, {date(2021, 1, 1)}),
    ],
)
def test_admitted_in_year_counts_the_decision_date(year, as_of, counted):
    by_day = {day: _admitted(day).id for day in BOUNDARY_DAYS}
    dossier_through("committee_resolved")  # never admitted: never counted
    db.session.flush()
    assert _ids(admitted_in_year(year, as_of)) == {by_day[day] for day in counted}


def test_a_member_removed_later_still_counts_as_admitted_in_the_year_of_the_decision():
    """DOMAIN: "admitted in year Y" is the decision date in Y; a later removal does not undo it."""
    removed = dossier_through("sworn_in", admitted_on=date(2020, 3, 2), end_kind=EndKind.REMOVED,
                              ended_on=date(2020, 9, 1), end_reason="xóa tên")
    db.session.flush()
    assert _ids(admitted_in_year(2020)) == {removed.id}


@pytest.mark.parametrize(
    ("year", "as_of", "counted"),
    [
        (2020, None, {date(2020, 1, 1), date(2020, 6, 30), date(2020, 7, 1), date(2020, 12, 31)}),
        (2020, date(2020, 6, 30), {date(2020, 1, 1), date(2020, 6, 30)}),
        (2019, None, {date(2019, 12, 31)}),
        (2021, date(2020, 12, 15), set()),
    ],
)
def test_introduced_in_year_counts_the_union_resolution_date(year, as_of, counted):
    by_day = {day: dossier_through("verified", introduced_on=day).id for day in BOUNDARY_DAYS}
    dossier_through("verified")  # not introduced
    db.session.flush()
    assert _ids(introduced_in_year(year, as_of)) == {by_day[day] for day in counted}


def test_introduced_and_admitted_are_different_milestones():
    dossier = dossier_through("admitted", introduced_on=date(2019, 11, 1), admitted_on=date(2020, 2, 3),
                              cell_resolved_on=date(2019, 12, 2), committee_resolved_on=date(2019, 12, 20))
    db.session.flush()
    assert _ids(introduced_in_year(2019)) == {dossier.id} and _ids(introduced_in_year(2020)) == set()
    assert _ids(admitted_in_year(2020)) == {dossier.id} and _ids(admitted_in_year(2019)) == set()
    assert _ids(reached_in_year("cell_resolved", 2019)) == {dossier.id}


@pytest.mark.parametrize(
    ("year", "as_of", "bounds"),
    [
        (2020, None, (date(2020, 1, 1), date(2020, 12, 31))),
        (2020, date(2020, 6, 15), (date(2020, 1, 1), date(2020, 6, 15))),
        (2020, date(2021, 6, 15), (date(2020, 1, 1), date(2020, 12, 31))),
    ],
)
def test_year_bounds_are_cut_at_as_of(year, as_of, bounds):
    assert year_bounds(year, as_of) == bounds


# --- Reported monthly totals ------------------------------------------------------------

@pytest.mark.parametrize(
    ("as_of", "months"),
    [
        (date(2020, 6, 30), 6),  # June has ended
        (date(2020, 6, 15), 5),
        (date(2020, 7, 1), 6),
        (date(2020, 2, 29), 2),  # leap-year February ends on the 29th
        (date(2020, 2, 28), 1),
        (date(2020, 1, 31), 1),
        (date(2020, 1, 1), 0),
        (date(2020, 12, 30), 11),
        (date(2020, 12, 31), 12),
        (date(2021, 1, 1), 12),  # a later year: the whole year counts
        (date(2019, 12, 31), 0),  # an earlier year: nothing yet
        (None, 12),
    ],
)
def test_reported_months_count_the_months_that_have_ended(as_of, months):
    assert reported_months(2020, as_of) == months


def test_path_dates_are_in_order():
    """The shared PATH is a consistent path (the other tables rely on it)."""
    assert list(PATH.values()) == sorted(PATH.values())
