"""Journey 5: a record outside the user's scope answers the not-found page (as if it did not
exist), and a signed-out visitor is sent to the sign-in page, then back where they wanted
to go.
"""

from __future__ import annotations

from urllib.parse import urlparse

from .conftest import PASSWORD, sign_in


def _shows_not_found(page, path: str, live_server) -> None:
    response = page.goto(live_server.url + path)
    assert response.status == 404, f"{path} answered {response.status}"
    main = page.locator("main").inner_text()
    assert "404" in main
    assert "Y Ngoài Phạm Vi" not in page.content(), "the outsider's name leaked into the page"
    # The page offers the way back home.
    assert page.locator("main a[href='/']").is_visible()


def test_records_outside_the_scope_answer_not_found(page, live_server, world):
    sign_in(page, live_server, world.enterprise_officer)
    _shows_not_found(page, f"/dossiers/{world.other_dossier_id}", live_server)
    _shows_not_found(page, f"/members/{world.other_person_id}", live_server)
    _shows_not_found(page, f"/enterprises/{world.other_enterprise_id}", live_server)


def test_a_district_officer_does_not_see_another_district(page, live_server, world):
    sign_in(page, live_server, world.district_officer)
    _shows_not_found(page, f"/dossiers/{world.other_dossier_id}", live_server)
    _shows_not_found(page, f"/members/{world.other_person_id}", live_server)
    _shows_not_found(page, "/dashboards/district/644", live_server)


def test_signed_out_visitor_is_sent_to_sign_in_then_back(page, live_server, world):
    page.goto(live_server.url + "/dossiers/")
    assert urlparse(page.url).path == "/login"
    assert page.locator("#username").is_visible()
    page.fill("#username", world.district_officer)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert urlparse(page.url).path == "/dossiers/"
