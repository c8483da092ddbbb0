"""The actions' JSON API (SPEC §6): today's call list, churn risk, cross-sell, upsell, save offers, win-back,
campaigns and the retention-call economics — the same Shop methods as ``teiki calls``, ``teiki risk`` … .

Lists answer ``{"total", "columns", "rows"}`` (the first ``limit`` rows; ``/download`` gives all of them as
CSV or Excel). Names, phones and e-mails are in a list only for a logged-in reader. Results are cached per
parameters until the next import.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import pyarrow as pa
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import Field

from teiki.errors import TeikiError
from teiki.web.api import AsOf, as_json, served
from teiki.web.app import request_lang
from teiki.web.downloads import file_response, sees_personal, visible

router = APIRouter(prefix="/api", tags=["actions"])

Limit = Annotated[int, Query(ge=1, le=100_000, description="rows to return (the download has all)")]
Format = Literal["csv", "xlsx"]
Days = Annotated[int | None, Query(ge=0, le=3650)]
Rate = Annotated[float, Field(ge=0, le=1)]


def listing(request: Request, table: pa.Table, limit: int | None) -> dict:
    """The first ``limit`` rows of ``table`` as the reader may see them, with the total."""
    shown = visible(request, table if limit is None else table.slice(0, limit))
    return {"total": table.num_rows, "columns": shown.column_names, "rows": shown.to_pylist()}


def _kw(**values: object) -> dict:
    """Keyword arguments without the ones left at their default (None), so each method's defaults apply."""
    return {k: v for k, v in values.items() if v is not None}


# ------------------------------------------------------------------ calls (seed 000)


def call_table(request: Request, date: dt.date | None, lead_days: int | None, recent_days: int | None) -> pa.Table:
    return served(request).call("calls", date, personal=sees_personal(request), lang=request_lang(request),
                                output="pyarrow", **_kw(lead_days=lead_days, recent_days=recent_days))


@router.get("/calls", summary="Today's call list: customers whose product runs out soon (= teiki calls)")
def calls(request: Request, date: AsOf = None, lead_days: Days = None, recent_days: Days = None, limit: Limit = 500):
    return as_json(listing(request, call_table(request, date, lead_days, recent_days), limit))


@router.get("/calls/download", summary="The whole call list as CSV or Excel")
def calls_download(request: Request, date: AsOf = None, lead_days: Days = None, recent_days: Days = None,
                   format: Format = "csv") -> Response:
    table = call_table(request, date, lead_days, recent_days)
    return file_response(visible(request, table), f"calls_{date or 'latest'}", format, sheet="calls")


@router.get("/runout", summary="The run-out schedule: every holder's run-out and call date")
def runout(request: Request, as_of: AsOf = None, lead_days: Days = None, limit: Limit = 500):
    table = served(request).call("runout", as_of, output="pyarrow", **_kw(lead_days=lead_days))
    return as_json(listing(request, table, limit))


# ------------------------------------------------------------------ churn risk (seed 002)


def risk_model(request: Request, as_of: dt.date | None):
    return served(request).call("churn_model", as_of, lang=request_lang(request))


def risk_table(request: Request, as_of: dt.date | None) -> pa.Table:
    """The ranked subscriptions of the cached assessment (shop.churn_risk would train the model again)."""
    from teiki.actions.methods_risk import risk_list

    model, personal = risk_model(request, as_of), sees_personal(request)
    key = ("risk_list", as_of, request_lang(request), personal)
    return served(request).cached(key, lambda shop: risk_list(shop, model.scores, None, personal))


@router.get("/risk", summary="Churn risk of active subscriptions, riskiest first, with both scores' AUC (= teiki risk)")
def risk(request: Request, as_of: AsOf = None, limit: Limit = 500):
    model = risk_model(request, as_of).to_dict()
    return as_json({"model": model, **listing(request, risk_table(request, as_of), limit)})


@router.get("/risk/download", summary="Every active subscription's churn risk as CSV or Excel")
def risk_download(request: Request, as_of: AsOf = None, format: Format = "csv") -> Response:
    return file_response(visible(request, risk_table(request, as_of)), f"risk_{as_of or 'latest'}", format, "risk")


# ------------------------------------------------------------------ cross-sell, upsell, save offers, win-back


@router.get("/associations", summary="Bought-together rules A → B: support, confidence, lift")
def associations(request: Request, as_of: AsOf = None, limit: Limit = 500):
    return as_json(listing(request, served(request).call("associations", as_of, output="pyarrow"), limit))


@router.get("/next-products", summary="Per first-order product, the next different product bought")
def next_products(request: Request, as_of: AsOf = None, limit: Limit = 500):
    return as_json(listing(request, served(request).call("next_products", as_of, output="pyarrow"), limit))


def cross_sell_table(request: Request, product: str | None, customer: str | None, as_of: dt.date | None):
    personal = sees_personal(request) and product is None and customer is None
    return served(request).call("cross_sell", product, customer, as_of, personal=personal, output="pyarrow")


@router.get("/cross-sell", summary="What to offer next: per customer, for one customer, or with one product")
def cross_sell(request: Request, product: str | None = None, customer: str | None = None, as_of: AsOf = None,
               limit: Limit = 500):
    return as_json(listing(request, cross_sell_table(request, product, customer, as_of), limit))


