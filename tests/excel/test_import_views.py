"""The import pages as an officer uses them: templates, upload, preview, fix, import."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from ldld_tracker.excel.importer import run_import
from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Enterprise, Person, Role

from .. import factories
from .helpers import INTRODUCED, PATH_HEADERS, PERSON_HEADERS, person_row, write


def _upload(client, path, kind="dossiers"):
    with open(path, "rb") as handle:
        return client.post("/imports/upload", data={"kind": kind, "file": (handle, path.name)},
                           content_type="multipart/form-data")


def _template(client, kind):
    response = client.get(f"/imports/templates/{kind}.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def _listed(hidden, name: str) -> list[str]:
    """The values of one drop-down list on the template's hidden sheet."""
    column = next(col for col in hidden.iter_cols() if col[0].value == name)
    return [c.value for c in column[1:] if c.value is not None]


def test_the_dossier_template_has_headers_instructions_example_and_drop_downs(client, login_as):
    login_as(Role.DISTRICT)
    workbook = _template(client, "dossiers")
    data = workbook.worksheets[0]
    headers = [c.value for c in data[1]]
    assert headers[:3] == ["Họ và tên *", "Ngày sinh *", "Giới tính *"]
    assert data.max_row == 1  # no example to import by mistake
    lists = {str(dv.sqref): dv.formula1 for dv in data.data_validations.dataValidation}
    letter = {h.rstrip(" *"): chr(65 + i) for i, h in enumerate(headers) if i < 26}
    for header in ("Giới tính", "Dân tộc", "Vị trí công việc", "Đoàn viên thanh niên"):
        assert any(ref.startswith(letter[header] + "2") for ref in lists), header
    assert data.column_dimensions[letter["Số CCCD"]].number_format == "@"
    assert data.column_dimensions[letter["Ngày sinh"]].number_format == "dd/mm/yyyy"
    instructions, hidden = workbook.worksheets[1], workbook.worksheets[2]
    assert hidden.sheet_state == "hidden"
    ethnic = _listed(hidden, "ethnic_groups")
    assert "Ê-đê" in ethnic and len(ethnic) == 54
    values = [c.value for row in instructions.iter_rows() for c in row if c.value is not None]
    assert "Nguyễn Thị Ví Dụ" in values and "Họ và tên *" in values


def test_the_enterprise_template_offers_the_units_in_scope(client, login_as):
    login_as(Role.DISTRICT, unit=factories.unit("651"))
    hidden = _template(client, "enterprises").worksheets[2]
    assert _listed(hidden, "units") == ["Huyện Ea Kar"]


def test_a_filled_template_imports(client, login_as, tmp_path):
    login_as(Role.DISTRICT)
    workbook = _template(client, "enterprises")
    workbook.worksheets[0].append(["Công ty Mẫu", "6000333444", "Thành phố Buôn Ma Thuột", "Tư nhân",
                                   None, 50, "02/03/2015", "Không"])
    workbook.save(tmp_path / "filled.xlsx")
    assert _upload(client, tmp_path / "filled.xlsx", "enterprises").status_code == 302
    client.post("/imports/confirm")
    assert db.session.scalar(select(Enterprise).where(Enterprise.tax_code == "6000333444")).workforce == 50


def test_upload_preview_confirm_and_the_dashboard_changes(client, login_as, tmp_path):
    officer = login_as(Role.DISTRICT)
    factories.enterprise("643", tax_code="6000111222")
    db.session.commit()
    path = write(tmp_path / "Danh sách Nguyễn Văn An.xlsx", [
        [*PERSON_HEADERS, *PATH_HEADERS, "Chi bộ cơ sở", "Ngày chi bộ xét",
         "Số phiếu tán thành ở chi bộ", "Số đảng viên chính thức của chi bộ",
         "Ngày quyết định kết nạp", "Số quyết định kết nạp"],
        [*person_row("066190001234", "6000111222"), *INTRODUCED, "Có", "01/06/2020", 5, 6,
         "01/07/2020", "15-QĐ/TU"]])
    response = _upload(client, path)
    assert response.status_code == 302 and response.location.endswith("/imports/preview")
    assert "Nguy" not in response.location and "token" not in response.location
    page = client.get("/imports/preview").get_data(as_text=True)
    assert "066190001234" not in page
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0  # preview only
    status = client.get("/imports/status").get_json()
    assert status["state"] == "done" and status["mode"] == "preview"
    assert client.post("/imports/confirm").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1
    api = client.get("/api/v1/progress?year=2020&district=643").get_json()
    assert api["total"]["admitted_tracked"] == 1
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import")).user_id == officer.id


