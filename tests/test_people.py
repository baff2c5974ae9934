"""The union-member screens: scoped list with search and filters, a member's page and its
dossier link, create and edit with every refusal, and each role in and out of scope."""

from __future__ import annotations

from datetime import date

import pytest
from flask import g
from sqlalchemy import event, func, select

from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Person, Religion, Role, RoleCategory, Sex

from . import factories


@pytest.fixture
def login(login_as):
    """Sign in with English pages, so assertions hold once the Vietnamese catalogue exists."""

    def _login(role: Role, **scope):
        user = login_as(role, **scope)
        user.locale = "en"
        db.session.commit()
        g.pop("_flask_babel", None)  # the tests share one app context, hence one ``g``
        return user

    return _login


def form_data(enterprise, **values) -> dict:
    data = {"full_name": "Nguyễn Văn An", "birth_date": "17/05/1990", "sex": "male",
            "citizen_id": "066090001234", "ethnic_group_id": str(factories.ethnic().id),
            "religion_id": "", "phone": "0905 123 456", "enterprise_id": str(enterprise.id),
            "role_category": "worker", "union_joined_on": "01/03/2015",
            "education": "upper_secondary", "qualification": "Kỹ sư cơ khí",
            "youth_union_member": "y"}
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def people_count() -> int:
    return db.session.scalar(select(func.count(Person.id)))


def search(client, text: str, url: str = "/members/"):
    response = client.post(url, data={"q": text})
    assert response.status_code == 302
    return response


# --- list -------------------------------------------------------------------------------

def test_admin_is_refused_the_member_list(client, login):
    login(Role.ADMIN)
    assert client.get("/members/").status_code == 403


def test_district_lists_only_members_of_its_unit(client, login):
    factories.person(factories.enterprise("643"), full_name="Người Trong Huyện")
    factories.person(factories.enterprise("651"), full_name="Người Ngoài Huyện")
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get("/members/").get_data(as_text=True)
    assert "Người Trong Huyện" in page and "Người Ngoài Huyện" not in page


def test_enterprise_officer_lists_only_own_enterprise(client, login):
    mine = factories.enterprise()
    factories.person(mine, full_name="Người Của Mình")
    factories.person(factories.enterprise(), full_name="Người Công Ty Khác")
    login(Role.ENTERPRISE, enterprise=mine)
    page = client.get("/members/").get_data(as_text=True)
    assert "Người Của Mình" in page and "Người Công Ty Khác" not in page


def test_search_without_accents_finds_the_accented_name(client, login):
    factories.person(full_name="Nguyễn Văn An")
    factories.person(full_name="Nguyễn Văn Bình")
    login(Role.BOARD)
    search(client, "nguyen van an")
    page = client.get("/members/").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Nguyễn Văn Bình" not in page


def test_search_by_exact_citizen_id_even_typed_with_spaces(client, login):
    factories.person(full_name="Lê Thị Hoa", citizen_id="066190004321")
    factories.person(full_name="Lê Thị Hồng", citizen_id="066190004320")
    login(Role.BOARD)
    search(client, "066 190 004 321")
    page = client.get("/members/").get_data(as_text=True)
    assert "Lê Thị Hoa" in page and "Lê Thị Hồng" not in page


def test_search_text_stays_out_of_urls_and_is_kept_in_the_session(client, login):
    factories.person(full_name="H'Hen Niê", citizen_id="066190009999")
    login(Role.BOARD)
    response = search(client, "066190009999", url="/members/?sex=female&page=2")
    location = response.headers["Location"]
    assert "066190009999" not in location and "sex=female" in location and "page" not in location
    page = client.get("/members/").get_data(as_text=True)
    assert "H&#39;Hen Niê" in page
    assert "066190009999" not in page.replace('value="066190009999"', "")  # only in the box


