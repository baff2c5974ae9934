"""The enterprise screens: scoped list with search, filters and counts; create and edit with
every refusal; each role inside and outside its scope."""

from __future__ import annotations

from datetime import date

import pytest
from flask import g
from sqlalchemy import event, func, select

from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Enterprise, IndustrialZone, Ownership, Role

from . import factories


@pytest.fixture
def login(login_as):
    """Sign in with English pages, so assertions hold once the Vietnamese catalogue exists."""

    def _login(role: Role, **scope):
        user = login_as(role, **scope)
        user.locale = "en"
        db.session.commit()
        # The tests share one app context, so ``g`` (where Flask-Babel caches the locale)
        # outlives a request: forget the locale chosen before this user signed in.
        g.pop("_flask_babel", None)
        return user

    return _login


def zone(name: str) -> IndustrialZone:
    return db.session.scalar(select(IndustrialZone).where(IndustrialZone.name == name))


def form_data(**values) -> dict:
    data = {"name": "Công ty Cổ phần Cà phê Ea Pốk", "tax_code": "6001234567",
            "unit_id": str(factories.unit("643").id), "ownership": "private", "zone_id": "",
            "workforce": "250", "union_founded_on": "05/06/2015", "party_org_since": ""}
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def enterprise_count() -> int:
    return db.session.scalar(select(func.count(Enterprise.id)))


def search(client, text: str, url: str = "/enterprises/"):
    response = client.post(url, data={"q": text})
    assert response.status_code == 302
    return response


# --- list -------------------------------------------------------------------------------

