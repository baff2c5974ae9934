"""The due and stuck lists and the medians, held against a plain Python reading of the
same dossiers: who is on each list, each list's total and order, the days waited, and the
median time at each stage per unit (the rules of ``workflow.rules``, written out again
here without SQL)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from statistics import median
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from ldld_tracker.dashboards import due, due_units, durations, queries, scope
from ldld_tracker.extensions import db
from ldld_tracker.models import Dossier, EndKind, Enterprise, Person, Role, Unit, UnitKind
from ldld_tracker.workflow import operations
from ldld_tracker.workflow.calendar import add_months, add_working_days
from ldld_tracker.workflow.checks import MilestoneEntry
from ldld_tracker.workflow.counting import stage_of
from ldld_tracker.workflow.rules import MILESTONE_BY_CODE, MILESTONES, rule_values

from .. import factories
from .helpers import seeded_board

DATES = tuple(m.date_field for m in MILESTONES)
AS_OF = (date(2020, 6, 30), date(2020, 12, 15), date(2021, 9, 1), date(2021, 12, 31))


@pytest.fixture(autouse=True, params=["units looked up", "area read whole"])
def units_read(request, monkeypatch):
    """Each test twice: the units' numbers on each list looked up in the kept rows (an
    area of more than one unit; by default only the country's), and the area read whole
    (a province's 15 units, by default)."""
    if request.param == "units looked up":
        monkeypatch.setattr(due_units, "WHOLE_AREA_UNITS", 1)
    return request.param


@pytest.fixture
def seeded(app):
    return seeded_board(app, enterprises=30, members=900, dossiers=260, seed=11)


def _records() -> list[SimpleNamespace]:
    rows = db.session.execute(
        select(Dossier, Person.full_name, Person.sort_name.label("person_sort"),
               Enterprise.sort_name.label("enterprise_sort"), Unit.code, Unit.name.label("unit"))
        .join(Person, Person.id == Dossier.person_id)
        .join(Enterprise, Enterprise.id == Person.enterprise_id)
        .join(Unit, Unit.id == Enterprise.unit_id))
    return [SimpleNamespace(dossier=row.Dossier, name=row.full_name, unit=row.unit,
                            order=(row.code, row.enterprise_sort, row.Dossier.enterprise_id,
                                   row.person_sort, row.Dossier.id))
            for row in rows]


def _as_of(dossier: Dossier, as_of: date) -> SimpleNamespace:
    dates = {name: (d if (d := getattr(dossier, name)) and d <= as_of else None) for name in DATES}
    ended = dossier.end_kind is not None and dossier.ended_on <= as_of
    return SimpleNamespace(**dates, end_kind=dossier.end_kind if ended else None,
                           ended_on=dossier.ended_on if ended else None)


def _deadline_list(snap: SimpleNamespace, as_of: date) -> str | None:
    rules = rule_values()
    if snap.admitted_on and not snap.sworn_in_on:
        return "ceremony"
    soon = as_of + timedelta(days=due.SOON_DAYS)
    if snap.sworn_in_on and add_months(snap.sworn_in_on, rules.probation_months) <= soon:
        return "recognition"
    if (snap.trained_on and not snap.cell_resolved_on
            and add_months(snap.trained_on, rules.certificate_valid_months)
            <= as_of + timedelta(days=rules.certificate_warning_days)):
        return "certificate"
    if (snap.cell_resolved_on and not snap.admitted_on
            and add_working_days(snap.cell_resolved_on, rules.admission_working_days) < as_of):
        return "decision"
    return None


def _medians(records, as_of: date) -> tuple[dict[str, dict[str, float]], dict[str, int]]:
    """Each move from a milestone to the next one recorded, completed in the year up to
    ``as_of``: the days between the two dates."""
    since = as_of - timedelta(days=durations.WINDOW_DAYS)
    waits: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        dossier = record.dossier
        for index, code in enumerate(durations.WAITING_STAGES):
            start = getattr(dossier, DATES[index])
            following = next((d for name in DATES[index + 1:] if (d := getattr(dossier, name))), None)
            if start and following and since < following <= as_of and following >= start:
                for unit in (record.unit, ""):
                    waits[unit][code].append((following - start).days)
    medians = {unit: {code: median(days) for code, days in stages.items()}
               for unit, stages in waits.items()}
    return medians, {code: len(days) for code, days in waits[""].items()}


def _expected(records, as_of: date) -> dict[str, list[tuple]]:
    """list key -> (order, dossier id, stage, since or None, days waited) of every entry."""
    medians, samples = _medians(records, as_of)
    lists: dict[str, list[tuple]] = defaultdict(list)
    for record in records:
        snap = _as_of(record.dossier, as_of)
        if snap.end_kind is not None or snap.official_on is not None:
            continue
        stage = stage_of(snap, as_of)
        key = _deadline_list(snap, as_of)
        if key is not None:
            lists[key].append((record.order, record.dossier.id, stage))
        usual = medians.get("", {}).get(stage)
        if usual is not None and samples[stage] >= due.MIN_SAMPLES:
            since = getattr(snap, MILESTONE_BY_CODE[stage].date_field)
            waited = (as_of - since).days
            if waited > int(max(due.STUCK_FACTOR * usual, due.MIN_STUCK_DAYS)):
                lists["stuck"].append((record.order, record.dossier.id, stage, waited))
    return {key: sorted(entries) for key, entries in lists.items()}


@pytest.mark.parametrize("as_of", AS_OF)
def test_every_list_holds_exactly_the_dossiers_its_rule_names_in_order(seeded, as_of):
    records = _records()
    expected = _expected(records, as_of)
    progress = queries.progress_frame(seeded, as_of.year, as_of)
    result = due.due_and_stuck(seeded, progress, limit=10_000)
    assert set(result.lists) == {*due.DEADLINE_LISTS, "stuck"}
    assert sum(len(entries) for entries in expected.values()) > 20  # the data exercises the lists
    for key, items in result.lists.items():
        wanted = expected.get(key, [])
        assert items.total == len(wanted), key
        assert [i.dossier_id for i in items.items] == [entry[1] for entry in wanted], key
        assert [i.stage for i in items.items] == [entry[2] for entry in wanted], key
        if key == "stuck":
            assert [i.days for i in items.items] == [entry[3] for entry in wanted]
            assert all(i.overdue and i.since == as_of - timedelta(days=i.days) for i in items.items)


def _assert_first_entries(result, expected, limit: int) -> None:
    for key, items in result.lists.items():
        wanted = expected.get(key, [])
        assert items.total == len(wanted), key
        assert [i.dossier_id for i in items.items] == [entry[1] for entry in wanted[:limit]], key


@pytest.mark.parametrize("as_of", AS_OF)
@pytest.mark.parametrize("limit", [1, 3])
def test_a_limited_list_shows_its_first_entries_and_still_counts_them_all(seeded, as_of, limit):
    expected = _expected(_records(), as_of)
    progress = queries.progress_frame(seeded, as_of.year, as_of)
    _assert_first_entries(due.due_and_stuck(seeded, progress, limit=limit), expected, limit)


@pytest.mark.parametrize("as_of", AS_OF)
def test_a_list_cut_inside_an_enterprise_shows_that_enterprises_first_names(seeded, as_of):
    """The first entries are picked by enterprise, then by name inside the enterprise
    where the list is cut: cut there, its later names must not come before its first."""
    expected = _expected(_records(), as_of)
    progress = queries.progress_frame(seeded, as_of.year, as_of)
    inside = sorted({position for entries in expected.values() for position in range(1, len(entries))
                     if entries[position - 1][0][:3] == entries[position][0][:3]})
    assert inside  # (the data has enterprises with several dossiers on one list)
    for limit in inside[:3]:
        _assert_first_entries(due.due_and_stuck(seeded, progress, limit=limit), expected, limit)


def _unit_names(user, progress) -> list[str]:
    """The names of the units of the user's area, in code order."""
    return [name for _id, name in db.session.execute(
        scope.unit_names(user, progress.plan, progress.unit_id).order_by(Unit.code))]


@pytest.mark.parametrize("as_of", AS_OF)
def test_medians_per_unit_and_for_all_units_follow_the_year_of_moves(seeded, as_of):
    expected, samples = _medians(_records(), as_of)
    progress = queries.progress_frame(seeded, as_of.year, as_of)
    result = due.due_and_stuck(seeded, progress, limit=1)
    names = _unit_names(seeded, progress)
    assert len(names) < due.UNITS_PER_PAGE  # one page: every unit, "" first, in code order
    assert list(result.medians) == ["", *names] and result.units_total == len(names)
    assert result.medians == {unit: expected.get(unit, {}) for unit in ["", *names]}
    assert result.samples == samples
    assert len(expected) > 2


@pytest.mark.parametrize("as_of", AS_OF)
def test_the_medians_of_a_page_of_units_and_of_every_unit_together(seeded, as_of):
    """A page short of every unit: its units' own medians, and every unit together
    still over the whole area (summed apart from the page's rows)."""
    expected, samples = _medians(_records(), as_of)
    progress = queries.progress_frame(seeded, as_of.year, as_of)
    names = _unit_names(seeded, progress)
    for number in (1, 2, 4):
        result = due.due_and_stuck(seeded, progress, limit=1, units_page=(number, 5))
        page = names[(number - 1) * 5:number * 5]
        assert list(result.medians) == ["", *page], number
        assert result.medians == {unit: expected.get(unit, {}) for unit in ["", *page]}
        assert result.samples == samples and result.units_total == len(names)
    assert any(expected.get(unit) for unit in names[5:10])  # the data has moves on page 2
    alone = due.due_and_stuck(seeded, progress, limit=1, units_page=None)
    assert alone.medians == {"": expected.get("", {})} and alone.samples == samples


def test_a_district_officer_sees_the_lists_and_medians_of_the_district_only(seeded):
    as_of = date(2021, 9, 1)
    unit = db.session.scalar(select(Unit).join(Enterprise, Enterprise.unit_id == Unit.id)
                             .join(Person, Person.enterprise_id == Enterprise.id)
                             .join(Dossier, Dossier.person_id == Person.id)
                             .order_by(Unit.code).limit(1))
    officer = factories.user(Role.DISTRICT, unit_obj=unit)
    records = [r for r in _records() if r.unit == unit.name]
    progress = queries.progress_frame(officer, as_of.year, as_of)
    result = due.due_and_stuck(officer, progress, limit=10_000)
    medians, _samples = _medians(records, as_of)
    assert set(result.medians) <= {unit.name, ""}
    assert result.medians.get(unit.name) == medians.get(unit.name)
    mine = {r.dossier.id for r in records}
    assert all(i.dossier_id in mine for items in result.lists.values() for i in items.items)
    expected = _expected(records, as_of)
    for key in due.DEADLINE_LISTS:
        assert result.lists[key].total == len(expected.get(key, [])), key


def test_the_board_narrowed_to_a_unit_gets_the_medians_of_that_unit_only(seeded):
    as_of = date(2021, 9, 1)
    records = _records()
    unit = db.session.scalar(select(Unit).where(Unit.name == max(
        {r.unit for r in records}, key=lambda name: sum(r.unit == name for r in records))))
    progress = queries.progress_frame(seeded, as_of.year, as_of, unit.code)
    result = due.due_and_stuck(seeded, progress, limit=1)
    expected, samples = _medians([r for r in records if r.unit == unit.name], as_of)
    assert expected.get(unit.name)  # the unit has moves in the window
    assert result.medians == expected and result.samples == samples


def test_an_enterprise_officer_sees_the_medians_of_the_enterprise_only(seeded):
    """Counted from the enterprise's dossiers (the summaries are per unit)."""
    as_of = date(2021, 9, 1)
    records = _records()
    enterprise_id = max({r.dossier.person.enterprise_id for r in records},
                        key=lambda e: sum(r.dossier.person.enterprise_id == e for r in records))
    enterprise = db.session.get(Enterprise, enterprise_id)
    officer = factories.user(Role.ENTERPRISE, enterprise_obj=enterprise)
    mine = [r for r in records if r.dossier.person.enterprise_id == enterprise_id]
    result = due.due_and_stuck(officer, queries.progress_frame(officer, as_of.year, as_of))
    medians, samples = _medians(mine, as_of)
    assert medians and result.medians == medians and result.samples == samples


def test_a_step_recorded_is_in_the_medians_at_once(app):
    """The board's medians are read from the summaries: kept in the step's transaction."""
    board = factories.user(Role.BOARD)
    officer = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    enterprise = factories.enterprise("643")
    as_of = date(2020, 12, 15)
    dossier = factories.dossier(factories.person(enterprise), identified_on=date(2020, 5, 1))
    progress = queries.progress_frame(board, 2020, as_of)
    assert not any(due.due_and_stuck(board, progress).medians.values())
    trained = {"certificate_no": "C1"}
    operations.record_milestone(dossier, MilestoneEntry("trained", date(2020, 5, 15), trained),
                                officer, as_of)
    result = due.due_and_stuck(board, progress)
    assert {unit: found for unit, found in result.medians.items() if found} == {
        "": {"identified": 14}, enterprise.unit.name: {"identified": 14}}
    operations.record_milestone(dossier, MilestoneEntry("trained", date(2020, 5, 20), trained),
                                officer, as_of, reason="wrong day")
    assert due.due_and_stuck(board, progress).medians[""] == {"identified": 19}


def test_a_dossier_waiting_twice_the_median_and_a_month_is_stuck(app):
    board = factories.user(Role.BOARD)
    enterprise = factories.enterprise()
    as_of = date(2020, 12, 15)
    for n in range(3):  # three quick moves: 10 days from identified to trained
        factories.dossier(factories.person(enterprise), identified_on=date(2020, 5, 1 + n),
                          trained_on=date(2020, 5, 11 + n), certificate_no=f"Q{n}")
    late = factories.dossier(factories.person(enterprise, full_name="Y Chậm Niê"),
                             identified_on=as_of - timedelta(days=31))
    factories.dossier(factories.person(enterprise, full_name="H'Mới Mlô"),
                      identified_on=as_of - timedelta(days=30))
    db.session.commit()
    result = due.due_and_stuck(board, queries.progress_frame(board, 2020, as_of))
    stuck = result.lists["stuck"]
    assert result.medians[""]["identified"] == 10 and result.samples["identified"] == 3
    assert [(i.dossier_id, i.person, i.stage, i.days) for i in stuck.items] == [
        (late.id, "Y Chậm Niê", "identified", 31)]
    assert stuck.total == 1


def test_every_unit_together_leaves_out_a_unit_outside_the_years_territory(app):
    """The board's "every unit" row past the first page is the plan's unit's own rows of
    its children's moves, less those of a child outside the territory that year."""
    board = factories.user(Role.BOARD)
    province = factories.unit("643").parent
    gone = Unit(code="64999", name="Huyện Đã Giải Thể", kind=UnitKind.DISTRICT,
                parent=province, valid_to=date(2019, 12, 31))
    db.session.add(gone)
    for days in (10, 20, 40):
        factories.dossier(factories.person(factories.enterprise("643")),
                          identified_on=date(2020, 5, 1), trained_on=date(2020, 5, 1) + timedelta(days=days),
                          certificate_no=f"G{days}")
    db.session.flush()
    for days in (100, 200):  # moves in a unit the 2020 plan no longer reports by
        person = factories.person(factories.enterprise("643"))
        factories.dossier(person, identified_on=date(2020, 1, 1),
                          trained_on=date(2020, 1, 1) + timedelta(days=days),
                          certificate_no=f"H{days}")
        person.enterprise.unit = gone
    db.session.commit()
    progress = queries.progress_frame(board, 2020, date(2020, 12, 15))
    whole = due.due_and_stuck(board, progress, units_page=(1, 100))
    assert whole.medians[""] == {"identified": 20} and whole.samples == {"identified": 3}
    for page in ((2, 1), (99, 5), None):
        result = due.due_and_stuck(board, progress, units_page=page)
        assert result.medians[""] == {"identified": 20} and result.samples == {"identified": 3}


def test_past_the_last_page_of_units_every_unit_together_is_still_the_areas(seeded):
    """A district officer, and the board narrowed to a unit: their area's medians on any
    page, never the whole territory's."""
    as_of = date(2021, 9, 1)
    records = _records()
    unit = db.session.scalar(select(Unit).where(Unit.name == records[0].unit))
    expected, samples = _medians([r for r in records if r.unit == unit.name], as_of)
    officer = factories.user(Role.DISTRICT, unit_obj=unit)
    for user, code in ((officer, None), (seeded, unit.code)):
        progress = queries.progress_frame(user, as_of.year, as_of, code)
        result = due.due_and_stuck(user, progress, limit=1, units_page=(3, 5))
        assert result.medians == {"": expected[""]} and result.samples == samples, user.role
        assert result.units_total == 1


def test_units_changed_after_the_day_are_counted_from_the_records_the_others_from_the_kept_rows(seeded):
    """On the last day of the data every unit's numbers come from the kept rows of the
    open dossiers; a step and an end dated after it put their units back on the records,
    and the lists are still those of that day, first entries and totals."""
    as_of = date(2021, 12, 31)
    records = _records()
    expected = _expected(records, as_of)
    progress = queries.progress_frame(seeded, as_of.year, as_of)
    assert not any(unit.changed for unit in due_units.area_units(seeded, progress))
    open_ones = [r for r in records if r.dossier.ended_on is None and r.dossier.official_on is None]
    stepped = next(r for r in open_ones if r.dossier.trained_on is None)
    ended = next(r for r in open_ones if r.unit != stepped.unit)
    stepped.dossier.trained_on, stepped.dossier.certificate_no = date(2022, 1, 5), "L1"
    ended.dossier.end_kind, ended.dossier.ended_on = EndKind.WITHDRAWN, date(2022, 1, 6)
    db.session.commit()
    changed = {unit.unit_id for unit in due_units.area_units(seeded, progress) if unit.changed}
    assert changed == {stepped.dossier.person.enterprise.unit_id, ended.dossier.person.enterprise.unit_id}
    for limit in (1, 3, 10_000):
        _assert_first_entries(due.due_and_stuck(seeded, progress, limit=limit), expected, limit)


def test_only_the_units_holding_the_first_entries_are_read_and_the_others_counted_from_the_kept_rows():
    units = [due_units.UnitLists(1, "", False, Counter(stuck=2)),
             due_units.UnitLists(2, "", True, None),  # changed: read, its numbers unknown here
             due_units.UnitLists(3, "", False, Counter(stuck=5, ceremony=1)),
             due_units.UnitLists(4, "", False, Counter(stuck=3)),
             due_units.UnitLists(5, "", False, Counter(ceremony=4)),
             due_units.UnitLists(6, "", False, Counter(ceremony=1, stuck=1))]
    read, rest = due_units.units_to_read(units, ("ceremony", "stuck"), 3)
    assert read == [1, 2, 3, 5]
    assert rest == Counter(stuck=4, ceremony=1)
    assert due_units.units_to_read(units, ("ceremony", "stuck"), 100) == ([1, 2, 3, 4, 5, 6], Counter())
