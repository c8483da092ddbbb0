"""The dashboard's pages: each takes the page data of :mod:`teiki.report.pagedata` (through the same cache
as the JSON API), builds its charts with :mod:`teiki.report.charts` and renders a template."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from teiki.errors import TeikiError
from teiki.io.readers import CSV_SUFFIXES, EXCEL_SUFFIXES, PARQUET_SUFFIXES
from teiki.messages import LANGS, say
from teiki.report import charts
from teiki.report.kpilist import headline as kpi_rows
from teiki.segments.cpm import BY_KEY, KEYS, SEGMENTS
from teiki.segments.movement import MOVE_LABELS, NEW
from teiki.store.schema import TABLES
from teiki.web import customers as lists
from teiki.web.api import AsOf, page_data, served, status_dict
from teiki.web.app import render, request_lang
from teiki.web.security import csrf_ok, safe_next

router = APIRouter(include_in_schema=False)
UPLOAD_SUFFIXES = tuple(sorted(CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES))
CHUNK = 1 << 20


def _has_orders(request: Request) -> bool:
    return bool(served(request).cached(("has_orders",), lambda s: s.store.count("orders")))


def _empty(request: Request, title: str) -> Response:
    return render(request, "empty.html", title=title)


@router.get("/")
def overview(request: Request, as_of: AsOf = None, compare: Literal["month", "year"] = "month"):
    if not _has_orders(request):
        return _empty(request, "page_overview")
    lang = request_lang(request)
    d = page_data(request, "overview", as_of=as_of, compare=compare)
    kpis = request.app.state.shop.cached(("kpi_rows", d["as_of"], lang),
                                         lambda s: [(label, value, kind) for _, label, value, kind in
                                                    kpi_rows(s.kpis(dt.date.fromisoformat(d["as_of"])), lang)])
    figures = {"subscribers": charts.subscribers_by_month(d, lang)}
    return render(request, "overview.html", title="page_overview", d=d, figures=figures, all_kpis=kpis)


@router.get("/retention")
def retention(request: Request, as_of: AsOf = None,
              by: Literal["cohort", "channel", "first_product"] = "channel"):
    if not _has_orders(request):
        return _empty(request, "page_retention")
    lang = request_lang(request)
    d = page_data(request, "retention", as_of=as_of, by=by)
    figures = {"curves": charts.retention_curves(d, lang), "dropout": charts.stepwise_dropout(d, lang),
               "heatmap": charts.retention_heatmap(d, lang)}
    return render(request, "retention.html", title="page_retention", d=d, figures=figures)


@router.get("/ltv")
def ltv(request: Request, as_of: AsOf = None):
    if not _has_orders(request):
        return _empty(request, "page_ltv")
    lang = request_lang(request)
    d = page_data(request, "ltv", as_of=as_of)
    figures = {"cohort": charts.ltv_bars(d, "cohort", lang), "channel": charts.ltv_bars(d, "channel", lang),
               "decomposition": charts.ltv_decomposition(d, lang)}
    return render(request, "ltv.html", title="page_ltv", d=d, figures=figures)


@router.get("/portfolio")
def portfolio(request: Request, as_of: AsOf = None, since: AsOf = None):
    if not _has_orders(request):
        return _empty(request, "page_portfolio")
    lang = request_lang(request)
    d = page_data(request, "portfolio", as_of=as_of, since=since)
    figures = {"shares": charts.revenue_shares(d, lang), "history": charts.history_stacked(d, lang)}
    segments = {s["key"]: s for s in d["portfolio"]["segments"]}
    return render(request, "portfolio.html", title="page_portfolio", d=d, figures=figures, segments=segments,
                  keys=KEYS, rows=[*KEYS, NEW], label=lambda k: charts.segment_label(k, lang),
                  colours=charts.SEGMENT_COLOURS, by_key=BY_KEY,
                  move_label=lambda m: MOVE_LABELS[m][1 if lang == "en" else 0])


@router.get("/cancellations")
def cancellations(request: Request, as_of: AsOf = None):
    if not _has_orders(request):
        return _empty(request, "page_cancellations")
    lang = request_lang(request)
    d = page_data(request, "cancellations", as_of=as_of)
    figures = {"by_delivery": charts.reasons_by_delivery(d, lang), "by_product": charts.reasons_by_product(d, lang),
               "churn": charts.churn_by_month(d, lang), "offers": charts.offer_rates(d, lang)}
    return render(request, "cancellations.html", title="page_cancellations", d=d, figures=figures)


@router.get("/forecast")
def forecast(request: Request, as_of: AsOf = None, by: Literal["channel", "cohort", "first_product"] = "channel",
             cpa: Annotated[float | None, Query(ge=0)] = None):
    if not _has_orders(request):
        return _empty(request, "page_forecast")
    lang = request_lang(request)
    d = page_data(request, "forecast", as_of=as_of, by=by, horizon=12, cpa=cpa)
    figures = {"curve": charts.forecast_curve(d, lang), "cpa": charts.break_even_cpa(d, lang),
               "cumulative": charts.cumulative_gross_profit(d, lang)}
    return render(request, "forecast.html", title="page_forecast", d=d, figures=figures,
                  label=lambda g: charts.group_name(g, lang))


@router.get("/customers")
def customers(request: Request, query: Annotated[lists.ListQuery, Query()]):
    if not _has_orders(request):
        return _empty(request, "page_customers")
    lang = request_lang(request)
    listing = lists.page(request, query)
    return render(request, "customers.html", title="page_customers", listing=listing, q=query, kinds=lists.KINDS,
                  segments=SEGMENTS, label=lambda k: charts.segment_label(k, lang))


# ------------------------------------------------------------------ data and upload


@router.get("/data")
def data(request: Request):
    return _data_page(request)


def _data_page(request: Request, status: int = 200, **context: object) -> Response:
    st = served(request).cached(("status",), status_dict)
    access = request.app.state.access
    units = {name: "unit_orders" if spec.replace_whole_group else "unit_records" for name, spec in TABLES.items()}
    lang = request_lang(request)
    label = {name: f"{spec.ja} ({name})" if lang == "ja" else name for name, spec in TABLES.items()}
    return render(request, "data.html", status, title="page_data", st=st, tables=list(TABLES), units=units, label=label,
                  mb=access.max_upload_bytes // (1024 * 1024), suffixes=", ".join(UPLOAD_SUFFIXES), **context)


def safe_upload_name(name: str | None) -> str:
    """The base name of an uploaded file, reduced to letters, digits, ``._-`` (Japanese kept), with a known
    suffix; anything else is refused. The file is then written only inside a fresh temporary folder."""
    base = re.sub(r"[^\w.\-]", "_", Path((name or "").replace("\\", "/")).name).lstrip(".")[:120]
    if not base or Path(base).suffix.lower() not in UPLOAD_SUFFIXES:
        raise TeikiError("data_bad_name", name=name or "", choices=", ".join(UPLOAD_SUFFIXES))
    return base


@router.post("/data/upload")
async def upload(request: Request, file: Annotated[UploadFile | None, File()] = None,
                 csrf: Annotated[str, Form()] = "", table: Annotated[str, Form()] = "",
                 preset: Annotated[str, Form()] = ""):
    lang = request_lang(request)
    if not csrf_ok(request, csrf):
        return _data_page(request, 403, error=say("csrf_failed", lang))
    access = request.app.state.access
    if file is None or not file.filename:
        return _data_page(request, 400, error=say("data_no_file", lang))
    if table and table not in TABLES:
        return _data_page(request, 400, error=say("bad_choice", lang, name="table", value=table,
                                                   choices=", ".join(TABLES)))
    try:
        name = safe_upload_name(file.filename)
    except TeikiError as exc:
        return _data_page(request, 400, error=exc.render(lang))
    with tempfile.TemporaryDirectory(prefix="teiki-upload-") as folder:
        path = Path(folder) / name
        size = 0
        with path.open("wb") as out:
            while chunk := await file.read(CHUNK):
                size += len(chunk)
                if size > access.max_upload_bytes:
                    return _data_page(request, 413, error=say("data_too_big", lang,
                                                               mb=access.max_upload_bytes // (1024 * 1024)))
                out.write(chunk)
        try:
            result = served(request).import_files([path], table=table or None, preset=preset or None)
        except TeikiError as exc:
            return _data_page(request, 400, error=say("data_failed", lang), detail=exc.render(lang))
    summary = ", ".join(f"{t.table}: +{t.counts.inserted:,} / ~{t.counts.replaced:,} / ={t.counts.unchanged:,}"
                        for t in result.tables)
    return _data_page(request, message=say("data_done", lang, summary=summary))


# ------------------------------------------------------------------ language and login


@router.get("/lang")
def switch_language(to: str, next: str = "/"):
    response = RedirectResponse(safe_next(next), status_code=303)
    if to in LANGS:
        response.set_cookie("lang", to, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    return render(request, "login.html", title="page_login", next=safe_next(next))


@router.post("/login")
def login(request: Request, password: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/"):
    lang = request_lang(request)
    access = request.app.state.access
    if not csrf_ok(request, csrf):
        return render(request, "login.html", 403, title="page_login", next=safe_next(next),
                      error=say("csrf_failed", lang))
    who = request.client.host if request.client else "?"
    wait = access.throttle.wait_seconds(who)
    if wait > 0:
        return render(request, "login.html", 429, title="page_login", next=safe_next(next),
                      error=say("login_throttled", lang, minutes=max(1, round(wait / 60))))
    if not access.check_password(password):
        access.throttle.failed(who)
        return render(request, "login.html", 401, title="page_login", next=safe_next(next),
                      error=say("login_failed", lang))
    access.throttle.succeeded(who)
    request.session.clear()
    request.session["user"] = "owner"
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = ""):
    if csrf_ok(request, csrf):
        request.session.clear()
    return RedirectResponse("/login" if request.app.state.access.login_required else "/", status_code=303)
