"""The actions' pages (SPEC §6): 架電リスト, 解約リスク, クロスセル, アップセル・解約阻止, 休眠掘り起こし,
キャンペーン and 架電シミュレーション. Each shows the first rows of its list (the whole list downloads as CSV
or Excel from the JSON API, :mod:`teiki.web.actions_api`) and, where it helps, a chart."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request

from teiki.errors import TeikiError
from teiki.messages import CATALOGUE, say
from teiki.report import charts_actions as charts
from teiki.report.charts import segment_label
from teiki.report.formatting import fmt
from teiki.web import actions_api as api
from teiki.web.api import AsOf, served
from teiki.web.app import render, request_lang

router = APIRouter(include_in_schema=False)
SHOWN = 200  # rows a page shows; the download has them all
SUBNAV = (("/calls", "page_calls"), ("/risk", "page_risk"), ("/cross-sell", "page_cross_sell"),
          ("/offers", "page_offers"), ("/winback", "page_winback"), ("/campaigns", "page_campaigns"),
          ("/simulate", "page_simulate"))
PATHS = frozenset(p for p, _ in SUBNAV)

YEN_WORDS = ("amount", "revenue", "value", "sales", "cost", "net", "price", "gap", "spend", "ltv")
PCT_WORDS = ("rate", "share", "support", "confidence", "score", "p_return", "p_alive", "probability", "fraction",
             "margin", "retention")


def column_kind(name: str, value: object) -> str | None:
    """How a cell prints: yen / pct / int / num for numbers (by the column's name), None for text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if any(w in name for w in PCT_WORDS) and not name.endswith(("points", "_n")):
        return "pct"
    if any(w in name for w in YEN_WORDS):
        return "yen"
    return "int" if isinstance(value, int) or float(value).is_integer() else "num"


def table_context(lang: str) -> dict:
    """The helpers the table template uses: column labels and cell formatting in ``lang``."""
    def col(name: str) -> str:
        for key in (f"acol_{name}", f"lcol_{name}"):
            if key in CATALOGUE:
                return say(key, lang)
        return name

    def cell(name: str, value: object) -> str:
        if value is None:
            return "—"
        if name in ("segment", "segment_before"):
            return segment_label(value, lang)
        kind = column_kind(name, value)
        if name in ("purpose", "offer") and f"{name}_{value}" in CATALOGUE:  # the CLI's labels of these codes
            return say(f"{name}_{value}", lang)
        if isinstance(value, str) and f"aval_{value}" in CATALOGUE:
            return say(f"aval_{value}", lang)
        if kind is None:
            return value.isoformat() if isinstance(value, dt.date) else str(value)
        return fmt(value, kind, lang)

    return {"col": col, "cell": cell, "kind": column_kind, "subnav": SUBNAV}


def _page(request: Request, template: str, title: str, **context: object):
    return render(request, template, title=title, **table_context(request_lang(request)), **context)


@router.get("/calls")
def calls(request: Request, date: AsOf = None, lead_days: api.Days = None, recent_days: api.Days = None):
    data = api.listing(request, api.call_table(request, date, lead_days, recent_days), SHOWN)
    return _page(request, "actions_list.html", "page_calls", data=data, list_id="call-list", note="ap_calls_note",
                 download="/api/calls/download", controls=("date", "lead_days", "recent_days"))


@router.get("/risk")
def risk(request: Request, as_of: AsOf = None):
    lang = request_lang(request)
    model = api.risk_model(request, as_of).to_dict()
    training = model["training"]
    model["why"] = say(f"risk_why_{model['reason']}", lang, cancelled=training["cancelled_subscriptions"],
                       minimum=training["min_cancellations"], horizon=model["horizon_days"])
    data = api.listing(request, api.risk_table(request, as_of), SHOWN)
    data["columns"] = [c for c in data["columns"] if c != "reason_keys"]  # codes; the reasons column says them
    figures = {"calibration": charts.risk_calibration(model, lang)}
    return _page(request, "risk.html", "page_risk", data=data, model=model, figures=figures, list_id="risk-list",
                 download="/api/risk/download", controls=("as_of",))


@router.get("/cross-sell")
def cross_sell(request: Request, as_of: AsOf = None, product: str | None = None, customer: str | None = None):
    lang = request_lang(request)
    timing = served(request).call("cross_sell_timing", as_of, output="pyarrow").to_pylist()
    rules = api.listing(request, served(request).call("associations", as_of, output="pyarrow"), 50)
    nexts = api.listing(request, served(request).call("next_products", as_of, output="pyarrow"), 50)
    offers = api.listing(request, api.cross_sell_table(request, product, customer, as_of), SHOWN)
    figures = {"timing": charts.acceptance_by_purchase(timing, lang)}
    return _page(request, "cross_sell.html", "page_cross_sell", rules=rules, nexts=nexts, data=offers,
                 figures=figures, list_id="cross-sell-list",
                 download="/api/cross-sell/download" if product is None and customer is None else None,
                 controls=("as_of", "product", "customer"))


@router.get("/offers")
def offers(request: Request, as_of: AsOf = None, min_delivery: Annotated[int | None, Query(ge=1, le=120)] = None):
    rates = api.listing(request, served(request).call("upsell_rates", as_of, output="pyarrow"), None)
    data = api.listing(request, api.upsell_table(request, as_of, min_delivery), SHOWN)
    save = api.listing(request, served(request).call("save_offers", None, as_of, output="pyarrow"), None)
    return _page(request, "offers.html", "page_offers", rates=rates, data=data, save=save, list_id="upsell-list",
                 download="/api/upsell/download", controls=("as_of", "min_delivery"))


@router.get("/winback")
def winback(request: Request, as_of: AsOf = None):
    lang = request_lang(request)
    segments = api.listing(request, api.winback_table(request, as_of, "segment"), None)
    data = api.listing(request, api.winback_table(request, as_of, "customer"), SHOWN)
    figures = {"segments": charts.winback_segments(segments["rows"], lang)}
    return _page(request, "winback.html", "page_winback", segments=segments, data=data, figures=figures,
                 list_id="winback-list", download="/api/winback/download", controls=("as_of",))


@router.get("/campaigns")
def campaigns(request: Request):
    data = api.listing(request, served(request).call("campaigns", output="pyarrow"), None)
    return _page(request, "campaigns.html", "page_campaigns", data=data)


@router.get("/campaigns/{name}")
def campaign(request: Request, name: str, as_of: AsOf = None):
    report = served(request).call("campaign_report", name, as_of).to_dict()
    return _page(request, "campaign.html", "page_campaign", name=name, report=report,
                 download=f"/api/campaigns/{quote(name, safe='')}/download")


@router.get("/simulate")
def simulate(request: Request, requests: Annotated[int, Query(ge=0)] = 2000,
             cost_per_call: Annotated[float, Query(ge=0)] = 300,
             unit_price: Annotated[float | None, Query(ge=0)] = 5000,
             save_rates: str = "0.05 0.15", from_data: bool = False, as_of: AsOf = None):
    lang = request_lang(request)
    save_rate = parse_rates(save_rates)
    result = api.economics(request, requests, cost_per_call, unit_price, save_rate, from_data, as_of).to_dict()
    figures = {"economics": charts.call_economics(result, lang)}
    rows = result["rows"]
    data = {"total": len(rows), "columns": list(rows[0]) if rows else [], "rows": rows}
    inputs = {"requests": requests, "cost_per_call": cost_per_call, "unit_price": unit_price,
              "save_rates": " ".join(f"{s:g}" for s in save_rate), "from_data": from_data}
    return _page(request, "simulate.html", "page_simulate", result=result, data=data, figures=figures,
                 inputs=inputs, list_id="economics")



def parse_rates(text: str) -> list[float]:
    """Save rates typed as ``0.05 0.15`` or ``5%, 15%`` → [0.05, 0.15]; a clear error for anything else."""
    rates = []
    for part in filter(None, re.split(r"[\s,、]+", text.strip())):
        try:
            value = float(part.rstrip("%")) / (100 if part.endswith("%") else 1)
        except ValueError:
            value = -1.0
        if not 0 <= value <= 1:
            raise TeikiError("bad_choice", name="save_rates", value=part, choices="0–1 or 0%–100%")
        rates.append(value)
    if not rates:
        raise TeikiError("bad_choice", name="save_rates", value=text, choices="0–1 or 0%–100%")
    return rates
