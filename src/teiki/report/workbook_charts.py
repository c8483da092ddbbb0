"""Native Excel charts (xlsxwriter ``add_chart``) drawn from the tables the workbook has just written.

Each builder takes the workbook, the sheet name, the :class:`Block` where a
:class:`~teiki.report.tables.Table` was written (header row first) and the
table itself, and returns a chart whose series point at those cells, so the
chart follows the numbers if someone edits them in Excel. Series names always
refer to header cells (written through ``safe_cell``), never to raw text.
"""

from __future__ import annotations

from dataclasses import dataclass

from teiki.report.charts import SEGMENT_COLOURS
from teiki.report.tables import Table
from teiki.shop.vocabulary import KEYS

WIDTH, HEIGHT = 760, 400  # pixels; about 20 default rows high
YEN = '"¥"#,##0'


@dataclass(frozen=True)
class Block:
    """Where a table sits: the header row, the last data row, first and last column (0-based)."""

    sheet: str
    first_row: int
    last_row: int
    first_col: int
    last_col: int

    def values(self, col: int) -> list:
        return [self.sheet, self.first_row + 1, col, self.last_row, col]

    def name(self, col: int) -> list:
        return [self.sheet, self.first_row, col]

    def categories(self) -> list:
        return self.values(self.first_col)


def _chart(book, kind: str, subtype: str | None = None):
    options = {"type": kind} | ({"subtype": subtype} if subtype else {})
    return book.add_chart(options)


def _series(chart, b: Block, col: int, **extra: object) -> None:
    chart.add_series({"name": b.name(col), "categories": b.categories(), "values": b.values(col), **extra})


def _finish(chart, t: Table, x_title: str, y_title: str, y_format: str, legend: bool = True, **y_extra: object):
    """Title (the table's), axis titles and number format, legend at the bottom (or none), a fixed size."""
    chart.set_title({"name": t.title, "name_font": {"size": 12, "bold": True}})
    chart.set_x_axis({"name": x_title, "num_font": {"size": 9}})
    chart.set_y_axis({"name": y_title, "num_format": y_format, "major_gridlines": {"visible": True}, **y_extra})
    chart.set_legend({"position": "bottom"} if legend else {"none": True})
    chart.set_size({"width": WIDTH, "height": HEIGHT})
    return chart


def subscribers(book, b: Block, t: Table):
    """Active subscriptions at each month start, as columns."""
    chart = _chart(book, "column")
    _series(chart, b, 1, fill={"color": "#3182BD"}, gap=40)
    return _finish(chart, t, t.columns[0], t.columns[1], "#,##0", legend=False)


def retention_lines(book, b: Block, t: Table):
    """定期継続率 by delivery: the whole shop (thick, dark) and each group."""
    chart = _chart(book, "line")
    _series(chart, b, b.first_col + 1, line={"width": 3.25, "color": "#222222"})
    for col in range(b.first_col + 2, b.last_col + 1):
        _series(chart, b, col, line={"width": 1.5})
    return _finish(chart, t, t.columns[0], "", "0%", min=0, max=1)


def dropout_columns(book, b: Block, t: Table):
    """Step-wise drop-out per delivery (the last column of the table)."""
    chart = _chart(book, "column")
    _series(chart, b, b.last_col, fill={"color": "#DE2D26"}, gap=40)
    return _finish(chart, t, t.columns[0], t.columns[-1], "0%", legend=False, min=0)


def ltv_columns(book, b: Block, t: Table):
    """年間LTV revenue and gross profit per group, side by side (columns 3 and 4 of the LTV table)."""
    chart = _chart(book, "column")
    _series(chart, b, b.first_col + 3, fill={"color": "#3182BD"})
    _series(chart, b, b.first_col + 4, fill={"color": "#9ECAE1"})
    return _finish(chart, t, t.columns[0], "", YEN)


