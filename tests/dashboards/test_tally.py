"""The per-unit summaries the dashboards read: every day counted once, kept in the same
transaction as each change (operations, corrections, moves, rollbacks), equal to what the
dossiers give on any day, and checked and rebuilt from the command line."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text, update

from ldld_tracker.dashboards import breakdowns, queries, timeline
from ldld_tracker.dashboards.figures import Figures
from ldld_tracker.dashboards.scope import plan_for_year
from ldld_tracker.extensions import db
from ldld_tracker.models import (
    Dossier,
    EndKind,
    Enterprise,
    Ownership,
    Role,
    Sex,
    Unit,
    UnitKind,
    UnitTally,
)
from ldld_tracker.records.enterprises import update_enterprise
from ldld_tracker.records.people import update_person
from ldld_tracker.tally import upkeep
from ldld_tracker.tally.periods import ALL, DAY, MONTH, YEAR, pieces, signed_pieces
from ldld_tracker.workflow import counting, operations
from ldld_tracker.workflow.checks import MilestoneEntry
from ldld_tracker.workflow.rules import MILESTONES

from .. import factories
from .helpers import admitted, introduced, populate


def _days(grain: str, start: date, end: date) -> set[date]:
    """The days a piece of ``pieces`` stands for."""
    days, day = set(), start
    while day <= end:
        if grain == YEAR:
            last = date(day.year, 12, 31)
        elif grain == MONTH:
            last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        else:
            last = day
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def test_pieces_cover_every_day_of_a_range_exactly_once():
    rng = random.Random(7)
    ranges = [(date(2020, 1, 1), date(2020, 12, 31)), (date(2020, 2, 29), date(2020, 3, 1)),
              (date(2020, 1, 1), date(2020, 1, 1)), (date(2019, 12, 31), date(2021, 1, 1))]
    ranges += [tuple(sorted(date(2018, 1, 1) + timedelta(days=rng.randrange(1500)) for _ in range(2)))
               for _ in range(200)]
    for first, last in ranges:
        for coarsest in (YEAR, MONTH):
            covered: list[date] = []
            for grain, start, end in pieces(first, last, coarsest):
                assert coarsest == YEAR or grain != YEAR
                covered += sorted(_days(grain, start, end))
            assert len(covered) == len(set(covered)) == (last - first).days + 1
            assert min(covered) == first and max(covered) == last


def test_an_open_range_reads_the_years_before_then_months_and_days():
    assert pieces(None, date(2020, 3, 15)) == [
        (YEAR, None, date(2019, 1, 1)), (MONTH, date(2020, 1, 1), date(2020, 2, 1)),
        (DAY, date(2020, 3, 1), date(2020, 3, 15))]
    assert pieces(date(2021, 1, 1), date(2020, 12, 31)) == []


def test_signed_pieces_add_up_to_every_day_of_a_range_exactly_once():
    rng = random.Random(11)
    origin = date(2015, 1, 1)  # "from the start" is counted from here
    ranges = [(None, date(2025, 12, 15)), (date(2025, 1, 1), date(2025, 12, 15)),
              (date(2020, 2, 29), date(2020, 3, 1)), (date(2019, 12, 31), date(2021, 1, 1))]
    ranges += [tuple(sorted(date(2016, 1, 1) + timedelta(days=rng.randrange(3000)) for _ in range(2)))
               for _ in range(300)]
    ranges += [(None, date(2016, 1, 1) + timedelta(days=rng.randrange(3000))) for _ in range(100)]
    horizon = date(2035, 12, 31)  # "to the last" and "all time" are counted up to here
    read_as_all = 0
    for first, last in ranges:
        for coarsest, everything in ((YEAR, False), (MONTH, False), (YEAR, True)):
            if first is None and coarsest == MONTH:
                continue
            net: dict[date, int] = {}
            for sign, grain, start, end in signed_pieces(first, last, coarsest, everything):
                assert coarsest == YEAR or grain != YEAR
                assert everything or grain != ALL
                read_as_all += grain == ALL
                if grain == ALL:
                    grain, start, end = YEAR, origin, date(horizon.year, 1, 1)
                start = origin if start is None else start
                end = date(horizon.year, 1, 1) if end is None else end
                for day in _days(grain, start, end):
                    net[day] = net.get(day, 0) + sign
            counted = {day for day, n in net.items() if n}
            assert all(n in (0, 1) for n in net.values()), (first, last, coarsest)
            assert counted == {(first or origin) + timedelta(days=i)
                               for i in range((last - (first or origin)).days + 1)}
    assert read_as_all > 20  # late in a year, "up to the day" is read as all time less the rest


def test_a_range_up_to_mid_december_reads_the_year_less_the_days_after():
    assert signed_pieces(date(2025, 1, 1), date(2025, 12, 15)) == [
        (1, YEAR, date(2025, 1, 1), date(2025, 1, 1)), (-1, DAY, date(2025, 12, 16), date(2025, 12, 31))]
    assert signed_pieces(None, date(2025, 12, 15)) == [
        (1, YEAR, None, date(2025, 1, 1)), (-1, DAY, date(2025, 12, 16), date(2025, 12, 31))]
    # the stages, kept over all time: that row, less the days and years after
    assert signed_pieces(None, date(2025, 12, 15), everything=True) == [
        (1, ALL, date(1, 1, 1), date(1, 1, 1)), (-1, DAY, date(2025, 12, 16), date(2025, 12, 31)),
        (-1, YEAR, date(2026, 1, 1), None)]
    # early in the year the months and days themselves are fewer
    assert signed_pieces(date(2025, 1, 1), date(2025, 2, 3)) == [
        (1, MONTH, date(2025, 1, 1), date(2025, 1, 1)), (1, DAY, date(2025, 2, 1), date(2025, 2, 3))]
    assert signed_pieces(date(2025, 3, 1), date(2025, 2, 1)) == []


def test_stage_moves_give_the_stage_of_a_dossier_on_every_day(app):
    populate(1)
    dossiers = db.session.scalars(select(Dossier)).all()
    assert len(dossiers) > 10
    for dossier in dossiers:
        moves = counting.stage_moves(dossier)
        day = date(2015, 12, 25)
        while day <= date(2021, 1, 5):
            expected = counting.stage_of(dossier, day)
            entered = [m for m in moves if m[0] <= day]
            assert (entered[-1][2] if entered else counting.NO_STAGE) == expected, (dossier.id, day)
            day += timedelta(days=1)


def test_a_dossier_adds_a_wait_for_each_move_to_the_next_milestone_recorded():
    """From each milestone to the next one recorded in path order (verification skipped
    here), dated on the later day; a later date earlier than its step's is no move."""
    from types import SimpleNamespace

    from ldld_tracker.tally import events

    dates = {m.date_field: None for m in MILESTONES}
    dates.update(identified_on=date(2020, 1, 1), trained_on=date(2020, 1, 11),
                 applied_on=date(2020, 2, 1), introduced_on=date(2020, 3, 2))
    assert sorted(events.waits(SimpleNamespace(**dates))) == [
        ("applied", date(2020, 3, 2), 30), ("identified", date(2020, 1, 11), 10),
        ("trained", date(2020, 2, 1), 21)]
    dates.update(trained_on=date(2019, 12, 31))  # out of order: no wait ends on it
    assert sorted(events.waits(SimpleNamespace(**dates))) == [
        ("applied", date(2020, 3, 2), 30), ("trained", date(2020, 2, 1), 32)]
    assert events.wait_code("committee_resolved", 12) == "committee_resolved:0000012"
    assert len(events.wait_code("committee_resolved", 3_000_000)) <= UnitTally.code.type.length


