"""Report downloads: the API's numbers, the official format, neutralised text, audited
and scoped."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import event, select

from ldld_tracker.dashboards import breakdowns, queries
from ldld_tracker.excel.layout import HEADER_ROW, date_line
from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Role, Sex
from ldld_tracker.workflow.rules import END_CODES, STAGE_CODES

from .. import factories
from ..dashboards.helpers import admitted

CURRENT = STAGE_CODES + END_CODES


def _book(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.data)), response.data


def _table(sheet, width: int) -> list[list]:
    """The data rows below the header, up to the totals row."""
    rows = []
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, max_col=width, values_only=True):
        if row[0] is None:
            break
        rows.append(list(row))
    return rows


def test_progress_by_unit_has_the_api_numbers(client, login_as, report_data):
    login_as(Role.BOARD)
    api = client.get("/api/v1/progress?year=2020").get_json()
    book, _raw = _book(client, "/reports/progress.xlsx?year=2020")
    sheet = book.worksheets[0]
    rows = _table(sheet, 8 + len(CURRENT))
    assert [r[1] for r in rows] == [d["name"] for d in api["districts"]]
    for row, district in zip(rows, api["districts"], strict=True):
        assert row[2:6] == [district["target"], district["admitted_tracked"],
                            district["admitted_reported"], district["admitted"]]
        number = HEADER_ROW + 1 + rows.index(row)
        assert row[6] == f'=IF(N(C{number})>0,F{number}/C{number},"")'
        assert row[7] == district["introduced"]
        assert row[8:] == [district["current"][code] for code in CURRENT]
    total = [c.value for c in sheet[HEADER_ROW + 1 + len(rows)]]
    last = HEADER_ROW + len(rows)
    assert total[3] == f"=SUM(D9:D{last})" and total[5] == f"=SUM(F9:F{last})"
    assert total[2] == api["total"]["target"] == 3500  # the plan's own target, not the parts' sum
    assert any("600" in str(c.value) for row in sheet.iter_rows() for c in row if c.value)


def test_progress_breakdowns_add_up_to_the_dashboards_breakdowns(client, login_as, report_data, app):
    user = login_as(Role.BOARD)
    book, _raw = _book(client, "/reports/progress.xlsx?year=2020")
    sheet = book.worksheets[0]
    width = 8 + len(CURRENT) + 9
    rows = _table(sheet, width)
    progress = queries.progress(user, 2020, date(2020, 12, 15))
    result = breakdowns.breakdowns(user, progress)
    people = {line.label: line.admitted for line in result.groups[0].lines}
    first = 8 + len(CURRENT)
    women = sum(r[first] for r in rows)
    assert women == list(people.values())[0] + result.reported_women
    assert sum(r[first + 2] for r in rows) == list(people.values())[2]
    roles = [line.admitted for line in result.groups[1].lines]
    assert [sum(r[first + 4 + i] for r in rows) for i in range(5)] == roles


def test_progress_by_enterprise_within_a_unit(client, login_as, report_data):
    login_as(Role.BOARD)
    api = client.get("/api/v1/progress?year=2020&district=643").get_json()
    book, _raw = _book(client, "/reports/progress.xlsx?year=2020&district=643")
    sheet = book.worksheets[0]
    rows = _table(sheet, 7)
    assert [(r[1], r[2], r[4], r[6]) for r in rows] == [
        (e["name"], e["tax_code"], e["introduced"], e["admitted_tracked"]) for e in api["enterprises"]]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert api["districts"][0]["admitted"] in values


def test_progress_has_the_official_format(client, login_as, report_data):
    login_as(Role.BOARD)
    book, raw = _book(client, "/reports/progress.xlsx?year=2020")
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐẮK LẮK" and sheet["A1"].font.b
    heading = [c for c in sheet[1] if c.value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    motto = [c for c in sheet[2] if c.value == "Độc lập - Tự do - Hạnh phúc"]
    place = [c for c in sheet[3] if c.value == "Đắk Lắk, ngày 15 tháng 12 năm 2020"]
    assert heading and motto and place and place[0].font.i
    assert heading[0].column > sheet["A1"].column + 3  # top right
    assert sheet["A5"].value == "BÁO CÁO KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN NĂM 2020" and sheet["A5"].font.b
    assert all(c.font.name == "Times New Roman" for row in sheet.iter_rows() for c in row
               if c.value is not None)
    assert sheet["B9"].font.sz == 13
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$8:$8"
    assert sheet.freeze_panes == "C9"
    assert sheet.auto_filter.ref.startswith("A8:")
    assert sheet.column_dimensions["B"].width >= 25
    assert any(c.value == "TM. BAN THƯỜNG VỤ" for row in sheet.iter_rows() for c in row)
    assert "barChart" in zipfile.ZipFile(io.BytesIO(raw)).read("xl/charts/chart1.xml").decode()
    assert len(book.worksheets) == 2


def test_the_date_line_has_leading_zeros():
    assert date_line(date(2020, 6, 5)) == "Đắk Lắk, ngày 05 tháng 06 năm 2020"


def test_dossiers_list_in_vietnamese_order_with_real_dates(client, login_as, app):
    ent = factories.enterprise("643", name="=cmd|' /C calc'!A0")
    for name in ("Trần Văn Bình", "Lê Thị Ánh", "Nguyễn Văn An", "Phạm Đức Anh"):
        admitted(date(2020, 5, 4), ent, full_name=name, sex=Sex.FEMALE)
    d = admitted(date(2020, 5, 4), ent, full_name="Đỗ Văn Đức", citizen_id="066190000777")
    d.note = "+84 905 123 456"
    db.session.commit()
    login_as(Role.DISTRICT)
    book, _raw = _book(client, "/reports/dossiers.xlsx?year=2020&district=643")
    sheet = book.worksheets[0]
    rows = _table(sheet, 29)
    assert [r[1] for r in rows] == ["Nguyễn Văn An", "Phạm Đức Anh", "Lê Thị Ánh", "Trần Văn Bình",
                                    "Đỗ Văn Đức"]
    born = 2
    assert rows[0][born].date() == date(1990, 5, 17)
    assert sheet.cell(HEADER_ROW + 1, born + 1).number_format == "dd/mm/yyyy"
    admitted_column = 12 + 8  # twelve person columns, then milestones 1..10
    assert rows[0][admitted_column - 1].date() == date(2020, 5, 4)
    assert sheet.cell(HEADER_ROW + 1, admitted_column).number_format == "dd/mm/yyyy"
    assert rows[4][6] == "066190000777"
    assert rows[0][7] == "'=cmd|' /C calc'!A0"
    assert rows[4][-1] == "'+84 905 123 456"
    assert not any(c.data_type == "f" for row in sheet.iter_rows(min_row=HEADER_ROW) for c in row)
    # The streamed sheet has the same official format as the others.
    assert sheet.freeze_panes == "C9" and sheet.print_title_rows == "$8:$8"
    assert sheet.auto_filter.ref == f"A8:AC{HEADER_ROW + 5}"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert all(c.font.name == "Times New Roman" for row in sheet.iter_rows() for c in row
               if c.value is not None)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.changes["report"] == "dossiers" and entry.changes["rows"] == 5
    assert entry.changes["filters"]["year"] == 2020


def test_dossiers_list_follows_the_list_page_filters(client, login_as, report_data):
    login_as(Role.BOARD)
    book, _raw = _book(client, "/reports/dossiers.xlsx?stage=withdrawn")
    rows = _table(book.worksheets[0], 12)
    assert rows and {r[11] for r in rows} == {book.worksheets[0].cell(HEADER_ROW + 1, 12).value}
    assert client.get("/reports/dossiers.xlsx?stage=nonsense").status_code == 400


def test_every_export_is_audited(client, login_as, report_data):
    user = login_as(Role.BOARD)
    for url in ("/reports/progress.xlsx?year=2020", "/reports/dossiers.xlsx",
                "/reports/due.xlsx?year=2020"):
        client.get(url)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")
                                 .order_by(AuditEntry.id)).all()
    assert [e.changes["report"] for e in entries] == ["progress", "dossiers", "due"]
    assert all(e.user_id == user.id and "rows" in e.changes for e in entries)


def test_reports_are_scoped(client, login_as, report_data):
    login_as(Role.DISTRICT, unit=factories.unit("644"))
    book, _raw = _book(client, "/reports/progress.xlsx?year=2020")
    assert [r[1] for r in _table(book.worksheets[0], 3)] == ["Thị xã Buôn Hồ"]
    book, _raw = _book(client, "/reports/dossiers.xlsx")
    assert {r[9] for r in _table(book.worksheets[0], 12)} == {"Thị xã Buôn Hồ"}
    assert client.get("/reports/progress.xlsx?year=2020&district=643").status_code == 404
    assert client.get("/reports/dossiers.xlsx?district=643").status_code == 404
    assert client.get("/reports/due.xlsx?year=2020&district=643").status_code == 404


def test_the_admin_sees_no_person_and_gets_no_report(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/reports/dossiers.xlsx").status_code == 403


def test_due_list(client, login_as, report_data):
    login_as(Role.BOARD)
    book, _raw = _book(client, "/reports/due.xlsx?year=2020")
    sheet = book.worksheets[0]
    assert sheet["A5"].value == "DANH SÁCH HỒ SƠ ĐẾN HẠN VÀ CHẬM TIẾN ĐỘ"
    rows = _table(sheet, 10)
    assert rows and all(r[6] is None or r[6].year <= 2020 for r in rows)
    assert sheet.cell(HEADER_ROW + 1, 8).number_format == "dd/mm/yyyy"


def test_the_due_download_counts_no_progress_figures(client, login_as, report_data):
    """It reads what the due page reads: the lists and the medians, not the unit figures
    of the progress pages (reported totals, members, stages)."""
    login_as(Role.BOARD)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert client.get("/reports/due.xlsx?year=2020").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert any("dossier" in s for s in statements)
    assert not any("reported_total" in s or "unit_members" in s for s in statements)


def test_reports_page_offers_the_three_downloads(client, login_as, report_data):
    login_as(Role.DISTRICT)
    page = client.get("/reports/").get_data(as_text=True)
    for endpoint in ("/reports/progress.xlsx", "/reports/dossiers.xlsx", "/reports/due.xlsx"):
        assert endpoint in page
