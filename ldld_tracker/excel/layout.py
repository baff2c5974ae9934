"""The official report frame that officials expect on a printed, forwarded report.

Administrative format: the issuing body in capitals top left, the national heading top
right, the place-and-date line in italics, the title in bold capitals, the table, then the
signature block; Times New Roman 13 on A4 landscape, fitted to the page width, with the
table header repeated on every printed page. These frame texts are Vietnamese by nature
(they appear on every official document), so they are constants here, not catalogue
entries; column headers and explanations go through the catalogue.

The same code writes ordinary and streaming (write-only) worksheets: rows are appended in
order, and everything the streaming writer needs before the first row (column widths,
frozen panes) is set first.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from datetime import date

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.properties import PageSetupProperties

from .safety import neutralise

ISSUING_BODY = "LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐẮK LẮK"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE = "Đắk Lắk"
DOCUMENT_NUMBER = "Số:         /BC-LĐLĐ"
PROGRESS_TITLE = "BÁO CÁO KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN NĂM {year}"
PROGRESS_UNIT_TITLE = "BÁO CÁO KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN TRONG DOANH NGHIỆP NĂM {year}"
DOSSIERS_TITLE = "DANH SÁCH ĐOÀN VIÊN ƯU TÚ TRONG QUÁ TRÌNH PHÁT TRIỂN ĐẢNG VIÊN"
DUE_TITLE = "DANH SÁCH HỒ SƠ ĐẾN HẠN VÀ CHẬM TIẾN ĐỘ"
SIGN_LEFT = ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)")
SIGN_RIGHT = ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "(Ký tên, đóng dấu)")

FONT_NAME = "Times New Roman"
FONT_SIZE = 13
DATE_FORMAT = "dd/mm/yyyy"
# Excel shows "#,##0" with the reader's own separators: 3.500 on a Vietnamese system.
INT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
# The frame takes rows 1-7; the table header is row 8.
HEADER_ROW = 8

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")


def date_line(day: date) -> str:
    """"Đắk Lắk, ngày 05 tháng 06 năm 2020": leading zeros, as on official documents."""
    return f"{PLACE}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _font(**kwargs: object) -> Font:
    return Font(name=FONT_NAME, size=kwargs.pop("size", FONT_SIZE), **kwargs)


_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")
STYLE_SPECS: dict[str, dict[str, object]] = {
    "plain": {"font": _font()},
    "frame_bold": {"font": _font(bold=True), "alignment": _CENTER},
    "frame": {"font": _font(), "alignment": _CENTER},
    "frame_italic": {"font": _font(italic=True), "alignment": _CENTER},
    "title": {"font": _font(bold=True, size=14), "alignment": _CENTER},
    "header": {"font": _font(bold=True), "alignment": _CENTER, "border": _BOX,
               "fill": _HEADER_FILL},
    "text": {"font": _font(), "alignment": _LEFT, "border": _BOX},
    "center": {"font": _font(), "alignment": _CENTER, "border": _BOX},
    "int": {"font": _font(), "alignment": _RIGHT, "border": _BOX, "number_format": INT_FORMAT},
    "date": {"font": _font(), "alignment": _CENTER, "border": _BOX,
             "number_format": DATE_FORMAT},
    "percent": {"font": _font(), "alignment": _RIGHT, "border": _BOX,
                "number_format": PERCENT_FORMAT},
    "total_text": {"font": _font(bold=True), "alignment": _CENTER, "border": _BOX},
    "total_int": {"font": _font(bold=True), "alignment": _RIGHT, "border": _BOX,
                  "number_format": INT_FORMAT},
    "total_percent": {"font": _font(bold=True), "alignment": _RIGHT, "border": _BOX,
                      "number_format": PERCENT_FORMAT},
}
TOTAL_STYLE = {"int": "total_int", "percent": "total_percent"}


class Styles:
    """Each named style computed once per workbook, then copied onto cells: styling every
    cell of a 12,000-row export one attribute at a time would dominate its cost."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._prepared: dict[str, object] = {}

    def cell(self, worksheet, value: object, style: str = "plain"):
        cell = WriteOnlyCell(worksheet, value)
        prepared = self._prepared.get(style)
        if prepared is None:
            for name, attribute in STYLE_SPECS[style].items():
                setattr(cell, name, attribute)
            self._prepared[style] = copy(cell._style)
        else:
            cell._style = copy(prepared)
        return cell


@dataclass(frozen=True)
class Column:
    """One table column: its header (already translated), width and cell style."""

    header: str
    width: float
    style: str = "text"


def _merge(worksheet, ref: str) -> None:
    if hasattr(worksheet, "merge_cells"):
        worksheet.merge_cells(ref)
    else:  # a streaming worksheet only keeps the list of ranges
        worksheet.merged_cells.add(ref)


