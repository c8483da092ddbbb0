"""Plotly figures (plain ``{"data": [...], "layout": {...}}`` dicts) for the dashboard and the HTML report.

Each function takes a dict of :mod:`teiki.report.pagedata` and a language and
returns a figure that ``Plotly.newPlot`` draws as it is; nothing here queries
the shop. Colours are fixed per CPM segment so every chart agrees.
"""

from __future__ import annotations

from teiki.messages import say
from teiki.report.pagedata import pivot
from teiki.shop.vocabulary import BY_KEY, KEYS, NEW

FONT = "Noto Sans CJK JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif"
SEGMENT_COLOURS = {
    "first": "#9ecae1", "toddler": "#6baed6", "steady": "#31a354", "trendy": "#fd8d3c", "loyal": "#08519c",
    "first_lapsed": "#d9d9d9", "toddler_lapsed": "#bdbdbd", "steady_lapsed": "#a1d99b",
    "trendy_lapsed": "#fdd0a2", "loyal_lapsed": "#9e9ac8",
}


def segment_label(key: str, lang: str) -> str:
    return say("cpm_new", lang) if key == NEW else BY_KEY[key].label(lang)


def group_name(name: str | None, lang: str) -> str:
    """A breakdown group's label; ``(不明)`` / ``(unknown)`` when no value was recorded."""
    return say("group_unknown", lang) if name is None else name


MIN_OVERLAY = 30  # groups with fewer subscriptions are left out of the overlaid curves (they stay in the table)


def _layout(title: str, x: str, y: str, **extra: object) -> dict:
    layout = {
        "title": {"text": title, "font": {"size": 15}},
        "font": {"family": FONT, "size": 12},
        "xaxis": {"title": {"text": x}, "automargin": True},
        "yaxis": {"title": {"text": y}, "automargin": True},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        # under the plot at the figure's bottom edge, so rotated tick labels and axis titles never run into it
        "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
        "height": 380,
    }
    for key, value in extra.items():  # an axis or legend given merges into the default (keeping its title)
        layout[key] = {**layout[key], **value} if isinstance(value, dict) and isinstance(layout.get(key), dict) else value
    for key, axis in layout.items():  # every axis (a right-hand one included) grows the margin to fit its labels
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            axis.setdefault("automargin", True)
    return layout


PCT_AXIS = {"tickformat": ".0%", "rangemode": "tozero"}


# ------------------------------------------------------------------ overview


def subscribers_by_month(d: dict, lang: str) -> dict:
    """Active subscriptions at the start of each month (the base monthly churn is measured on)."""
    months = d["revenue_by_month"]
    return {"data": [{"type": "bar", "name": say("chart_subscribers", lang), "x": [m["month"] for m in months],
                      "y": [m["subscribed_at_start"] for m in months], "marker": {"color": "#3182bd"}}],
            "layout": _layout(say("chart_subscribers_title", lang), say("axis_month", lang),
                              say("chart_subscribers", lang), xaxis={"type": "category"})}


# ------------------------------------------------------------------ retention


def _line(name: str, curve: list[dict], lang: str, **extra: object) -> dict:
    """A retention curve; the hover names the subscriptions each point's last step rests on."""
    points = [p for p in curve if p["r"] is not None]
    at_risk = say("kpi_at_risk", lang, n="%{customdata:,}")
    return {"type": "scatter", "mode": "lines+markers", "name": name, "x": [p["delivery"] for p in points],
            "y": [p["r"] for p in points], "customdata": [p.get("at_risk") for p in points],
            "hovertemplate": "%{x}: %{y:.1%}" + at_risk + "<extra>" + name + "</extra>", **extra}


def retention_curves(d: dict, lang: str) -> dict:
    """定期継続率 by delivery: the whole shop (thick) and each group of ``d["by"]`` overlaid."""
    data = [_line(say("chart_all", lang), d["overall"], lang, line={"width": 4, "color": "#222"})]
    data += [_line(f'{group_name(g["group"], lang)} (n={g["started"]:,})', g["curve"], lang, line={"width": 1.5})
             for g in d["groups"] if g["started"] >= MIN_OVERLAY]
    return {"data": data, "layout": _layout(say("chart_retention_title", lang, by=say(f'by_{d["by"]}', lang)),
                                            say("axis_delivery", lang), say("axis_retention", lang),
                                            yaxis={"title": {"text": say("axis_retention", lang)}, **PCT_AXIS,
                                                   "range": [0, 1.02]}, height=440)}