@pytest.mark.parametrize("query, shown, hidden", [
    ("sex=female", "Trần Thị Nữ", "Trần Văn Nam"),
    ("role=union_officer", "Trần Thị Nữ", "Trần Văn Nam"),
    ("dossier=yes", "Trần Văn Nam", "Trần Thị Nữ"),
    ("dossier=no", "Trần Thị Nữ", "Trần Văn Nam"),
    ("stage=identified", "Trần Văn Nam", "Trần Thị Nữ"),
    ("enterprise=OTHER", "Y Khác Công Ty", "Trần Văn Nam"),
    ("unit=EAKAR", "Y Khác Công Ty", "Trần Thị Nữ"),
])
def test_filters_keep_only_matching_members(client, login, query, shown, hidden):
    factories.person(full_name="Trần Thị Nữ", sex=Sex.FEMALE, role_category=RoleCategory.UNION_OFFICER)
    factories.dossier(factories.person(full_name="Trần Văn Nam"), identified_on=date(2020, 3, 1))
    other = factories.enterprise("651")
    factories.person(other, full_name="Y Khác Công Ty")
    login(Role.BOARD)
    query = query.replace("OTHER", str(other.id)).replace("EAKAR", str(factories.unit("651").id))
    page = client.get(f"/members/?{query}").get_data(as_text=True)
    assert shown in page and hidden not in page


@pytest.mark.parametrize("query", ["unit=x", "enterprise=1e9", "sex=other", "stage=<b>", "dossier=2",
                                   "role=boss", "page=-1", "enterprise=999999999999999"])
def test_garbage_filters_are_ignored_not_an_error(client, login, query):
    login(Role.BOARD)
    assert client.get(f"/members/?{query}").status_code == 200


def test_list_is_paginated(client, login):
    company = factories.enterprise()
    for n in range(25):
        factories.person(company, full_name=f"Nguyễn Văn A{n:02d}")
    login(Role.BOARD)
    first = client.get("/members/").get_data(as_text=True)
    second = client.get("/members/?page=2").get_data(as_text=True)
    assert "A00" in first and "A19" in first and "A20" not in first
    assert "A20" in second and "A24" in second and "A00" not in second
    past = client.get("/members/?page=5").get_data(as_text=True)
    assert "Page 5 is past the end of the list (25 in all)." in past
    assert "Go to the first page" in past and "No member matches." not in past


def test_list_is_in_vietnamese_order_by_given_name_first(client, login):
    for name in ("Lê Văn Đức", "Trần Văn Bình", "Phạm Dũng", "Nguyễn Thị Anh", "Hoàng Văn Ân",
                 "Võ Thị Ánh"):
        factories.person(full_name=name)
    login(Role.BOARD)
    page = client.get("/members/").get_data(as_text=True)
    order = ["Nguyễn Thị Anh", "Võ Thị Ánh", "Hoàng Văn Ân", "Trần Văn Bình", "Phạm Dũng",
             "Lê Văn Đức"]
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)


def test_each_row_shows_the_dossier_stage_with_a_link(client, login):
    person = factories.person(full_name="Đinh Văn Giai Đoạn")
    dossier = factories.dossier_ready_for_cell(person)
    factories.person(full_name="Đinh Văn Chưa Có")
    login(Role.BOARD)
    page = client.get("/members/").get_data(as_text=True)
    assert "Introduced by the union" in page and f"/dossiers/{dossier.id}" in page
    assert "No dossier" in page


def test_stages_come_from_the_list_query_not_one_query_per_row(client, login):
    login(Role.BOARD)

    def statements_for_list() -> int:
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/members/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    company = factories.enterprise()
    factories.dossier(factories.person(company), identified_on=date(2020, 1, 1))
    db.session.commit()
    few = statements_for_list()
    for _ in range(10):
        factories.dossier_ready_for_cell(factories.person(company))
    db.session.commit()
    assert statements_for_list() == few


# --- member's page ----------------------------------------------------------------------

def test_detail_shows_every_field_including_ethnicity_and_religion(client, login):
    catholic = db.session.scalar(select(Religion).where(Religion.name == "Công giáo"))
    person = factories.person(full_name="Y Moan Êban", ethnic_group=factories.ethnic("Ê-đê"),
                              religion=catholic, phone="0912345678", qualification="Trung cấp",
                              union_joined_on=date(2016, 8, 2), youth_union_member=True)
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get(f"/members/{person.id}").get_data(as_text=True)
    for text in ("Y Moan Êban", "17/05/1990", person.citizen_id, "Ê-đê", "Công giáo",
                 "0912345678", "Trung cấp", "02/08/2016", "Upper secondary school", "Worker"):
        assert text in page