@router.get("/cross-sell/download", summary="One cross-sell recommendation per customer as CSV or Excel")
def cross_sell_download(request: Request, as_of: AsOf = None, format: Format = "csv") -> Response:
    table = cross_sell_table(request, None, None, as_of)
    return file_response(visible(request, table), f"cross_sell_{as_of or 'latest'}", format, "cross_sell")


@router.get("/cross-sell/timing", summary="Cross-sell acceptance (contacts) or rate (orders) by purchase number")
def cross_sell_timing(request: Request, as_of: AsOf = None, source: Literal["contacts", "orders"] = "contacts"):
    table = served(request).call("cross_sell_timing", as_of, source=source, output="pyarrow")
    return as_json(listing(request, table, None))


def upsell_table(request: Request, as_of: dt.date | None, min_delivery: int | None) -> pa.Table:
    return served(request).call("upsell_candidates", as_of, personal=sees_personal(request), output="pyarrow",
                                **_kw(min_delivery=min_delivery))


@router.get("/upsell", summary="Subscriptions to offer a multi-month prepay plan, and acceptance by plan")
def upsell(request: Request, as_of: AsOf = None, min_delivery: Annotated[int | None, Query(ge=1, le=120)] = None,
           limit: Limit = 500):
    rates = served(request).call("upsell_rates", as_of, output="pyarrow", **_kw(min_delivery=min_delivery))
    return as_json({"rates": rates.to_pylist(), **listing(request, upsell_table(request, as_of, min_delivery), limit)})


@router.get("/upsell/download", summary="The upsell candidates as CSV or Excel")
def upsell_download(request: Request, as_of: AsOf = None,
                    min_delivery: Annotated[int | None, Query(ge=1, le=120)] = None, format: Format = "csv"):
    table = upsell_table(request, as_of, min_delivery)
    return file_response(visible(request, table), f"upsell_{as_of or 'latest'}", format, "upsell")


@router.get("/save-offers", summary="What to offer in place of a cancellation, by reason, with save rates")
def save_offers(request: Request, reason: str | None = None, as_of: AsOf = None):
    return as_json(listing(request, served(request).call("save_offers", reason, as_of, output="pyarrow"), None))


def winback_table(request: Request, as_of: dt.date | None, by: str) -> pa.Table:
    """The win-back customers or segments, both from one report (computed once per date and reader)."""
    report = served(request).call("winback_report", as_of, personal=sees_personal(request))
    return report.customers if by == "customer" else pa.Table.from_pylist(report.segments)


@router.get("/winback", summary="Lapsed segments and customers ranked by the expected value of a return")
def winback(request: Request, as_of: AsOf = None, by: Literal["customer", "segment"] = "customer", limit: Limit = 500):
    return as_json(listing(request, winback_table(request, as_of, by), limit))


@router.get("/winback/download", summary="The win-back list as CSV or Excel")
def winback_download(request: Request, as_of: AsOf = None, format: Format = "csv") -> Response:
    table = winback_table(request, as_of, "customer")
    return file_response(visible(request, table), f"winback_{as_of or 'latest'}", format, "winback")


# ------------------------------------------------------------------ campaigns and call economics (seeds 002, 003)


@router.get("/campaigns", summary="Stored campaigns (= teiki campaign list)")
def campaigns(request: Request):
    return as_json(listing(request, served(request).call("campaigns", output="pyarrow"), None))


@router.get("/campaigns/{name}", summary="A campaign's effect against its holdout (= teiki campaign report)")
def campaign_report(request: Request, name: str, as_of: AsOf = None):
    return as_json(served(request).call("campaign_report", name, as_of).to_dict())


@router.get("/campaigns/{name}/download", summary="A campaign's treatment group as a contact list (CSV or Excel)")
def campaign_download(request: Request, name: str, format: Format = "csv") -> Response:
    table = served(request).call("campaign_members", name, sees_personal(request), group="treatment",
                                 output="pyarrow")
    return file_response(visible(request, table), f"campaign_{name}", format, "members")


def economics(request: Request, requests: int, cost_per_call: float, unit_price: float | None,
              save_rate: list[float], from_data: bool, as_of: dt.date | None):
    if not save_rate:
        raise TeikiError("bad_choice", name="save_rate", value="", choices="0–1, one or more")
    return served(request).call("call_economics", requests, cost_per_call, unit_price, tuple(save_rate),
                                from_data=from_data, as_of=as_of)


@router.get("/simulate/calls", summary="Retention-call economics per save rate (= teiki simulate calls)")
def simulate_calls(request: Request, requests: Annotated[int, Query(ge=0)] = 2000,
                   cost_per_call: Annotated[float, Query(ge=0)] = 300,
                   unit_price: Annotated[float | None, Query(ge=0)] = 5000,
                   save_rate: Annotated[list[Rate], Query(description="save rates, 0–1 (repeat the parameter)")] =
                   [0.05, 0.15],  # noqa: B006 - FastAPI's default for a repeated parameter
                   from_data: bool = False, as_of: AsOf = None):
    return as_json(economics(request, requests, cost_per_call, unit_price, save_rate, from_data, as_of).to_dict())
