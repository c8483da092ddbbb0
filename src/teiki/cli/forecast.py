"""``teiki forecast``: per group forecasts, the backtest and the per-customer scores, as tables or files."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from teiki.cli.common import AsOf, Format, Out, check_output, context, help_text, refuse, shop_session
from teiki.cli.output import write_report
from teiki.messages import say
from teiki.report.formatting import fmt

BY = ("cohort", "channel", "first_product")

app = typer.Typer()


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


def forecast_sheets(f) -> dict[str, list[dict]]:
    """The forecast as worksheets: per group, then each group's retention curve and monthly deliveries."""
    return {
        "forecast": f.records(),
        "retention": [{"group": g["group"], **r} for g in f.groups for r in g["retention"]],
        "monthly": [{"group": g["group"], **m} for g in f.groups for m in g["monthly"]],
    }


@app.command(help=help_text("help_forecast"))
def forecast(
    ctx: typer.Context,
    as_of: AsOf = None,
    by: Annotated[str | None, typer.Option("--by", help=help_text("help_forecast_by"))] = None,
    horizon: Annotated[int, typer.Option("--horizon", min=1, max=60, help=help_text("help_horizon"))] = 12,
    cpa: Annotated[float | None, typer.Option("--cpa", min=0, help=help_text("help_cpa"))] = None,
    backtest: Annotated[bool, typer.Option("--backtest", help=help_text("help_backtest"))] = False,
    customers: Annotated[bool, typer.Option("--customers", help=help_text("help_score_customers"))] = False,
    format_: Format = "table",
    out: Out = None,
) -> None:
    """Forecasts (SPEC §5): per group, the backtest, or the per-customer scores."""
    c = context(ctx)
    check_output(c, format_, out)
    if by is not None and by not in BY:
        raise typer.BadParameter("--by must be cohort, channel or first_product")
    if backtest and as_of is None:
        refuse(c, "backtest_needs_as_of")
    with shop_session(c) as shop:
        if customers:
            records = shop.customer_scores(as_of, output="pyarrow").to_pylist()
        elif backtest:
            report = shop.forecast_backtest(as_of, by, horizon=horizon)
        else:
            report = shop.forecast(as_of, by, horizon=horizon, cpa=cpa)
    if customers:
        if format_ == "table":
            format_ = "csv" if out is not None else "json"
        write_report(records, {"scores": records}, format_, out, c.lang, c.console)
    elif format_ == "table":
        (print_backtest if backtest else print_forecast)(c.console, report, c.lang)
    else:
        sheets = {"forecast": report.records()} if backtest else forecast_sheets(report)
        write_report(report.to_dict(), sheets, format_, out, c.lang, c.console)
