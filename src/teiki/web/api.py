"""The JSON API of the shop's results: the objects of ``teiki kpi`` and ``teiki cpm``. (Each page's data is
served beside the page: :mod:`teiki.web.analytics`, :mod:`teiki.web.customers`, :mod:`teiki.web.data`; the
actions' lists in :mod:`teiki.web.actions_api`.)

``GET /api/kpi`` is exactly ``teiki kpi --format json`` and ``GET /api/cpm``
exactly ``teiki cpm --format json`` (same functions, same JSON encoding).
Results are cached per parameters until the next import.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Query, Request

from teiki.web.registry import AsOf, Section
from teiki.web.state import served

section = Section(tag="data")

By = Literal["cohort", "channel", "first_product", "first_kind"]


@section.api("/kpi", summary="Every KPI of SPEC §3 (= teiki kpi --format json)")
def kpi(request: Request, as_of: AsOf = None,
        window_days: Annotated[int, Query(ge=1, le=3650, description="LTV window in days")] = 365) -> dict:
    return served(request).cached(("kpi", as_of, window_days),
                                  lambda s: s.kpis(as_of, window_days=window_days).to_dict())


@section.api("/kpi/by", summary="Headline KPIs per cohort / channel / first product / first kind")
def kpi_by(request: Request, by: By, as_of: AsOf = None) -> list:
    return served(request).cached(("kpi_by", by, as_of), lambda s: s.kpi_by(by, as_of, output="pyarrow").to_pylist())


@section.api("/cpm", summary="The ten CPM segments (= teiki cpm --format json)")
def cpm(request: Request, as_of: AsOf = None) -> dict:
    return served(request).cached(("cpm", as_of), lambda s: s.portfolio(as_of).to_dict())


@section.api("/cpm/history", summary="Head-count per segment at each month-end")
def cpm_history(request: Request, start: AsOf = None, end: AsOf = None) -> dict:
    return served(request).cached(("cpm_history", start, end), lambda s: s.portfolio_history(start, end).to_dict())


@section.api("/cpm/migration", summary="Migration matrix between two dates")
def cpm_migration(request: Request, start: Annotated[dt.date, Query(description="D1, YYYY-MM-DD")],
                  end: AsOf = None) -> dict:
    return served(request).cached(("cpm_migration", start, end),
                                  lambda s: s.portfolio_migration(start, end).to_dict())


@section.api("/cpm/rfm", summary="RFM groups")
def cpm_rfm(request: Request, as_of: AsOf = None) -> dict:
    return served(request).cached(("rfm", as_of), lambda s: s.rfm_report(as_of).to_dict())