def test_member_without_religion_shows_none(client, login):
    person = factories.person()
    login(Role.BOARD)
    page = client.get(f"/members/{person.id}").get_data(as_text=True)
    assert "<dd class=\"col-sm-7\">None</dd>" in page


def test_detail_links_to_the_dossier_when_there_is_one(client, login):
    dossier = factories.dossier(identified_on=date(2020, 2, 2))
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get(f"/members/{dossier.person.id}").get_data(as_text=True)
    assert f'href="/dossiers/{dossier.id}"' in page and "Identified as outstanding" in page


def test_officer_can_open_a_dossier_from_the_members_page(client, login):
    person = factories.person()
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get(f"/members/{person.id}").get_data(as_text=True)
    assert f'action="/dossiers/open/{person.id}"' in page
    assert "Open a dossier (identified as outstanding)" in page


def test_members_page_works_without_the_dossiers_blueprint(client, login, app, monkeypatch):
    person = factories.person()
    with_dossier = factories.dossier(identified_on=date(2020, 2, 2))
    monkeypatch.delitem(app.view_functions, "dossiers.open")
    monkeypatch.delitem(app.view_functions, "dossiers.detail")
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get(f"/members/{person.id}").get_data(as_text=True)
    assert "Open a dossier" not in page and "No dossier has been opened" in page
    page = client.get(f"/members/{with_dossier.person.id}").get_data(as_text=True)
    assert f"/dossiers/{with_dossier.id}" not in page and "Identified as outstanding" in page
    assert client.get("/members/").status_code == 200


def test_board_reads_a_member_but_gets_no_edit_or_open_buttons(client, login):
    person = factories.person(full_name="Người Chỉ Xem")
    login(Role.BOARD)
    page = client.get(f"/members/{person.id}").get_data(as_text=True)
    assert "Người Chỉ Xem" in page
    assert f"/members/{person.id}/edit" not in page and "Open a dossier" not in page


def test_admin_gets_404_on_a_members_page(client, login):
    person = factories.person()
    login(Role.ADMIN)
    assert client.get(f"/members/{person.id}").status_code == 404
    assert client.get(f"/members/{person.id}/edit").status_code == 404


# --- create -----------------------------------------------------------------------------

def test_district_records_a_member_with_an_audit_entry(client, login):
    company = factories.enterprise()
    user = login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post("/members/new", data=form_data(company, citizen_id="066 090 001 234"))
    assert response.status_code == 302
    person = db.session.scalar(select(Person))
    assert response.headers["Location"].endswith(f"/members/{person.id}")
    assert person.citizen_id == "066090001234" and person.birth_date == date(1990, 5, 17)
    assert person.enterprise_id == company.id and person.youth_union_member is True
    assert person.religion_id is None and person.education.value == "upper_secondary"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "person.create", AuditEntry.user_id == user.id)) == 1


def test_new_member_form_offers_only_enterprises_in_scope(client, login):
    factories.enterprise("643", name="Công ty Được Chọn")
    factories.enterprise("651", name="Công ty Không Được Chọn")
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get("/members/new").get_data(as_text=True)
    assert "Công ty Được Chọn" in page and "Công ty Không Được Chọn" not in page
    assert page.count("<option") > 54  # the 54 ethnic groups are offered


def test_add_a_member_from_an_enterprises_page_preselects_it(client, login):
    company = factories.enterprise(name="Công ty Chọn Sẵn")
    factories.enterprise(name="Công ty Khác Nữa")
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get(f"/enterprises/{company.id}").get_data(as_text=True)
    assert f"/members/new?enterprise={company.id}" in page
    page = client.get(f"/members/new?enterprise={company.id}").get_data(as_text=True)
    assert f'selected value="{company.id}">Công ty Chọn Sẵn' in page
    assert client.get("/members/new?enterprise=abc").status_code == 200


def test_district_cannot_put_a_member_in_another_units_enterprise(client, login):
    other = factories.enterprise("651")
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post("/members/new", data=form_data(other))
    assert response.status_code == 200 and b"Choose one of the options in the list." in response.data
    assert people_count() == 0