def revenue_share_bars(book, b: Block, t: Table):
    """Each segment's share of the last 365 days' revenue, one coloured bar per segment (table order = KEYS)."""
    chart = _chart(book, "bar")
    points = [{"fill": {"color": SEGMENT_COLOURS[k]}} for k in KEYS]
    _series(chart, b, b.first_col + 4, points=points, gap=30,
            data_labels={"value": True, "num_format": "0.0%", "font": {"size": 8}})
    chart.set_title({"name": t.columns[4], "name_font": {"size": 12, "bold": True}})
    chart.set_x_axis({"num_format": "0%", "min": 0, "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": WIDTH, "height": HEIGHT})
    return chart


def history_columns(book, b: Block, t: Table):
    """Head-count per segment at each month-end, stacked, in the segment colours."""
    chart = _chart(book, "column", "stacked")
    for i, key in enumerate(KEYS):
        _series(chart, b, b.first_col + 1 + i, fill={"color": SEGMENT_COLOURS[key]}, gap=30)
    return _finish(chart, t, t.columns[0], "", "#,##0")


def stacked_reasons(book, b: Block, t: Table):
    """Cancellations per reason (one series each), stacked per delivery number or product."""
    chart = _chart(book, "column", "stacked")
    for col in range(b.first_col + 1, b.last_col + 1):
        _series(chart, b, col, gap=40)
    return _finish(chart, t, t.columns[0], "", "#,##0")


def reasons_pie(book, b: Block, t: Table):
    """Share of each cancellation reason."""
    chart = _chart(book, "pie")
    _series(chart, b, b.first_col + 1, data_labels={"percentage": True, "category": True, "leader_lines": True,
                                                    "font": {"size": 8}})
    chart.set_title({"name": t.title, "name_font": {"size": 12, "bold": True}})
    chart.set_legend({"position": "right"})
    chart.set_size({"width": 560, "height": HEIGHT})
    return chart


def churn_lines(book, b: Block, t: Table):
    """Monthly customer churn (column 3) and revenue churn (column 6)."""
    chart = _chart(book, "line")
    _series(chart, b, b.first_col + 3, marker={"type": "circle", "size": 4})
    _series(chart, b, b.first_col + 6, marker={"type": "diamond", "size": 4})
    return _finish(chart, t, t.columns[0], "", "0%", min=0)


def offer_columns(book, b: Block, t: Table):
    """Acceptance rate per offer (column 3)."""
    chart = _chart(book, "column")
    _series(chart, b, b.first_col + 3, fill={"color": "#756BB1"}, gap=60)
    return _finish(chart, t, "", t.columns[3], "0%", legend=False, min=0)


def forecast_lines(book, b: Block, t: Table):
    """Observed 定期継続率 (markers) and the forecast with its 10% and 90% lines."""
    chart = _chart(book, "line")
    _series(chart, b, b.first_col + 1, line={"none": True}, marker={"type": "circle", "size": 5})
    _series(chart, b, b.first_col + 2, line={"width": 2.5, "color": "#3182BD"})
    for col in (b.first_col + 3, b.first_col + 4):
        _series(chart, b, col, line={"width": 1, "color": "#9ECAE1", "dash_type": "dash"})
    return _finish(chart, t, t.columns[0], "", "0%", min=0, max=1)


def cpa_columns(book, b: Block, t: Table):
    """限界CPA per group (column 8 of the forecast table)."""
    chart = _chart(book, "column")
    _series(chart, b, b.first_col + 7, fill={"color": "#31A354"}, gap=40)
    return _finish(chart, t, t.columns[0], t.columns[7], YEN, legend=False)


# table key → chart builder (tables without one get no chart)
BUILDERS = {
    "subscribers": subscribers, "curves": retention_lines, "dropout": dropout_columns,
    "cohort": ltv_columns, "channel": ltv_columns, "segments": revenue_share_bars, "history": history_columns,
    "reasons": reasons_pie, "by_delivery": stacked_reasons, "by_product": stacked_reasons,
    "churn": churn_lines, "offers": offer_columns, "fc_retention": forecast_lines, "fc_groups": cpa_columns,
}


def chart_for(book, b: Block, t: Table):
    """The native chart of table ``t`` written at ``b``, or None (no builder, or no rows to plot)."""
    build = BUILDERS.get(t.key)
    if build is None or not t.rows or b.last_col <= b.first_col:
        return None
    return build(book, b, t)
