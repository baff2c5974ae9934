"""The demo data set: plausible sizes, determinism, every stage and end, and the rules kept.

The full data set is generated once for the module (about two seconds); the tests that
need an empty or a differently dated database use the function-scoped ``app``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from ldld_tracker import clock, create_app
from ldld_tracker.demo import DEFAULT_SEED, DEMO_AS_OF, DEMO_PASSWORD, plan_demo
from ldld_tracker.demo.plans import TARGETS
from ldld_tracker.extensions import db
from ldld_tracker.models import (
    AuditEntry,
    Dossier,
    Enterprise,
    Person,
    Plan,
    ReportedTotal,
    Role,
    RoleCategory,
    Sex,
    Unit,
    UnitKind,
    UnitTarget,
    User,
)
from ldld_tracker.reference import load_reference_data
from ldld_tracker.workflow.calendar import full_months
from ldld_tracker.workflow.checks import IntroducerEntry, MilestoneEntry, check_milestone
from ldld_tracker.workflow.counting import admitted_in_year, stage_of
from ldld_tracker.workflow.rules import END_BY_CODE, END_CODES, MILESTONES, STAGE_CODES, rule_values

from . import factories
from .databases import private_database


@pytest.fixture(scope="module")
def demo_app():
    with private_database("ldld_demo") as url:
        app = create_app({"FIXED_TODAY": "2020-12-31", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            load_reference_data()
            db.session.commit()
            result = app.test_cli_runner().invoke(args=["seed-demo"])
            assert result.exit_code == 0, result.output
            app.config["SEED_OUTPUT"] = result.output
            yield app
            db.session.remove()
            db.engine.dispose()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def digest(pairs) -> str:
    return hashlib.sha256("\n".join(f"{cid}|{name}" for cid, name in sorted(pairs)).encode()).hexdigest()


def test_seed_demo_produces_about_150_enterprises_3000_members_600_dossiers(demo_app):
    assert 140 <= count(Enterprise) <= 160
    assert 2800 <= count(Person) <= 3200
    assert 550 <= count(Dossier) <= 650
    assert DEMO_PASSWORD in demo_app.config["SEED_OUTPUT"]


def test_demo_enterprises_cover_every_district_and_sit_in_their_zones_unit(demo_app):
    enterprises = db.session.scalars(select(Enterprise)).all()
    by_unit = Counter(e.unit.code for e in enterprises)
    districts = db.session.scalars(select(Unit.code).where(
        Unit.kind.in_([UnitKind.CITY, UnitKind.TOWN, UnitKind.DISTRICT]))).all()
    assert len(districts) == 15 and all(by_unit[code] >= 3 for code in districts)
    assert by_unit.most_common(1)[0][0] == "643"
    in_hoa_phu = [e for e in enterprises if e.zone and e.zone.name == "KCN Hòa Phú"]
    assert 15 <= len(in_hoa_phu) <= 25
    assert all(e.zone.unit_id == e.unit_id for e in enterprises if e.zone)
    assert len({e.zone.name for e in enterprises if e.zone}) >= 5
    assert all(e.tax_code.startswith("60009") and len(e.tax_code) in (10, 13) for e in enterprises)
    assert len({e.ownership for e in enterprises}) == 4
    assert any(e.has_party_org for e in enterprises) and not all(e.has_party_org for e in enterprises)


def test_demo_members_have_the_expected_mix(demo_app):
    people = db.session.scalars(select(Person)).all()
    share = lambda test: sum(1 for p in people if test(p)) / len(people)  # noqa: E731
    assert 0.40 <= share(lambda p: p.sex is Sex.FEMALE) <= 0.50
    assert 0.15 <= share(lambda p: p.ethnic_group.is_minority) <= 0.25
    assert 0.10 <= share(lambda p: p.religion is not None) <= 0.20
    assert share(lambda p: p.citizen_id.startswith("066")) >= 0.7
    assert all(len(p.citizen_id) == 12 and p.citizen_id.isdigit() for p in people)
    ages = [full_months(p.birth_date, DEMO_AS_OF) // 12 for p in people]
    assert min(ages) >= 18 and max(ages) <= 60
    assert {p.role_category for p in people} == set(RoleCategory)
    assert share(lambda p: p.role_category is RoleCategory.WORKER) > 0.6
    minority_names = {p.full_name for p in people if p.ethnic_group.name == "Ê-đê"}
    assert any(n.startswith("Y ") for n in minority_names) and any(n.startswith("H'") for n in minority_names)


def test_demo_is_deterministic_for_a_seed(demo_app):
    stored = db.session.execute(select(Person.citizen_id, Person.full_name)).all()
    planned = plan_demo(DEFAULT_SEED)
    again = plan_demo(DEFAULT_SEED)
    other = plan_demo(DEFAULT_SEED + 1)
    as_pairs = lambda plan: [(p.citizen_id, p.full_name) for p in plan.people]  # noqa: E731
    assert digest(stored) == digest(as_pairs(planned)) == digest(as_pairs(again))
    assert digest(as_pairs(other)) != digest(as_pairs(planned))
    assert [e.name for e in planned.enterprises] == [e.name for e in again.enterprises]


def test_every_stage_and_every_end_appears(demo_app):
    stages = Counter(stage_of(d) for d in db.session.scalars(select(Dossier)))
    assert set(stages) == set(STAGE_CODES) | set(END_CODES)
    admitted_2020 = db.session.scalar(select(func.count(Dossier.id)).where(admitted_in_year(2020)))
    assert admitted_2020 >= 150
    officials = db.session.scalars(select(Dossier).where(Dossier.official_on.is_not(None))).all()
    assert officials and all(d.sworn_in_on.year == 2019 and d.official_on.year == 2020 for d in officials)


def _replay(dossier: Dossier, today: date, rules) -> list:
    """Check each recorded milestone in path order, as if it were being recorded then."""
    replay = SimpleNamespace(person=dossier.person, cell_is_grassroots=dossier.cell_is_grassroots,
                             age_exception_ref=dossier.age_exception_ref,
                             **{m.date_field: None for m in MILESTONES})
    findings = []
    for milestone in MILESTONES:
        on = getattr(dossier, milestone.date_field)
        if on is None:
            continue
        introducers = [IntroducerEntry(i.full_name, i.is_official_member, i.worked_together_since,
                                       i.party_unit) for i in dossier.introducers]
        entry = MilestoneEntry(milestone.code, on,
                               {name: getattr(dossier, name) for name in milestone.detail_fields},
                               introducers if milestone.code == "introduced" else [])
        findings += [(dossier.id, milestone.code, f)
                     for f in check_milestone(replay, entry, today, rules)]
        setattr(replay, milestone.date_field, on)
    return findings


def test_every_demo_dossier_passes_the_rules_milestone_by_milestone(demo_app):
    rules, today = rule_values(), clock.today()
    findings = [f for d in db.session.scalars(select(Dossier)) for f in _replay(d, today, rules)]
    assert [(i, code, f.message) for i, code, f in findings if f.blocking] == []
    warned = {(code, f.rule) for _i, code, f in findings}
    assert ("admitted", "deadline") in warned  # a few late decisions show the warning


def test_every_demo_end_is_one_the_operations_would_accept(demo_app):
    ended = db.session.scalars(select(Dossier).where(Dossier.end_kind.is_not(None))).all()
    for dossier in ended:
        end = END_BY_CODE[dossier.end_kind.value]
        dates = [getattr(dossier, m.date_field) for m in MILESTONES if getattr(dossier, m.date_field)]
        assert dossier.ended_on.year == 2020 and dossier.end_reason
        assert not dates or dossier.ended_on >= max(dates)
        assert end.after is None or getattr(dossier, f"{end.after}_on") is not None
        assert getattr(dossier, f"{end.before}_on") is None


def test_no_demo_date_is_after_the_demo_day(demo_app):
    for dossier in db.session.scalars(select(Dossier)):
        days = [getattr(dossier, m.date_field) for m in MILESTONES] + [dossier.ended_on]
        assert all(day is None or day <= DEMO_AS_OF for day in days), dossier.id
        assert dossier.person.union_joined_on < min(day for day in days if day)


def test_unit_targets_add_up_to_the_plans_3500(demo_app):
    plan = db.session.scalar(select(Plan).where(Plan.year == 2020))
    targets = db.session.scalars(select(UnitTarget).where(UnitTarget.plan_id == plan.id)).all()
    assert sum(t.target for t in targets) == plan.target == 3500
    assert {t.unit.code for t in targets} == set(TARGETS) and {"K01", "K02"} <= set(TARGETS)


def test_reported_totals_cover_every_month_and_land_near_not_at_the_target(demo_app):
    rows = db.session.scalars(select(ReportedTotal).where(ReportedTotal.year == 2020)).all()
    months = Counter(r.unit.code for r in rows)
    assert months == {code: 12 for code in TARGETS}
    tracked = db.session.scalar(select(func.count(Dossier.id)).where(admitted_in_year(2020)))
    total = tracked + sum(r.admitted for r in rows)
    assert total != 3500 and abs(total - 3500) <= 350
    assert all(r.women <= r.admitted and r.ethnic_minority <= r.admitted for r in rows)


def test_seed_demo_if_empty_leaves_a_database_with_enterprises_alone(demo_app):
    before = (count(Enterprise), count(Person), count(Dossier), count(ReportedTotal), count(AuditEntry))
    runner = demo_app.test_cli_runner()
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert skipped.exit_code == 0 and "not loaded" in skipped.output
    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code == 1 and "đã có doanh nghiệp" in refused.output
    after = (count(Enterprise), count(Person), count(Dossier), count(ReportedTotal), count(AuditEntry))
    assert after == before


def test_seed_demo_writes_one_audit_entry_with_the_counts(demo_app):
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "demo.seed")).all()
    assert len(entries) == 1
    assert entries[0].changes["enterprises"] == count(Enterprise)
    assert entries[0].changes["dossiers"] == count(Dossier)
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action.in_(["dossier.create", "milestone.record", "user.create"]))) == 0


@pytest.mark.parametrize("username, role", [
    ("admin", Role.ADMIN), ("board", Role.BOARD), ("bmt", Role.DISTRICT), ("hoaphu", Role.ENTERPRISE),
])
def test_demo_user_of_each_role_signs_in_and_sees_the_demo_banner(demo_app, username, role):
    user = db.session.scalar(select(User).where(User.username == username))
    assert user.role is role
    if role is Role.DISTRICT:
        assert user.unit.code == "643" and user.enterprise is None
    elif role is Role.ENTERPRISE:
        assert user.unit is None and user.enterprise.zone.name == "KCN Hòa Phú"
        assert db.session.scalar(select(func.count(Dossier.id)).join(Dossier.person).where(
            Person.enterprise_id == user.enterprise_id)) >= 3
    else:
        assert user.unit is None and user.enterprise is None
    client = demo_app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200 and b"demo-banner" in home.data


def test_seed_demo_refuses_when_today_is_before_the_demo_ends():
    with private_database("ldld_demo_early") as url:
        app = create_app({"FIXED_TODAY": "2020-06-01", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            load_reference_data()
            db.session.commit()
            result = app.test_cli_runner().invoke(args=["seed-demo"])
            assert result.exit_code == 1 and "15/12/2020" in result.output
            assert count(Enterprise) == 0 and count(User) == 0
            db.session.remove()
            db.engine.dispose()


def test_seed_demo_is_never_loaded_in_production(runner, monkeypatch):
    monkeypatch.setenv("LDLD_ENV", "production")
    assert runner.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 1
    assert count(Enterprise) == 0


def test_seed_demo_if_empty_counts_any_enterprise_as_not_empty(app, runner):
    factories.enterprise()
    db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and count(Enterprise) == 1 and count(User) == 0