def test_enterprise_officers_members_always_go_to_their_enterprise(client, login):
    mine = factories.enterprise()
    other = factories.enterprise()
    login(Role.ENTERPRISE, enterprise=mine)
    assert 'name="enterprise_id"' not in client.get("/members/new").get_data(as_text=True)
    assert client.post("/members/new", data=form_data(other)).status_code == 302
    assert db.session.scalar(select(Person.enterprise_id)) == mine.id


@pytest.mark.parametrize("role", [Role.BOARD, Role.ADMIN])
def test_board_and_admin_cannot_record_members(client, login, role):
    company = factories.enterprise()
    login(role)
    assert client.get("/members/new").status_code == 403
    assert client.post("/members/new", data=form_data(company)).status_code == 403
    assert people_count() == 0


@pytest.mark.parametrize("changes, message", [
    ({"citizen_id": "06609000123"}, b"A citizen ID (CCCD) has exactly 12 digits."),
    ({"citizen_id": "0660900012345"}, b"A citizen ID (CCCD) has exactly 12 digits."),
    ({"citizen_id": "06609000123A"}, b"A citizen ID (CCCD) has exactly 12 digits."),
    ({"citizen_id": ""}, b"Enter the citizen ID (12 digits)."),
    ({"birth_date": "16/12/2020"}, b"This date is in the future."),
    ({"birth_date": "31/02/2020"}, b"Not a valid date: write it as dd/mm/yyyy"),
    ({"birth_date": "hôm qua"}, b"Not a valid date: write it as dd/mm/yyyy"),
    ({"birth_date": "01/01/1900"}, b"The date of birth is not plausible."),
    ({"birth_date": ""}, b"Enter the date of birth."),
    ({"union_joined_on": "01/01/1980"}, b"The date of joining the union must be between"),
    ({"union_joined_on": "01/01/2021"}, b"This date is in the future."),
    ({"full_name": ""}, b"Enter the full name."),
    ({"full_name": "x" * 121}, b"At most 120 characters."),
    ({"ethnic_group_id": ""}, b"Choose the ethnic group."),
    ({"ethnic_group_id": "abc"}, b"Choose one of the options in the list."),
    ({"ethnic_group_id": "99999"}, b"Choose one of the options in the list."),
    ({"religion_id": "99999999999999999999"}, b"Choose one of the options in the list."),
    ({"sex": "other"}, b"Choose one of the options in the list."),
    ({"sex": None}, b"Choose the sex."),
    ({"role_category": "president"}, b"Choose one of the options in the list."),
    ({"education": "university"}, b"Choose one of the options in the list."),
    ({"enterprise_id": "99999999999999999999"}, b"Choose one of the options in the list."),
    ({"phone": "call me"}, b"Not a valid phone number."),
])
def test_refused_member_is_not_saved_and_says_why(client, login, changes, message):
    company = factories.enterprise()
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post("/members/new", data=form_data(company, **changes))
    assert response.status_code == 200
    assert message in response.data
    assert people_count() == 0


