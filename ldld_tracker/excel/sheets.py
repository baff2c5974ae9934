"""The two writers of ``layout``'s description: XlsxWriter and openpyxl.

The lists (dossiers, due) are written by XlsxWriter: in constant-memory mode each row
goes to disk as soon as the next one starts, straight into an anonymous temporary file
that the view streams to the client, so a province-wide list costs little more than
writing its cells. The progress report stays on openpyxl (its chart, and formulas that
LibreOffice recalculates on opening). Both take the same named styles and page setup
from ``layout``; nothing of the format is described here.

Formula injection: XlsxWriter is told never to turn text into formulas or links, and text
goes through ``write_string``; the layout has already neutralised text starting with a
formula character, as for openpyxl (which would otherwise read "=..." as a formula).
"""

from __future__ import annotations

import tempfile
from contextlib import suppress
from copy import copy
from datetime import date
from numbers import Real
from typing import IO

import xlsxwriter
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .layout import FONT_NAME, STYLES, Block, CellStyle, Formula, PageSetup

# Excel's day number of 1899-12-30 (day 0 of the 1900 date system, as Excel counts it).
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
# Before this day Excel counts a 29 February 1900 that never was: XlsxWriter corrects.
EXCEL_LEAP_BUG_END = date(1900, 3, 1)
# Excel's column width counts characters of the default font, 7 pixels wide.
DIGIT_PIXELS = 7
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                      "strings_to_numbers": False}


def xlsxwriter_format(style: CellStyle) -> dict[str, object]:
    """XlsxWriter's format properties for one of the layout's styles."""
    properties: dict[str, object] = {"font_name": FONT_NAME, "font_size": style.size}
    if style.bold:
        properties["bold"] = True
    if style.italic:
        properties["italic"] = True
    if style.horizontal:
        properties.update(align=style.horizontal, valign="vcenter")
    if style.wrap:
        properties["text_wrap"] = True
    if style.boxed:
        properties["border"] = 1
    if style.fill:
        properties.update(pattern=1, bg_color=f"#{style.fill}")
    if style.number_format:
        properties["num_format"] = style.number_format
    return properties


class XlsxSheet:
    """``layout.SheetWriter`` on an XlsxWriter worksheet."""

    def __init__(self, workbook: xlsxwriter.Workbook, worksheet) -> None:
        self.workbook = workbook
        self.ws = worksheet
        self._formats: dict[str, object] = {}
        self._row_styles: list[str] | None = None
        self._row_formats: list[object] = []

    def format(self, style: str):
        """The workbook's format for a named style (None: no cell)."""
        if not style:
            return None
        if style not in self._formats:
            self._formats[style] = self.workbook.add_format(xlsxwriter_format(STYLES[style]))
        return self._formats[style]

    def column_width(self, column: int, width: float) -> None:
        # In pixels, so the file holds ``width`` itself (XlsxWriter would add its padding
        # to a width given in characters).
        self.ws.set_column_pixels(column - 1, column - 1, round(width * DIGIT_PIXELS))

    def row_height(self, row: int, height: float) -> None:
        self.ws.set_row(row - 1, height)

    def freeze(self, row: int, column: int) -> None:
        self.ws.freeze_panes(row - 1, column - 1)

    def page_setup(self, page: PageSetup) -> None:
        ws = self.ws
        if page.landscape:
            ws.set_landscape()
        ws.set_paper(page.paper)
        ws.fit_to_pages(page.fit_width, page.fit_height)
        if page.center_horizontally:
            ws.center_horizontally()
        ws.set_margins(left=page.left, right=page.right, top=page.top, bottom=page.bottom)
        ws.set_header("", margin=page.header)
        ws.set_footer("", margin=page.footer)
        ws.repeat_rows(page.title_rows[0] - 1, page.title_rows[1] - 1)

    def write_row(self, row: int, values: list[object], styles: list[str]) -> None:
        # The table's rows all share one list of styles: their formats are looked up once.
        if styles is not self._row_styles:
            self._row_styles, self._row_formats = styles, [self.format(s) for s in styles]
        formats = self._row_formats
        ws, r = self.ws, row - 1
        for column, value in enumerate(values):
            cell_format = formats[column]
            kind = value.__class__
            if kind is str:
                if value:
                    ws.write_string(r, column, value, cell_format)
                elif cell_format is not None:
                    ws.write_blank(r, column, None, cell_format)
            elif value is None:
                if cell_format is not None:
                    ws.write_blank(r, column, None, cell_format)
            elif kind is int or kind is float:
                ws.write_number(r, column, value, cell_format)
            elif kind is date and value >= EXCEL_LEAP_BUG_END:
                ws.write_number(r, column, value.toordinal() - EXCEL_EPOCH, cell_format)
            elif kind is Formula:
                ws.write_formula(r, column, value.text, cell_format)
            else:
                self._write_other(r, column, value, cell_format)

    def _write_other(self, r: int, column: int, value: object, cell_format) -> None:
        if isinstance(value, bool):
            self.ws.write_boolean(r, column, value, cell_format)
        elif isinstance(value, date):  # a datetime, or a date Excel counts oddly (< 1900-03)
            self.ws.write_datetime(r, column, value, cell_format)
        elif isinstance(value, Real):  # Decimal, numpy...
            self.ws.write_number(r, column, float(value), cell_format)
        else:
            raise TypeError(f"cannot write {value.__class__.__name__} to a report cell")

    def write_blocks(self, row: int, blocks: list[Block]) -> None:
        for first, last, value, style in blocks:
            empty = value is None or value == ""
            if first < last:
                self.ws.merge_range(row - 1, first - 1, row - 1, last - 1,
                                    "" if empty else value, None if empty else self.format(style))
            elif not empty:
                self.ws.write(row - 1, first - 1, value, self.format(style))

    def autofilter(self, first_row: int, first_column: int, last_row: int,
                   last_column: int) -> None:
        self.ws.autofilter(first_row - 1, first_column - 1, last_row - 1, last_column - 1)


