"""The tables of the file reports, built once from :mod:`teiki.report.pagedata` for both the Excel and the HTML file.

A :class:`Table` is a title, column headers and rows of cells; a cell is
``(value, kind)`` with kind ``text``, a number kind of
:mod:`teiki.report.formatting` (``yen`` ``pct`` ``int`` ``num``) or a change
of one (``+yen`` ``+pct`` ``+int``). The workbook turns kinds into Excel
number formats, the HTML file into text with :func:`~teiki.report.formatting.fmt`,
so both files show the very same figures. Nothing here queries the shop except
:func:`load`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from teiki.messages import say
from teiki.report import pagedata
from teiki.report.charts import group_name, segment_label
from teiki.report.pagedata import pivot
from teiki.shop.vocabulary import KEYS, MOVE_LABELS, MOVES, NEW

AREAS = ("overview", "retention", "ltv", "portfolio", "cancellations", "forecast")
Cell = tuple[object, str]


@dataclass
class Table:
    """One titled table: ``key`` names it for the charts that plot it."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    heat: bool = False  # colour the number cells by value (rates on 0–100%, counts on their own range)


@dataclass
class Area:
    """One report area (a sheet of the workbook, a section of the HTML file)."""

    key: str
    title: str
    notes: list[str] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)

    def add(self, table: Table) -> None:
        self.tables[table.key] = table


def load(shop, as_of=None) -> dict[str, dict]:
    """Every area's pagedata dict as of ``as_of`` (None: the last order date)."""
    day = shop.as_of(as_of)
    return {
        "overview": pagedata.overview(shop, day, "month"),
        "retention": pagedata.retention(shop, day, "channel"),
        "ltv": pagedata.ltv(shop, day),
        "portfolio": pagedata.portfolio(shop, day),
        "cancellations": pagedata.cancellations(shop, day),
        "forecast": pagedata.forecast(shop, day, "channel"),
    }


def area_title(key: str, lang: str) -> str:
    """The area's heading: its dashboard page title."""
    return say(f"page_{key}", lang)


def headline_label(key: str, lang: str, churn_month: str | None) -> str:
    """The label of one headline KPI of :data:`pagedata.HEADLINE_KINDS`."""
    if key.startswith("retention_"):
        return say("head_retention", lang, n=int(key.removeprefix("retention_")))
    if key in ("customer_churn", "revenue_churn"):
        return say(f"head_{key}", lang, month=churn_month or "—")
    return say(f"head_{key}", lang)


def build(data: dict[str, dict], lang: str) -> list[Area]:
    """The areas (:data:`AREAS`) with their notes and tables."""
    return [BUILDERS[key](data[key], lang) for key in AREAS]


# ------------------------------------------------------------------ overview


def _other_kpis(k: dict, lang: str) -> list[list[Cell]]:
    ltv = k["ltv"]
    days = ltv["window_days"]
    rows = [(say("kpi_orders", lang), k["orders"], "int"),
            (say("kpi_repeat_rate", lang), k["repeat_rate"], "pct"),
            (say("kpi_trial_pullup_rate", lang), k["trial_pullup_rate"], "pct")]
    rows += [(say("kpi_f2_within", lang, days=int(d)), v, "pct") for d, v in k["f2_within_days"].items()]
    rows += [(say("kpi_fn_conversion", lang, n=int(n)), v, "pct") for n, v in k["fn_conversion"].items()]
    rows += [(say("kpi_ltv_gross_profit", lang, days=days), ltv["mean_gross_profit"], "yen"),
             (say("kpi_ltv_purchases", lang), ltv["mean_purchases"], "num"),
             (say("kpi_aov", lang), ltv["aov"], "yen"),
             (say("kpi_expected_deliveries", lang), k["expected_deliveries"], "num"),
             (say("kpi_subscriptions", lang), k["subscriptions"]["started"], "int"),
             (say("kpi_subscriptions_active", lang), k["subscriptions"]["active"], "int")]
    return [[(label, "text"), (value, kind)] for label, value, kind in rows]


