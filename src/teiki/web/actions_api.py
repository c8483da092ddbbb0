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
from fastapi import Query, Request
from pydantic import Field

from teiki.errors import TeikiError
from teiki.shop import Shop
from teiki.web.downloads import sees_personal, visible
from teiki.web.registry import AsOf, Section
from teiki.web.rendering import request_lang
from teiki.web.state import served

section = Section(tag="actions")

Limit = Annotated[int, Query(ge=1, le=100_000, description="rows to return (the download has all)")]
Days = Annotated[int | None, Query(ge=0, le=3650)]
Rate = Annotated[float, Field(ge=0, le=1)]
MinDelivery = Annotated[int | None, Query(ge=1, le=120)]


def listing(request: Request, table: pa.Table, limit: int | None) -> dict:
    """The first ``limit`` rows of ``table`` as the reader may see them, with the total."""
    shown = visible(request, table if limit is None else table.slice(0, limit))
    return {"total": table.num_rows, "columns": shown.column_names, "rows": shown.to_pylist()}


def _kw(**values: object) -> dict:
    """Keyword arguments without the ones left at their default (None), so each method's defaults apply."""
    return {k: v for k, v in values.items() if v is not None}


# ------------------------------------------------------------------ calls (seed 000)


def call_table(request: Request, date: dt.date | None, lead_days: int | None, recent_days: int | None) -> pa.Table:
    return served(request).call(Shop.calls, date, personal=sees_personal(request), lang=request_lang(request),
                                output="pyarrow", **_kw(lead_days=lead_days, recent_days=recent_days))


@section.api("/calls", summary="Today's call list: customers whose product runs out soon (= teiki calls)")
def calls(request: Request, date: AsOf = None, lead_days: Days = None, recent_days: Days = None,
          limit: Limit = 500) -> dict:
    return listing(request, call_table(request, date, lead_days, recent_days), limit)


@section.download("/calls/download", summary="The whole call list as CSV or Excel", sheet="calls")
def calls_download(request: Request, date: AsOf = None, lead_days: Days = None,
                   recent_days: Days = None) -> tuple[pa.Table, str]:
    return call_table(request, date, lead_days, recent_days), f"calls_{date or 'latest'}"


@section.api("/runout", summary="The run-out schedule: every holder's run-out and call date")
def runout(request: Request, as_of: AsOf = None, lead_days: Days = None, limit: Limit = 500) -> dict:
    table = served(request).call(Shop.runout, as_of, output="pyarrow", **_kw(lead_days=lead_days))
    return listing(request, table, limit)


# ------------------------------------------------------------------ churn risk (seed 002)


def risk_model(request: Request, as_of: dt.date | None):
    return served(request).call(Shop.churn_model, as_of, lang=request_lang(request))


def risk_table(request: Request, as_of: dt.date | None) -> pa.Table:
    """The ranked subscriptions of the cached assessment (shop.churn_risk would train the model again)."""
    model, personal = risk_model(request, as_of), sees_personal(request)
    key = ("risk_list", as_of, request_lang(request), personal)
    return served(request).cached(key, lambda shop: shop.churn_risk_list(model, None, personal))


@section.api("/risk",
             summary="Churn risk of active subscriptions, riskiest first, with both scores' AUC (= teiki risk)")
def risk(request: Request, as_of: AsOf = None, limit: Limit = 500) -> dict:
    model = risk_model(request, as_of).to_dict()
    return {"model": model, **listing(request, risk_table(request, as_of), limit)}


@section.download("/risk/download", summary="Every active subscription's churn risk as CSV or Excel", sheet="risk")
def risk_download(request: Request, as_of: AsOf = None) -> tuple[pa.Table, str]:
    return risk_table(request, as_of), f"risk_{as_of or 'latest'}"


# ------------------------------------------------------------------ cross-sell, upsell, save offers, win-back


@section.api("/associations", summary="Bought-together rules A → B: support, confidence, lift")
def associations(request: Request, as_of: AsOf = None, limit: Limit = 500) -> dict:
    return listing(request, served(request).call(Shop.associations, as_of, output="pyarrow"), limit)


@section.api("/next-products", summary="Per first-order product, the next different product bought")
def next_products(request: Request, as_of: AsOf = None, limit: Limit = 500) -> dict:
    return listing(request, served(request).call(Shop.next_products, as_of, output="pyarrow"), limit)


def cross_sell_table(request: Request, product: str | None, customer: str | None, as_of: dt.date | None):
    personal = sees_personal(request) and product is None and customer is None
    return served(request).call(Shop.cross_sell, product, customer, as_of, personal=personal, output="pyarrow")


@section.api("/cross-sell", summary="What to offer next: per customer, for one customer, or with one product")
def cross_sell(request: Request, product: str | None = None, customer: str | None = None, as_of: AsOf = None,
               limit: Limit = 500) -> dict:
    return listing(request, cross_sell_table(request, product, customer, as_of), limit)


@section.download("/cross-sell/download", summary="One cross-sell recommendation per customer as CSV or Excel",
                  sheet="cross_sell")
