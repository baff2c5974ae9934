"""Building the workbooks officers really send, for the import tests."""

from __future__ import annotations

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
