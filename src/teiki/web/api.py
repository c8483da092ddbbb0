"""The JSON API under ``/api``: every page's data, and the objects of ``teiki kpi`` / ``teiki cpm``.

``GET /api/kpi`` is exactly ``teiki kpi --format json`` and ``GET /api/cpm``
exactly ``teiki cpm --format json`` (same functions, same JSON encoding).
Results are cached per parameters until the next import.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from teiki.report import pagedata
from teiki.web import customers as lists
from teiki.web.state import ServedShop

router = APIRouter(prefix="/api", tags=["data"])

AsOf = Annotated[dt.date | None, Query(description="as-of date YYYY-MM-DD; default: the last order date")]
By = Literal["cohort", "channel", "first_product", "first_kind"]


def served(request: Request) -> ServedShop:
    return request.app.state.shop


def as_json(payload: object) -> JSONResponse:
    """``payload`` encoded as the CLI encodes ``--format json`` (dates and other values as text)."""
    return JSONResponse(json.loads(json.dumps(payload, ensure_ascii=False, default=str)))


@router.get("/kpi", summary="Every KPI of SPEC §3 (= teiki kpi --format json)")
def kpi(request: Request, as_of: AsOf = None,
        window_days: Annotated[int, Query(ge=1, le=3650, description="LTV window in days")] = 365):
    return as_json(served(request).cached(("kpi", as_of, window_days),
                                          lambda s: s.kpis(as_of, window_days=window_days).to_dict()))


@router.get("/kpi/by", summary="Headline KPIs per cohort / channel / first product / first kind")
def kpi_by(request: Request, by: By, as_of: AsOf = None):
    return as_json(served(request).cached(("kpi_by", by, as_of),
                                          lambda s: s.kpi_by(by, as_of, output="pyarrow").to_pylist()))


@router.get("/cpm", summary="The ten CPM segments (= teiki cpm --format json)")
def cpm(request: Request, as_of: AsOf = None):
    return as_json(served(request).cached(("cpm", as_of), lambda s: s.portfolio(as_of).to_dict()))


@router.get("/cpm/history", summary="Head-count per segment at each month-end")
def cpm_history(request: Request, start: AsOf = None, end: AsOf = None):
    return as_json(served(request).cached(("cpm_history", start, end),
                                          lambda s: s.portfolio_history(start, end).to_dict()))


@router.get("/cpm/migration", summary="Migration matrix between two dates")
def cpm_migration(request: Request, start: Annotated[dt.date, Query(description="D1, YYYY-MM-DD")], end: AsOf = None):
    return as_json(served(request).cached(("cpm_migration", start, end),
                                          lambda s: s.portfolio_migration(start, end).to_dict()))


@router.get("/cpm/rfm", summary="RFM groups")
def cpm_rfm(request: Request, as_of: AsOf = None):
    return as_json(served(request).cached(("rfm", as_of), lambda s: s.rfm_report(as_of).to_dict()))


@router.get("/overview", summary="Overview page: headline KPIs against the previous period")
def overview(request: Request, as_of: AsOf = None, compare: Literal["month", "year"] = "month"):
    return as_json(page_data(request, "overview", as_of=as_of, compare=compare))


@router.get("/retention", summary="Retention page: curves by group, step-wise drop-out, cohort heatmap")
def retention(request: Request, as_of: AsOf = None, by: Literal["cohort", "channel", "first_product"] = "channel"):
    return as_json(page_data(request, "retention", as_of=as_of, by=by))


@router.get("/ltv", summary="LTV page: 12-month LTV by cohort and channel, purchases × AOV")
def ltv(request: Request, as_of: AsOf = None):
    return as_json(page_data(request, "ltv", as_of=as_of))


@router.get("/portfolio", summary="Portfolio page: CPM map, monthly head-counts, migration from `since`")
def portfolio(request: Request, as_of: AsOf = None, since: AsOf = None):
    return as_json(page_data(request, "portfolio", as_of=as_of, since=since))


@router.get("/cancellations", summary="Cancellations page: reasons, churn by month, offer and save rates")
def cancellations(request: Request, as_of: AsOf = None):
    return as_json(page_data(request, "cancellations", as_of=as_of))


@router.get("/forecast", summary="Forecast page: retention forecast with interval, 限界CPA and LTV by group")
def forecast(request: Request, as_of: AsOf = None, by: Literal["channel", "cohort", "first_product"] = "channel",
             horizon: Annotated[int, Query(ge=1, le=60)] = 12, cpa: Annotated[float | None, Query(ge=0)] = None):
    return as_json(page_data(request, "forecast", as_of=as_of, by=by, horizon=horizon, cpa=cpa))


@router.get("/customers", summary="A customer list: a CPM segment or a migration cell, one page of it")
def customers(request: Request, query: Annotated[lists.ListQuery, Query()]):
    return as_json(lists.page(request, query))


@router.get("/customers/download", summary="The whole customer list as CSV or Excel")
def customers_download(request: Request, query: Annotated[lists.ListQuery, Query()],
                       format: Literal["csv", "xlsx"] = "csv") -> Response:
    return lists.download(request, query, format)


@router.get("/status", summary="What is stored: rows per table, order dates, last import")
def status(request: Request):
    return as_json(served(request).cached(("status",), status_dict))


def status_dict(shop) -> dict:
    st = shop.status()
    return {"path": str(st.path), "customers": st.customers, "first_order": st.first_order,
            "last_order": st.last_order, "tables": [vars(t) for t in st.tables],
            "last_import": [{k: v for k, v in log.items()} for log in st.last_import]}


PAGES = {"overview": pagedata.overview, "retention": pagedata.retention, "ltv": pagedata.ltv,
         "portfolio": pagedata.portfolio, "cancellations": pagedata.cancellations, "forecast": pagedata.forecast}


def page_data(request: Request, name: str, **params: object) -> dict:
    """The :mod:`teiki.report.pagedata` dict of one page, cached per parameters."""
    return cached_page(served(request), name, **params)


def cached_page(shop: ServedShop, name: str, **params: object) -> dict:
    key = (name, *sorted(params.items()))
    return shop.cached(key, lambda s: PAGES[name](s, **params))


DEFAULT_PAGES = (("overview", {"as_of": None, "compare": "month"}), ("portfolio", {"as_of": None, "since": None}),
                 ("retention", {"as_of": None, "by": "channel"}), ("ltv", {"as_of": None}),
                 ("cancellations", {"as_of": None}),
                 ("forecast", {"as_of": None, "by": "channel", "horizon": 12, "cpa": None}))


def warm(shop: ServedShop) -> None:
    """Compute every page's default data (the pages as first opened), so the first visitor waits less."""
    for name, params in DEFAULT_PAGES:
        try:
            cached_page(shop, name, **params)
        except Exception:  # noqa: BLE001 - an empty or odd shop shows its error when the page is opened
            return