def cross_sell_download(request: Request, as_of: AsOf = None) -> tuple[pa.Table, str]:
    return cross_sell_table(request, None, None, as_of), f"cross_sell_{as_of or 'latest'}"


@section.api("/cross-sell/timing", summary="Cross-sell acceptance (contacts) or rate (orders) by purchase number")
def cross_sell_timing(request: Request, as_of: AsOf = None,
                      source: Literal["contacts", "orders"] = "contacts") -> dict:
    table = served(request).call(Shop.cross_sell_timing, as_of, source=source, output="pyarrow")
    return listing(request, table, None)


def upsell_table(request: Request, as_of: dt.date | None, min_delivery: int | None) -> pa.Table:
    return served(request).call(Shop.upsell_candidates, as_of, personal=sees_personal(request), output="pyarrow",
                                **_kw(min_delivery=min_delivery))


def upsell_rates(request: Request, as_of: dt.date | None, min_delivery: int | None = None) -> pa.Table:
    return served(request).call(Shop.upsell_rates, as_of, output="pyarrow", **_kw(min_delivery=min_delivery))


@section.api("/upsell", summary="Subscriptions to offer a multi-month prepay plan, and acceptance by plan")
def upsell(request: Request, as_of: AsOf = None, min_delivery: MinDelivery = None, limit: Limit = 500) -> dict:
    rates = upsell_rates(request, as_of, min_delivery)
    return {"rates": rates.to_pylist(), **listing(request, upsell_table(request, as_of, min_delivery), limit)}


@section.download("/upsell/download", summary="The upsell candidates as CSV or Excel", sheet="upsell")
def upsell_download(request: Request, as_of: AsOf = None, min_delivery: MinDelivery = None) -> tuple[pa.Table, str]:
    return upsell_table(request, as_of, min_delivery), f"upsell_{as_of or 'latest'}"


@section.api("/save-offers", summary="What to offer in place of a cancellation, by reason, with save rates")
def save_offers(request: Request, reason: str | None = None, as_of: AsOf = None) -> dict:
    return listing(request, served(request).call(Shop.save_offers, reason, as_of, output="pyarrow"), None)


def winback_table(request: Request, as_of: dt.date | None, by: str) -> pa.Table:
    """The win-back customers or segments, both from one report (computed once per date and reader)."""
    report = served(request).call(Shop.winback_report, as_of, personal=sees_personal(request))
    return report.customers if by == "customer" else pa.Table.from_pylist(report.segments)


@section.api("/winback", summary="Lapsed segments and customers ranked by the expected value of a return")
def winback(request: Request, as_of: AsOf = None, by: Literal["customer", "segment"] = "customer",
            limit: Limit = 500) -> dict:
    return listing(request, winback_table(request, as_of, by), limit)


@section.download("/winback/download", summary="The win-back list as CSV or Excel", sheet="winback")
def winback_download(request: Request, as_of: AsOf = None) -> tuple[pa.Table, str]:
    return winback_table(request, as_of, "customer"), f"winback_{as_of or 'latest'}"


# ------------------------------------------------------------------ campaigns and call economics (seeds 002, 003)


@section.api("/campaigns", summary="Stored campaigns (= teiki campaign list)")
def campaigns(request: Request) -> dict:
    return listing(request, served(request).call(Shop.campaigns, output="pyarrow"), None)


# a name may hold "/" (links quote it as %2F, which arrives decoded): ``{name:path}``, the download declared first
@section.download("/campaigns/{name:path}/download", sheet="members",
                  summary="A campaign's treatment group as a contact list (CSV or Excel)")
def campaign_download(request: Request, name: str) -> tuple[pa.Table, str]:
    table = served(request).call(Shop.campaign_members, name, sees_personal(request), group="treatment",
                                 output="pyarrow")
    return table, f"campaign_{name}"


@section.api("/campaigns/{name:path}", summary="A campaign's effect against its holdout (= teiki campaign report)")
def campaign_report(request: Request, name: str, as_of: AsOf = None) -> dict:
    return served(request).call(Shop.campaign_report, name, as_of).to_dict()


def economics(request: Request, requests: int, cost_per_call: float, unit_price: float | None,
              save_rate: list[float], from_data: bool, as_of: dt.date | None):
    if not save_rate:
        raise TeikiError("bad_choice", name="save_rate", value="", choices="0–1, one or more")
    return served(request).call(Shop.call_economics, requests, cost_per_call, unit_price, tuple(save_rate),
                                from_data=from_data, as_of=as_of)


@section.api("/simulate/calls", summary="Retention-call economics per save rate (= teiki simulate calls)")
def simulate_calls(request: Request, requests: Annotated[int, Query(ge=0)] = 2000,
                   cost_per_call: Annotated[float, Query(ge=0)] = 300,
                   unit_price: Annotated[float | None, Query(ge=0)] = 5000,
                   save_rate: Annotated[list[Rate], Query(description="save rates, 0–1 (repeat the parameter)")] =
                   [0.05, 0.15],  # noqa: B006 - FastAPI's default for a repeated parameter
                   from_data: bool = False, as_of: AsOf = None) -> dict:
    return economics(request, requests, cost_per_call, unit_price, save_rate, from_data, as_of).to_dict()