def overview_area(d: dict, lang: str) -> Area:
    """Headline KPIs against the previous month, the other KPIs, active subscriptions by month."""
    area = Area("overview", area_title("overview", lang), [say("overview_note", lang)])
    cols = [say("col_kpi", lang), say("col_at", lang, date=d["as_of"]), say("col_at", lang, date=d["previous_as_of"]),
            say("change_vs", lang, date=d["previous_as_of"])]
    rows = [[(headline_label(h["key"], lang, d["churn_month"]), "text"), (h["value"], h["kind"]),
             (h["previous"], h["kind"]), (h["change"], "+" + h["kind"])] for h in d["headline"]]
    area.add(Table("headline", say("report_headline", lang), cols, rows))
    area.add(Table("kpis", say("all_kpis", lang), [say("col_kpi", lang), say("col_value", lang)],
                   _other_kpis(d["kpis"], lang)))
    area.add(Table("subscribers", say("chart_subscribers_title", lang),
                   [say("axis_month", lang), say("chart_subscribers", lang)],
                   [[(m["month"], "text"), (m["subscribed_at_start"], "int")] for m in d["revenue_by_month"]]))
    return area


# ------------------------------------------------------------------ retention


def _curve_columns(curves: list[list[dict]], deliveries: range) -> list[list[Cell]]:
    """One row per delivery number: r of the first curve and its n at risk, then r of each other curve (blank
    where it is not observed)."""
    by_n = [{p["delivery"]: p["r"] for p in c} for c in curves]
    at_risk = {p["delivery"]: p.get("at_risk") for p in curves[0]}
    return [[(n, "int"), (by_n[0].get(n), "pct"), (at_risk.get(n), "int"), *[(c.get(n), "pct") for c in by_n[1:]]]
            for n in deliveries]


def retention_area(d: dict, lang: str) -> Area:
    """Curves overall and per group, subscriptions per group, step-wise drop-out, cohort × delivery."""
    area = Area("retention", area_title("retention", lang), [say("retention_note", lang)])
    by = say(f'by_{d["by"]}', lang)
    deliveries = range(1, d["max_delivery"] + 1)
    area.add(Table("curves", say("chart_retention_title", lang, by=by),
                   [say("axis_delivery", lang), say("chart_all", lang), say("col_at_risk", lang),
                    *[group_name(g["group"], lang) for g in d["groups"]]],
                   _curve_columns([d["overall"], *[g["curve"] for g in d["groups"]]], deliveries)))
    area.add(Table("groups", say("report_groups", lang, by=by),
                   [say("col_group", lang), say("col_started", lang), say("col_cancelled", lang)],
                   [[(group_name(g["group"], lang), "text"), (g["started"], "int"), (g["cancelled"], "int")]
                    for g in d["groups"]]))
    steps = [p for p in d["overall"] if p["dropout"] is not None]
    area.add(Table("dropout", say("chart_dropout_title", lang),
                   [say("axis_delivery", lang), say("col_reached", lang), say("col_dropped", lang),
                    say("chart_dropout", lang)],
                   [[(p["delivery"], "int"), (p["reached"], "int"), (p["dropped"], "int"), (p["dropout"], "pct")]
                    for p in steps]))
    cohorts = d["groups"] if d["by"] == "cohort" else d["cohorts"]
    heat_rows = []
    for g in cohorts:
        by_n = {p["delivery"]: p["r"] for p in g["curve"]}
        heat_rows.append([(group_name(g["group"], lang), "text"), *[(by_n.get(n), "pct") for n in deliveries]])
    area.add(Table("heatmap", say("chart_heatmap_title", lang),
                   [say("by_cohort", lang), *[say("col_delivery_n", lang, n=n) for n in deliveries]],
                   heat_rows, heat=True))
    return area


# ------------------------------------------------------------------ LTV


def _ltv_rows(rows: list[dict], lang: str) -> list[list[Cell]]:
    kinds = (("customers", "int"), ("ltv_matured_customers", "int"), ("ltv_mean_revenue", "yen"),
             ("ltv_mean_gross_profit", "yen"), ("ltv_mean_purchases", "num"), ("ltv_aov", "yen"),
             ("f2_conversion", "pct"), ("expected_deliveries", "num"))
    return [[(group_name(r["group"], lang), "text"), *[(r[c], kind) for c, kind in kinds]] for r in rows]


