"""``teiki forecast``: per group forecasts, the backtest and the per-customer scores, as tables or files."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from teiki.messages import say
from teiki.report.formatting import fmt


def print_forecast(console: Console, f, lang: str) -> None:
    """One row per group: model, observed deliveries, expected deliveries, LTV with interval, 限界CPA."""
    table = Table(title=say("fc_title", lang, as_of=f.as_of, horizon=f.horizon_months), title_justify="left")
    heads = ["fc_group", "fc_customers", "fc_subs", "fc_model", "fc_observed", "fc_expected", "fc_ltv",
             "fc_ltv_range", "fc_ltv_gp", "fc_cpa"]
    for key in heads:
        table.add_column(say(key, lang), justify="left" if key in ("fc_group", "fc_model") else "right")
    if f.cpa is not None:
        table.add_column(say("fc_payback", lang, cpa=f.cpa), justify="right")
    for g in f.groups:
        model = g["model"] or (say(f'fc_{g["status"]}', lang) if g["status"] != "ok" else "—")
        row = [g["group"], fmt(g["customers"], "int"), fmt(g["subscriptions"], "int"), model,
               fmt(g["observed_deliveries"], "int"), fmt(g["expected_deliveries"], "num"), fmt(g["ltv_revenue"], "yen"),
               f'{fmt(g["ltv_revenue_lower"], "yen")} – {fmt(g["ltv_revenue_upper"], "yen")}',
               fmt(g["ltv_gross_profit"], "yen"), fmt(g["break_even_cpa"], "yen")]
        if f.cpa is not None:
            row.append(fmt(g["payback_month"], "int"))
        table.add_row(*row)
    console.print(table)
    console.print(say("fc_note", lang), style="dim")


def print_backtest(console: Console, b, lang: str) -> None:
    """Per group: retention MAPE and LTV error, the model's against the flat baseline's."""
    table = Table(title=say("bt_title", lang, as_of=b.as_of, end=b.end), title_justify="left")
    heads = ["fc_group", "fc_model", "bt_ret", "bt_ret_naive", "bt_ltv_fc", "bt_ltv_actual", "bt_ltv", "bt_ltv_naive"]
    for key in heads:
        table.add_column(say(key, lang), justify="left" if key in ("fc_group", "fc_model") else "right")
    for g in b.groups:
        table.add_row(g["group"], g["model"] or "—", fmt(g.get("retention_mape"), "pct"),
                      fmt(g.get("retention_mape_naive"), "pct"), fmt(g.get("ltv_forecast"), "yen"),
                      fmt(g.get("ltv_actual"), "yen"), fmt(g.get("ltv_ape"), "pct"), fmt(g.get("ltv_ape_naive"), "pct"))
    t = b.total
    table.add_row(say("bt_total", lang), "", fmt(t["retention_mape"], "pct"), fmt(t["retention_mape_naive"], "pct"),
                  "", "", fmt(t["ltv_mape"], "pct"), fmt(t["ltv_mape_naive"], "pct"), style="bold")
    console.print(table)
    console.print(say("bt_note", lang), style="dim")
