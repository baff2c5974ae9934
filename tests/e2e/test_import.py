"""Journey 4: an officer imports the workbook they already keep, mess included (title rows
above the header, names in capitals, dates typed as text, a citizen ID that lost its
leading zero, one bad row). The preview shows the error and saves nothing; the error
workbook comes back with the bad cell marked; fixed, it imports and the new dossiers are
in the list.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlparse

from openpyxl import Workbook, load_workbook

from ldld_tracker.models import Person

from .conftest import sign_in
from .helpers import assert_no_horizontal_scroll, axe_violations, open_menu_item, screenshot

HEADERS = ["STT", "HỌ VÀ TÊN", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD",
           "Mã số thuế doanh nghiệp", "Vị trí công việc", "Ngày phát hiện bồi dưỡng",
           "Ngày cấp giấy chứng nhận", "Số giấy chứng nhận", "Ghi chú"]
BAD_ID = "0661950009"  # 10 digits: neither a citizen ID nor one that lost its zero
BAD_ROW = 9  # the row Excel shows for the third person (title rows, header, an empty row)
ID_COLUMN = "F"


def _messy_workbook(path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "DS quần chúng"
    sheet["A1"] = "LIÊN ĐOÀN LAO ĐỘNG TP. BUÔN MA THUỘT"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "DANH SÁCH QUẦN CHÚNG ƯU TÚ ĐƯỢC PHÁT HIỆN, BỒI DƯỠNG NĂM 2020"
    sheet.merge_cells("A2:L2")
    sheet.append([])
    sheet.append([])
    sheet.append([f"  {h}  " if n % 2 else h for n, h in enumerate(HEADERS)])  # row 5
    rows = [
        [1, "NGUYỄN VĂN NHẬP", "5/6/1994", "Nam", "Kinh", 66194000123,  # lost its zero
         "6009990001 ", "Công nhân", "10/01/2020", datetime(2020, 2, 14), "25/GCN", ""],
        [2, "  Trần Thị   Bảng Tính ", datetime(1996, 11, 2), "nữ", "Ê Đê", "066196000456",
         "6009990001", "Công nhân, người lao động", "12-01-2020", None, None, "đang học lớp"],
        [3, "Y Sai Số Byă", "01/03/1990", "Nam", "Ê-đê", BAD_ID,
         "6009990001", "Quản lý", "15/01/2020", None, None, None],
    ]
    for row in rows:
        sheet.append(row)
    sheet.insert_rows(7)  # an empty row between the people, as real sheets have
    book.save(path)


def _upload(page, path) -> None:
    page.locator("#file-dossiers").set_input_files(str(path))
    with page.expect_navigation():
        page.locator("form[data-upload]:has(#file-dossiers) button[type=submit]").click()
    _wait_for_result(page)


def _wait_for_result(page) -> None:
    """The preview page polls while the workbook is checked, then reloads with the result."""
    page.locator("main table").wait_for(timeout=30000)
    assert urlparse(page.url).path == "/imports/preview"


def _people(world, *citizen_ids: str) -> dict[str, Person]:
    from sqlalchemy import select

    from ldld_tracker.extensions import db

    with world.app.app_context():
        found = db.session.scalars(select(Person).where(Person.citizen_id.in_(citizen_ids)))
        return {p.citizen_id: (p.full_name, p.birth_date, p.dossier and p.dossier.identified_on)
                for p in found}


def test_officer_imports_a_messy_workbook_fixes_the_error_workbook_and_sees_the_dossiers(
        page, live_server, world, tmp_path):
    messy = tmp_path / "danh sach 2020.xlsx"
    _messy_workbook(messy)
    sign_in(page, live_server, world.district_officer)
    open_menu_item(page, "/imports/")
    _upload(page, messy)

    # The preview: three rows read, one with an error, which names its row and column.
    counts = [int(c.inner_text().replace(".", "").replace(",", ""))
              for c in page.locator("main table td").all()]
    assert counts[0] == 3 and counts[-1] == 1, counts
    errors = page.locator("main ul.small li")
    assert errors.count() == 1
    message = errors.first.inner_text()
    assert str(BAD_ROW) in message and f" {ID_COLUMN} " in message, message
    assert page.locator("form[action$='/imports/confirm']").count() == 0
    assert _people(world, "066194000123", "066196000456") == {}, "the preview saved something"
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    screenshot(page, "journey4-import-preview-errors")

    with page.expect_download() as download_info:
        page.locator("main a[href$='/imports/errors.xlsx']").click()
    fixed = tmp_path / "loi-nhap.xlsx"
    download_info.value.save_as(fixed)
    book = load_workbook(fixed)
    sheet = book.worksheets[0]
    bad_cell = sheet[f"{ID_COLUMN}{BAD_ROW}"]
    assert str(bad_cell.value) == BAD_ID
    assert bad_cell.fill.fgColor.rgb.endswith("FFC7CE"), "the bad cell is not highlighted"
    notes = [c.value for c in sheet[BAD_ROW][len(HEADERS):] if c.value]
    assert notes, "the row's problem is not written beside it"
    assert sheet["B6"].value == "NGUYỄN VĂN NHẬP", "the officer's rows must come back as written"

    bad_cell.value = "066190000789"
    book.save(fixed)
    page.goto(live_server.url + "/imports/")
    _upload(page, fixed)
    assert page.locator("main ul.small li").count() == 0
    with page.expect_navigation():
        page.locator("form[action$='/imports/confirm'] button[type=submit]").click()
    _wait_for_result(page)
    assert page.locator("main .alert-success").is_visible()

    people = _people(world, "066194000123", "066196000456", "066190000789")
    assert people == {
        "066194000123": ("Nguyễn Văn Nhập", date(1994, 6, 5), date(2020, 1, 10)),
        "066196000456": ("Trần Thị Bảng Tính", date(1996, 11, 2), date(2020, 1, 12)),
        "066190000789": ("Y Sai Số Byă", date(1990, 3, 1), date(2020, 1, 15)),
    }

    open_menu_item(page, "/dossiers/")
    page.locator("#f-enterprise").select_option(str(world.enterprise_id))
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").first.click()
    names = page.locator("main table tbody").inner_text()
    for name in ("Nguyễn Văn Nhập", "Trần Thị Bảng Tính", "Y Sai Số Byă"):
        assert name in names