def ltv_area(d: dict, lang: str) -> Area:
    """年間LTV for all customers, by cohort month and by first channel."""
    area = Area("ltv", area_title("ltv", lang), [say("ltv_note", lang)])
    t = d["total"]
    days = t["window_days"]
    total = [(say("kpi_ltv", lang, days=days), t["mean_revenue"], "yen"),
             (say("kpi_ltv_gross_profit", lang, days=days), t["mean_gross_profit"], "yen"),
             (say("kpi_ltv_purchases", lang), t["mean_purchases"], "num"),
             (say("kpi_aov", lang), t["aov"], "yen"),
             (say("kpi_matured", lang, immature=t["immature_customers"]), t["matured_customers"], "int")]
    area.add(Table("total", say("report_ltv_total", lang), [say("col_kpi", lang), say("col_value", lang)],
                   [[(label, "text"), (v, kind)] for label, v, kind in total]))
    for by in ("cohort", "channel"):
        cols = [say(f"by_{by}", lang), say("col_customers", lang), say("col_matured", lang), say("col_ltv", lang),
                say("col_ltv_gp", lang), say("col_purchases", lang), say("col_aov", lang), say("col_f2", lang),
                say("kpi_expected_deliveries", lang)]
        area.add(Table(by, say("chart_ltv_title", lang, by=say(f"by_{by}", lang)), cols, _ltv_rows(d[by], lang)))
    return area


# ------------------------------------------------------------------ portfolio


def _portfolio_notes(p: dict, lang: str) -> list[str]:
    th = p["thresholds"]
    share = p["core_revenue_share"]
    return [say("thresholds_line", lang, amount=th["amount"], t1=th["tenure_short_days"],
                t2=th["tenure_long_days"], lapse=th["lapse_days"]),
            say("core_share", lang, share="—" if share is None else f"{share:.1%}",
                verdict=say("healthy" if p["healthy"] else "unhealthy", lang))]


def portfolio_area(d: dict, lang: str) -> Area:
    """Segments as of D, monthly head-counts, the migration matrix and the kinds of move."""
    p = d["portfolio"]
    area = Area("portfolio", area_title("portfolio", lang), _portfolio_notes(p, lang))
    cols = [say("cpm_col_segment", lang), say("cpm_col_customers", lang), say("col_customer_share", lang),
            say("cpm_col_revenue", lang), say("cpm_col_revenue_share", lang), say("cpm_col_mean_amount", lang)]
    area.add(Table("segments", say("cpm_title", lang, as_of=p["as_of"]), cols,
                   [[(segment_label(s["key"], lang), "text"), (s["customers"], "int"), (s["customer_share"], "pct"),
                     (s["revenue_365d"], "yen"), (s["revenue_share"], "pct"), (s["mean_cumulative_amount"], "yen")]
                    for s in sorted(p["segments"], key=lambda s: KEYS.index(s["key"]))]))
    snaps = d["history"]["snapshots"]
    area.add(Table("history", say("chart_history_title", lang),
                   [say("axis_month", lang), *[segment_label(k, lang) for k in KEYS]],
                   [[(s["month"] + ("*" if s["partial"] else ""), "text"), *[(s["counts"][k], "int") for k in KEYS]]
                    for s in snaps]))
    m = d["migration"]
    sources = [k for k in (*KEYS, NEW) if k in m["matrix"]]
    area.add(Table("migration", say("migration_title", lang, start=m["start"], end=m["end"]),
                   [say("migration_corner", lang, start=m["start"], end=m["end"]),
                    *[segment_label(k, lang) for k in KEYS]],
                   [[(segment_label(src, lang), "text"), *[(m["matrix"][src].get(k, 0), "int") for k in KEYS]]
                    for src in sources], heat=True))
    idx = 1 if lang == "en" else 0
    area.add(Table("moves", say("moves_title", lang), [say("cpm_col_move", lang), say("col_customers", lang)],
                   [[(MOVE_LABELS[mv][idx], "text"), (m["moves"].get(mv, 0), "int")] for mv in MOVES]))
    return area


# ------------------------------------------------------------------ cancellations


