"""Which figures of :mod:`teiki.report.charts` each area draws, by name: the dashboard's pages and the HTML
report show the same ones, in the same order."""

from __future__ import annotations

from collections.abc import Callable

from teiki.report import charts

Chart = Callable[[dict, str], dict]

AREAS: dict[str, dict[str, Chart]] = {  # area → figure name → chart of its pagedata dict
    "overview": {"subscribers": charts.subscribers_by_month},
    "retention": {"curves": charts.retention_curves, "dropout": charts.stepwise_dropout,
                  "heatmap": charts.retention_heatmap},
    "ltv": {"cohort": lambda d, lang: charts.ltv_bars(d, "cohort", lang),
            "channel": lambda d, lang: charts.ltv_bars(d, "channel", lang),
            "decomposition": charts.ltv_decomposition},
    "portfolio": {"shares": charts.revenue_shares, "history": charts.history_stacked},
    "cancellations": {"by_delivery": charts.reasons_by_delivery, "by_product": charts.reasons_by_product,
                      "churn": charts.churn_by_month, "offers": charts.offer_rates},
    "forecast": {"curve": charts.forecast_curve, "cpa": charts.break_even_cpa,
                 "cumulative": charts.cumulative_gross_profit},
}


def draw(area: str, d: dict, lang: str) -> dict[str, dict]:
    """The figures of ``area`` (name → Plotly figure) from its pagedata dict ``d``."""
    return {name: chart(d, lang) for name, chart in AREAS[area].items()}
