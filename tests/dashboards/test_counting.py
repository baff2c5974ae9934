"""What counts toward the target, at the year's edges, on an "as of" day, with reported
totals, and the invariants that hold between the levels."""

from __future__ import annotations

from datetime import date

from ldld_tracker.dashboards import queries
from ldld_tracker.extensions import db
from ldld_tracker.models import EndKind, Role, UnitTarget

from .. import factories
from .helpers import admitted, introduced, populate, reported


def board():
    return factories.user(Role.BOARD)


def test_admission_on_31_december_counts_for_that_year_and_on_1_january_for_the_next(app):
    admitted(date(2019, 12, 31))
    admitted(date(2020, 1, 1))
    admitted(date(2020, 12, 31))
    admitted(date(2021, 1, 1))
    total = queries.progress(board(), 2020, as_of=date(2020, 12, 31)).total
    assert total.admitted_tracked == 2
    assert total.reached["admitted"] == 2


def test_introduced_counts_by_the_introduction_date_at_the_year_boundaries(app):
    introduced(date(2019, 12, 31))
    introduced(date(2020, 1, 1))
    introduced(date(2020, 12, 31))
    assert queries.progress(board(), 2020, as_of=date(2020, 12, 31)).total.introduced == 2


def test_as_of_30_june_counts_only_what_is_dated_on_or_before_it(app):
    admitted(date(2020, 6, 30))
    admitted(date(2020, 7, 1))
    late = introduced(date(2020, 7, 1))
    late.identified_on = date(2020, 6, 1)
    reported("644", 5, 10)
    reported("644", 6, 20)  # June has ended on 30/06: counts
    reported("644", 7, 40)
    progress = queries.progress(board(), 2020, as_of=date(2020, 6, 30))
    assert progress.total.admitted_tracked == 1
    assert progress.total.admitted_reported == 30
    assert progress.total.introduced == 2  # the two admitted, on 10/06 and 11/06
    assert progress.total.current["identified"] == 1
    assert progress.total.current["admitted"] == 1
    assert progress.total.current["introduced"] == 0


def test_a_reported_month_counts_only_once_it_has_ended(app):
    reported("644", 6, 20)
    assert queries.progress(board(), 2020, as_of=date(2020, 6, 29)).total.admitted_reported == 0
    assert queries.progress(board(), 2020, as_of=date(2020, 6, 30)).total.admitted_reported == 20


def test_reported_totals_are_included_in_the_total_and_shown_separately(app):
    admitted(date(2020, 3, 1))
    reported("643", 2, 7, women=3, ethnic_minority=2)
    reported("644", 2, 5)
    reported("644", 2, 9, year=2019)
    progress = queries.progress(board(), 2020)
    assert (progress.total.admitted, progress.total.admitted_tracked,
            progress.total.admitted_reported) == (13, 1, 12)
    assert (progress.total.reported_women, progress.total.reported_ethnic_minority) == (3, 2)
    bmt = next(d for d in progress.districts if d.code == "643")
    assert (bmt.admitted, bmt.admitted_tracked, bmt.admitted_reported) == (8, 1, 7)


def test_an_ended_dossier_counts_at_its_end_from_the_day_it_ended(app):
    dossier = introduced(date(2020, 2, 1))
    dossier.end_kind, dossier.ended_on = EndKind.NOT_ADMITTED, date(2020, 9, 1)
    before = queries.progress(board(), 2020, as_of=date(2020, 8, 31)).total.current
    after = queries.progress(board(), 2020, as_of=date(2020, 9, 1)).total.current
    assert (before["introduced"], before["not_admitted"]) == (1, 0)
    assert (after["introduced"], after["not_admitted"]) == (0, 1)


def test_invariants_hold_between_total_districts_and_enterprises(app):
    populate(2)
    reported("643", 10, 4)
    user = board()
    progress = queries.progress(user, 2020)
    levels = [progress.total, *progress.districts]
    for figures in levels:
        assert figures.admitted == figures.admitted_tracked + figures.admitted_reported
    for name in ("admitted_tracked", "admitted_reported", "introduced", "people"):
        assert getattr(progress.total, name) == sum(getattr(d, name) for d in progress.districts)
    for code in queries.CURRENT_CODES:
        assert progress.total.current[code] == sum(d.current[code] for d in progress.districts)
    assert progress.total.admitted_tracked == 2 * 3 * 2  # copies x units x admitted in 2020
    for row in progress.districts:
        if row.code not in ("643", "644", "645"):
            continue
        unit = queries.progress(user, 2020, district_code=row.code)
        assert unit.unit.admitted_tracked == row.admitted_tracked
        assert unit.unit.admitted_tracked == sum(e.admitted_tracked for e in unit.enterprises)
        assert unit.unit.introduced == sum(e.introduced for e in unit.enterprises)
        for code in queries.MILESTONE_CODES:
            assert unit.unit.reached[code] == sum(e.reached[code] for e in unit.enterprises)
        for code in queries.CURRENT_CODES:
            assert unit.unit.current[code] == sum(e.current[code] for e in unit.enterprises)
        assert all(e.admitted_reported == 0 for e in unit.enterprises)
        assert unit.unit.admitted_reported == row.admitted_reported


def test_the_board_total_target_is_the_plans_and_a_district_sees_its_own_share(app):
    info = queries.plan_for_year(2020)
    db.session.add(UnitTarget(plan_id=info.id, unit_id=factories.unit("643").id, target=600))
    district = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    assert queries.progress(board(), 2020).total.target == 3500
    mine = queries.progress(district, 2020)
    assert [d.code for d in mine.districts] == ["643"]
    assert mine.total.target == 600


def test_pace_and_forecast_follow_the_as_of_day(app):
    for _ in range(3):
        admitted(date(2020, 3, 1))
    progress = queries.progress(board(), 2020, as_of=date(2020, 6, 30))
    assert progress.total.expected == round(3500 * 182 / 366)
    assert progress.total.behind is True
    assert progress.forecast == round(3 / (182 / 366))