def _pivot_table(key: str, title: str, corner: str, rows: list[dict], x_col: str) -> Table:
    xs, reasons, cell = pivot(rows, x_col)
    return Table(key, title, [corner, *reasons],
                 [[(x, "int" if isinstance(x, int) else "text"), *[(cell.get((x, r), 0), "int") for r in reasons]]
                  for x in xs])


def _offer_rows(offers: dict, lang: str) -> list[list[Cell]]:
    return [[(say(f"purpose_{k}", lang), "text"), (v["offered"], "int"), (v["accepted"], "int"), (v["rate"], "pct"),
             (say(f'source_{v["source"]}', lang) if v.get("source") else None, "text")] for k, v in offers.items()]


def cancellations_area(d: dict, lang: str) -> Area:
    """Reasons overall, by delivery number and by product; monthly churn; offer acceptance."""
    area = Area("cancellations", area_title("cancellations", lang))
    area.add(Table("reasons", say("kpi_cancel_reasons", lang),
                   [say("col_reason", lang), say("col_count", lang), say("col_share", lang)],
                   [[(r["reason"], "text"), (r["count"], "int"), (r["share"], "pct")] for r in d["reasons"]]))
    area.add(_pivot_table("by_delivery", say("chart_reasons_delivery", lang), say("axis_delivery", lang),
                          d["by_delivery"], "delivery_no"))
    area.add(_pivot_table("by_product", say("chart_reasons_product", lang), say("axis_product", lang),
                          d["by_product"], "product_id"))
    cols = [say("axis_month", lang), say("chart_subscribers", lang), say("col_customers_lost", lang),
            say("chart_customer_churn", lang), say("col_revenue_at_start", lang), say("col_revenue_lost", lang),
            say("chart_revenue_churn", lang)]
    area.add(Table("churn", say("chart_churn_title", lang), cols,
                   [[(m["month"] + ("*" if m["partial"] else ""), "text"), (m["subscribed_at_start"], "int"),
                     (m["customers_lost"], "int"), (m["customer_churn"], "pct"), (m["revenue_at_start"], "yen"),
                     (m["revenue_lost"], "yen"), (m["revenue_churn"], "pct")] for m in d["churn_monthly"]]))
    area.add(Table("offers", say("chart_offers_title", lang),
                   [say("col_offer", lang), say("col_offered", lang), say("col_accepted", lang), say("col_rate", lang),
                    say("col_source", lang)], _offer_rows(d["offer_rates"], lang)))
    return area


def forecast_area(d: dict, lang: str) -> Area:
    """The whole shop's retention, observed and forecast with its 80% interval; per group the model, the
    forecast 12-month LTV with its interval and 限界CPA."""
    area = Area("forecast", area_title("forecast", lang), [say("fc_note", lang)])
    o = d["overall"]
    area.add(Table("fc_retention", say("chart_forecast_title", lang),
                   [say("axis_delivery", lang), say("chart_observed", lang), say("chart_forecast", lang), "10%", "90%"],
                   [[(r["delivery"], "int"), (r["observed"], "pct"), (r["forecast"], "pct"), (r["lower"], "pct"),
                     (r["upper"], "pct")] for r in o["retention"]]))
    cols = [say("fc_group", lang), say("fc_customers", lang), say("fc_subs", lang), say("fc_model", lang),
            say("fc_expected", lang), say("fc_ltv", lang), say("fc_ltv_gp", lang), say("fc_cpa", lang), "10%", "90%"]
    area.add(Table("fc_groups", say("chart_cpa_title", lang, by=say(f'by_{d["by"]}', lang)), cols,
                   [[(g["group"], "text"), (g["customers"], "int"), (g["subscriptions"], "int"),
                     (g["model"] or (say(f'fc_{g["status"]}', lang) if g["status"] != "ok" else "—"), "text"),
                     (g["expected_deliveries"], "num"), (g["ltv_revenue"], "yen"), (g["ltv_gross_profit"], "yen"),
                     (g["break_even_cpa"], "yen"), (g["ltv_revenue_lower"], "yen"), (g["ltv_revenue_upper"], "yen")]
                    for g in d["groups"]]))
    return area


BUILDERS = {"overview": overview_area, "retention": retention_area, "ltv": ltv_area,
            "portfolio": portfolio_area, "cancellations": cancellations_area, "forecast": forecast_area}