def test_list_requires_sign_in(client):
    response = client.get("/enterprises/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_district_lists_only_its_units_enterprises(client, login):
    factories.enterprise("643", name="Công ty Trong Vùng")
    factories.enterprise("651", name="Công ty Ngoài Vùng")
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get("/enterprises/").get_data(as_text=True)
    assert "Công ty Trong Vùng" in page and "Công ty Ngoài Vùng" not in page
    assert "Huyện Ea Kar" not in page  # nor the other unit in the unit filter


def test_list_shows_columns_with_dates_and_numbers_formatted(client, login):
    company = factories.enterprise(name="Công ty Cao su Phú Xuân", workforce=3500,
                                   union_founded_on=date(2012, 3, 9), has_party_org=True,
                                   zone=zone("KCN Hòa Phú"), ownership=Ownership.FOREIGN)
    for _ in range(3):
        factories.person(company)
    login(Role.BOARD)
    page = client.get("/enterprises/").get_data(as_text=True)
    assert company.tax_code in page and "Thành phố Buôn Ma Thuột" in page
    assert "KCN Hòa Phú" in page and "Foreign-invested" in page
    assert "09/03/2012" in page and "3,500" in page
    row = page[page.index("Công ty Cao su Phú Xuân"):]
    row = row[:row.index("</tr>")]
    assert ">3</td>" in row


def test_member_counts_come_from_one_query_whatever_the_number_of_enterprises(client, login, app):
    login(Role.BOARD)

    def statements_for_list() -> int:
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/enterprises/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    factories.person(factories.enterprise())
    db.session.commit()
    few = statements_for_list()
    for _ in range(8):
        factories.person(factories.enterprise(zone=zone("CCN Tân An 1")))
    db.session.commit()
    assert statements_for_list() == few


def test_search_ignores_accents_and_case(client, login):
    factories.enterprise(name="Công ty TNHH Cà Phê Thắng Lợi")
    factories.enterprise(name="Công ty Xây Dựng Hoàng Anh")
    login(Role.BOARD)
    search(client, "CA PHE thang loi")
    page = client.get("/enterprises/").get_data(as_text=True)
    assert "Cà Phê Thắng Lợi" in page and "Hoàng Anh" not in page


def test_search_finds_an_exact_tax_code_but_not_part_of_one(client, login):
    wanted = factories.enterprise(name="Công ty Đúng", tax_code="6009998887")
    factories.enterprise(name="Công ty Khác", tax_code="6009998880")
    login(Role.BOARD)
    search(client, "600-999-8887")
    page = client.get("/enterprises/").get_data(as_text=True)
    assert wanted.name in page and "Công ty Khác" not in page
    search(client, "6009998")
    assert "Công ty Đúng" not in client.get("/enterprises/").get_data(as_text=True)


def test_search_text_never_goes_into_a_url_and_filters_are_kept(client, login):
    factories.enterprise(name="Công ty Bí Mật")
    login(Role.BOARD)
    response = search(client, "bi mat", url="/enterprises/?ownership=private&page=3")
    location = response.headers["Location"]
    assert "bi" not in location and "mat" not in location
    assert "ownership=private" in location and "page=" not in location
    page = client.get(location).get_data(as_text=True)
    assert "Công ty Bí Mật" in page and 'value="bi mat"' in page
    assert "bi+mat" not in page and "q=" not in page


def test_clearing_the_search_shows_everything_again(client, login):
    factories.enterprise(name="Công ty Một")
    factories.enterprise(name="Công ty Hai")
    login(Role.BOARD)
    search(client, "mot")
    assert "Công ty Hai" not in client.get("/enterprises/").get_data(as_text=True)
    client.post("/enterprises/", data={"q": "mot", "clear": "1"})
    assert "Công ty Hai" in client.get("/enterprises/").get_data(as_text=True)


@pytest.mark.parametrize("query, shown, hidden", [
    ("ownership=state", "Công ty Nhà Nước", "Công ty Tư Nhân"),
    ("party=yes", "Công ty Nhà Nước", "Công ty Tư Nhân"),
    ("party=no", "Công ty Tư Nhân", "Công ty Nhà Nước"),
    ("zone=ZONE", "Công ty Tư Nhân", "Công ty Nhà Nước"),
    ("unit=UNIT", "Công ty Ea Kar", "Công ty Nhà Nước"),
])
def test_filters_keep_only_matching_enterprises(client, login, query, shown, hidden):
    factories.enterprise(name="Công ty Nhà Nước", ownership=Ownership.STATE, has_party_org=True)
    factories.enterprise(name="Công ty Tư Nhân", zone=zone("KCN Hòa Phú"))
    factories.enterprise("651", name="Công ty Ea Kar")
    login(Role.BOARD)
    query = (query.replace("ZONE", str(zone("KCN Hòa Phú").id))
             .replace("UNIT", str(factories.unit("651").id)))
    page = client.get(f"/enterprises/?{query}").get_data(as_text=True)
    assert shown in page and hidden not in page


@pytest.mark.parametrize("query", ["unit=abc", "unit=99999999999999", "zone=-1", "ownership=<x>",
                                   "party=maybe", "page=abc", "page=999999"])
def test_garbage_filters_are_ignored_not_an_error(client, login, query):
    login(Role.BOARD)
    assert client.get(f"/enterprises/?{query}").status_code == 200


def test_list_is_paginated(client, login):
    for n in range(25):
        factories.enterprise(name=f"Công ty Số {n:02d}")
    login(Role.BOARD)
    first = client.get("/enterprises/").get_data(as_text=True)
    second = client.get("/enterprises/?page=2").get_data(as_text=True)
    assert "Công ty Số 00" in first and "Công ty Số 19" in first and "Công ty Số 20" not in first
    assert "Công ty Số 20" in second and "Công ty Số 24" in second and "Công ty Số 00" not in second
    assert "page=2" in first


def test_list_is_in_vietnamese_alphabetical_order(client, login):
    for name in ("Đại Phát", "Dũng Tiến", "Ánh Dương", "Bình Minh", "Ấn Tượng", "Ăn Ngon"):
        factories.enterprise(name=name)
    login(Role.BOARD)
    page = client.get("/enterprises/").get_data(as_text=True)
    order = ["Ánh Dương", "Ăn Ngon", "Ấn Tượng", "Bình Minh", "Dũng Tiến", "Đại Phát"]
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)


# --- create -----------------------------------------------------------------------------

def test_district_creates_an_enterprise_in_its_unit_with_an_audit_entry(client, login):
    user = login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post("/enterprises/new", data=form_data(workforce="1.250"))
    assert response.status_code == 302
    created = db.session.scalar(select(Enterprise).where(Enterprise.tax_code == "6001234567"))
    assert created.unit.code == "643" and created.workforce == 1250
    assert created.union_founded_on == date(2015, 6, 5)
    assert response.headers["Location"].endswith(f"/enterprises/{created.id}")
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "enterprise.create", AuditEntry.user_id == user.id)) == 1


def test_district_form_offers_only_its_own_unit(client, login):
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get("/enterprises/new").get_data(as_text=True)
    assert "Thành phố Buôn Ma Thuột" in page and "Huyện Ea Kar" not in page


def test_district_cannot_file_an_enterprise_under_another_unit(client, login):
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post("/enterprises/new",
                           data=form_data(unit_id=str(factories.unit("651").id)))
    assert response.status_code == 200
    assert b"Choose one of the options in the list." in response.data
    assert enterprise_count() == 0


def test_admin_creates_an_enterprise_in_any_unit(client, login):
    login(Role.ADMIN)
    response = client.post("/enterprises/new", data=form_data(
        unit_id=str(factories.unit("651").id), zone_id=str(zone("CCN Ea Đar").id)))
    assert response.status_code == 302
    created = db.session.scalar(select(Enterprise))
    assert created.unit.code == "651" and created.zone.name == "CCN Ea Đar"


