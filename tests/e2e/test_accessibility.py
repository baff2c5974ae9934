"""Every main page, for every role, passes axe-core without a serious or critical
violation (labels, contrast, landmarks, headings, names of buttons and links), and fits a
phone's width without scrolling sideways.

axe-core is vendored under tests/e2e/vendor (from the npm registry): no network is needed
when the tests run.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ldld_tracker.extensions import db
from ldld_tracker.models import Plan, Setting, User

from .conftest import sign_in
from .helpers import assert_no_horizontal_scroll, axe_violations

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
DASHBOARDS = ["/dashboards/", "/dashboards/districts", "/dashboards/district/643",
              "/dashboards/funnel", "/dashboards/timeline", "/dashboards/breakdowns",
              "/dashboards/coverage", "/dashboards/due"]


@pytest.fixture(scope="module")
def ids(world):
    """Records the pages show (a member without a dossier, one with), and the demo-data
    banner switched on so that its colours are checked too."""
    person_id = world.new_person()
    ready = world.dossier_ready_for_cell()
    with world.app.app_context():
        plan_id = db.session.scalar(select(Plan.id).where(Plan.year == 2020))
        user_id = db.session.scalar(select(User.id).where(User.username == world.enterprise_officer))
        person_with_dossier = world.dossier(ready).person_id
        Setting.put("demo_data", "1")
        db.session.commit()
    yield {"person": person_id, "dossier": ready, "plan": plan_id, "user": user_id,
           "enterprise": world.enterprise_id, "person_with_dossier": person_with_dossier}
    with world.app.app_context():
        db.session.delete(db.session.get(Setting, "demo_data"))
        db.session.commit()


def _pages(role: str, ids: dict) -> list[str]:
    reading = ["/", "/dossiers/", f"/dossiers/{ids['dossier']}", "/members/",
               f"/members/{ids['person']}", f"/members/{ids['person_with_dossier']}",
               "/enterprises/", f"/enterprises/{ids['enterprise']}", "/reports/",
               "/account/password", *DASHBOARDS]
    officer = ["/members/new", f"/members/{ids['person']}/edit",
               f"/enterprises/{ids['enterprise']}/edit", "/imports/"]
    plan = ids["plan"]
    return {
        "enterprise": [*reading, *officer],
        "district": [*reading, *officer, "/enterprises/new", "/plans/", f"/plans/{plan}/reported"],
        "board": [*reading, "/plans/", "/plans/new", f"/plans/{plan}/edit",
                  f"/plans/{plan}/targets", f"/plans/{plan}/enterprise-targets",
                  f"/plans/{plan}/reported", "/audit/"],
        "admin": ["/", "/enterprises/", "/enterprises/new", "/admin/users", "/admin/users/new",
                  f"/admin/users/{ids['user']}", "/admin/reference/units",
                  "/admin/reference/ethnic-groups", "/admin/reference/religions",
                  "/admin/reference/zones", "/audit/", "/imports/", "/account/password"],
    }[role]


def _check_pages(page, live_server, paths: list[str]) -> None:
    """axe on each page at a desktop size, then the width at a phone's; every problem is
    reported once, with the pages it was found on."""
    found: dict[tuple[str, str], list[str]] = {}
    too_wide: list[str] = []
    for path in paths:
        page.set_viewport_size(DESKTOP)
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{path} answered {response.status}"
        for rule, node in axe_violations(page):
            found.setdefault((rule, node), []).append(path)
        page.set_viewport_size(PHONE)
        try:
            assert_no_horizontal_scroll(page)
        except AssertionError as error:
            too_wide.append(str(error))
    report = [f"{rule}\n    {node}\n    on {', '.join(pages)}" for (rule, node), pages in found.items()]
    assert not report + too_wide, "\n".join(report + too_wide)


def test_sign_in_and_not_found_pages_are_accessible(page, live_server):
    _check_pages(page, live_server, ["/login"])
    page.fill("#username", "nobody-here")
    page.fill("#password", "not the password")
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert page.locator("main .alert-danger, main .invalid-feedback").count() >= 1
    assert axe_violations(page) == []
    response = page.goto(live_server.url + "/no-such-page")
    assert response.status == 404
    assert axe_violations(page) == []


@pytest.mark.parametrize("role", ["enterprise", "district", "board", "admin"])
def test_every_main_page_is_accessible_and_fits_a_phone(page, live_server, world, ids, role):
    username = {"enterprise": world.enterprise_officer, "district": world.district_officer,
                "board": world.board, "admin": world.admin}[role]
    sign_in(page, live_server, username)
    assert page.locator(".demo-banner").is_visible()
    _check_pages(page, live_server, _pages(role, ids))


def test_refused_forms_with_their_messages_are_accessible(page, live_server, world, ids):
    """The states with messages: a milestone form sent empty, a member form with errors."""
    sign_in(page, live_server, world.enterprise_officer)
    page.goto(f"{live_server.url}/dossiers/{ids['dossier']}")
    with page.expect_navigation():
        page.locator("form[action$='/milestones/cell_resolved'] button[type=submit]").click()
    assert page.locator("form[action$='/milestones/cell_resolved'] .is-invalid").count() >= 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/members/new")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("main form .is-invalid").count() >= 3
    assert axe_violations(page) == []
