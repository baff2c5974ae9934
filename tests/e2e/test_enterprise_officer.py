"""Journey 1: an enterprise officer adds a member, opens the dossier, records the steps up
to the union's introduction and sees the rules refuse a wrong step, on a desktop screen
and again on a phone (375 x 812) where every control must be usable without scrolling
sideways.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ldld_tracker.models import Introducer

from .conftest import sign_in
from .helpers import assert_no_horizontal_scroll, form_of, open_menu_item, screenshot


class Officer:
    """Drives the page like the officer does; on a phone every control it touches must lie
    inside the screen's width, and every page it reaches must not scroll sideways."""

    def __init__(self, page, phone: bool) -> None:
        self.page = page
        self.phone = phone
        self.width = page.viewport_size["width"]

    def arrived(self) -> None:
        self.page.wait_for_load_state()
        assert_no_horizontal_scroll(self.page)

    def control(self, target):
        locator = self.page.locator(target) if isinstance(target, str) else target
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        assert box is not None, f"{target} is not displayed"
        assert box["x"] >= 0 and box["x"] + box["width"] <= self.width + 0.5, (
            f"{target} sticks out of the {self.width}px screen: {box}")
        if self.phone:
            assert box["height"] >= 24, f"{target} is too small to tap: {box}"
        return locator

    def fill(self, target, value: str) -> None:
        self.control(target).fill(value)

    def choose(self, target, **option) -> None:
        self.control(target).select_option(**option)

    def submit(self, button) -> None:
        with self.page.expect_navigation():
            self.control(button).click()
        self.arrived()


def _record(officer: Officer, code: str, values: dict[str, str]) -> None:
    """Fill the next-step form of ``code`` (field suffix -> value) and send it."""
    form = form_of(officer.page, code)
    for name, value in values.items():
        selector = f"#{code}-{name}"
        if form.locator(f"select{selector}").count():
            officer.choose(form.locator(selector), value=value)
        else:
            officer.fill(form.locator(selector), value)
    officer.submit(form.locator("button[type=submit]"))


def _recorded_badge(page, code: str):
    return page.locator(f"#step-{code} .badge.text-bg-success")


def enterprise_officer_journey(page, live_server, world, *, phone: bool, full_name: str,
                               citizen_id: str) -> int:
    officer = Officer(page, phone)
    sign_in(page, live_server, world.enterprise_officer)
    officer.arrived()

    open_menu_item(page, "/members/")
    officer.arrived()
    officer.submit(page.locator("main a[href$='/members/new']").first)
    officer.fill("#full_name", full_name)
    officer.fill("#birth_date", "14/02/1995")
    officer.choose("#sex", value="female")
    officer.fill("#citizen_id", citizen_id)
    officer.fill("#phone", "0905 123 456")
    officer.choose("#ethnic_group_id", label="Ê-đê")
    officer.choose("#role_category", value="union_officer")
    officer.fill("#union_joined_on", "01/06/2016")
    officer.choose("#education", value="upper_secondary")
    officer.control("#youth_union_member").check()
    officer.submit("main form button[type=submit]")
    assert re.search(r"/members/\d+$", page.url), f"the member was not saved: {page.url}"
    assert page.locator("h1").inner_text().strip() == full_name

    officer.submit("main form[action*='/dossiers/open/'] button[type=submit]")
    found = re.search(r"/dossiers/(\d+)$", page.url)
    assert found, f"no dossier page after opening the dossier: {page.url}"
    dossier_id = int(found.group(1))

    _record(officer, "identified", {"on": "06/01/2020", "identified_by": "BCH CĐCS"})
    assert _recorded_badge(page, "identified").inner_text() == "06/01/2020"
    _record(officer, "trained", {"on": "20/02/2020", "certificate_no": "CN-NTVĐ 25/2020"})
    assert "CN-NTVĐ 25/2020" in page.locator("#step-trained").inner_text()

    # A date in the future is refused with its message and nothing is saved.
    future = (date.today() + timedelta(days=10)).strftime("%d/%m/%Y")
    _record(officer, "applied", {"on": future})
    refusal = form_of(page, "applied").locator(".alert-danger")
    assert refusal.is_visible()
    assert future in refusal.inner_text()
    assert _recorded_badge(page, "applied").count() == 0
    with world.app.app_context():
        assert world.dossier(dossier_id).applied_on is None
    _record(officer, "applied", {"on": "02/03/2020"})
    _record(officer, "verified", {"on": "25/03/2020"})
    assert _recorded_badge(page, "verified").inner_text() == "25/03/2020"

    # An introducer who has worked with the applicant for 11 months is refused.
    introduction = {"on": "10/04/2020", "introduction_resolution_no": "07/NQ-CĐCS",
                    "introducers-0-full_name": "Trần Văn Giới Thiệu",
                    "introducers-0-is_official_member": "1",
                    "introducers-0-party_unit": "Chi bộ Công ty",
                    "introducers-0-worked_together_since": "10/05/2019"}
    _record(officer, "introduced", introduction)
    refusal = form_of(page, "introduced").locator(".alert-danger")
    assert refusal.is_visible()
    assert "Trần Văn Giới Thiệu" in refusal.inner_text() and "11" in refusal.inner_text()
    if phone:
        screenshot(page, "journey1-phone-introducer-refused")
    assert _recorded_badge(page, "introduced").count() == 0
    with world.app.app_context():
        dossier = world.dossier(dossier_id)
        assert dossier.introduced_on is None and not dossier.introduction_resolution_no
        assert not dossier.introducers
    _record(officer, "introduced", {**introduction, "introducers-0-worked_together_since": "01/03/2019"})
    assert _recorded_badge(page, "introduced").inner_text() == "10/04/2020"
    assert "Trần Văn Giới Thiệu" in page.locator("#step-introduced").inner_text()
    # The cell resolution is now the next step offered.
    assert form_of(page, "cell_resolved").count() == 1
    with world.app.app_context():
        dossier = world.dossier(dossier_id)
        assert (dossier.identified_on, dossier.trained_on, dossier.applied_on, dossier.verified_on,
                dossier.introduced_on) == (date(2020, 1, 6), date(2020, 2, 20), date(2020, 3, 2),
                                           date(2020, 3, 25), date(2020, 4, 10))
        assert [(i.full_name, i.worked_together_since) for i in dossier.introducers] == [
            ("Trần Văn Giới Thiệu", date(2019, 3, 1))]
        assert isinstance(dossier.introducers[0], Introducer)
    return dossier_id


def test_enterprise_officer_adds_member_records_steps_to_introduction_and_sees_refusals(
        page, live_server, world):
    enterprise_officer_journey(page, live_server, world, phone=False,
                               full_name="H'Hen Niê", citizen_id="066195000111")
    screenshot(page, "journey1-desktop-introduced")


def test_enterprise_officer_journey_works_on_a_phone_without_sideways_scrolling(
        phone_page, live_server, world):
    enterprise_officer_journey(phone_page, live_server, world, phone=True,
                               full_name="H'Linh Byă", citizen_id="066195000222")
    screenshot(phone_page, "journey1-phone-introduced")