@pytest.mark.parametrize("role", [Role.BOARD, Role.ENTERPRISE])
def test_board_and_enterprise_officers_cannot_create_enterprises(client, login, role):
    login(role)
    before = enterprise_count()
    assert client.get("/enterprises/new").status_code == 403
    assert client.post("/enterprises/new", data=form_data()).status_code == 403
    assert enterprise_count() == before


@pytest.mark.parametrize("changes, message", [
    ({"tax_code": "600123456"}, b"A tax code has 10 or 13 digits."),
    ({"tax_code": "60012345678"}, b"A tax code has 10 or 13 digits."),
    ({"tax_code": "60012345AB"}, b"A tax code has 10 or 13 digits."),
    ({"tax_code": ""}, b"Enter the tax code (10 or 13 digits)."),
    ({"name": "   "}, b"Enter the enterprise's name."),
    ({"union_founded_on": "31/02/2020"}, b"Not a valid date: write it as dd/mm/yyyy"),
    ({"union_founded_on": "16/12/2020"}, b"This date is in the future."),
    ({"workforce": "many"}, b"Enter a whole number, for example 250."),
    ({"workforce": "-4"}, b"Enter a whole number, for example 250."),
    ({"workforce": "99999999999999999999999"}, b"Enter a whole number, for example 250."),
    ({"workforce": "2000000"}, b"The workforce must be between 0 and 1,000,000."),
    ({"unit_id": "99999"}, b"Choose one of the options in the list."),
    ({"unit_id": "abc"}, b"Choose one of the options in the list."),
    ({"unit_id": ""}, b"Choose the unit."),
    ({"ownership": "public"}, b"Choose one of the options in the list."),
    ({"zone_id": "ZONE_OF_EA_KAR"}, b"This industrial zone or cluster is not in the chosen unit."),
    ({"has_party_org": None, "party_org_since": "01/01/2019"},
     b"Leave this empty when there is no party organisation."),
])
def test_refused_enterprise_is_not_saved_and_says_why(client, login, changes, message):
    login(Role.ADMIN)
    if changes.get("zone_id") == "ZONE_OF_EA_KAR":
        changes["zone_id"] = str(zone("CCN Ea Đar").id)
    response = client.post("/enterprises/new", data=form_data(**changes))
    assert response.status_code == 200
    assert message in response.data
    assert enterprise_count() == 0


def test_duplicate_tax_code_is_refused_with_the_other_enterprise_named(client, login):
    factories.enterprise(name="Công ty Có Trước", tax_code="6001234567")
    db.session.commit()
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post("/enterprises/new", data=form_data(tax_code="600 123 4567"))
    assert response.status_code == 200
    assert "already used by Công ty Có Trước" in response.get_data(as_text=True)
    assert enterprise_count() == 1


def test_thirteen_digit_branch_tax_code_with_a_dash_is_accepted(client, login):
    login(Role.DISTRICT, unit=factories.unit("643"))
    assert client.post("/enterprises/new",
                       data=form_data(tax_code="6001234567-001")).status_code == 302
    assert db.session.scalar(select(Enterprise.tax_code)) == "6001234567001"


# --- detail and edit --------------------------------------------------------------------

def test_detail_lists_the_enterprises_members_with_links(client, login):
    company = factories.enterprise(name="Công ty Có Người")
    member = factories.person(company, full_name="Y Bhim Niê")
    factories.person(factories.enterprise(), full_name="Người Khác Công Ty")
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get(f"/enterprises/{company.id}").get_data(as_text=True)
    assert "Y Bhim Niê" in page and f"/members/{member.id}" in page
    assert "Người Khác Công Ty" not in page


def test_detail_paginates_the_members(client, login):
    company = factories.enterprise()
    for n in range(23):
        factories.person(company, full_name=f"Nguyễn Văn Số{n:02d}")
    login(Role.BOARD)
    first = client.get(f"/enterprises/{company.id}").get_data(as_text=True)
    second = client.get(f"/enterprises/{company.id}?page=2").get_data(as_text=True)
    assert first.count("/members/") - second.count("/members/") > 0
    assert "Số22" in second and "Số22" not in first
    past = client.get(f"/enterprises/{company.id}?page=4").get_data(as_text=True)
    assert "Page 4 is past the end of the list (23 in all)." in past
    assert f"/enterprises/{company.id}?page=1" in past and "No member recorded yet." not in past


def test_admin_sees_an_enterprise_but_none_of_its_members(client, login):
    company = factories.enterprise()
    factories.person(company, full_name="Tên Không Được Thấy")
    login(Role.ADMIN)
    response = client.get(f"/enterprises/{company.id}")
    assert response.status_code == 200 and "Tên Không Được Thấy" not in response.get_data(as_text=True)