def test_an_open_dossier_adds_its_stage_and_the_deadline_it_waits_for_and_a_closed_one_nothing():
    """The stage on the day it was reached; the course's day until the cell's resolution,
    then the resolution's day until the admission; nothing once ended or official."""
    from types import SimpleNamespace

    from ldld_tracker.tally import events

    def rows(**values):
        dates = {m.date_field: None for m in MILESTONES} | {"end_kind": None, "ended_on": None}
        return events.open_rows(SimpleNamespace(**(dates | values)))

    first, course, cell = date(2020, 1, 1), date(2020, 2, 1), date(2020, 5, 4)
    assert rows(identified_on=first) == [("identified", first)]
    assert rows(identified_on=first, trained_on=course, applied_on=date(2020, 3, 1)) == [
        ("applied", date(2020, 3, 1)), (events.CERTIFICATE, course)]
    assert rows(identified_on=first, trained_on=course, cell_resolved_on=cell,
                committee_resolved_on=date(2020, 5, 20)) == [
        ("committee_resolved", date(2020, 5, 20)), (events.DECISION, cell)]
    admitted_on = date(2020, 6, 1)
    assert rows(trained_on=course, cell_resolved_on=cell, admitted_on=admitted_on) == [
        ("admitted", admitted_on)]
    assert rows(identified_on=first, ended_on=date(2020, 3, 1), end_kind="withdrawn") == []
    assert rows(identified_on=first, sworn_in_on=date(2020, 7, 1), official_on=date(2021, 7, 1)) == []


