"""The served app answers in a real browser: sign in, the home page, sign out."""

from __future__ import annotations

from .conftest import sign_in


def test_board_user_signs_in_sees_home_and_signs_out(page, live_server):
    live_server.create_user("e2e_board", "board")
    sign_in(page, live_server, "e2e_board")
    assert page.locator("h1").count() == 1
    page.locator("nav .dropdown-toggle").click()
    page.locator("nav form[action$='/logout'] button").click()
    page.wait_for_url("**/login")