def test_edit_saves_changes_and_audits_them(client, login):
    company = factories.enterprise(name="Công ty Tên Cũ", workforce=10)
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post(f"/enterprises/{company.id}/edit", data=form_data(
        name="Công ty Tên Mới", tax_code=company.tax_code, workforce="20", version="1"))
    assert response.status_code == 302
    db.session.refresh(company)
    assert company.name == "Công ty Tên Mới" and company.workforce == 20 and company.version == 2
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enterprise.update"))
    assert entry.changes["name"] == ["Công ty Tên Cũ", "Công ty Tên Mới"]


def test_edit_form_carries_the_version(client, login):
    company = factories.enterprise()
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get(f"/enterprises/{company.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page


def test_stale_edit_is_refused_and_keeps_the_other_persons_change(client, login):
    company = factories.enterprise(name="Công ty Gốc")
    company.name = "Công ty Người Khác Sửa"
    db.session.commit()  # version 2 now
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post(f"/enterprises/{company.id}/edit", data=form_data(
        name="Công ty Của Tôi", tax_code=company.tax_code, version="1"))
    assert response.status_code == 200
    assert b"Someone else saved this record while you were editing it." in response.data
    db.session.refresh(company)
    assert company.name == "Công ty Người Khác Sửa" and company.version == 2


def test_edit_without_a_version_is_refused(client, login):
    company = factories.enterprise(name="Công ty Gốc")
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post(f"/enterprises/{company.id}/edit",
                           data=form_data(name="Công ty Khác", tax_code=company.tax_code))
    assert response.status_code == 200 and b"Reload the page" in response.data
    db.session.refresh(company)
    assert company.name == "Công ty Gốc"


def test_enterprise_officer_edits_own_enterprise_but_not_its_unit_or_tax_code(client, login):
    company = factories.enterprise(name="Công ty Của Mình", tax_code="6005550001")
    login(Role.ENTERPRISE, enterprise=company)
    page = client.get(f"/enterprises/{company.id}/edit").get_data(as_text=True)
    assert 'name="tax_code"' not in page and 'name="unit_id"' not in page
    response = client.post(f"/enterprises/{company.id}/edit", data=form_data(
        name="Công ty Của Mình Mới", tax_code="6009999999",
        unit_id=str(factories.unit("651").id), version="1"))
    assert response.status_code == 302
    db.session.refresh(company)
    assert company.name == "Công ty Của Mình Mới"
    assert company.tax_code == "6005550001" and company.unit.code == "643"


def test_enterprise_officer_of_another_enterprise_gets_404(client, login):
    other = factories.enterprise(name="Công ty Người Ta")
    login(Role.ENTERPRISE, enterprise=factories.enterprise())
    assert client.get(f"/enterprises/{other.id}").status_code == 404
    assert client.get(f"/enterprises/{other.id}/edit").status_code == 404
    response = client.post(f"/enterprises/{other.id}/edit", data=form_data(
        name="Công ty Bị Đổi", tax_code=other.tax_code, version="1"))
    assert response.status_code == 404
    db.session.refresh(other)
    assert other.name == "Công ty Người Ta"
    assert "Công ty Người Ta" not in client.get("/enterprises/").get_data(as_text=True)


def test_district_of_another_unit_gets_404_exactly_as_for_a_missing_enterprise(client, login):
    other = factories.enterprise("651")
    login(Role.DISTRICT, unit=factories.unit("643"))
    hidden = client.get(f"/enterprises/{other.id}")
    missing = client.get("/enterprises/999999")
    assert hidden.status_code == missing.status_code == 404
    path = f"/enterprises/{other.id}".encode()
    assert factories.page_without_tokens(hidden.data.replace(path, b"PATH")) == \
        factories.page_without_tokens(missing.data.replace(b"/enterprises/999999", b"PATH"))
    assert client.post(f"/enterprises/{other.id}/edit",
                       data=form_data(version="1")).status_code == 404


def test_board_reads_but_cannot_edit(client, login):
    company = factories.enterprise(name="Công ty Chỉ Xem")
    login(Role.BOARD)
    page = client.get(f"/enterprises/{company.id}").get_data(as_text=True)
    assert "Công ty Chỉ Xem" in page and f"/enterprises/{company.id}/edit" not in page
    assert client.get(f"/enterprises/{company.id}/edit").status_code == 403
    response = client.post(f"/enterprises/{company.id}/edit", data=form_data(
        name="Công ty Bị Sửa", tax_code=company.tax_code, version="1"))
    assert response.status_code == 403
    db.session.refresh(company)
    assert company.name == "Công ty Chỉ Xem"