def stepwise_dropout(d: dict, lang: str) -> dict:
    """Step-wise drop-out 1 − h(n): the share lost between delivery n − 1 and n."""
    points = [p for p in d["overall"] if p["dropout"] is not None]
    return {"data": [{"type": "bar", "name": say("chart_dropout", lang), "x": [p["delivery"] for p in points],
                      "y": [p["dropout"] for p in points], "marker": {"color": "#de2d26"},
                      "hovertemplate": "%{x}: %{y:.1%}<extra></extra>"}],
            "layout": _layout(say("chart_dropout_title", lang), say("axis_delivery", lang),
                              say("chart_dropout", lang), yaxis={**PCT_AXIS, "title": {"text": say("chart_dropout", lang)}})}


def retention_heatmap(d: dict, lang: str) -> dict:
    """Cohort (first-order month) × delivery: 定期継続率, blank where not yet observable."""
    groups = d["groups"] if d["by"] == "cohort" else d["cohorts"]
    deliveries = list(range(1, d["max_delivery"] + 1))
    z = []
    for g in groups:
        by_n = {p["delivery"]: p["r"] for p in g["curve"]}
        z.append([by_n.get(n) for n in deliveries])
    return {"data": [{"type": "heatmap", "x": deliveries, "y": [group_name(g["group"], lang) for g in groups], "z": z,
                      "colorscale": "Blues", "reversescale": True, "zmin": 0, "zmax": 1, "colorbar": {"tickformat": ".0%"},
                      "hovertemplate": "%{y} · %{x}: %{z:.1%}<extra></extra>"}],
            "layout": _layout(say("chart_heatmap_title", lang), say("axis_delivery", lang), say("by_cohort", lang),
                              height=max(380, 22 * len(groups) + 120),
                              yaxis={"autorange": "reversed", "type": "category"})}


# ------------------------------------------------------------------ LTV


def ltv_bars(d: dict, by: str, lang: str) -> dict:
    """年間LTV (revenue and gross profit per matured customer) per cohort month or first channel."""
    rows = d[by]
    x = [group_name(r["group"], lang) for r in rows]
    data = [
        {"type": "bar", "name": say("chart_ltv_revenue", lang), "x": x, "y": [r["ltv_mean_revenue"] for r in rows],
         "marker": {"color": "#3182bd"}, "customdata": [r["ltv_matured_customers"] for r in rows],
         "hovertemplate": "%{x}: ¥%{y:,.0f} (n=%{customdata:,})<extra></extra>"},
        {"type": "bar", "name": say("chart_ltv_gp", lang), "x": x, "y": [r["ltv_mean_gross_profit"] for r in rows],
         "marker": {"color": "#9ecae1"}, "hovertemplate": "%{x}: ¥%{y:,.0f}<extra></extra>"},
    ]
    return {"data": data, "layout": _layout(say("chart_ltv_title", lang, by=say(f"by_{by}", lang)),
                                            say(f"by_{by}", lang), say("axis_yen", lang), barmode="group",
                                            yaxis={"tickprefix": "¥", "tickformat": ",.0f", "automargin": True},
                                            xaxis={"type": "category", "automargin": True})}


def ltv_decomposition(d: dict, lang: str) -> dict:
    """LTV = purchases per customer × AOV, per first channel: purchases as bars, AOV as a line (right axis)."""
    rows = d["channel"]
    x = [group_name(r["group"], lang) for r in rows]
    data = [
        {"type": "bar", "name": say("chart_purchases", lang), "x": x, "y": [r["ltv_mean_purchases"] for r in rows],
         "marker": {"color": "#74c476"}, "hovertemplate": "%{x}: %{y:.2f}<extra></extra>"},
        {"type": "scatter", "mode": "lines+markers", "name": say("chart_aov", lang), "x": x,
         "y": [r["ltv_aov"] for r in rows], "yaxis": "y2", "line": {"color": "#e6550d"},
         "hovertemplate": "%{x}: ¥%{y:,.0f}<extra></extra>"},
    ]
    return {"data": data, "layout": _layout(say("chart_decomp_title", lang), say("by_channel", lang),
                                            say("chart_purchases", lang),
                                            yaxis2={"title": {"text": say("chart_aov", lang)}, "overlaying": "y",
                                                    "side": "right", "tickprefix": "¥", "tickformat": ",.0f"},
                                            xaxis={"type": "category", "automargin": True})}


