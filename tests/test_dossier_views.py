"""The dossier screens: recording the path through the HTTP forms, refusals that save
nothing, warnings that save, corrections, scope and roles, conflicts and the list."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Dossier, EndKind, Role
from ldld_tracker.workflow.alerts import dossier_alerts

from . import factories


def _english(user):
    """Messages in English (the msgids), whatever the Vietnamese catalogue says."""
    user.locale = "en"
    db.session.commit()
    return user


@pytest.fixture
def officer(login_as):
    return _english(login_as(Role.DISTRICT, unit=factories.unit("643")))


def _dossier(**values) -> Dossier:
    """A dossier ready for the cell resolution, in an enterprise of unit 643."""
    person_values = {k: values.pop(k) for k in ("birth_date", "full_name") if k in values}
    dossier = factories.dossier_ready_for_cell(
        factories.person(factories.enterprise("643"), **person_values), **values)
    db.session.commit()
    return dossier


def _sworn_in_2019(**values) -> Dossier:
    """Every step up to the ceremony recorded in 2019: probation can end in 2020."""
    values = {"identified_on": date(2018, 10, 1), "trained_on": date(2018, 11, 1),
              "applied_on": date(2018, 12, 1), "verified_on": date(2019, 1, 10),
              "introduced_on": date(2019, 2, 1), "cell_resolved_on": date(2019, 3, 1),
              "cell_votes_for": 7, "cell_members": 9, "committee_resolved_on": date(2019, 3, 10),
              "committee_votes_for": 5, "committee_members": 7, "admitted_on": date(2019, 4, 1),
              "admission_decision_no": "10-QĐ/HU", "sworn_in_on": date(2019, 11, 2), **values}
    return _dossier(**values)


def post_step(client, dossier, code, version=None, **fields):
    data = {f"{code}-{name}": value for name, value in fields.items()}
    data["version"] = str(dossier.version if version is None else version)
    return client.post(f"/dossiers/{dossier.id}/milestones/{code}", data=data)


def _post(client, dossier, path, prefix, **fields):
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    data["version"] = str(dossier.version)
    return client.post(f"/dossiers/{dossier.id}{path}", data=data)


def _audit(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


INTRODUCER = {"introducers-0-full_name": "Trần Thị Bình", "introducers-0-is_official_member": "1",
              "introducers-0-party_unit": "Chi bộ Công ty",
              "introducers-0-worked_together_since": "01/03/2019"}
PATH = [
    ("identified", {"on": "10/01/2020", "identified_by": "BCH CĐCS"}),
    ("trained", {"on": "10/02/2020", "certificate_no": "CN-123"}),
    ("applied", {"on": "01/03/2020"}),
    ("verified", {"on": "20/03/2020"}),
    ("introduced", {"on": "01/04/2020", "introduction_resolution_no": "05/NQ-CĐCS", **INTRODUCER}),
    ("cell_resolved", {"on": "15/05/2020", "cell_votes_for": "7", "cell_members": "9"}),
    ("committee_resolved", {"on": "25/05/2020", "committee_votes_for": "8",
                            "committee_members": "11"}),
    ("admitted", {"on": "15/06/2020", "admission_decision_no": "123-QĐ/HU"}),
    ("sworn_in", {"on": "01/07/2020"}),
]


# Opening and recording the path


def test_officer_opens_a_dossier_for_a_person_in_scope(client, officer):
    person = factories.person(factories.enterprise("643"))
    db.session.commit()
    response = client.post(f"/dossiers/open/{person.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/dossiers/{person.dossier.id}")
    assert len(_audit("dossier.create")) == 1
    again = client.post(f"/dossiers/open/{person.id}")
    assert again.headers["Location"].endswith(f"/dossiers/{person.dossier.id}")
    assert len(_audit("dossier.create")) == 1


def test_each_milestone_from_identified_to_sworn_in_is_recorded_through_its_form(client, officer):
    person = factories.person(factories.enterprise("643"))
    dossier = factories.dossier(person)
    db.session.commit()
    for code, fields in PATH:
        page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
        assert f'action="/dossiers/{dossier.id}/milestones/{code}"' in page, code
        response = post_step(client, dossier, code, **fields)
        assert response.status_code == 302, (code, response.get_data(as_text=True)[-3000:])
    db.session.refresh(dossier)
    assert dossier.sworn_in_on == date(2020, 7, 1)
    assert dossier.certificate_no == "CN-123"
    assert (dossier.cell_votes_for, dossier.cell_members) == (7, 9)
    assert dossier.admission_decision_no == "123-QĐ/HU"
    assert [(i.full_name, i.worked_together_since) for i in dossier.introducers] == [
        ("Trần Thị Bình", date(2019, 3, 1))]
    assert len(_audit("milestone.record")) == len(PATH)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "7/9" in page and "8/11" in page
    assert "Trần Thị Bình" in page and "(13 months)" in page
    assert "15/06/2020" in page


def test_official_member_is_recognised_after_twelve_months_of_probation(client, officer):
    dossier = _sworn_in_2019()
    early = post_step(client, dossier, "official", on="01/11/2020")
    assert early.status_code == 422
    assert "Probation lasts 12 months" in early.get_data(as_text=True)
    response = post_step(client, dossier, "official", on="20/11/2020",
                         official_decision_no="45-QĐ/HU")
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert dossier.official_on == date(2020, 11, 20)
    assert dossier.official_decision_no == "45-QĐ/HU"


# Refusals save nothing; warnings save


@pytest.mark.parametrize(("values", "code", "fields", "message"), [
    ({"birth_date": date(2002, 6, 1)}, "cell_resolved",
     {"on": "15/05/2020", "cell_votes_for": "7", "cell_members": "9"}, "17 years 11 months"),
    ({}, "cell_resolved", {"on": "15/05/2020", "cell_votes_for": "5", "cell_members": "8"},
     "5 of 8 in favour is less than 2/3"),
    ({"introduced_on": None, "introduction_resolution_no": ""}, "introduced",
     {"on": "01/04/2020", "introduction_resolution_no": "05/NQ",
      **INTRODUCER, "introducers-0-worked_together_since": "01/05/2019"},
     "for 11 months by 01/04/2020"),
    ({}, "cell_resolved", {"on": "16/12/2020", "cell_votes_for": "7", "cell_members": "9"},
     "is in the future"),
])
def test_a_rule_refusal_shows_its_message_and_saves_nothing(client, officer, values, code,
                                                          fields, message):
    dossier = _dossier(**values)
    version = dossier.version
    response = post_step(client, dossier, code, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(dossier)
    assert dossier.version == version
    assert getattr(dossier, f"{code}_on") is None
    assert dossier.introducers == []
    assert _audit("milestone.record") == []


@pytest.mark.parametrize(("fields", "message"), [
    ({"cell_votes_for": "abc", "cell_members": "9"}, "Enter a whole number of people"),
    ({"cell_votes_for": "-1", "cell_members": "9"}, "Enter a whole number of people"),
    ({"cell_votes_for": "10", "cell_members": "9"}, "cannot exceed the number of members (9)"),
    ({"cell_votes_for": "0", "cell_members": "0"}, "Enter a number from 1"),
    ({"cell_votes_for": "", "cell_members": ""}, "this field is required"),
])
def test_bad_numbers_give_messages_not_errors(client, officer, fields, message):
    dossier = _dossier()
    response = post_step(client, dossier, "cell_resolved", on="15/05/2020", **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(dossier)
    assert dossier.cell_resolved_on is None


@pytest.mark.parametrize("typed", ["31/02/2020", "hôm qua", ""])
def test_a_date_that_is_not_a_date_is_refused_with_a_message(client, officer, typed):
    dossier = _dossier()
    response = post_step(client, dossier, "cell_resolved", on=typed, cell_votes_for="7",
                         cell_members="9")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not a valid date" in page or "Enter the date of this step" in page


def test_a_late_decision_is_saved_and_its_warning_flashed(client, officer):
    dossier = _dossier(cell_resolved_on=date(2020, 4, 15), cell_votes_for=7, cell_members=9,
                       committee_resolved_on=date(2020, 4, 20), committee_votes_for=5,
                       committee_members=7)
    response = post_step(client, dossier, "admitted", on="01/09/2020",
                         admission_decision_no="99-QĐ/HU")
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert dossier.admitted_on == date(2020, 9, 1)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "alert-warning" in page and "after 60 working days from the cell resolution" in page


# Corrections, removals, ends


def test_correcting_a_recorded_step_needs_a_reason_and_is_audited(client, officer):
    dossier = _dossier()
    refused = post_step(client, dossier, "verified", on="25/03/2020")
    assert refused.status_code == 422
    assert "Give the reason for changing a recorded step" in refused.get_data(as_text=True)
    db.session.refresh(dossier)
    assert dossier.verified_on == date(2020, 3, 20)
    response = post_step(client, dossier, "verified", on="25/03/2020", reason="Typo in the date")
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert dossier.verified_on == date(2020, 3, 25)
    [entry] = _audit("milestone.correct")
    assert entry.reason == "Typo in the date"
    assert entry.changes["verified_on"] == ["2020-03-20", "2020-03-25"]


def test_a_step_others_depend_on_cannot_be_removed(client, officer):
    dossier = _dossier()
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert f"/dossiers/{dossier.id}/milestones/applied/remove" not in page
    assert f"/dossiers/{dossier.id}/milestones/verified/remove" in page
    blocked = _post(client, dossier, "/milestones/applied/remove", "remove_applied",
                    reason="Wrong person")
    assert blocked.status_code == 422
    assert "cannot be changed while “Background verified” is recorded" in blocked.get_data(
        as_text=True)
    db.session.refresh(dossier)
    assert dossier.applied_on is not None
    no_reason = _post(client, dossier, "/milestones/verified/remove", "remove_verified", reason="")
    assert no_reason.status_code == 422 and "Give the reason." in no_reason.get_data(as_text=True)
    removed = _post(client, dossier, "/milestones/verified/remove", "remove_verified",
                    reason="Entered by mistake")
    assert removed.status_code == 302
    db.session.refresh(dossier)
    assert dossier.verified_on is None
    assert [e.reason for e in _audit("milestone.remove")] == ["Entered by mistake"]


def test_ending_and_reopening_a_dossier(client, officer):
    dossier = _dossier()
    future = _post(client, dossier, "/end", "end", kind="withdrawn", on="16/12/2020",
                   reason="Left the enterprise")
    assert future.status_code == 422 and "is in the future" in future.get_data(as_text=True)
    response = _post(client, dossier, "/end", "end", kind="withdrawn", on="01/12/2020",
                     reason="Left the enterprise")
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert (dossier.end_kind, dossier.ended_on) == (EndKind.WITHDRAWN, date(2020, 12, 1))
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Left the enterprise" in page
    assert f'action="/dossiers/{dossier.id}/milestones/cell_resolved"' not in page
    closed = post_step(client, dossier, "cell_resolved", on="15/05/2020", cell_votes_for="7",
                       cell_members="9")
    assert closed.status_code == 422 and "reopen it first" in closed.get_data(as_text=True)
    reopened = _post(client, dossier, "/reopen", "reopen", reason="Came back")
    assert reopened.status_code == 302
    db.session.refresh(dossier)
    assert dossier.end_kind is None and dossier.ended_on is None


def test_settings_are_saved_audited_and_remove_the_committee_step(client, officer):
    dossier = _dossier()
    response = _post(client, dossier, "/settings", "settings", party_cell="Chi bộ Công ty A",
                     cell_is_grassroots="y", age_exception_ref="")
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert dossier.party_cell == "Chi bộ Công ty A" and dossier.cell_is_grassroots
    assert _audit("dossier.settings")[0].changes["party_cell"] == ["", "Chi bộ Công ty A"]
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Not applicable" in page


def test_the_cell_cannot_become_grassroots_once_a_committee_resolution_is_recorded(client,
                                                                                   officer):
    dossier = _dossier(cell_resolved_on=date(2020, 5, 1), cell_votes_for=7, cell_members=9,
                       committee_resolved_on=date(2020, 5, 5), committee_votes_for=5,
                       committee_members=7)
    response = _post(client, dossier, "/settings", "settings", cell_is_grassroots="y")
    assert response.status_code == 422
    assert "A grassroots committee resolution is recorded" in response.get_data(as_text=True)
    db.session.refresh(dossier)
    assert not dossier.cell_is_grassroots


def test_an_unknown_milestone_code_answers_404(client, officer):
    dossier = _dossier()
    assert post_step(client, dossier, "crowned", on="01/12/2020").status_code == 404
    assert _post(client, dossier, "/milestones/crowned/remove", "x", reason="r").status_code == 404


# Roles, scope, conflicts


def test_an_enterprise_officer_cannot_record_the_admission_decision(client, login_as):
    dossier = _dossier(cell_resolved_on=date(2020, 5, 1), cell_votes_for=7, cell_members=9,
                       committee_resolved_on=date(2020, 5, 5), committee_votes_for=5,
                       committee_members=7)
    _english(login_as(Role.ENTERPRISE, enterprise=dossier.person.enterprise))
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert f'action="/dossiers/{dossier.id}/milestones/admitted"' not in page
    response = post_step(client, dossier, "admitted", on="01/07/2020", admission_decision_no="1")
    assert response.status_code == 422
    assert "Your role cannot record “Admitted”" in response.get_data(as_text=True)
    db.session.refresh(dossier)
    assert dossier.admitted_on is None


def test_a_district_officer_of_another_unit_gets_404_everywhere(client, login_as):
    dossier = _dossier(full_name="Hà Thị Riêng")
    person_without = factories.person(factories.enterprise("643"))
    db.session.commit()
    login_as(Role.DISTRICT, unit=factories.unit("644"))
    base = f"/dossiers/{dossier.id}"
    assert client.get(base).status_code == 404
    for path in ("/milestones/cell_resolved", "/milestones/verified/remove", "/end", "/reopen",
                 "/settings"):
        assert client.post(base + path, data={"version": "1"}).status_code == 404, path
    assert client.post(f"/dossiers/open/{person_without.id}").status_code == 404
    assert "Hà Thị Riêng" not in client.get("/dossiers/").get_data(as_text=True)


def test_the_board_reads_a_dossier_but_cannot_change_it(client, login_as):
    dossier = _dossier()
    person_without = factories.person(factories.enterprise("643"))
    db.session.commit()
    login_as(Role.BOARD)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert dossier.person.full_name in page
    assert "/milestones/" not in page
    base = f"/dossiers/{dossier.id}"
    for path in ("/milestones/cell_resolved", "/milestones/verified/remove", "/end", "/reopen",
                 "/settings"):
        assert client.post(base + path, data={"version": "1"}).status_code == 403, path
    assert client.post(f"/dossiers/open/{person_without.id}").status_code == 403


def test_the_admin_has_no_dossier_list(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/dossiers/").status_code == 403


def test_a_stale_version_gets_a_conflict_message_and_nothing_is_overwritten(client, officer):
    dossier = _dossier()
    opened_version = dossier.version
    assert post_step(client, dossier, "verified", on="22/03/2020", reason="Fix").status_code == 302
    response = post_step(client, dossier, "verified", version=opened_version, on="25/03/2020",
                         reason="Other fix")
    assert response.status_code == 409
    assert "Someone else saved this record" in response.get_data(as_text=True)
    db.session.refresh(dossier)
    assert dossier.verified_on == date(2020, 3, 22)


# The list


def test_the_list_filters_by_stage_year_and_unit(client, login_as):
    introduced = _dossier(full_name="Lý Thị Giới Thiệu")
    admitted = _dossier(full_name="Đỗ Văn Kết Nạp", cell_resolved_on=date(2020, 5, 1),
                        cell_votes_for=7, cell_members=9, committee_resolved_on=date(2020, 5, 5),
                        committee_votes_for=5, committee_members=7, admitted_on=date(2020, 6, 1),
                        admission_decision_no="1")
    old = _sworn_in_2019(full_name="Mai Văn Năm Trước")
    elsewhere = factories.dossier_ready_for_cell(factories.person(
        factories.enterprise("644"), full_name="Vi Thị Huyện Khác"))
    db.session.commit()
    login_as(Role.BOARD)

    def names(query: str) -> set[str]:
        page = client.get(f"/dossiers/?{query}").get_data(as_text=True)
        everyone = (introduced, admitted, old, elsewhere)
        return {d.person.full_name for d in everyone if d.person.full_name in page}

    assert names("") == {"Lý Thị Giới Thiệu", "Đỗ Văn Kết Nạp", "Mai Văn Năm Trước",
                         "Vi Thị Huyện Khác"}
    assert names("stage=admitted") == {"Đỗ Văn Kết Nạp"}
    assert names("stage=introduced") == {"Lý Thị Giới Thiệu", "Vi Thị Huyện Khác"}
    assert names("year=2020") == {"Đỗ Văn Kết Nạp"}
    assert names("year=2019&year_of=admitted") == {"Mai Văn Năm Trước"}
    assert names("year=2020&year_of=introduced") == {"Lý Thị Giới Thiệu", "Đỗ Văn Kết Nạp",
                                                     "Vi Thị Huyện Khác"}
    assert names(f"unit={factories.unit('644').id}") == {"Vi Thị Huyện Khác"}
    assert names("stage=nonsense&year=abc") == names("")


def test_search_finds_without_accents_and_keeps_the_text_out_of_the_url(client, officer):
    _dossier(full_name="Nguyễn Văn An")
    _dossier(full_name="Trần Văn Bình")
    response = client.post("/dossiers/", data={"q": "nguyen van an"})
    assert response.status_code == 302
    assert "nguyen" not in response.headers["Location"].lower()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Trần Văn Bình" not in page
    cleared = client.post("/dossiers/", data={"q": "", "clear": "1"})
    assert "Trần Văn Bình" in client.get(cleared.headers["Location"]).get_data(as_text=True)


def test_search_by_citizen_id_keeps_it_out_of_the_url(client, officer):
    wanted = _dossier(full_name="Nguyễn Văn An")
    _dossier(full_name="Trần Văn Bình")
    citizen_id = wanted.person.citizen_id
    response = client.post("/dossiers/?stage=introduced", data={"q": citizen_id})
    assert citizen_id not in response.headers["Location"]
    assert "stage=introduced" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Trần Văn Bình" not in page
    assert citizen_id not in page.split('id="q"')[0]


def test_the_list_is_paged_and_page_links_keep_the_filters(client, officer, app):
    for n in range(app.config["PAGE_SIZE"] + 1):
        _dossier(full_name=f"Phan Văn Số {n:02d}")
    first = client.get("/dossiers/?stage=introduced").get_data(as_text=True)
    assert first.count("Phan Văn Số") == app.config["PAGE_SIZE"]
    links = re.findall(r'href="([^"]*page=2[^"]*)"', first)
    assert links and all("stage=introduced" in link for link in links)
    second = client.get("/dossiers/?stage=introduced&page=2").get_data(as_text=True)
    assert second.count("Phan Văn Số") == 1


def test_the_list_is_in_vietnamese_name_order(client, officer):
    for name in ("Nguyễn Văn Đạt", "Lê Văn Dũng", "Bùi Văn Ân", "Trần Thị An"):
        _dossier(full_name=name)
    page = client.get("/dossiers/").get_data(as_text=True)
    positions = [page.index(name) for name in
                 ("Trần Thị An", "Bùi Văn Ân", "Lê Văn Dũng", "Nguyễn Văn Đạt")]
    assert positions == sorted(positions)


def test_the_list_shows_stage_and_key_dates(client, officer):
    _dossier(full_name="Hồ Văn Ngày", cell_resolved_on=date(2020, 5, 3), cell_votes_for=7,
             cell_members=9)
    page = client.get("/dossiers/").get_data(as_text=True)
    assert "Party cell resolution" in page and "01/04/2020" in page and "03/05/2020" in page


# Alerts


def test_the_dossier_page_shows_an_overdue_decision(client, officer):
    dossier = _dossier(cell_resolved_on=date(2020, 6, 1), cell_votes_for=7, cell_members=9)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "No admission decision 60 working days after the cell resolution of 01/06/2020" in page


@pytest.mark.parametrize(("values", "codes"), [
    ({"cell_resolved_on": date(2020, 6, 1)}, ["decision_overdue"]),
    ({"cell_resolved_on": date(2020, 11, 1)}, []),
    ({"admitted_on": date(2020, 10, 1)}, ["ceremony_overdue"]),
    ({"admitted_on": date(2020, 11, 20)}, []),
    ({"sworn_in_on": date(2019, 12, 10)}, ["recognition_due"]),
    ({"sworn_in_on": date(2019, 9, 1)}, ["recognition_overdue"]),
    ({"sworn_in_on": date(2020, 1, 10)}, []),
    ({"trained_on": date(2016, 1, 20)}, ["certificate_expiring"]),
    ({"trained_on": date(2015, 10, 1)}, ["certificate_expired"]),
    ({"trained_on": date(2015, 10, 1), "end_kind": EndKind.NOT_ADMITTED,
      "ended_on": date(2020, 1, 1)}, []),
])
def test_dossier_alerts_on_today(app, values, codes):
    dossier = Dossier(**values)
    assert [a.code for a in dossier_alerts(dossier, date(2020, 12, 15))] == codes
