"""Importing workbooks: every rule of the forms, all rows or none, the same file twice
changes nothing, and nothing outside the officer's area."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from ldld_tracker.excel.importer import run_import
from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Dossier, Enterprise, Introducer, Ownership, Person, Role

from .. import factories
from .helpers import (
    ENTERPRISE_HEADERS,
    INTRODUCED,
    PATH_HEADERS,
    PERSON_HEADERS,
    messy_dossiers,
    person_row,
    write,
)


def fingerprint() -> tuple:
    """Everything an import could change."""
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Enterprise, Person, Dossier, Introducer, AuditEntry)) + (
        db.session.scalar(select(func.sum(Person.version))),
        db.session.scalar(select(func.sum(Dossier.version))),
        db.session.scalar(select(func.sum(Enterprise.version))))


@pytest.fixture
def officer(app):
    user = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    db.session.commit()
    return user


@pytest.fixture
def company(app):
    enterprise = factories.enterprise("643", tax_code="6000111222")
    db.session.commit()
    return enterprise


def messy_enterprises(tmp_path):
    return write(tmp_path / "dn.xlsx", [
        ["STT", *ENTERPRISE_HEADERS],
        [1, "C«ng ty TNHH Th¸i B×nh  ", 6000333444, "TP. BMT", "Tư nhân", "1.200", "05/6/2015"],
        [],
        [2, "CÔNG TY CỔ PHẦN CÀ PHÊ", "6000333555", "Buôn Ma Thuột", "FDI", 300, date(2016, 1, 2)],
    ], title="DANH SÁCH DOANH NGHIỆP", merge="A1:F1", blank_rows=1)


def test_messy_enterprise_workbook_is_imported(officer, tmp_path):
    result = run_import("enterprises", messy_enterprises(tmp_path), officer, apply=True)
    assert result.applied and (result.rows, result.new) == (2, 2), [p.text() for p in result.problems]
    first = db.session.scalar(select(Enterprise).where(Enterprise.tax_code == "6000333444"))
    assert (first.name, first.workforce, first.union_founded_on, first.unit.code,
            first.ownership) == ("Công ty TNHH Thái Bình", 1200, date(2015, 6, 5), "643",
                                 Ownership.PRIVATE)
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.user_id == officer.id)).all()
    assert actions.count("enterprise.create") == 2 and "import" in actions


def test_importing_the_same_enterprises_twice_changes_nothing(officer, tmp_path):
    path = messy_enterprises(tmp_path)
    run_import("enterprises", path, officer, apply=True)
    before = fingerprint()
    again = run_import("enterprises", path, officer, apply=True)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
    after = fingerprint()  # only the import's own audit entry is new
    assert after[:4] == before[:4] and after[4] == before[4] + 1 and after[5:] == before[5:]


def test_a_changed_enterprise_is_counted_changed(officer, company, tmp_path):
    path = write(tmp_path / "dn.xlsx", [ENTERPRISE_HEADERS,
                                         [company.name, "6000111222", "643", "Tư nhân", 999, None]])
    result = run_import("enterprises", path, officer, apply=True)
    assert (result.changed, result.unchanged) == (1, 0)
    assert db.session.get(Enterprise, company.id).workforce == 999


def test_one_bad_row_and_nothing_is_written(officer, tmp_path):
    path = write(tmp_path / "dn.xlsx", [
        ENTERPRISE_HEADERS,
        ["Công ty A", "6000333444", "643", "Tư nhân", 10, None],
        ["Công ty B", "12345", "643", "Tư nhân", 10, None],
        ["Công ty C", "6000333666", "643", "Tư nhân", 10, "31/02/2020"],
    ])
    before = fingerprint()
    result = run_import("enterprises", path, officer, apply=True)
    assert not result.applied and result.new == 1
    assert [(p.row, p.column, p.header) for p in result.errors] == [
        (3, "B", "Mã số thuế"), (4, "F", "Ngày thành lập CĐCS")]
    text = result.errors[0].text()
    assert "3" in text and "B" in text and "Mã số thuế" in text and "10" in text
    assert fingerprint() == before


def test_enterprise_rows_outside_the_area_are_errors(officer, tmp_path):
    factories.enterprise("651", tax_code="6000999888")
    db.session.commit()
    path = write(tmp_path / "dn.xlsx", [
        ENTERPRISE_HEADERS,
        ["Công ty ở Ea Kar", "6000333444", "Ea Kar", "Tư nhân", 10, None],
        ["Công ty của huyện khác", "6000999888", "643", "Tư nhân", 10, None],
    ])
    result = run_import("enterprises", path, officer, apply=True)
    assert not result.applied
    assert [(p.row, p.column) for p in result.errors] == [(2, "C"), (3, "B")]


def test_an_enterprise_officer_cannot_add_enterprises(app, company, tmp_path):
    user = factories.user(Role.ENTERPRISE, enterprise_obj=company)
    path = write(tmp_path / "dn.xlsx", [ENTERPRISE_HEADERS,
                                         ["Công ty mới", "6000333444", "643", "Tư nhân", 1, None]])
    result = run_import("enterprises", path, user, apply=True)
    assert not result.applied and result.errors[0].column == "B"


def test_the_board_cannot_import(app, tmp_path):
    board = factories.user(Role.BOARD)
    result = run_import("dossiers", write(tmp_path / "x.xlsx", [PERSON_HEADERS]), board, apply=True)
    assert not result.applied and result.errors[0].row is None


def test_messy_dossier_workbook_goes_through_every_rule(officer, company, tmp_path):
    result = run_import("dossiers", messy_dossiers(tmp_path), officer, apply=True)
    assert result.applied, [p.text() for p in result.problems]
    assert (result.rows, result.new) == (4, 4)
    people = {p.citizen_id: p for p in db.session.scalars(select(Person))}
    an = people["066190001234"]
    assert (an.full_name, an.birth_date, an.ethnic_group.name) == (
        "Nguyễn Văn An", date(1990, 6, 5), "Ê-đê")
    assert an.dossier.introduced_on == date(2020, 4, 1)
    assert [i.full_name for i in an.dossier.introducers] == ["Trần Văn Giới"]
    assert an.dossier.note == "ghi chú"
    assert people["066192001235"].full_name == "Nguyễn Thị Bình"
    assert people["066195001236"].full_name == "Trường Văn Cường"
    assert people["066195001236"].ethnic_group.name == "Ê-đê"
    hoa = people["066193001237"]
    assert hoa.full_name == "Phạm Thị Hòa" and unicodedata.is_normalized("NFC", hoa.full_name)
    recorded = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "dossier", AuditEntry.object_id == an.dossier.id)).all()
    assert recorded.count("milestone.record") == 5


def test_importing_the_same_dossiers_twice_changes_nothing(officer, company, tmp_path):
    path = messy_dossiers(tmp_path)
    run_import("dossiers", path, officer, apply=True)
    before = fingerprint()
    again = run_import("dossiers", path, officer, apply=True)
    assert again.applied and (again.new, again.changed, again.unchanged) == (0, 0, 4)
    after = fingerprint()
    assert after[:4] == before[:4] and after[4] == before[4] + 1 and after[5:] == before[5:]


def test_dry_run_writes_nothing(officer, company, tmp_path):
    before = fingerprint()
    result = run_import("dossiers", messy_dossiers(tmp_path), officer)
    assert result.ok and not result.applied and result.new == 4
    assert fingerprint() == before


def test_a_broken_party_rule_is_an_error_on_its_cell_and_nothing_is_written(officer, company, tmp_path):
    headers = [*PERSON_HEADERS, *PATH_HEADERS, "Ngày chi bộ xét", "Số phiếu tán thành ở chi bộ",
               "Số đảng viên chính thức của chi bộ"]
    path = write(tmp_path / "hs.xlsx", [
        headers,
        [*person_row("066190001234", "6000111222"), *INTRODUCED, "01/06/2020", 3, 6],
        [*person_row("066190001235", "6000111222"), *INTRODUCED, None, None, None],
    ])
    before = fingerprint()
    result = run_import("dossiers", path, officer, apply=True)
    assert not result.applied
    [error] = result.errors
    assert (error.row, error.column, error.header) == (2, "R", "Ngày chi bộ xét")
    assert "3" in error.message and "2/3" in error.message
    assert fingerprint() == before


def test_a_milestone_without_what_it_needs_is_refused(officer, company, tmp_path):
    path = write(tmp_path / "hs.xlsx", [
        [*PERSON_HEADERS, "Ngày thẩm tra lý lịch"],
        [*person_row("066190001234", "6000111222"), "20/03/2020"],
    ])
    result = run_import("dossiers", path, officer, apply=True)
    assert not result.applied and result.errors[0].header == "Ngày thẩm tra lý lịch"


def test_an_enterprise_officer_cannot_record_the_admission_decision(app, company, tmp_path):
    user = factories.user(Role.ENTERPRISE, enterprise_obj=company)
    path = write(tmp_path / "hs.xlsx", [
        [*PERSON_HEADERS, "Ngày quyết định kết nạp", "Số quyết định kết nạp"],
        [*person_row("066190001234", "6000111222"), "01/07/2020", "12-QĐ/TU"],
    ])
    result = run_import("dossiers", path, user, apply=True)
    assert not result.applied and result.errors[0].header == "Ngày quyết định kết nạp"


def test_a_member_who_moved_keeps_one_file(officer, company, tmp_path):
    other = factories.enterprise("643", tax_code="6000777888")
    person = factories.person(company, citizen_id="066190001234", full_name="Nguyễn Văn An",
                              birth_date=date(1990, 5, 17))
    factories.dossier(person, identified_on=date(2020, 1, 10))
    db.session.commit()
    path = write(tmp_path / "hs.xlsx", [[*PERSON_HEADERS, "Ngày phát hiện bồi dưỡng"],
                                         [*person_row("066190001234", "6000777888"), "10/01/2020"]])
    result = run_import("dossiers", path, officer, apply=True)
    assert result.applied and result.changed == 1
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1
    assert db.session.get(Person, person.id).enterprise_id == other.id
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 1


def test_people_and_enterprises_outside_the_area_are_errors(officer, company, tmp_path):
    elsewhere = factories.enterprise("651", tax_code="6000555444")
    factories.person(elsewhere, citizen_id="066190009999")
    db.session.commit()
    path = write(tmp_path / "hs.xlsx", [
        PERSON_HEADERS,
        person_row("066190001234", "6000555444"),
        person_row("066190009999", "6000111222"),
    ])
    result = run_import("dossiers", path, officer, apply=True)
    assert not result.applied
    assert [(p.row, p.header) for p in result.errors] == [(2, "Mã số thuế doanh nghiệp"),
                                                          (3, "Số CCCD")]


def test_the_same_citizen_id_twice_in_a_file_is_an_error(officer, company, tmp_path):
    path = write(tmp_path / "hs.xlsx", [PERSON_HEADERS, person_row("066190001234", "6000111222"),
                                         person_row("066190001234", "6000111222", name="Lê Văn B")])
    result = run_import("dossiers", path, officer, apply=True)
    assert [(p.row, p.column) for p in result.errors] == [(3, "E")]


def test_warnings_do_not_stop_the_import(officer, company, tmp_path):
    headers = [*PERSON_HEADERS, *PATH_HEADERS, "Ngày chi bộ xét", "Số phiếu tán thành ở chi bộ",
               "Số đảng viên chính thức của chi bộ"]
    path = write(tmp_path / "hs.xlsx", [
        headers, [*person_row("066190001234", "6000111222", education="5/12"), *INTRODUCED,
                  "01/06/2020", 5, 6]])
    result = run_import("dossiers", path, officer, apply=True)
    assert result.applied and result.warnings
    assert result.warnings[0].header == "Ngày chi bộ xét"


def test_a_corrected_date_is_recorded_with_a_reason_and_empty_cells_remove_nothing(
        officer, company, tmp_path):
    path = write(tmp_path / "hs.xlsx", [[*PERSON_HEADERS, "Ngày phát hiện bồi dưỡng", "Ngày làm đơn"],
                                         [*person_row("066190001234", "6000111222"), "10/01/2020",
                                          "01/03/2020"]])
    run_import("dossiers", path, officer, apply=True)
    path = write(tmp_path / "hs2.xlsx", [[*PERSON_HEADERS, "Ngày phát hiện bồi dưỡng", "Ngày làm đơn"],
                                          [*person_row("066190001234", "6000111222"), "12/01/2020",
                                           None]])
    result = run_import("dossiers", path, officer, apply=True)
    assert result.applied and result.changed == 1
    dossier = db.session.scalar(select(Dossier))
    assert (dossier.identified_on, dossier.applied_on) == (date(2020, 1, 12), date(2020, 3, 1))
    correction = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "milestone.correct"))
    assert correction.reason


def test_missing_required_columns_are_named(officer, tmp_path):
    path = write(tmp_path / "hs.xlsx", [["Họ và tên", "Ngày sinh"], ["A", "1/1/1990"]])
    result = run_import("dossiers", path, officer, apply=True)
    assert not result.applied and result.rows == 0
    assert any("Số CCCD" in p.message for p in result.errors)
