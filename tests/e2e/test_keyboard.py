"""The data-entry path works with the keyboard alone: Tab to each field (the focus visible
on it), type, Enter to send; the skip link jumps over the menu.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

from .conftest import PASSWORD


def _focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {id: el.id, tag: el.tagName.toLowerCase(), href: el.getAttribute("href"),
                ring: style.boxShadow !== "none" || (style.outlineStyle !== "none"
                      && parseFloat(style.outlineWidth) > 0)};
    }""")


def _tab_to(page, element_id: str, limit: int = 40) -> None:
    """Press Tab until the element has the focus (it must be reachable in tab order)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["id"] == element_id:
            assert focused["ring"], f"#{element_id} has the focus but shows no focus ring"
            return
    raise AssertionError(f"#{element_id} was not reached with {limit} presses of Tab")


def test_sign_in_and_record_a_milestone_with_the_keyboard_alone(page, live_server, world):
    dossier_id = world.new_dossier(full_name="Vũ Thị Bàn Phím")
    page.goto(f"{live_server.url}/login")
    _tab_to(page, "username")
    page.keyboard.type(world.enterprise_officer)
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path != "/login"

    page.goto(f"{live_server.url}/dossiers/{dossier_id}")
    # The first Tab reaches the skip link, shown when focused; Enter moves past the menu.
    page.keyboard.press("Tab")
    skip = _focused(page)
    assert skip["href"] == "#content"
    assert page.locator("a[href='#content']").is_visible()
    page.keyboard.press("Enter")
    _tab_to(page, "identified-on")
    assert page.locator("#mainnav a:focus").count() == 0
    page.keyboard.type("03/02/2020")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "identified-identified_by"
    page.keyboard.type("Ban chấp hành CĐCS")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#step-identified .badge.text-bg-success").inner_text() == "03/02/2020"

    # A choice in a select, by the keyboard: the introducer is not an official member.
    _tab_to(page, "introduced-on")
    page.keyboard.type("10/04/2020")
    _tab_to(page, "introduced-introducers-0-full_name")
    page.keyboard.type("Lê Văn Phím")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "introduced-introducers-0-is_official_member"
    page.keyboard.press("ArrowDown")  # "No"
    _tab_to(page, "introduced-introducers-0-worked_together_since")
    page.keyboard.type("01/01/2018")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    refusal = page.locator("form[action$='/milestones/introduced'] .alert-danger")
    assert "Lê Văn Phím" in refusal.inner_text()

    with world.app.app_context():
        dossier = world.dossier(dossier_id)
        assert (dossier.identified_on, dossier.identified_by) == (date(2020, 2, 3),
                                                                  "Ban chấp hành CĐCS")
        assert dossier.introduced_on is None