def test_errors_stop_the_import_and_the_error_workbook_shows_them(client, login_as, tmp_path):
    login_as(Role.DISTRICT)
    factories.enterprise("643", tax_code="6000111222")
    db.session.commit()
    path = write(tmp_path / "hs.xlsx", [
        PERSON_HEADERS,
        person_row("066190001234", "6000111222"),
        person_row("12345", "6000111222", name="Lê Văn B", born="31/02/1990"),
    ], title="DANH SÁCH", merge="A1:D1")
    workbook = load_workbook(path)
    workbook.active["H4"] = '=HYPERLINK("http://x")'
    workbook.active["H4"].data_type = "s"  # text that looks like a formula, as typed
    workbook.save(path)
    _upload(client, path)
    page = client.get("/imports/preview").get_data(as_text=True)
    assert "/imports/errors.xlsx" in page
    assert client.post("/imports/confirm").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    response = client.get("/imports/errors.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert sheet["A1"].value == "DANH SÁCH" and sheet["A2"].value == "Họ và tên"
    problems_column = len(PERSON_HEADERS) + 1
    assert sheet.cell(2, problems_column).value  # the problems header
    assert sheet.cell(3, problems_column).value is None  # a good row has no note
    note = sheet.cell(4, problems_column).value
    assert "B" in note and "E" in note
    assert sheet["B4"].fill.fgColor.rgb.endswith("FFC7CE") and sheet["E4"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["H4"].value.startswith("'=")  # the officer's text cannot run as a formula
    export = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert export.changes["report"] == "import_errors"


def test_a_hostile_upload_gets_a_message_not_an_error_page(client, login_as, tmp_path):
    login_as(Role.DISTRICT)
    path = tmp_path / "list.xlsx"
    path.write_text("Họ và tên,Ngày sinh\nA,1/1/1990\n", encoding="utf-8")
    response = _upload(client, path)
    assert response.status_code == 302 and response.location.endswith("/imports/")
    assert "CSV" in client.get("/imports/").get_data(as_text=True)
    assert client.get("/imports/preview").status_code == 302


def test_the_upload_is_stored_under_a_random_token_only_its_owner_can_use(client, login_as, app,
                                                                        tmp_path):
    login_as(Role.DISTRICT)
    factories.enterprise("643", tax_code="6000111222")
    db.session.commit()
    _upload(client, write(tmp_path / "hs.xlsx", [PERSON_HEADERS,
                                                  person_row("066190001234", "6000111222")]))
    with client.session_transaction() as session:
        token = session["import_token"]
    folder = Path(app.config["IMPORT_UPLOAD_FOLDER"])
    assert str(folder).startswith(str(tmp_path.parent.parent))
    state = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    assert state["filename"] == "hs.xlsx" and len(token) >= 40
    other = app.test_client()
    intruder = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    db.session.commit()
    other.post("/login", data={"username": intruder.username, "password": factories.PASSWORD})
    with other.session_transaction() as session:
        session["import_token"] = token
    assert other.get("/imports/preview").status_code == 302
    assert other.post("/imports/confirm").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    client.post("/imports/discard")
    assert not (folder / f"{token}.json").exists() and not (folder / f"{token}.xlsx").exists()


def test_only_officers_and_the_admin_reach_the_import_pages(client, login_as):
    login_as(Role.BOARD)
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/templates/dossiers.xlsx").status_code == 403


def test_the_admin_imports_enterprises_but_not_dossiers(client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/imports/").get_data(as_text=True)
    assert "/imports/templates/enterprises.xlsx" in page
    assert "/imports/templates/dossiers.xlsx" not in page
    assert client.get("/imports/templates/dossiers.xlsx").status_code == 404


def test_the_page_script_is_served_and_no_inline_script_is_used(client, login_as):
    login_as(Role.DISTRICT)
    page = client.get("/imports/").get_data(as_text=True)
    assert "js/imports.js" in page and "<script>" not in page and "style=" not in page
    response = client.get("/static/js/imports.js")
    assert response.status_code == 200
    response.close()


def test_a_preview_running_in_the_background_reports_its_progress(app, login_as, client, tmp_path):
    """The thread path, with the job's state polled as the page does."""
    import time

    app.config["IMPORTS_IN_BACKGROUND"] = True
    login_as(Role.DISTRICT)
    factories.enterprise("643", tax_code="6000111222")
    db.session.commit()
    rows = [person_row(f"0661900{n:05d}", "6000111222", name=f"Nguyễn Văn {n}") for n in range(30)]
    _upload(client, write(tmp_path / "hs.xlsx", [PERSON_HEADERS, *rows]))
    for _ in range(200):
        status = client.get("/imports/status").get_json()
        if status["state"] != "running":
            break
        time.sleep(0.05)
    assert status == {"state": "done", "mode": "preview", "done": 30, "total": 30}
    assert "30" in client.get("/imports/preview").get_data(as_text=True)


def test_the_same_import_through_the_page_and_the_function_agree(client, login_as, tmp_path):
    officer = login_as(Role.DISTRICT)
    factories.enterprise("643", tax_code="6000111222")
    db.session.commit()
    path = write(tmp_path / "hs.xlsx", [PERSON_HEADERS, person_row("066190001234", "6000111222",
                                                                   born=date(1990, 1, 1))])
    assert run_import("dossiers", path, officer).new == 1
    _upload(client, path)
    assert "1" in client.get("/imports/preview").get_data(as_text=True)


def test_an_officer_fixes_the_error_workbook_and_imports_it(client, login_as, tmp_path):
    """Download the template, fill it as officers do (text dates, an ID that lost its zero,
    one mistake), read the preview, fix the error workbook, import it, see the dashboard."""
    login_as(Role.DISTRICT)
    factories.enterprise("643", tax_code="6000111222")
    db.session.commit()
    workbook = _template(client, "dossiers")
    data = workbook.worksheets[0]
    headers = [c.value.rstrip(" *") for c in data[1]]

    def row(**values):
        return [values.get(h) for h in headers]

    common = {"Giới tính": "Nam", "Dân tộc": "Kinh", "Mã số thuế doanh nghiệp": "6000111222",
              "Vị trí công việc": "Công nhân, người lao động", "Trình độ học vấn": "12/12",
              "Ngày phát hiện bồi dưỡng": "10/1/2020", "Ngày BCH CĐCS giới thiệu": "01-04-2020",
              "Số nghị quyết giới thiệu": "12/NQ-CĐCS", "Đảng viên giới thiệu": "Trần Văn Giới",
              "Cùng công tác từ ngày": "2/1/18"}
    data.append(row(**common, **{"Họ và tên": "NGUYỄN VĂN AN", "Ngày sinh": "5/6/90",
                                 "Số CCCD": 66190001234}))
    data.append(row(**common, **{"Họ và tên": "Lê Thị Bình", "Ngày sinh": "31/02/1992",
                                 "Số CCCD": "066192001235"}))
    workbook.save(tmp_path / "filled.xlsx")
    _upload(client, tmp_path / "filled.xlsx")
    assert "errors.xlsx" in client.get("/imports/preview").get_data(as_text=True)

    fixed = load_workbook(io.BytesIO(client.get("/imports/errors.xlsx").data))
    sheet = fixed.worksheets[0]
    birth = headers.index("Ngày sinh") + 1
    assert sheet.cell(3, birth).fill.fgColor.rgb.endswith("FFC7CE")
    sheet.cell(3, birth).value = "28/02/1992"
    fixed.save(tmp_path / "fixed.xlsx")
    _upload(client, tmp_path / "fixed.xlsx")
    assert client.get("/imports/status").get_json()["state"] == "done"
    client.post("/imports/confirm")
    people = {p.full_name: p for p in db.session.scalars(select(Person))}
    assert set(people) == {"Nguyễn Văn An", "Lê Thị Bình"}
    assert people["Nguyễn Văn An"].citizen_id == "066190001234"
    assert people["Lê Thị Bình"].birth_date == date(1992, 2, 28)
    api = client.get("/api/v1/progress?year=2020&district=643").get_json()
    assert api["total"]["introduced"] == 2
