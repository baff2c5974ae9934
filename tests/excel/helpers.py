"""Building the workbooks officers really send, for the import tests."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

from openpyxl import Workbook

ENTERPRISE_HEADERS = ["Tên doanh nghiệp", "Mã số thuế", "Huyện/Thị xã/Thành phố", "Loại hình",
                      "Số lao động", "Ngày thành lập CĐCS"]
PERSON_HEADERS = ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD",
                  "Mã số thuế doanh nghiệp", "Vị trí công việc", "Trình độ học vấn"]
PATH_HEADERS = ["Ngày phát hiện bồi dưỡng", "Ngày cấp giấy chứng nhận", "Số giấy chứng nhận",
                "Ngày làm đơn", "Ngày thẩm tra lý lịch", "Ngày BCH CĐCS giới thiệu",
                "Số nghị quyết giới thiệu", "Đảng viên giới thiệu", "Cùng công tác từ ngày"]
# A path up to the union's introduction, in 2020, that passes every rule.
INTRODUCED = [date(2020, 1, 10), date(2020, 2, 10), "CN-01", date(2020, 3, 1),
              date(2020, 3, 20), date(2020, 4, 1), "12/NQ-CĐCS", "Trần Văn Giới",
              date(2018, 1, 2)]


def write(path: Path, rows: list[list], title: str | None = None, merge: str | None = None,
          blank_rows: int = 0) -> Path:
    """A workbook with an optional merged title above ``blank_rows`` empty rows, then
    ``rows`` (the header first)."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        if merge:
            sheet.merge_cells(merge)
    for _ in range(blank_rows):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def person_row(citizen_id: str, tax_code: str, name: str = "Nguyễn Văn An",
               born: object = date(1990, 5, 17), sex: str = "Nam", ethnic: str = "Kinh",
               role: str = "Công nhân", education: str = "12/12") -> list:
    return [name, born, sex, ethnic, citizen_id, tax_code, role, education]


def messy_dossiers(tmp_path: Path, tax_code: str = "6000111222") -> Path:
    """Four people as officers type them: a title, blank rows, an ID held as a number,
    dates typed as text, old-font (TCVN3) text, decomposed accents, stray spaces."""
    return write(tmp_path / "hs.xlsx", [
        [*PERSON_HEADERS, *PATH_HEADERS, "Ghi chú"],
        ["NGUYỄN VĂN AN", "5/6/90", "Nam", "Ê-đê", 66190001234, tax_code, "Công nhân", "12/12",
         *INTRODUCED, "ghi chú  "],
        ["Nguyeãn Thò Bình", "05-06-1992", "nữ", "Kinh", "066192001235", tax_code,
         "CÁN BỘ CÔNG ĐOÀN", "9/12", "10/01/2020"],
        [],
        ["Tr\u00adêng V¨n C\u00adêng", "01/01/1995", "Nam", "£ §ª", "066195001236", int(tax_code),
         "Công nhân", "THPT", date(2020, 2, 1)],
        [unicodedata.normalize("NFD", "  Phạm  Thị Hòa "), "02/03/1993 ", "Nữ ", "Kinh",
         "066193001237 ", f" {tax_code} ", "Công nhân", "12/12"],
    ], title="DANH SÁCH ĐOÀN VIÊN ƯU TÚ", merge="A1:H1", blank_rows=2)
