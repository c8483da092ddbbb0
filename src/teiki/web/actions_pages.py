"""The actions' pages (SPEC §6): 架電リスト, 解約リスク, クロスセル, アップセル・解約阻止, 休眠掘り起こし,
キャンペーン and 架電シミュレーション, under one menu entry. Each shows the first rows of its list (the whole list
downloads as CSV or Excel from the JSON API, :mod:`teiki.web.actions_api`) and, where it helps, a chart."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import quote

from fastapi import Query

from teiki.errors import TeikiError
from teiki.messages import has, say
from teiki.report import charts_actions as charts
from teiki.report.charts import segment_label
from teiki.report.formatting import fmt
from teiki.web import actions_api as api
from teiki.web.registry import AsOf, Section, Visit

SHOWN = 200  # rows a page shows; the download has them all

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
            if has(key):
                return say(key, lang)
        return name

    def cell(name: str, value: object) -> str:
        if value is None:
            return "—"
        if name in ("segment", "segment_before"):
            return segment_label(value, lang)
        kind = column_kind(name, value)
        if name in ("purpose", "offer") and has(f"{name}_{value}"):  # the CLI's labels of these codes
            return say(f"{name}_{value}", lang)
        if isinstance(value, str) and has(f"aval_{value}"):
            return say(f"aval_{value}", lang)
        if kind is None:
            return value.isoformat() if isinstance(value, dt.date) else str(value)
        return fmt(value, kind, lang)

    return {"col": col, "cell": cell, "kind": column_kind}


section = Section(grouped=True, context=lambda visit: {**table_context(visit.lang), "subnav": section.subnav})


@section.page("/calls", "actions_list.html", title="page_calls", nav="page_actions")
def calls(visit: Visit, date: AsOf = None, lead_days: api.Days = None, recent_days: api.Days = None) -> dict:
    return {"data": api.calls(visit.request, date, lead_days, recent_days, SHOWN), "list_id": "call-list",
            "note": "ap_calls_note", "download": "/api/calls/download",
            "controls": ("date", "lead_days", "recent_days")}


@section.page("/risk", "risk.html", title="page_risk")
def risk(visit: Visit, as_of: AsOf = None) -> dict:
    lang = visit.lang
    data = api.risk(visit.request, as_of, SHOWN)
    model = data.pop("model")
    training = model["training"]
    model["why"] = say(f"risk_why_{model['reason']}", lang, cancelled=training["cancelled_subscriptions"],
                       minimum=training["min_cancellations"], horizon=model["horizon_days"])
    data["columns"] = [c for c in data["columns"] if c != "reason_keys"]  # codes; the reasons column says them
    return {"data": data, "model": model, "figures": {"calibration": charts.risk_calibration(model, lang)},
            "list_id": "risk-list", "download": "/api/risk/download", "controls": ("as_of",)}


@section.page("/cross-sell", "cross_sell.html", title="page_cross_sell")
def cross_sell(visit: Visit, as_of: AsOf = None, product: str | None = None, customer: str | None = None) -> dict:
    request = visit.request
    timing = api.cross_sell_timing(request, as_of)["rows"]
    rules = api.associations(request, as_of, 50)
    nexts = api.next_products(request, as_of, 50)
    offers = api.cross_sell(request, product, customer, as_of, SHOWN)
    return {"rules": rules, "nexts": nexts, "data": offers,
            "figures": {"timing": charts.acceptance_by_purchase(timing, visit.lang)}, "list_id": "cross-sell-list",
            "download": "/api/cross-sell/download" if product is None and customer is None else None,
            "controls": ("as_of", "product", "customer")}


@section.page("/offers", "offers.html", title="page_offers")
def offers(visit: Visit, as_of: AsOf = None, min_delivery: api.MinDelivery = None) -> dict:
    request = visit.request
    rates = api.listing(request, api.upsell_rates(request, as_of), None)
    data = api.listing(request, api.upsell_table(request, as_of, min_delivery), SHOWN)
    save = api.save_offers(request, None, as_of)
    return {"rates": rates, "data": data, "save": save, "list_id": "upsell-list", "download": "/api/upsell/download",
            "controls": ("as_of", "min_delivery")}


@section.page("/winback", "winback.html", title="page_winback")
def winback(visit: Visit, as_of: AsOf = None) -> dict:
    segments = api.winback(visit.request, as_of, "segment", None)
    data = api.winback(visit.request, as_of, "customer", SHOWN)
    return {"segments": segments, "data": data,
            "figures": {"segments": charts.winback_segments(segments["rows"], visit.lang)},
            "list_id": "winback-list", "download": "/api/winback/download", "controls": ("as_of",)}


@section.page("/campaigns", "campaigns.html", title="page_campaigns")
def campaigns(visit: Visit) -> dict:
    return {"data": api.campaigns(visit.request)}


@section.page("/campaigns/{name:path}", "campaign.html", title="page_campaign", listed=False)
def campaign(visit: Visit, name: str, as_of: AsOf = None) -> dict:
    return {"name": name, "report": api.campaign_report(visit.request, name, as_of),
            "download": f"/api/campaigns/{quote(name, safe='')}/download"}


@section.page("/simulate", "simulate.html", title="page_simulate")
def simulate(visit: Visit, requests: Annotated[int, Query(ge=0)] = 2000,
             cost_per_call: Annotated[float, Query(ge=0)] = 300,
             unit_price: Annotated[float | None, Query(ge=0)] = 5000,
             save_rates: str = "0.05 0.15", from_data: bool = False, as_of: AsOf = None) -> dict:
    save_rate = parse_rates(save_rates)
    result = api.simulate_calls(visit.request, requests, cost_per_call, unit_price, save_rate, from_data, as_of)
    rows = result["rows"]
    inputs = {"requests": requests, "cost_per_call": cost_per_call, "unit_price": unit_price,
              "save_rates": " ".join(f"{s:g}" for s in save_rate), "from_data": from_data}
    return {"result": result, "data": {"total": len(rows), "columns": list(rows[0]) if rows else [], "rows": rows},
            "figures": {"economics": charts.call_economics(result, visit.lang)}, "inputs": inputs,
            "list_id": "economics"}


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