class XlsxReport:
    """A one-sheet workbook written by XlsxWriter into an anonymous temporary file:
    ``close()`` returns the file, rewound, for the view to stream (and close). Leaving the
    ``with`` block on an error discards the workbook and its files."""

    def __init__(self, sheet_name: str, constant_memory: bool = True) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile(prefix="ldld-report-", suffix=".xlsx")
        try:
            self.workbook = xlsxwriter.Workbook(
                self.file, {**XLSXWRITER_OPTIONS, "constant_memory": constant_memory})
            self.sheet = XlsxSheet(self.workbook, self.workbook.add_worksheet(sheet_name))
        except BaseException:
            self.file.close()
            raise

    def __enter__(self) -> XlsxReport:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            self.discard()

    def discard(self) -> None:
        """Abandon the workbook: closing it removes XlsxWriter's own temporary files."""
        with suppress(Exception):
            if not self.workbook.fileclosed:
                self.workbook.close()
        self.file.close()

    def close(self) -> IO[bytes]:
        self.workbook.close()
        self.file.seek(0)
        return self.file


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def openpyxl_attributes(style: CellStyle) -> dict[str, object]:
    """openpyxl's cell attributes for one of the layout's styles."""
    font: dict[str, object] = {"bold": True} if style.bold else {}
    if style.italic:
        font["italic"] = True
    attributes: dict[str, object] = {"font": Font(name=FONT_NAME, size=style.size, **font)}
    if style.horizontal:
        attributes["alignment"] = Alignment(horizontal=style.horizontal, vertical="center",
                                            wrap_text=style.wrap or None)
    if style.boxed:
        attributes["border"] = _BOX
    if style.fill:
        attributes["fill"] = PatternFill("solid", fgColor=style.fill)
    if style.number_format:
        attributes["number_format"] = style.number_format
    return attributes


class OpenpyxlSheet:
    """``layout.SheetWriter`` on an ordinary (in-memory) openpyxl worksheet."""

    def __init__(self, workbook: Workbook, worksheet: Worksheet) -> None:
        self.ws = worksheet
        self._prepared: dict[str, object] = {}
        workbook.calculation.fullCalcOnLoad = True

    def _cell(self, row: int, column: int, value: object, style: str) -> None:
        """Each named style is computed once per sheet, then copied onto cells: styling
        every cell one attribute at a time would dominate a large sheet's cost."""
        cell = self.ws.cell(row, column, value.text if isinstance(value, Formula) else value)
        prepared = self._prepared.get(style)
        if prepared is None:
            for name, attribute in openpyxl_attributes(STYLES[style]).items():
                setattr(cell, name, attribute)
            self._prepared[style] = copy(cell._style)
        else:
            cell._style = copy(prepared)

    def column_width(self, column: int, width: float) -> None:
        self.ws.column_dimensions[get_column_letter(column)].width = width

    def row_height(self, row: int, height: float) -> None:
        self.ws.row_dimensions[row].height = height

    def freeze(self, row: int, column: int) -> None:
        self.ws.freeze_panes = f"{get_column_letter(column)}{row}"

    def page_setup(self, page: PageSetup) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape" if page.landscape else "portrait"
        ws.page_setup.paperSize = page.paper
        ws.page_setup.fitToWidth = page.fit_width
        ws.page_setup.fitToHeight = page.fit_height
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = page.center_horizontally or None
        margins = ws.page_margins
        margins.left, margins.right = page.left, page.right
        margins.top, margins.bottom = page.top, page.bottom
        margins.header, margins.footer = page.header, page.footer
        ws.print_title_rows = f"{page.title_rows[0]}:{page.title_rows[1]}"

    def write_row(self, row: int, values: list[object], styles: list[str]) -> None:
        for column, (value, style) in enumerate(zip(values, styles, strict=True), 1):
            if style:
                self._cell(row, column, value, style)

    def write_blocks(self, row: int, blocks: list[Block]) -> None:
        for first, last, value, style in blocks:
            if value is not None and value != "":
                self._cell(row, first, value, style)
            if last > first:
                self.ws.merge_cells(start_row=row, start_column=first, end_row=row,
                                    end_column=last)

    def autofilter(self, first_row: int, first_column: int, last_row: int,
                   last_column: int) -> None:
        self.ws.auto_filter.ref = (f"{get_column_letter(first_column)}{first_row}:"
                                   f"{get_column_letter(last_column)}{last_row}")
