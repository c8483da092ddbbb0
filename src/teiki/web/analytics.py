"""The analysis pages: 概要, 定期継続率, LTV, CPM, 解約 and 予測. Each shows the dict of its
:mod:`teiki.report.pagedata` function, computed once per query for the page and its JSON twin
``/api/<page>``, with the figures of :mod:`teiki.report.figures` (those of the HTML report)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Query

from teiki.report import charts, figures, pagedata
from teiki.report.kpilist import headline as kpi_rows
from teiki.shop.vocabulary import BY_KEY, KEYS, MOVE_LABELS, NEW
from teiki.web.registry import AsOf, PageData, Section, Visit

section = Section(tag="data", context=lambda visit: {"figures": figures.draw(visit.name, visit.d, visit.lang)})


def analysis(path: str, data: PageData, summary: str, **options: object):
    """An analysis page at ``path`` showing ``data`` (its template, heading and menu entry named after it),
    its data served at ``/api/<name>`` with ``summary``."""
    name = data.__name__
    return section.page(path, f"{name}.html", title=f"page_{name}", nav=f"page_{name}", needs_orders=True,
                        data=data, api=f"/{name}", summary=summary, **options)


@analysis("/", pagedata.overview, "Overview page: headline KPIs against the previous period")
def overview(visit: Visit, as_of: AsOf = None, compare: Literal["month", "year"] = "month") -> dict:
    """The headline cards, the subscribers by month and every KPI as of the page's date."""
    day, lang = visit.d["as_of"], visit.lang
    rows = visit.served.cached(("kpi_rows", day, lang),
                               lambda s: [(label, value, kind) for _, label, value, kind in
                                          kpi_rows(s.kpis(dt.date.fromisoformat(day)), lang)])
    return {"all_kpis": rows}


@analysis("/retention", pagedata.retention, "Retention page: curves by group, step-wise drop-out, cohort heatmap")
def retention(visit: Visit, as_of: AsOf = None, by: Literal["cohort", "channel", "first_product"] = "channel") -> dict:
    return {}


@analysis("/ltv", pagedata.ltv, "LTV page: 12-month LTV by cohort and channel, purchases × AOV")
def ltv(visit: Visit, as_of: AsOf = None) -> dict:
    return {}


@analysis("/portfolio", pagedata.portfolio, "Portfolio page: CPM map, monthly head-counts, migration from `since`")
def portfolio(visit: Visit, as_of: AsOf = None, since: AsOf = None) -> dict:
    """The CPM map, the head-counts and the migration matrix with its links to the customer lists."""
    lang = visit.lang
    return {"segments": {s["key"]: s for s in visit.d["portfolio"]["segments"]}, "keys": KEYS, "rows": [*KEYS, NEW],
            "label": lambda k: charts.segment_label(k, lang), "colours": charts.SEGMENT_COLOURS, "by_key": BY_KEY,
            "move_label": lambda m: MOVE_LABELS[m][1 if lang == "en" else 0]}


@analysis("/cancellations", pagedata.cancellations,
          "Cancellations page: reasons, churn by month, offer and save rates")
def cancellations(visit: Visit, as_of: AsOf = None) -> dict:
    return {}


@analysis("/forecast", pagedata.forecast,
          "Forecast page: retention forecast with interval, 限界CPA and LTV by group", fixed={"horizon": 12})
def forecast(visit: Visit, as_of: AsOf = None, by: Literal["channel", "cohort", "first_product"] = "channel",
             horizon: Annotated[int, Query(ge=1, le=60)] = 12,
             cpa: Annotated[float | None, Query(ge=0)] = None) -> dict:
    """The forecast over the page's 12 months (the JSON twin takes ``horizon``)."""
    lang = visit.lang
    return {"label": lambda g: charts.group_name(g, lang)}