def test_a_waits_code_reads_back_as_its_stage_and_days():
    """The medians on SQLite read the kept rows' codes back."""
    from ldld_tracker.tally import events

    for milestone in MILESTONES:
        for days in (0, 7, 365, 3_000_000):
            assert events.parse_wait_code(events.wait_code(milestone.code, days)) == (
                milestone.code, days)


def _agree() -> None:
    assert upkeep.differences(db.session.connection()) == []


def _figures(user, as_of: date) -> dict:
    plan = plan_for_year(2020)
    return {unit: (f.people, dict(f.current), dict(f.reached))
            for unit, f in _nonempty(queries._tracked_units(user, plan, as_of)).items()}


def _nonempty(figures: dict) -> dict:
    """Units with something counted (a unit whose counts went back to zero keeps rows)."""
    return {unit: f for unit, f in figures.items() if f != Figures()}


def test_the_summaries_follow_every_operation_in_the_same_transaction(app):
    officer = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    board = factories.user(Role.BOARD)
    enterprise = factories.enterprise("643")
    person = factories.person(enterprise)
    _agree()
    dossier = operations.open_dossier(person, officer)
    today = date(2020, 12, 15)
    for code, on in (("identified", date(2019, 12, 30)), ("applied", date(2020, 1, 2))):
        operations.record_milestone(dossier, MilestoneEntry(code, on), officer, today)
        _agree()
    unit = factories.unit("643").id
    assert _figures(board, date(2020, 1, 1))[unit][1]["identified"] == 1
    assert _figures(board, date(2020, 1, 2))[unit][1]["applied"] == 1
    assert _figures(board, date(2020, 1, 2))[unit][2]["identified"] == 0  # reached in 2019

    # A correction moves the date across the year: the summaries move with it.
    operations.record_milestone(dossier, MilestoneEntry("identified", date(2020, 1, 1)), officer,
                                today, reason="typo")
    _agree()
    assert _figures(board, date(2020, 1, 2))[unit][2]["identified"] == 1
    operations.remove_milestone(dossier, "applied", officer, "recorded on the wrong person")
    _agree()
    operations.end_dossier(dossier, EndKind.WITHDRAWN, date(2020, 6, 1), "moved away", officer, today)
    _agree()
    assert _figures(board, date(2020, 6, 1))[unit][1]["withdrawn"] == 1
    assert _figures(board, date(2020, 5, 31))[unit][1]["identified"] == 1
    operations.reopen_dossier(dossier, officer, "recorded by mistake")
    _agree()

    # The member moves to an enterprise of another unit, then that enterprise moves too.
    other = factories.enterprise("644")
    update_person(person, {"enterprise_id": other.id}, officer)
    _agree()
    figures = _figures(board, today)
    assert figures[factories.unit("644").id][0] == 1 and unit not in figures
    update_enterprise(other, {"unit_id": factories.unit("645").id}, board)
    _agree()
    assert _figures(board, today)[factories.unit("645").id][1]["identified"] == 1
    db.session.commit()


