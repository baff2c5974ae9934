"""The official report frame that officials expect on a printed, forwarded report.

Administrative format: the issuing body in capitals top left, the national heading top
right, the place-and-date line in italics, the title in bold capitals, the table, then the
signature block; Times New Roman 13 on A4 landscape, fitted to the page width, with the
table header repeated on every printed page. These frame texts are Vietnamese by nature
(they appear on every official document), so they are constants here, not catalogue
entries; column headers and explanations go through the catalogue.

This module describes the layout once, whichever library writes the file: the named cell
styles (``STYLES``), the page (``PAGE``) and the order of the rows (``ReportSheet``).
``sheets`` turns that description into XlsxWriter calls (the lists, streamed) or
openpyxl calls (the progress report, with its chart). Rows are written in order, and
everything a streaming writer needs before the first row (column widths, frozen panes,
row heights) is set first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from openpyxl.utils import get_column_letter

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
HEADER_FILL = "D9D9D9"
# The frame takes rows 1-7; the table header is row 8.
HEADER_ROW = 8
TITLE_ROW = 5
HEADER_HEIGHT = 48
TITLE_HEIGHT = 36


def date_line(day: date) -> str:
    """"Đắk Lắk, ngày 05 tháng 06 năm 2020": leading zeros, as on official documents."""
    return f"{PLACE}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


@dataclass(frozen=True)
class CellStyle:
    """One named cell style. Aligned cells are also centred vertically; ``boxed`` is a
    thin border on all four sides; ``fill`` a solid background (RGB)."""

    bold: bool = False
    italic: bool = False
    size: int = FONT_SIZE
    horizontal: str = ""
    wrap: bool = False
    boxed: bool = False
    fill: str = ""
    number_format: str = ""


def _centered(**kwargs) -> CellStyle:
    return CellStyle(horizontal="center", wrap=True, **kwargs)


def _right(**kwargs) -> CellStyle:
    return CellStyle(horizontal="right", boxed=True, **kwargs)


STYLES: dict[str, CellStyle] = {
    "plain": CellStyle(),
    "frame_bold": _centered(bold=True),
    "frame": _centered(),
    "frame_italic": _centered(italic=True),
    "title": _centered(bold=True, size=14),
    "header": _centered(bold=True, boxed=True, fill=HEADER_FILL),
    "text": CellStyle(horizontal="left", wrap=True, boxed=True),
    "center": _centered(boxed=True),
    "int": _right(number_format=INT_FORMAT),
    "date": _centered(boxed=True, number_format=DATE_FORMAT),
    "percent": _right(number_format=PERCENT_FORMAT),
    "total_text": _centered(bold=True, boxed=True),
    "total_int": _right(bold=True, number_format=INT_FORMAT),
    "total_percent": _right(bold=True, number_format=PERCENT_FORMAT),
}
TOTAL_STYLE = {"int": "total_int", "percent": "total_percent"}


@dataclass(frozen=True)
class PageSetup:
    """How every report prints: A4 landscape, one page wide, centred, the table header
    repeated on each page (margins in inches)."""

    landscape: bool = True
    paper: int = 9  # A4
    fit_width: int = 1
    fit_height: int = 0  # as many pages down as needed
    center_horizontally: bool = True
    left: float = 0.4
    right: float = 0.4
    top: float = 0.6
    bottom: float = 0.6
    header: float = 0.5
    footer: float = 0.5
    title_rows: tuple[int, int] = (HEADER_ROW, HEADER_ROW)


PAGE = PageSetup()


@dataclass(frozen=True)
class Column:
    """One table column: its header (already translated), width (in characters, as
    Excel's column width) and cell style."""

    header: str
    width: float
    style: str = "text"


@dataclass(frozen=True)
class Formula:
    """A formula we wrote ourselves (never user text), e.g. a percentage of two cells."""

    text: str


def ratio(row: int, numerator: int, denominator: int) -> Formula:
    """``numerator / denominator`` of this row, empty when the denominator is 0."""
    num, den = get_column_letter(numerator), get_column_letter(denominator)
    return Formula(f'=IF(N({den}{row})>0,{num}{row}/{den}{row},"")')


# A block of one row: first and last column (1-based, inclusive), value and style.
Block = tuple[int, int, object, str]


class SheetWriter(Protocol):
    """What ``ReportSheet`` needs of a worksheet. Rows and columns are numbered from 1,
    as on screen; rows are written in increasing order, each once."""

    def column_width(self, column: int, width: float) -> None: ...

    def row_height(self, row: int, height: float) -> None: ...

    def freeze(self, row: int, column: int) -> None:
        """Keep the rows above ``row`` and the columns left of ``column`` in view."""

    def page_setup(self, page: PageSetup) -> None: ...

    def write_row(self, row: int, values: list[object], styles: list[str]) -> None:
        """One cell per value, from column 1; None is an empty cell that keeps its
        style (its border); a ``Formula`` is a formula; any other text is text."""

    def write_blocks(self, row: int, blocks: list[Block]) -> None:
        """Cells merged across columns (a value of "" leaves the block empty)."""

    def autofilter(self, first_row: int, first_column: int, last_row: int,
                   last_column: int) -> None: ...


class ReportSheet:
    """One official report on one worksheet: frame, table header, rows, signature."""

    def __init__(self, sheet: SheetWriter, columns: list[Column], title: str, subtitle: str,
                 issued_on: date, freeze_columns: int = 2) -> None:
        self.sheet = sheet
        self.columns = columns
        self.styles = [c.style for c in columns]
        self.width = len(columns)
        self.row = 0
        self.first_data_row = HEADER_ROW + 1
        self.last_data_row = HEADER_ROW
        for index, column in enumerate(columns, 1):
            sheet.column_width(index, column.width)
        sheet.freeze(HEADER_ROW + 1, freeze_columns + 1)
        sheet.row_height(TITLE_ROW, TITLE_HEIGHT)
        sheet.row_height(HEADER_ROW, HEADER_HEIGHT)
        sheet.page_setup(PAGE)
        self._frame(title, subtitle, issued_on)
        self._append([c.header for c in columns], ["header"] * self.width)

    def _split(self) -> tuple[int, int]:
        """Columns of the left block (issuing body) and where the right block starts."""
        left = max(2, min(4, self.width // 3))
        right_start = max(left + 1, self.width - max(3, self.width // 2) + 1)
        return left, right_start

    def _next(self) -> int:
        self.row += 1
        return self.row

    def _line(self, left: str, left_style: str, right: str, right_style: str) -> None:
        left_end, right_start = self._split()
        self.sheet.write_blocks(self._next(), [
            (1, left_end, neutralise(left), left_style),
            (right_start, self.width, neutralise(right), right_style)])

    def _wide(self, text: str, style: str) -> None:
        row = self._next()
        if text:
            self.sheet.write_blocks(row, [(1, self.width, neutralise(text), style)])

    def _frame(self, title: str, subtitle: str, issued_on: date) -> None:
        self._line(ISSUING_BODY, "frame_bold", NATION, "frame_bold")
        self._line("", "frame", MOTTO, "frame_bold")
        self._line(DOCUMENT_NUMBER, "frame", date_line(issued_on), "frame_italic")
        self._next()
        self._wide(title, "title")
        self._wide(subtitle, "frame_italic")
        self._next()

    def _append(self, values: list[object], styles: list[str]) -> int:
        row = self._next()
        self.sheet.write_row(row, values, styles)
        return row

    def add_row(self, values: list[object], styles: list[str] | None = None) -> int:
        """Append one table row; text is neutralised against formula injection here, so
        no caller can forget it. Formulas we build ourselves are ``Formula`` objects."""
        styles = styles or self.styles
        if len(values) != len(styles):
            raise ValueError(f"{len(values)} values for {len(styles)} columns")
        self.last_data_row = self._append([neutralise(v) for v in values], styles)
        return self.last_data_row

    def add_line(self, *cells: tuple[object, str] | None) -> int:
        """Append a row outside the table (a note, a summary): (value, style) pairs, None
        for an empty cell. Text is neutralised like the table's."""
        values = [neutralise(c[0]) if c else None for c in cells]
        styles = [c[1] if c else "" for c in cells]
        return self._append(values, styles)

    def add_total_row(self, label: str, label_column: int, sum_styles: tuple[str, ...] = ("int",),
                      formulas: dict[int, object] | None = None) -> int:
        """Append the totals row: every column whose style is in ``sum_styles`` sums the
        data rows with a formula (so an official who edits a row sees the total follow)."""
        first, last = self.first_data_row, self.last_data_row
        values: list[object] = []
        styles = []
        for index, column in enumerate(self.columns, 1):
            letter = get_column_letter(index)
            styles.append(TOTAL_STYLE.get(column.style, "total_text"))
            if formulas and index in formulas:
                values.append(formulas[index])
            elif index == label_column:
                values.append(neutralise(label))
            elif column.style in sum_styles:
                values.append(Formula(f"=SUM({letter}{first}:{letter}{last})") if last >= first
                              else 0)
            else:
                values.append(None)
        return self._append(values, styles)

    def finish(self, signature: bool = True) -> None:
        """Filters on the table's data rows, then the signature block."""
        self.sheet.autofilter(HEADER_ROW, 1, max(self.last_data_row, HEADER_ROW + 1), self.width)
        if not signature:
            return
        self._next()
        lines = max(len(SIGN_LEFT), len(SIGN_RIGHT))
        for i in range(lines):
            left = SIGN_LEFT[i] if i < len(SIGN_LEFT) else ""
            right = SIGN_RIGHT[i] if i < len(SIGN_RIGHT) else ""
            italic = lambda text: text.startswith("(")  # noqa: E731 - the bracketed hint
            self._line(left, "frame_italic" if italic(left) else "frame_bold",
                       right, "frame_italic" if italic(right) else "frame_bold")
