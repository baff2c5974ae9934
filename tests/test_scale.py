"""The scale data set (``seed-scale``): exact counts, determinism, the Party's rules kept by
every dossier over several years, the fictitious districts of a national data set, and
dashboards whose number of SQL queries does not grow with the data. Nothing here is
timed: the speed goals live in ``make bench``."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select

from ldld_tracker import clock, create_app
from ldld_tracker.dashboards import due, queries
from ldld_tracker.demo.scale import ScaleSpec, seed_scale
from ldld_tracker.extensions import db
from ldld_tracker.models import (
    AuditEntry,
    Dossier,
    Enterprise,
    Person,
    Plan,
    ReportedTotal,
    Role,
    Unit,
    UnitTarget,
    User,
)
from ldld_tracker.reference import load_reference_data
from ldld_tracker.workflow import alerts
from ldld_tracker.workflow.counting import stage_of
from ldld_tracker.workflow.rules import END_CODES, MILESTONES, rule_values

from . import factories
from .test_demo import _replay

SEVERAL_YEARS = ScaleSpec(enterprises=40, members=1200, dossiers=300, first_year=2020,
                          last_year=2022, seed=7)


@pytest.fixture
def empty_app():
    """An empty in-memory database on a day after the multi-year data ends."""
    app = create_app({"FIXED_TODAY": "2023-01-10", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        db.create_all()
        load_reference_data()
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture(scope="module")
def several_years():
    """A small data set over 2020-2022, built once for the module."""
    app = create_app({"FIXED_TODAY": "2023-01-10", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        db.create_all()
        load_reference_data()
        seed_scale(SEVERAL_YEARS)
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fingerprint() -> str:
    rows = db.session.execute(select(Person.citizen_id, Person.full_name, Person.birth_date,
                                     Dossier.admitted_on, Dossier.identified_on)
                              .outerjoin(Dossier, Dossier.person_id == Person.id)
                              .order_by(Person.citizen_id)).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_seed_scale_command_makes_exactly_the_requested_counts(app, runner):
    result = runner.invoke(args=["seed-scale", "--enterprises", "37", "--members", "421",
                                 "--dossiers", "63", "--years", "2020", "--no-analyze"])
    assert result.exit_code == 0, result.output
    assert (count(Enterprise), count(Person), count(Dossier)) == (37, 421, 63)
    plan = db.session.scalar(select(Plan).where(Plan.year == 2020))
    targets = db.session.scalars(select(UnitTarget).where(UnitTarget.plan_id == plan.id)).all()
    assert sum(t.target for t in targets) == plan.target == 3500
    # the months ended by the data's last day (15/12/2020): January to November
    assert db.session.scalar(select(func.max(ReportedTotal.month))) == 11
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "scale.seed")) == 1


def test_seed_scale_refuses_a_database_that_holds_enterprises(app, runner, english):
    factories.enterprise()
    db.session.commit()
    result = runner.invoke(args=["seed-scale", "--enterprises", "5", "--members", "20",
                                 "--dossiers", "2", "--years", "2020"])
    assert result.exit_code == 1 and "already holds enterprises" in result.output
    assert count(Person) == 0


def test_seed_scale_refuses_data_that_would_end_after_today(app, runner, english):
    result = runner.invoke(args=["seed-scale", "--enterprises", "5", "--members", "20",
                                 "--dossiers", "2", "--years", "2020-2021"])
    assert result.exit_code == 1 and "15/12/2021" in result.output
    assert count(Enterprise) == 0


def test_seed_scale_is_never_loaded_in_production(runner, monkeypatch):
    monkeypatch.setenv("LDLD_ENV", "production")
    result = runner.invoke(args=["seed-scale", "--enterprises", "5", "--members", "20",
                                 "--dossiers", "2", "--years", "2020"])
    assert result.exit_code == 1 and count(Enterprise) == 0


def test_same_seed_same_data_other_seed_other_data(empty_app):
    small = ScaleSpec(20, 300, 40, 2020, 2022, seed=11)
    digests = []
    for spec in (small, small, ScaleSpec(20, 300, 40, 2020, 2022, seed=12)):
        seed_scale(spec)
        digests.append(fingerprint())
        db.session.rollback()
    assert digests[0] == digests[1] != digests[2]


def test_every_dossier_keeps_the_rules_milestone_by_milestone(several_years):
    rules, today = rule_values(), clock.today()
    dossiers = db.session.scalars(select(Dossier)).all()
    findings = [f for d in dossiers for f in _replay(d, today, rules)]
    assert [(i, code, f.message) for i, code, f in findings if f.blocking] == []
    last_day = SEVERAL_YEARS.as_of
    for dossier in dossiers:
        days = [getattr(dossier, m.date_field) for m in MILESTONES if getattr(dossier, m.date_field)]
        assert max(days + [dossier.ended_on or days[0]]) <= last_day
        assert dossier.person.union_joined_on < min(days)
        if dossier.end_kind is not None:
            assert dossier.ended_on >= max(days) and dossier.end_reason


def test_dossiers_spread_over_the_years_at_every_stage(several_years):
    admitted = Counter(y for (y,) in db.session.execute(
        select(func.strftime("%Y", Dossier.admitted_on)).where(Dossier.admitted_on.is_not(None))))
    assert {"2020", "2021", "2022"} <= set(admitted)
    stages = Counter(stage_of(d) for d in db.session.scalars(select(Dossier)))
    assert {"official", "sworn_in", "identified", "withdrawn"} <= set(stages)
    assert set(stages) <= set(END_CODES) | {m.code for m in MILESTONES}
    assert db.session.scalars(select(Plan.year).order_by(Plan.year)).all() == [2020, 2021, 2022]


def test_a_national_data_set_adds_fictitious_districts_the_board_sees(empty_app):
    seed_scale(ScaleSpec(3000, 3000, 30, 2020, 2020, seed=3))
    added = db.session.scalars(select(Unit.code).where(Unit.code.like("9%"))).all()
    assert len(added) == 15 and all(len(code) == 5 for code in added)
    board = factories.user(Role.BOARD)
    progress = queries.progress(board, 2020, date(2020, 12, 15))
    assert len(progress.districts) == 17 + 15
    assert progress.total.target == sum(d.target for d in progress.districts)
    in_added = db.session.scalar(select(func.count(Enterprise.id)).join(Unit)
                                 .where(Unit.code.like("9%")))
    assert in_added == 1500


def test_due_lists_give_the_deadlines_of_workflow_alerts(several_years):
    board = db.session.scalar(select(User).where(User.role == Role.BOARD)) or factories.user(Role.BOARD)
    rules = rule_values()
    for as_of in (date(2021, 3, 1), date(2022, 6, 30), date(2022, 12, 15)):
        progress = queries.progress_frame(board, as_of.year, as_of)
        result = due.due_and_stuck(board, progress)
        checked = 0
        for key in due.DEADLINE_LISTS:
            for item in result.lists[key].items:
                dossier = db.session.get(Dossier, item.dossier_id)
                snap = _snapshot(dossier, as_of)
                found = {a.code: a for a in alerts.dossier_alerts(snap, as_of, rules)}
                alert = next((a for code, a in found.items() if code.startswith(key)), None)
                if alert is not None:
                    assert (item.due, item.overdue) == (alert.due, alert.overdue), (key, item)
                    checked += 1
                else:  # not late yet: a ceremony or a probation's end coming
                    assert key in ("ceremony", "recognition") and not item.overdue
        assert checked > 0


def _snapshot(dossier: Dossier, as_of: date) -> SimpleNamespace:
    dates = {m.date_field: (d if (d := getattr(dossier, m.date_field)) and d <= as_of else None)
             for m in MILESTONES}
    ended = dossier.end_kind is not None and dossier.ended_on <= as_of
    return SimpleNamespace(**dates, end_kind=dossier.end_kind if ended else None,
                           ended_on=dossier.ended_on if ended else None,
                           cell_is_grassroots=dossier.cell_is_grassroots)


URLS = ["/dashboards/", "/dashboards/districts", "/dashboards/district/643",
        "/dashboards/funnel", "/dashboards/timeline", "/dashboards/breakdowns",
        "/dashboards/coverage", "/dashboards/due", "/api/v1/progress?year=2020",
        "/api/v1/progress?year=2020&district=643"]


def _query_counts(app, spec: ScaleSpec) -> dict[tuple[str, str], int]:
    with app.app_context():
        seed_scale(spec)
        unit = db.session.scalar(select(Unit).where(Unit.code == "643"))
        users = {"board": factories.user(Role.BOARD),
                 "district": factories.user(Role.DISTRICT, unit_obj=unit)}
        db.session.commit()
        names = {role: user.username for role, user in users.items()}
        engine = db.engine
    counts = {}
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    for role, username in names.items():
        client = app.test_client()
        assert client.post("/login", data={"username": username,
                                           "password": factories.PASSWORD}).status_code == 302
        for url in URLS:
            statements.clear()
            assert client.get(url).status_code == 200, url
            counts[(role, url)] = len(statements)
    return counts


def test_dashboards_run_the_same_queries_with_ten_times_the_data(tmp_path):
    """Each request on a fresh session, as on a real server (no shared identity map)."""
    counts = []
    for size, spec in enumerate((ScaleSpec(30, 400, 60, 2020, 2020), ScaleSpec(300, 4000, 600, 2020, 2020))):
        app = create_app({"FIXED_TODAY": "2020-12-15",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / f'{size}.sqlite'}"})
        with app.app_context():
            db.create_all()
            load_reference_data()
            db.session.commit()
        counts.append(_query_counts(app, spec))
        with app.app_context():
            db.engine.dispose()
    assert counts[0] == counts[1]
    assert max(counts[1].values()) <= 12
