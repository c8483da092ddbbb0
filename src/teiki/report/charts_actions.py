"""Plotly figures of the actions (SPEC §6): churn-risk calibration, cross-sell acceptance by purchase number,
the retention-call economics and the win-back segments. Plain dicts, like :mod:`teiki.report.charts`."""

from __future__ import annotations

from teiki.messages import say
from teiki.report.charts import PCT_AXIS, _layout, segment_label


def risk_calibration(model: dict, lang: str) -> dict:
    """Predicted cancellation probability against the observed rate, per bin of the out-of-time snapshot."""
    rows = model.get("calibration") or []
    top = max([r["predicted"] for r in rows] + [r["observed"] for r in rows] + [0.05])
    return {"data": [
        {"type": "scatter", "mode": "lines", "x": [0, top], "y": [0, top], "name": say("ap_chart_ideal", lang),
         "line": {"dash": "dot", "color": "#999"}, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines+markers", "x": [r["predicted"] for r in rows],
         "y": [r["observed"] for r in rows], "name": say("chart_observed", lang), "marker": {"color": "#c62828"},
         "customdata": [r["rows"] for r in rows],
         "hovertemplate": "%{x:.1%} → %{y:.1%} (n = %{customdata:,})<extra></extra>"}],
        "layout": _layout(say("ap_chart_calibration_title", lang), say("ap_axis_predicted", lang),
                          say("ap_axis_observed", lang), xaxis=PCT_AXIS, yaxis=PCT_AXIS)}


def acceptance_by_purchase(rows: list[dict], lang: str) -> dict:
    """Cross-sell acceptance by the purchase number at which it was offered (seed 000's timing)."""
    rows = [r for r in rows if r.get("acceptance_rate") is not None]
    return {"data": [{"type": "bar", "x": [r["purchase_no"] for r in rows], "y": [r["acceptance_rate"] for r in rows],
                      "customdata": [[r["accepted"], r["offered"]] for r in rows], "marker": {"color": "#31a354"},
                      "hovertemplate": "%{x}: %{y:.1%} (%{customdata[0]:,} / %{customdata[1]:,})<extra></extra>"}],
            "layout": _layout(say("ap_chart_xsell_timing_title", lang), say("ap_axis_purchase_no", lang),
                              say("axis_rate", lang), yaxis=PCT_AXIS, xaxis={"dtick": 1})}


def call_economics(result: dict, lang: str) -> dict:
    """Expected sales, cost and net per save rate (seed 003's table as bars)."""
    rows = result["rows"]
    x = [f"{r['save_rate']:.0%}" for r in rows]
    bars = [("expected_sales", "#3182bd"), ("cost", "#999999"), ("net", "#e6550d")]
    return {"data": [{"type": "bar", "x": x, "y": [r[k] for r in rows], "name": say(f"acol_{k}", lang),
                      "marker": {"color": colour}, "hovertemplate": "%{x}: ¥%{y:,.0f}<extra></extra>"}
                     for k, colour in bars],
            "layout": _layout(say("ap_chart_economics_title", lang), say("acol_save_rate", lang), say("axis_yen", lang),
                              barmode="group", yaxis={"tickprefix": "¥", "tickformat": ",.0f"},
                              xaxis={"type": "category"})}


def winback_segments(segments: list[dict], lang: str) -> dict:
    """Expected value of the returns per lapsed segment."""
    rows = [s for s in segments if s.get("expected_value") is not None]
    return {"data": [{"type": "bar", "x": [segment_label(s["segment"], lang) for s in rows],
                      "y": [s["expected_value"] for s in rows], "marker": {"color": "#756bb1"},
                      "customdata": [s.get("customers") for s in rows],
                      "hovertemplate": "%{x}: ¥%{y:,.0f} (%{customdata:,})<extra></extra>"}],
            "layout": _layout(say("ap_chart_winback_title", lang), "", say("axis_yen", lang),
                              yaxis={"tickprefix": "¥", "tickformat": ",.0f"})}