def _waits_below(unit: Unit) -> int:
    """The moves a unit keeps of its children, over all time (the year rows)."""
    return db.session.scalar(select(func.coalesce(func.sum(UnitTally.n), 0)).where(
        UnitTally.unit_id == unit.id, UnitTally.kind == "v", UnitTally.grain == "y"))


def test_a_unit_keeps_the_waits_of_its_children_as_enterprises_and_units_move(app):
    """Every district together is the province's own rows (kind ``v``): they follow a
    step recorded, an enterprise moved to a unit under another parent (its units are
    rebuilt) and a unit moved under another parent (everything is rebuilt)."""
    province = factories.unit("643").parent
    elsewhere = Unit(code="999", name="Tỉnh Thử", kind=UnitKind.PROVINCE)
    below = Unit(code="99901", name="Huyện Thử", kind=UnitKind.DISTRICT, parent=elsewhere)
    db.session.add_all([elsewhere, below])
    enterprise = factories.enterprise("643")
    admitted(date(2020, 5, 5), enterprise)  # seven milestones: six moves
    db.session.flush()
    before = _waits_below(province)
    assert before >= 6 and _waits_below(elsewhere) == 0
    _agree()
    update_enterprise(enterprise, {"unit_id": below.id}, factories.user(Role.BOARD))
    assert _waits_below(province) == before - 6 and _waits_below(elsewhere) == 6
    _agree()
    below.parent = province
    db.session.flush()
    assert _waits_below(province) == before and _waits_below(elsewhere) == 0
    _agree()
    db.session.commit()


def test_the_rows_of_sibling_units_add_up_at_their_parent_in_key_order(app):
    """One write's rows of several units (an import, a rebuild): merged per parent and
    key, in key order, each kind summed under its own (waits ``v``, milestones ``R``);
    the open dossiers (``o``) and units without a parent add nothing."""
    province = factories.unit("643").parent
    a, b = factories.unit("643").id, factories.unit("644").id
    day, year = date(2020, 5, 5), date(2020, 1, 1)
    tally = sorted([
        ((a, "w", "identified:0000010", "d", day), 2), ((a, "w", "identified:0000010", "y", year), 2),
        ((a, "w", "trained:0000003", "d", day), 1), ((a, "r", "identified", "d", day), 5),
        ((a, "o", "identified", "d", day), 4),
        ((b, "w", "identified:0000010", "d", day), 1), ((b, "w", "applied:0000001", "d", day), -1),
        ((b, "r", "identified", "d", day), -2), ((b, "s", "trained", "a", date(1, 1, 1)), 3),
        ((province.id, "w", "identified:0000010", "d", day), 7),  # the province has no parent
    ])
    parent_of = upkeep.parents(db.session.connection(), [a, b, province.id])
    assert parent_of == {a: province.id, b: province.id}  # the province has no parent
    assert list(upkeep.below(parent_of, tally)) == [
        ((province.id, "R", "identified", "d", day), 3),
        ((province.id, "S", "trained", "a", date(1, 1, 1)), 3),
        ((province.id, "v", "applied:0000001", "d", day), -1),
        ((province.id, "v", "identified:0000010", "d", day), 3),
        ((province.id, "v", "identified:0000010", "y", year), 2),
        ((province.id, "v", "trained:0000003", "d", day), 1)]


def test_a_change_rolled_back_to_its_savepoint_leaves_the_summaries_as_they_were(app):
    dossier = admitted(date(2020, 5, 5))
    db.session.commit()
    before = db.session.execute(select(UnitTally).order_by(*UnitTally.__table__.primary_key)).all()
    savepoint = db.session.begin_nested()
    dossier.admitted_on = date(2020, 7, 7)
    factories.person(dossier.person.enterprise)
    db.session.flush()
    savepoint.rollback()
    _agree()
    after = db.session.execute(select(UnitTally).order_by(*UnitTally.__table__.primary_key)).all()
    assert [tuple(r[0].__dict__[k] for k in ("unit_id", "code", "grain", "starts_on", "n"))
            for r in before] == [
        tuple(r[0].__dict__[k] for k in ("unit_id", "code", "grain", "starts_on", "n")) for r in after]


