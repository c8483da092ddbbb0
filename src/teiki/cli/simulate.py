"""``teiki simulate calls``: the monthly economics of cancellation calls per save rate (seed 003).

    teiki simulate calls --requests 2000 --cost-per-call 300 --unit-price 5000 --save-rate 0.05 0.15 [--from-data]

``--save-rate`` takes one or more values: Click options hold one value per occurrence, so the command also
accepts the values that follow it as extra arguments (it has no positional argument of its own); repeating the
option works too.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from teiki.cli.common import AsOf, Format, Out, check_output, context, help_text, reported, shop_session
from teiki.cli.output import write_report
from teiki.errors import TeikiError
from teiki.messages import say
from teiki.report.formatting import fmt, fmt_change
from teiki.shop import call_economics

app = typer.Typer(name="simulate", no_args_is_help=True, help=help_text("help_econ_simulate"))


def rate_text(rate: float) -> str:
    """A save rate as a percentage with no trailing zeros: 0.05 → 5%, 0.125 → 12.5%."""
    return f"{rate * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _count(value: float) -> str:
    return fmt(value, "int" if float(value).is_integer() else "num")


def print_economics(console: Console, e, lang: str) -> None:
    """The seed 003 table: one row per save rate, then the gap and how a save was valued."""
    title = say("econ_title", lang, requests=fmt(e.requests, "int"), cost=fmt(e.cost_per_call, "yen"),
                price=fmt(e.unit_price, "yen"))
    table = Table(title=title, title_justify="left")
    sales = "econ_sales_gp" if e.basis == "data" else "econ_sales"
    keys = ["econ_rate", "econ_calls", "econ_saves", "econ_value", sales, "econ_cost", "econ_net", "econ_gap_month",
            "econ_gap_year"]
    for key in keys:
        table.add_column(say(key, lang), justify="right")
    for r in e.rows:
        table.add_row(rate_text(r["save_rate"]), fmt(r["calls"], "int"), _count(r["saves"]),
                      fmt(r["value_per_save"], "yen"), fmt(r["expected_sales"], "yen"), fmt(r["cost"], "yen"),
                      *(fmt_change(r[k], "yen", lang) for k in ("net", "gap_month", "gap_year")))
    console.print(table)
    if len(e.rows) > 1:
        low, high = (rate_text(e.rows[i]["save_rate"]) for i in (0, -1))
        console.print(say("econ_gap", lang, low=low, high=high, month=fmt(e.gap_month, "yen"),
                          year=fmt(e.gap_year, "yen")), highlight=False)
    if e.basis != "data":
        console.print(say("econ_one_delivery", lang, price=fmt(e.unit_price, "yen")), style="dim", highlight=False)
        return
    a = e.assumptions
    further, margin = fmt(a["further_deliveries"], "num"), fmt(a["gross_margin"], "pct")
    lines = [
        say("econ_a_delivery", lang, n=a["request_delivery"], count=fmt(a["requests_counted"], "int"),
            source=say(f'econ_src_{a["request_source"]}', lang)),
        say("econ_a_curve", lang, r=fmt(a["retention_at_request"], "pct"), model=a["retention_model"]),
        say("econ_a_further", lang, k=a["horizon_deliveries"], further=further, cycle=a["cycle_days"]),
        say("econ_a_price", lang, price=fmt(a["unit_price"], "yen"),
            source=say(f'econ_price_{a["unit_price_source"]}', lang)),
        say("econ_a_margin", lang, margin=margin, source=say(f'econ_margin_{a["margin_source"]}', lang)),
        say("econ_a_value", lang, further=further, price=fmt(a["unit_price"], "yen"), margin=margin,
            value=fmt(e.value_per_save, "yen")),
    ]
    if a.get("save_rate_observed") is not None:
        lines.append(say("econ_a_observed", lang, requests=fmt(a["requests_per_month_observed"], "num"),
                         rate=fmt(a["save_rate_observed"], "pct")))
    console.print(say("econ_assumptions", lang, as_of=a["as_of"]), highlight=False)
    for line in lines:
        console.print("  • " + line, highlight=False)


def _rates(values: list[float] | None, extra: list[str]) -> list[float]:
    """The ``--save-rate`` values: those of the option and the bare values that followed it."""
    rates = list(values or [])
    for text in extra:
        try:
            rates.append(float(text))
        except ValueError:
            raise TeikiError("econ_bad_extra", value=text) from None
    return rates


@app.command("calls", help=help_text("help_econ_calls"), context_settings={"allow_extra_args": True})
def simulate_calls(
    ctx: typer.Context,
    requests: Annotated[int, typer.Option("--requests", min=0, help=help_text("help_econ_requests"))],
    cost_per_call: Annotated[float, typer.Option("--cost-per-call", min=0, help=help_text("help_econ_cost"))],
    save_rate: Annotated[list[float] | None, typer.Option("--save-rate", help=help_text("help_econ_rate"))] = None,
    unit_price: Annotated[float | None, typer.Option("--unit-price", min=0, help=help_text("help_econ_price"))] = None,
    from_data: Annotated[bool, typer.Option("--from-data", help=help_text("help_econ_from_data"))] = False,
    as_of: AsOf = None,
    format_: Format = "table",
    out: Out = None,
) -> None:
    """Each save rate's calls, saves, sales, cost and net, and the gap between the lowest rate and the others."""
    c = context(ctx)
    check_output(c, format_, out)
    with reported(c):
        rates = _rates(save_rate, ctx.args)
    if from_data:
        with shop_session(c) as shop:
            result = shop.call_economics(requests, cost_per_call, unit_price, rates, from_data=True, as_of=as_of)
    else:
        with reported(c):
            result = call_economics(requests, cost_per_call, unit_price, rates)  # no data read: no shop opened
    if format_ == "table":
        print_economics(c.console, result, c.lang)
        return
    sheets = {"calls": result.records()}
    if result.assumptions:
        sheets["assumptions"] = [{"key": k, "value": v} for k, v in result.assumptions.items()]
    write_report(result.to_dict(), sheets, format_, out, c.lang, c.console)
