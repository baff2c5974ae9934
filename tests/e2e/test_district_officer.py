"""Journey 2: a district officer finds a dossier prepared by the enterprise (steps 1-5) and
records the party cell's resolution with its votes, the grassroots committee's resolution
and the admission decision.
"""

from __future__ import annotations

from datetime import date

from .conftest import sign_in
from .helpers import assert_no_horizontal_scroll, form_of, open_menu_item


def _record(page, code: str, values: dict[str, str]) -> None:
    form = form_of(page, code)
    for name, value in values.items():
        form.locator(f"#{code}-{name}").fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_district_officer_records_cell_committee_and_admission(page, live_server, world):
    name = "Nguyễn Thị Kết Nạp"
    dossier_id = world.dossier_ready_for_cell(person={"full_name": name})
    sign_in(page, live_server, world.district_officer)
    open_menu_item(page, "/dossiers/")
    page.fill("#q", "nguyen thi ket nap")  # typed without accents, as people do
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert "ket" not in page.url.lower(), "the search text must not travel in the URL"
    with page.expect_navigation():
        page.locator(f"main table a[href$='/dossiers/{dossier_id}']").click()
    assert page.locator("h1").inner_text().startswith(name)

    # Too few votes: refused, the message gives the numbers, nothing saved.
    _record(page, "cell_resolved", {"on": "15/05/2020", "cell_votes_for": "6",
                                    "cell_members": "10"})
    refusal = form_of(page, "cell_resolved").locator(".alert-danger")
    assert refusal.is_visible() and "6" in refusal.inner_text() and "10" in refusal.inner_text()
    with world.app.app_context():
        assert world.dossier(dossier_id).cell_resolved_on is None

    _record(page, "cell_resolved", {"on": "15/05/2020", "cell_votes_for": "9",
                                    "cell_members": "10"})
    assert page.locator("#step-cell_resolved .badge.text-bg-success").inner_text() == "15/05/2020"
    assert "9/10" in page.locator("#step-cell_resolved").inner_text()
    _record(page, "committee_resolved", {"on": "25/05/2020", "committee_votes_for": "5",
                                         "committee_members": "6"})
    assert "5/6" in page.locator("#step-committee_resolved").inner_text()
    _record(page, "admitted", {"on": "05/06/2020", "admission_decision_no": "123-QĐ/TU"})
    assert page.locator("#step-admitted .badge.text-bg-success").inner_text() == "05/06/2020"
    assert "123-QĐ/TU" in page.locator("#step-admitted").inner_text()
    assert page.locator(".alert-success").count() == 1
    assert_no_horizontal_scroll(page)

    with world.app.app_context():
        dossier = world.dossier(dossier_id)
        assert (dossier.cell_resolved_on, dossier.cell_votes_for, dossier.cell_members) == (
            date(2020, 5, 15), 9, 10)
        assert (dossier.committee_resolved_on, dossier.committee_votes_for,
                dossier.committee_members) == (date(2020, 5, 25), 5, 6)
        assert (dossier.admitted_on, dossier.admission_decision_no) == (
            date(2020, 6, 5), "123-QĐ/TU")