AS_OF_DAYS = [date(2019, 6, 1), date(2020, 1, 1), date(2020, 1, 31), date(2020, 2, 1),
              date(2020, 2, 29), date(2020, 3, 5), date(2020, 6, 30), date(2020, 7, 1),
              date(2020, 12, 15), date(2020, 12, 31), date(2021, 3, 1)]


@pytest.mark.parametrize("role", [Role.BOARD, Role.DISTRICT])
def test_figures_from_the_summaries_equal_the_figures_from_the_dossiers_on_any_day(app, role):
    populate(2)
    for on in (date(2020, 1, 31), date(2020, 2, 1), date(2020, 12, 31)):
        admitted(on, factories.enterprise("646"))
        introduced(on, factories.enterprise("643"))
    user = factories.user(role, unit_obj=factories.unit("643") if role is Role.DISTRICT else None)
    plan = plan_for_year(2020)
    for as_of in AS_OF_DAYS:
        summary = _nonempty(queries._tracked_units(user, plan, as_of))
        direct = _nonempty(queries._tracked(user, plan, as_of, Enterprise.unit_id))
        assert summary.keys() == direct.keys()
        for unit, figures in direct.items():
            assert summary[unit] == figures, (unit, as_of)
        progress = queries.progress(user, 2020, as_of)
        by_month = sorted(timeline._from_tally(user, progress, None))
        months: dict[tuple[str, int], int] = {}
        for code, month, count in timeline._from_dossiers(user, progress, None):
            if month is not None:
                months[(code, int(month))] = months.get((code, int(month)), 0) + count
        assert [(code, int(month), int(n)) for code, month, n in by_month if n] == sorted(
            (code, month, n) for (code, month), n in months.items()), as_of


def _outside_units() -> None:
    """Two units under the province outside the 2020 territory (dissolved at the end of
    2019, founded in 2021), each with dossiers dated in 2020, at every stage."""
    province = factories.unit("643").parent
    for code, valid in (("690", {"valid_to": date(2019, 12, 31)}), ("691", {"valid_from": date(2021, 1, 1)})):
        db.session.add(Unit(code=code, name=f"Huyện Ngoài {code}", kind=UnitKind.DISTRICT,
                            parent=province, **valid))
        db.session.flush()
        enterprise = factories.enterprise(code)
        for on in (date(2020, 1, 31), date(2020, 6, 30), date(2020, 12, 31)):
            admitted(on, enterprise, sex=Sex.FEMALE)
            introduced(on, enterprise)


def test_the_whole_territory_from_its_units_rows_summed_at_the_province_leaves_out_units_outside_it(app):
    """The board's whole territory is read from the rows the province keeps of its
    children (``R``, ``S``, ``B``), less the rows of its children outside the plan's
    territory: the same figures, months and breakdowns as its units' own rows added up,
    and as the dossiers, on any day."""
    populate(2)
    _outside_units()
    _agree()
    board = factories.user(Role.BOARD)
    plan = plan_for_year(2020)
    for as_of in AS_OF_DAYS:
        whole = queries._territory_total(board, plan, as_of)
        added_up = Figures()
        for figures in queries._tracked_units(board, plan, as_of).values():
            added_up.add(figures)
        added_up.admitted_tracked = added_up.reached["admitted"]
        added_up.introduced = added_up.reached["introduced"]
        added_up.admitted_reported, added_up.reported_women, added_up.reported_ethnic_minority = \
            (sum(r[i] for r in queries.reported_by_unit(board, plan, as_of).values()) for i in range(3))
        assert whole == added_up, as_of
        counted_figures = Figures()
        for figures in queries._tracked(board, plan, as_of, Enterprise.unit_id).values():
            counted_figures.add(figures)
        assert (whole.people, whole.current, whole.reached) == (
            counted_figures.people, counted_figures.current, counted_figures.reached), as_of
        progress = queries.progress(board, 2020, as_of, per_unit=False)
        assert progress.districts == [] and progress.total.people == added_up.people
        assert progress.total.target == plan.target
        months = sorted((code, int(month), int(n))
                        for code, month, n in timeline._from_tally(board, progress, None) if n)
        counted: dict[tuple[str, int], int] = {}
        for code, month, count in timeline._from_dossiers(board, progress, None):
            if month is not None:
                counted[(code, int(month))] = counted.get((code, int(month)), 0) + count
        assert months == sorted((code, month, n) for (code, month), n in counted.items()), as_of
        summary = breakdowns._from_tally(board, progress, 30)
        direct = breakdowns._from_dossiers(board, progress, 30)
        assert summary[:2] == direct[:2], as_of
        assert _counted(summary[2]) == _counted(direct[2]), as_of


