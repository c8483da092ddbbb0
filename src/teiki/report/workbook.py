"""The Excel report (``teiki report --out FILE.xlsx``): one sheet per area with its tables and native charts.

Sheets (Japanese by default): 概要 / 定期継続率 / LTV / CPM / 解約. Each starts
with a title line naming the as-of date and the area's notes, then its tables
(:mod:`teiki.report.tables`) one under another, numbers as numbers with a
format (¥#,##0, 0.0%, #,##0; changes of rates in points). A table with a chart
(:mod:`teiki.report.workbook_charts`) has it beside it when the table is
narrow, under it otherwise; the cohort × delivery table is coloured as a
heatmap by a conditional-format colour scale. Every text cell goes through
:func:`~teiki.report.export.safe_cell`, and the workbook never turns text into
formulas or links.
"""

from __future__ import annotations

import math
from pathlib import Path

from teiki.messages import say
from teiki.report import tables
from teiki.report.export import safe_cell
from teiki.report.workbook_charts import HEIGHT, YEN, Block, chart_for

OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
NUMBER_FORMATS = {
    "yen": YEN, "pct": "0.0%", "int": "#,##0", "num": "#,##0.00",
    "+yen": '+"¥"#,##0;-"¥"#,##0;"¥"0', "+int": "+#,##0;-#,##0;0", "+pct": '+0.0"pt";-0.0"pt";0.0"pt"',
}
FONT = {"ja": "Meiryo", "en": "Calibri"}
CHART_ROWS = HEIGHT // 20 + 2  # rows a chart covers (default rows are 20 px), plus a gap
BESIDE_MAX_COLUMNS = 6  # a chart goes beside tables up to this wide, under wider ones
FIRST_WIDTH, OTHER_WIDTH = 30, 13


def sheet_name(key: str, lang: str) -> str:
    """The sheet of an area: its page title, except CPM (Excel allows 31 characters)."""
    name = say("sheet_portfolio", lang) if key == "portfolio" else say(f"page_{key}", lang)
    return name[:31]


def _formats(book, lang: str) -> dict:
    """The cell formats by kind, plus the title, note and header styles."""
    font = {"font_name": FONT.get(lang, "Calibri"), "font_size": 10}
    fmts = {kind: book.add_format({**font, "num_format": code}) for kind, code in NUMBER_FORMATS.items()}
    fmts["text"] = book.add_format(font)
    fmts["title"] = book.add_format({**font, "bold": True, "font_size": 14})
    fmts["table_title"] = book.add_format({**font, "bold": True, "font_size": 11, "font_color": "#08519C"})
    fmts["note"] = book.add_format({**font, "italic": True, "font_color": "#555555"})
    fmts["header"] = book.add_format({**font, "bold": True, "bg_color": "#DEEBF7", "bottom": 1, "text_wrap": True,
                                      "valign": "top"})
    return fmts


def _text(ws, row: int, col: int, value: object, fmt) -> None:
    """A text cell, made inert if it looks like a formula."""
    ws.write_string(row, col, str(safe_cell(str(value))), fmt)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def write_cell(ws, row: int, col: int, value: object, kind: str, fmts: dict) -> None:
    """One table cell: text through safe_cell, numbers with their kind's format, nothing when missing.

    A change of a rate (``+pct``) is written in points (0.012 → 1.2, shown "+1.2pt").
    """
    if _missing(value):
        return
    if kind == "text" or isinstance(value, str):
        _text(ws, row, col, value, fmts["text"])
    else:
        ws.write_number(row, col, float(value) * (100 if kind == "+pct" else 1), fmts[kind])


class SheetWriter:
    """Writes one area's sheet top to bottom, keeping the next free row."""

    def __init__(self, book, fmts: dict, name: str) -> None:
        self.book, self.fmts, self.name = book, fmts, name
        self.ws = book.add_worksheet(name)
        self.row = 0
        self.ws.set_column(0, 0, FIRST_WIDTH)
        self.ws.set_column(1, 40, OTHER_WIDTH)

    def line(self, text: str, style: str) -> None:
        _text(self.ws, self.row, 0, text, self.fmts[style])
        self.row += 1

    def table(self, t: tables.Table) -> Block:
        """Title, header and rows from the next free row; returns where the header and rows went."""
        self.line(t.title, "table_title")
        top = self.row
        for j, col in enumerate(t.columns):
            _text(self.ws, top, j, col, self.fmts["header"])
        for i, cells in enumerate(t.rows, start=1):
            for j, (value, kind) in enumerate(cells):
                write_cell(self.ws, top + i, j, value, kind, self.fmts)
        block = Block(self.name, top, top + len(t.rows), 0, len(t.columns) - 1)
        if t.heat and t.rows:
            self._colour_scale(block, t)
        self.row = block.last_row + 2
        return block

    def _colour_scale(self, b: Block, t: tables.Table) -> None:
        """The heatmap: white to blue over the number cells (rates on 0–100%, counts on their range)."""
        rates = any(kind == "pct" for row in t.rows for _, kind in row)
        scale = {"type": "2_color_scale", "min_color": "#F7FBFF", "max_color": "#2171B5"}
        if rates:
            scale |= {"min_type": "num", "min_value": 0, "max_type": "num", "max_value": 1}
        self.ws.conditional_format(b.first_row + 1, b.first_col + 1, b.last_row, b.last_col, scale)

    def chart(self, chart, b: Block) -> None:
        """Place ``chart`` beside a narrow table (top-aligned) or under a wide one."""
        if b.last_col + 1 <= BESIDE_MAX_COLUMNS:
            self.ws.insert_chart(b.first_row - 1, b.last_col + 2, chart)
            self.row = max(self.row, b.first_row - 1 + CHART_ROWS)
        else:
            self.ws.insert_chart(self.row, 0, chart)
            self.row += CHART_ROWS


def write_area(book, fmts: dict, area: tables.Area, as_of: str, lang: str) -> None:
    """One sheet: the title line with the as-of date, the notes, then each table and its chart."""
    writer = SheetWriter(book, fmts, sheet_name(area.key, lang))
    writer.line(say("report_area_title", lang, page=area.title, as_of=as_of), "title")
    for note in area.notes:
        writer.line(note, "note")
    writer.row += 1
    for t in area.tables.values():
        block = writer.table(t)
        chart = chart_for(book, block, t)
        if chart is not None:
            writer.chart(chart, block)
    writer.ws.hide_gridlines(2)
    writer.ws.set_zoom(90)
    writer.ws.set_landscape()
    writer.ws.set_paper(9)  # A4
    writer.ws.fit_to_pages(1, 0)  # printed one page wide


def write_workbook(shop, out: Path, as_of=None, lang: str = "ja") -> Path:
    """The Excel report of ``shop`` as of ``as_of`` (None: the last order date) in ``out``; returns ``out``."""
    import xlsxwriter

    out = Path(out)
    data = tables.load(shop, as_of)
    day = data["overview"]["as_of"]
    book = xlsxwriter.Workbook(str(out), OPTIONS)
    try:
        book.set_properties({"title": say("report_title", lang, as_of=day), "author": "teiki"})
        fmts = _formats(book, lang)
        for area in tables.build(data, lang):
            write_area(book, fmts, area, day, lang)
    finally:
        book.close()
    return out