# ------------------------------------------------------------------ portfolio (CPM)


def revenue_shares(d: dict, lang: str) -> dict:
    """Each segment's share of the last 365 days' revenue, stacked on one bar, with the 50% health line
    for active 優良客 + コツコツ客 (stacked first)."""
    order = ["loyal", "steady", *[k for k in KEYS if k not in ("loyal", "steady")]]
    by_key = {s["key"]: s for s in d["portfolio"]["segments"]}
    data = [{"type": "bar", "orientation": "h", "name": segment_label(k, lang), "y": [say("chart_revenue_365", lang)],
             "x": [by_key[k]["revenue_share"] or 0], "marker": {"color": SEGMENT_COLOURS[k]},
             "hovertemplate": segment_label(k, lang) + ": %{x:.1%}<extra></extra>"} for k in order]
    line = {"type": "line", "x0": 0.5, "x1": 0.5, "y0": -0.5, "y1": 0.5, "line": {"color": "#d62728", "width": 3,
                                                                                  "dash": "dash"}}
    note = {"x": 0.5, "y": 0.5, "yanchor": "bottom", "text": say("chart_health_line", lang), "showarrow": False,
            "font": {"color": "#d62728"}}
    return {"data": data, "layout": _layout(say("chart_shares_title", lang), say("axis_share", lang), "",
                                            barmode="stack", shapes=[line], annotations=[note], height=300,
                                            xaxis={"tickformat": ".0%", "range": [0, 1]})}


def history_stacked(d: dict, lang: str) -> dict:
    """Head-count by segment at each month-end, stacked."""
    snaps = d["history"]["snapshots"]
    x = [s["month"] + ("*" if s["partial"] else "") for s in snaps]
    data = [{"type": "bar", "name": segment_label(k, lang), "x": x, "y": [s["counts"][k] for s in snaps],
             "marker": {"color": SEGMENT_COLOURS[k]}} for k in KEYS]
    return {"data": data, "layout": _layout(say("chart_history_title", lang), say("axis_month", lang),
                                            say("axis_customers", lang), barmode="stack", height=440,
                                            xaxis={"type": "category", "automargin": True})}


# ------------------------------------------------------------------ cancellations


def _stacked_reasons(rows: list[dict], x_col: str, title: str, x_title: str, lang: str) -> dict:
    xs, reasons, cell = pivot(rows, x_col)
    data = [{"type": "bar", "name": reason, "x": [str(x) for x in xs], "y": [cell.get((x, reason), 0) for x in xs]}
            for reason in reasons]
    return {"data": data, "layout": _layout(title, x_title, say("axis_cancellations", lang), barmode="stack",
                                            xaxis={"type": "category", "automargin": True, "title": {"text": x_title}})}


def reasons_by_delivery(d: dict, lang: str) -> dict:
    """Cancellations per stated reason, by the delivery number reached when cancelling."""
    return _stacked_reasons(d["by_delivery"], "delivery_no", say("chart_reasons_delivery", lang),
                            say("axis_delivery", lang), lang)


def reasons_by_product(d: dict, lang: str) -> dict:
    """Cancellations per stated reason, by product."""
    return _stacked_reasons(d["by_product"], "product_id", say("chart_reasons_product", lang),
                            say("axis_product", lang), lang)


def churn_by_month(d: dict, lang: str) -> dict:
    """Monthly customer churn and revenue churn (the current, partial month marked *)."""
    months = d["churn_monthly"]
    x = [m["month"] + ("*" if m["partial"] else "") for m in months]
    data = [{"type": "scatter", "mode": "lines+markers", "name": say(name, lang), "x": x,
             "y": [m[col] for m in months], "hovertemplate": "%{x}: %{y:.1%}<extra></extra>"}
            for col, name in (("customer_churn", "chart_customer_churn"), ("revenue_churn", "chart_revenue_churn"))]
    return {"data": data, "layout": _layout(say("chart_churn_title", lang), say("axis_month", lang),
                                            say("axis_rate", lang), yaxis={**PCT_AXIS, "automargin": True},
                                            xaxis={"type": "category", "automargin": True})}