def _counted(totals: dict) -> dict:
    """Breakdown totals without the lines counted zero (added, then taken away)."""
    found = {key: {value: counts for value, counts in lines.items() if counts != [0, 0]}
             for key, lines in totals.items()}
    return {key: lines for key, lines in found.items() if lines}


def test_the_check_finds_a_summary_changed_by_hand_and_the_rebuild_mends_it(app, runner):
    populate(1)
    db.session.commit()
    result = runner.invoke(args=["tally-check"])
    assert result.exit_code == 0, result.output
    db.session.execute(update(UnitTally).where(UnitTally.kind == "r").values(n=UnitTally.n + 1))
    db.session.execute(text("DELETE FROM unit_members"))
    db.session.commit()
    assert len(upkeep.differences(db.session.connection())) >= 2
    result = runner.invoke(args=["tally-check"])
    assert result.exit_code == 1
    result = runner.invoke(args=["tally-rebuild"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    _agree()


@pytest.mark.parametrize("role", [Role.BOARD, Role.DISTRICT])
def test_breakdowns_from_the_summaries_equal_the_breakdowns_from_the_dossiers(app, role):
    populate(2)
    young = factories.person(factories.enterprise("643"), birth_date=date(1990, 3, 6))
    factories.dossier(young, identified_on=date(2020, 1, 2), introduced_on=date(2020, 3, 5),
                      introduction_resolution_no="1/NQ")  # 29 on 5/3/2020, 30 the day after
    user = factories.user(role, unit_obj=factories.unit("643") if role is Role.DISTRICT else None)
    for as_of in AS_OF_DAYS:
        progress = queries.progress(user, 2020, as_of)
        for years in (29, 30, 31):
            summary = breakdowns._from_tally(user, progress, years)
            direct = breakdowns._from_dossiers(user, progress, years)
            assert summary[:2] == direct[:2], as_of
            assert {k: {v: c for v, c in d.items() if c != [0, 0]} for k, d in summary[2].items()} == \
                {k: dict(d) for k, d in direct[2].items()}, (as_of, years)


def test_a_change_to_the_person_or_the_enterprise_moves_the_breakdowns(app):
    board = factories.user(Role.BOARD)
    dossier = admitted(date(2020, 5, 5), factories.enterprise("643"))
    person = dossier.person
    officer = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    update_person(person, {"sex": Sex.FEMALE, "ethnic_group_id": factories.ethnic("Ê-đê").id,
                           "birth_date": date(1995, 1, 1)}, officer)
    _agree()
    progress = queries.progress(board, 2020, date(2020, 12, 31))
    _, _, totals = breakdowns._from_tally(board, progress, 30)
    assert totals["women"][True] == [1, 1] and totals["minority"][True] == [1, 1]
    update_enterprise(person.enterprise, {"ownership": Ownership.STATE}, board)
    _agree()
    _, _, totals = breakdowns._from_tally(board, progress, 30)
    assert totals["ownership"][Ownership.STATE] == [1, 1]


def test_a_step_recorded_on_a_dossier_just_opened_updates_the_rows_without_a_rebuild(app, monkeypatch):
    officer = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    person = factories.person(factories.enterprise("643"))
    dossier = operations.open_dossier(person, officer)  # inserted: its dates are not loaded

    def no_rebuild(*_args, **_kwargs):
        raise AssertionError("the unit was rebuilt")

    monkeypatch.setattr(upkeep, "rebuild", no_rebuild)
    operations.record_milestone(dossier, MilestoneEntry("identified", date(2020, 3, 3)), officer,
                                date(2020, 12, 15))
    monkeypatch.undo()
    _agree()
