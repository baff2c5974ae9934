"""Plans, the target split, enterprise targets and reported totals: the forms, their
refusals and their scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, EnterpriseTarget, Plan, ReportedTotal, Role, UnitTarget

from .. import factories

pytestmark = pytest.mark.usefixtures("english")


def plan_2020() -> Plan:
    return db.session.scalar(select(Plan).where(Plan.year == 2020))


def plan_form(**overrides) -> dict:
    data = {"year": "2021", "number": "20-KH/TU", "issuing_body": "Ban Thường vụ Tỉnh ủy",
            "issued_on": "15/01/2020", "target": "3600", "unit_id": str(factories.unit("66").id)}
    data.update(overrides)
    return data


def test_board_creates_a_plan_with_a_monthly_profile(client, login_as):
    login_as(Role.BOARD)
    profile = [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100]
    data = plan_form(**{f"profile_{m}": str(p) for m, p in enumerate(profile, start=1)})
    response = client.post("/plans/new", data=data)
    assert response.status_code == 302
    plan = db.session.scalar(select(Plan).where(Plan.year == 2021))
    assert (plan.number, plan.target, plan.monthly_profile) == ("20-KH/TU", 3600, profile)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "plan.create"))


def test_a_profile_that_does_not_end_at_100_or_goes_down_is_refused(client, login_as):
    login_as(Role.BOARD)
    down = plan_form(**{f"profile_{m}": str(50 if m == 6 else 40 if m == 7 else 100 if m == 12
                                                 else 10) for m in range(1, 13)})
    response = client.post("/plans/new", data=down)
    assert response.status_code == 200
    assert "cumulative" in response.get_data(as_text=True)
    partial = plan_form(profile_1="10")
    assert client.post("/plans/new", data=partial).status_code == 200
    assert db.session.scalar(select(Plan).where(Plan.year == 2021)) is None


def test_a_second_plan_for_the_same_year_and_a_negative_target_are_refused(client, login_as):
    login_as(Role.BOARD)
    html = client.post("/plans/new", data=plan_form(year="2020")).get_data(as_text=True)
    assert "already a plan for 2020" in html
    client.post("/plans/new", data=plan_form(target="-5"))
    assert db.session.scalar(select(Plan).where(Plan.year == 2021)) is None


def test_board_edits_a_plan(client, login_as):
    login_as(Role.BOARD)
    plan = plan_2020()
    response = client.post(f"/plans/{plan.id}/edit", data=plan_form(
        year="2020", number="155-KH/TU", target="3700", issued_on="09/03/2020"))
    assert response.status_code == 302
    db.session.refresh(plan)
    assert plan.target == 3700 and plan.monthly_profile is None


def test_split_per_unit_is_saved_and_warns_when_the_parts_do_not_add_up(client, login_as):
    login_as(Role.BOARD)
    plan = plan_2020()
    bmt, buon_ho = factories.unit("643"), factories.unit("644")
    response = client.post(f"/plans/{plan.id}/targets",
                           data={f"unit-{bmt.id}": "1.200", f"unit-{buon_ho.id}": "300"})
    assert response.status_code == 302
    targets = {t.unit_id: t.target for t in db.session.scalars(select(UnitTarget))}
    assert targets == {bmt.id: 1200, buon_ho.id: 300}
    html = client.get(f"/plans/{plan.id}/targets").get_data(as_text=True)
    assert 'id="split-warning"' in html
    assert "1,500" in html or "1.500" in html  # the parts' total beside the plan's 3,500
    assert "does not add up" in client.get("/plans/").get_data(as_text=True)


def test_split_that_adds_up_shows_no_warning(client, login_as):
    login_as(Role.BOARD)
    plan = plan_2020()
    first = factories.unit("643")
    client.post(f"/plans/{plan.id}/targets", data={f"unit-{first.id}": "3500"})
    assert 'id="split-warning"' not in client.get(f"/plans/{plan.id}/targets").get_data(as_text=True)


def test_a_negative_target_part_is_refused_and_nothing_is_saved(client, login_as):
    login_as(Role.BOARD)
    plan = plan_2020()
    bmt, buon_ho = factories.unit("643"), factories.unit("644")
    response = client.post(f"/plans/{plan.id}/targets",
                           data={f"unit-{bmt.id}": "100", f"unit-{buon_ho.id}": "-3"})
    assert response.status_code == 200
    assert "is-invalid" in response.get_data(as_text=True)
    assert db.session.scalars(select(UnitTarget)).all() == []


def test_district_users_cannot_manage_plans(client, login_as):
    login_as(Role.DISTRICT)
    plan = plan_2020()
    assert client.get("/plans/new").status_code == 403
    assert client.post(f"/plans/{plan.id}/targets", data={}).status_code == 403
    assert client.get("/plans/").status_code == 200


def test_enterprise_targets_are_saved_for_the_chosen_unit(client, login_as):
    login_as(Role.BOARD)
    plan = plan_2020()
    ent = factories.enterprise("645")
    response = client.post(f"/plans/{plan.id}/enterprise-targets?unit=645",
                           data={f"enterprise-{ent.id}": "12"})
    assert response.status_code == 302
    row = db.session.scalar(select(EnterpriseTarget))
    assert (row.enterprise_id, row.introductions) == (ent.id, 12)
    data = client.get("/api/v1/progress?year=2020&district=645").get_json()
    assert data["enterprises"][0]["target"] == 12


def month_data(month: int, admitted="", women="", ethnic_minority="") -> dict:
    return {f"admitted-{month}": admitted, f"women-{month}": women,
            f"ethnic_minority-{month}": ethnic_minority}


def test_a_district_reports_monthly_totals_that_count_in_the_progress(client, login_as):
    login_as(Role.DISTRICT, unit=factories.unit("644"))
    plan = plan_2020()
    response = client.post(f"/plans/{plan.id}/reported",
                           data={**month_data(1, "10", "4", "3"), **month_data(2, "5")})
    assert response.status_code == 302
    rows = db.session.scalars(select(ReportedTotal).order_by(ReportedTotal.month)).all()
    assert [(r.month, r.admitted, r.women, r.ethnic_minority) for r in rows] == [
        (1, 10, 4, 3), (2, 5, 0, 0)]
    total = client.get("/api/v1/progress?year=2020").get_json()["total"]
    assert (total["admitted"], total["admitted_reported"], total["admitted_tracked"]) == (15, 15, 0)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reported_total.set"))


def test_clearing_a_month_removes_its_total(client, login_as):
    login_as(Role.DISTRICT, unit=factories.unit("644"))
    plan = plan_2020()
    client.post(f"/plans/{plan.id}/reported", data=month_data(3, "7"))
    client.post(f"/plans/{plan.id}/reported", data=month_data(3, ""))
    assert db.session.scalars(select(ReportedTotal)).all() == []


def test_reported_parts_above_the_admitted_or_negative_are_refused(client, login_as):
    login_as(Role.DISTRICT, unit=factories.unit("644"))
    plan = plan_2020()
    for data in (month_data(1, "3", women="4"), month_data(1, "3", ethnic_minority="5"),
                 month_data(1, "-2"), month_data(1, "3", women="-1"), month_data(1, "abc"),
                 month_data(1, "", women="2")):
        response = client.post(f"/plans/{plan.id}/reported", data={**month_data(2, "8"), **data})
        assert response.status_code == 200, data
        assert "is-invalid" in response.get_data(as_text=True)
    assert db.session.scalars(select(ReportedTotal)).all() == []


def test_a_month_that_has_not_started_is_refused(client, login_as, app):
    app.config["FIXED_TODAY"] = "2020-06-15"
    login_as(Role.DISTRICT, unit=factories.unit("644"))
    plan = plan_2020()
    response = client.post(f"/plans/{plan.id}/reported", data=month_data(7, "1"))
    assert response.status_code == 200
    assert db.session.scalars(select(ReportedTotal)).all() == []


def test_a_district_user_cannot_report_for_another_unit(client, login_as):
    login_as(Role.DISTRICT, unit=factories.unit("644"))
    plan = plan_2020()
    assert client.get(f"/plans/{plan.id}/reported?unit=643").status_code == 404
    assert client.post(f"/plans/{plan.id}/reported?unit=643",
                       data=month_data(1, "5")).status_code == 404
    assert db.session.scalars(select(ReportedTotal)).all() == []


def test_the_board_reports_for_any_unit_and_enterprise_users_not_at_all(client, login_as):
    login_as(Role.BOARD)
    plan = plan_2020()
    response = client.post(f"/plans/{plan.id}/reported?unit=657", data=month_data(4, "2"))
    assert response.status_code == 302
    row = db.session.scalar(select(ReportedTotal))
    assert row.unit_id == factories.unit("657").id


def test_enterprise_users_have_no_plans_pages(client, login_as):
    login_as(Role.ENTERPRISE)
    assert client.get("/plans/").status_code == 403
    assert client.get(f"/plans/{plan_2020().id}/reported").status_code == 403