def offer_rates(d: dict, lang: str) -> dict:
    """Acceptance rate of each offer (upsell, cross-sell, downsell, save)."""
    items = [(k, v) for k, v in d["offer_rates"].items() if v["rate"] is not None]
    return {"data": [{"type": "bar", "x": [say(f"purpose_{k}", lang) for k, _ in items],
                      "y": [v["rate"] for _, v in items], "customdata": [[v["accepted"], v["offered"]] for _, v in items],
                      "marker": {"color": "#756bb1"},
                      "hovertemplate": "%{x}: %{y:.1%} (%{customdata[0]:,} / %{customdata[1]:,})<extra></extra>"}],
            "layout": _layout(say("chart_offers_title", lang), "", say("axis_rate", lang),
                              yaxis={**PCT_AXIS, "automargin": True})}


# ------------------------------------------------------------------ forecasts


def forecast_curve(d: dict, lang: str) -> dict:
    """The whole shop's 定期継続率: observed points, the forecast line and its 80% band."""
    rows = d["overall"]["retention"]
    x = [r["delivery"] for r in rows]
    band = [r for r in rows if r["lower"] is not None]
    data = []
    if band:
        data += [
            {"type": "scatter", "mode": "lines", "x": [r["delivery"] for r in band], "y": [r["upper"] for r in band],
             "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"},
            {"type": "scatter", "mode": "lines", "x": [r["delivery"] for r in band], "y": [r["lower"] for r in band],
             "line": {"width": 0}, "fill": "tonexty", "fillcolor": "rgba(49,130,189,0.2)", "name": "80%",
             "hoverinfo": "skip"},
            {"type": "scatter", "mode": "lines", "name": say("chart_forecast", lang), "x": x,
             "y": [r["forecast"] for r in rows], "line": {"color": "#3182bd", "width": 3},
             "hovertemplate": "%{x}: %{y:.1%}<extra></extra>"},
        ]
    seen = [r for r in rows if r["observed"] is not None]
    data.append({"type": "scatter", "mode": "markers", "name": say("chart_observed", lang),
                 "x": [r["delivery"] for r in seen], "y": [r["observed"] for r in seen],
                 "marker": {"color": "#222", "size": 7}, "hovertemplate": "%{x}: %{y:.1%}<extra></extra>"})
    return {"data": data, "layout": _layout(say("chart_forecast_title", lang), say("axis_delivery", lang),
                                            say("axis_retention", lang), yaxis={**PCT_AXIS, "range": [0, 1.02]})}


def break_even_cpa(d: dict, lang: str) -> dict:
    """限界CPA (forecast 12-month gross-profit LTV per new customer) per group."""
    rows = d["groups"]
    return {"data": [{"type": "bar", "x": [group_name(r["group"], lang) for r in rows],
                      "y": [r["break_even_cpa"] for r in rows], "marker": {"color": "#31a354"},
                      "hovertemplate": "%{x}: ¥%{y:,.0f}<extra></extra>"}],
            "layout": _layout(say("chart_cpa_title", lang, by=say(f'by_{d["by"]}', lang)), say(f'by_{d["by"]}', lang),
                              say("axis_yen", lang), yaxis={"tickprefix": "¥", "tickformat": ",.0f"},
                              xaxis={"type": "category"})}


def cumulative_gross_profit(d: dict, lang: str) -> dict:
    """Cumulative forecast gross profit per new customer by month, one line per group (a CPA line when given)."""
    data = [{"type": "scatter", "mode": "lines+markers", "name": group_name(g["group"], lang),
             "x": [m["month"] for m in g["monthly"]], "y": [m["gross_profit"] for m in g["monthly"]],
             "hovertemplate": "%{x}: ¥%{y:,.0f}<extra>" + group_name(g["group"], lang) + "</extra>"}
            for g in d["groups"]]
    shapes = []
    if d.get("cpa"):
        shapes = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": d["cpa"], "y1": d["cpa"],
                   "line": {"color": "#d62728", "dash": "dash", "width": 2}}]
    return {"data": data, "layout": _layout(say("chart_cumulative_title", lang), say("axis_month", lang),
                                            say("axis_yen", lang), shapes=shapes,
                                            yaxis={"tickprefix": "¥", "tickformat": ",.0f"})}