def test_duplicate_citizen_id_in_scope_links_to_the_existing_member(client, login):
    company = factories.enterprise()
    existing = factories.person(company, full_name="Phan Thị Đã Có", citizen_id="066190001111")
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post("/members/new", data=form_data(company, citizen_id="066190001111"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already recorded for Phan Thị Đã Có" in page
    assert f'href="/members/{existing.id}"' in page
    assert people_count() == 1


def test_duplicate_citizen_id_outside_scope_reveals_nothing_about_that_person(client, login):
    elsewhere = factories.person(factories.enterprise("651", name="Công ty Ea Kar Bí Mật"),
                                 full_name="Phan Thị Ở Xa", citizen_id="066190002222")
    mine = factories.enterprise("643")
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post("/members/new", data=form_data(mine, citizen_id="066190002222"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already recorded for a member outside your area" in page
    assert "Phan Thị Ở Xa" not in page and "Công ty Ea Kar Bí Mật" not in page
    assert f"/members/{elsewhere.id}" not in page
    assert people_count() == 1


# --- edit -------------------------------------------------------------------------------

def test_edit_saves_changes_and_audits_them(client, login):
    person = factories.person(full_name="Tên Cũ Thử")
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post(f"/members/{person.id}/edit", data=form_data(
        person.enterprise, full_name="Tên Mới Thử", citizen_id=person.citizen_id, version="1"))
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.full_name == "Tên Mới Thử" and person.version == 2
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.update"))
    assert entry.changes["full_name"] == ["Tên Cũ Thử", "Tên Mới Thử"]


def test_moving_a_member_to_another_enterprise_keeps_the_dossier(client, login):
    person = factories.person()
    dossier = factories.dossier(person, identified_on=date(2020, 2, 2))
    target = factories.enterprise("643")
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post(f"/members/{person.id}/edit", data=form_data(
        target, citizen_id=person.citizen_id, full_name=person.full_name, version="1"))
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.enterprise_id == target.id and person.dossier.id == dossier.id
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "person.move")) == 1


def test_stale_edit_is_refused_and_keeps_the_other_change(client, login):
    person = factories.person(full_name="Tên Gốc Thử")
    person.phone = "0900000000"
    db.session.commit()  # someone else saved: version 2
    login(Role.DISTRICT, unit=factories.unit("643"))
    response = client.post(f"/members/{person.id}/edit", data=form_data(
        person.enterprise, full_name="Tên Của Tôi", citizen_id=person.citizen_id, version="1"))
    assert response.status_code == 200
    assert b"Someone else saved this record while you were editing it." in response.data
    db.session.refresh(person)
    assert person.full_name == "Tên Gốc Thử" and person.version == 2


def test_edit_refusing_a_duplicate_citizen_id_saves_nothing(client, login):
    company = factories.enterprise()
    factories.person(company, citizen_id="066190003333")
    person = factories.person(company, full_name="Người Sửa Sai")
    login(Role.ENTERPRISE, enterprise=company)
    response = client.post(f"/members/{person.id}/edit", data=form_data(
        company, full_name="Người Đã Sửa", citizen_id="066190003333", version="1"))
    assert response.status_code == 200 and b"already recorded for" in response.data
    db.session.refresh(person)
    assert person.full_name == "Người Sửa Sai" and person.citizen_id != "066190003333"


def test_enterprise_officer_of_another_enterprise_gets_404(client, login):
    person = factories.person(full_name="Người Công Ty Khác")
    login(Role.ENTERPRISE, enterprise=factories.enterprise())
    assert client.get(f"/members/{person.id}").status_code == 404
    assert client.get(f"/members/{person.id}/edit").status_code == 404
    response = client.post(f"/members/{person.id}/edit", data=form_data(
        person.enterprise, full_name="Bị Đổi", citizen_id=person.citizen_id, version="1"))
    assert response.status_code == 404
    db.session.refresh(person)
    assert person.full_name == "Người Công Ty Khác"


def test_district_of_another_unit_gets_404_as_for_a_missing_member(client, login):
    person = factories.person(factories.enterprise("651"))
    login(Role.DISTRICT, unit=factories.unit("643"))
    assert client.get(f"/members/{person.id}").status_code == 404
    assert client.get("/members/999999").status_code == 404
    assert client.post(f"/members/{person.id}/edit",
                       data=form_data(person.enterprise, version="1")).status_code == 404


def test_board_cannot_edit_a_member(client, login):
    person = factories.person(full_name="Người Không Sửa")
    login(Role.BOARD)
    assert client.get(f"/members/{person.id}/edit").status_code == 403
    response = client.post(f"/members/{person.id}/edit", data=form_data(
        person.enterprise, full_name="Bị Sửa", citizen_id=person.citizen_id, version="1"))
    assert response.status_code == 403
    db.session.refresh(person)
    assert person.full_name == "Người Không Sửa"


def test_edit_form_is_filled_with_the_member_and_dd_mm_yyyy_dates(client, login):
    person = factories.person(full_name="Ksor Thị Điền", union_joined_on=date(2018, 4, 5))
    login(Role.DISTRICT, unit=factories.unit("643"))
    page = client.get(f"/members/{person.id}/edit").get_data(as_text=True)
    assert 'value="Ksor Thị Điền"' in page and 'value="17/05/1990"' in page
    assert 'value="05/04/2018"' in page and 'name="version" type="hidden" value="1"' in page