class ReportSheet:
    """One official report on one worksheet: frame, table header, rows, signature."""

    def __init__(self, workbook: Workbook, worksheet, styles: Styles, columns: list[Column],
                 title: str, subtitle: str, issued_on: date, freeze_columns: int = 2) -> None:
        self.ws = worksheet
        self.styles = styles
        self.columns = columns
        self.width = len(columns)
        self.row = 0
        self.first_data_row = HEADER_ROW + 1
        self.last_data_row = HEADER_ROW
        for index, column in enumerate(columns, 1):
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        worksheet.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{HEADER_ROW + 1}"
        worksheet.row_dimensions[HEADER_ROW].height = 48
        self._page_setup()
        workbook.calculation.fullCalcOnLoad = True
        self._frame(title, subtitle, issued_on)
        self._append([self.styles.cell(self.ws, c.header, "header") for c in columns])

    def _page_setup(self) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    def _split(self) -> tuple[int, int]:
        """Columns of the left block (issuing body) and where the right block starts."""
        left = max(2, min(4, self.width // 3))
        right_start = max(left + 1, self.width - max(3, self.width // 2) + 1)
        return left, right_start

    def _line(self, left: str, left_style: str, right: str, right_style: str) -> None:
        left_end, right_start = self._split()
        cells = [None] * self.width
        cells[0] = self.styles.cell(self.ws, left, left_style) if left else None
        cells[right_start - 1] = self.styles.cell(self.ws, right, right_style) if right else None
        row = self._append(cells)
        _merge(self.ws, f"A{row}:{get_column_letter(left_end)}{row}")
        _merge(self.ws, f"{get_column_letter(right_start)}{row}:"
                        f"{get_column_letter(self.width)}{row}")

    def _wide(self, text: str, style: str) -> None:
        row = self._append([self.styles.cell(self.ws, text, style)] if text else [])
        if text:
            _merge(self.ws, f"A{row}:{get_column_letter(self.width)}{row}")

    def _frame(self, title: str, subtitle: str, issued_on: date) -> None:
        self._line(ISSUING_BODY, "frame_bold", NATION, "frame_bold")
        self._line("", "frame", MOTTO, "frame_bold")
        self._line(DOCUMENT_NUMBER, "frame", date_line(issued_on), "frame_italic")
        self._append([])
        self.ws.row_dimensions[5].height = 36
        self._wide(title, "title")
        self._wide(subtitle, "frame_italic")
        self._append([])

    def _append(self, cells: list) -> int:
        self.ws.append(cells)
        self.row += 1
        return self.row

    def add_row(self, values: list[object], styles: list[str] | None = None) -> int:
        """Append one table row; text is neutralised against formula injection here, so
        no caller can forget it. Values starting with "=" that we build ourselves are
        passed as ``Formula`` objects."""
        styles = styles or [c.style for c in self.columns]
        cells = []
        for value, style in zip(values, styles, strict=True):
            value = value.text if isinstance(value, Formula) else neutralise(value)
            cells.append(self.styles.cell(self.ws, value, style))
        self.last_data_row = self._append(cells)
        return self.last_data_row

    def add_line(self, *cells: tuple[object, str] | None) -> int:
        """Append a row outside the table (a note, a summary): (value, style) pairs, None
        for an empty cell. Text is neutralised like the table's."""
        return self._append([self.styles.cell(self.ws, neutralise(c[0]), c[1]) if c else None
                             for c in cells])

    def add_total_row(self, label: str, label_column: int, sum_styles: tuple[str, ...] = ("int",),
                      formulas: dict[int, object] | None = None) -> int:
        """Append the totals row: every column whose style is in ``sum_styles`` sums the
        data rows with a formula (so an official who edits a row sees the total follow)."""
        first, last = self.first_data_row, self.last_data_row
        cells = []
        for index, column in enumerate(self.columns, 1):
            letter = get_column_letter(index)
            style = TOTAL_STYLE.get(column.style, "total_text")
            if formulas and index in formulas:
                value: object = formulas[index]
            elif index == label_column:
                value = label
            elif column.style in sum_styles:
                value = f"=SUM({letter}{first}:{letter}{last})" if last >= first else 0
            else:
                value = None
            cells.append(self.styles.cell(self.ws, value, style))
        return self._append(cells)

    def finish(self, signature: bool = True) -> None:
        """Filters on the table's data rows, then the signature block."""
        last_column = get_column_letter(self.width)
        self.ws.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{max(self.last_data_row, HEADER_ROW + 1)}"
        if not signature:
            return
        self._append([])
        left_end, right_start = self._split()
        lines = max(len(SIGN_LEFT), len(SIGN_RIGHT))
        for i in range(lines):
            left = SIGN_LEFT[i] if i < len(SIGN_LEFT) else ""
            right = SIGN_RIGHT[i] if i < len(SIGN_RIGHT) else ""
            italic = lambda text: text.startswith("(")  # noqa: E731 - the bracketed hint
            self._line(left, "frame_italic" if italic(left) else "frame_bold",
                       right, "frame_italic" if italic(right) else "frame_bold")


@dataclass(frozen=True)
class Formula:
    """A formula we wrote ourselves (never user text), e.g. a percentage of two cells."""

    text: str


def ratio(row: int, numerator: int, denominator: int) -> Formula:
    """``numerator / denominator`` of this row, empty when the denominator is 0."""
    num, den = get_column_letter(numerator), get_column_letter(denominator)
    return Formula(f'=IF(N({den}{row})>0,{num}{row}/{den}{row},"")')
