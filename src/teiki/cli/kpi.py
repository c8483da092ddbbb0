"""``teiki kpi``: the KPI set (or a breakdown of it) as a Rich table, JSON, CSV or Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from teiki.cli.common import (
    AsOf,
    Engine,
    Format,
    Out,
    Parquet,
    Reasons,
    check_output,
    context,
    engine_session,
    help_text,
)
from teiki.cli.output import write_report
from teiki.messages import say
from teiki.report.formatting import fmt
from teiki.report.kpilist import headline
from teiki.shop.vocabulary import KPIs, by_columns

BREAKDOWN_COLUMNS = {  # breakdown column → (short label key, kind)
    "customers": ("short_customers", "int"),
    "revenue": ("short_revenue", "yen"),
    "f2_conversion": ("short_f2", "pct"),
    "repeat_rate": ("short_repeat", "pct"),
    "ltv_mean_revenue": ("short_ltv", "yen"),
    "ltv_matured_customers": ("short_matured", "int"),
    "retention_2": ("short_r2", "pct"),
    "retention_6": ("short_r6", "pct"),
    "retention_12": ("short_r12", "pct"),
    "expected_deliveries": ("short_expected", "num"),
}

# which columns a narrow terminal keeps first: the customers, then what a subscription shop is run by
FIT_ORDER = ("customers", "f2_conversion", "retention_2", "ltv_mean_revenue", "retention_6", "retention_12",
             "revenue", "repeat_rate", "expected_deliveries", "ltv_matured_customers")

app = typer.Typer()


def print_table(console: Console, k: KPIs, lang: str) -> None:
    """The summary, then the cancellation reasons."""
    table = Table(title=say("kpi_title", lang, as_of=k.as_of or "—"), title_justify="left")
    table.add_column(say("col_kpi", lang))
    table.add_column(say("col_value", lang), justify="right")
    for _, label, value, kind in headline(k, lang):
        table.add_row(label, fmt(value, kind))
    console.print(table)
    if k.cancel_reasons:
        reasons = Table(title=say("kpi_cancel_reasons", lang), title_justify="left")
        for key in ("col_reason", "col_count", "col_share"):
            reasons.add_column(say(key, lang), justify="left" if key == "col_reason" else "right")
        for r in k.cancel_reasons:
            reasons.add_row(r["reason"], f"{r['count']:,}", fmt(r["share"], "pct"))
        console.print(reasons)


def print_breakdown(console: Console, records: list[dict], by: str, lang: str) -> None:
    """One row per group; the columns that fit the terminal, in order, never cut (the rest are named below)."""
    names = [c for c in BREAKDOWN_COLUMNS if records and c in records[0]]
    cells = {by: [str(r[by] if r[by] is not None else "—") for r in records]}
    cells |= {c: [_cell(r, c) for r in records] for c in names}
    labels = {by: by} | {c: say(BREAKDOWN_COLUMNS[c][0], lang) for c in names}
    widths = {c: max([cell_len(labels[c]), *(cell_len(x) for x in cells[c])]) for c in cells}
    chosen, used = set(), widths[by] + 4  # a column costs its width, 2 of padding and 1 of border
    for c in sorted(names, key=FIT_ORDER.index):
        if used + widths[c] + 3 <= console.width:
            chosen.add(c)
            used += widths[c] + 3
    shown = [by, *(c for c in names if c in chosen)]
    table = Table(title_justify="left")
    for c in shown:
        table.add_column(labels[c], justify="left" if c == by else "right", no_wrap=True, min_width=widths[c])
    for i in range(len(records)):
        table.add_row(*(cells[c][i] for c in shown))
    console.print(table)
    left_out = [labels[c] for c in names if c not in shown]
    if left_out:
        console.print(say("kpi_columns_left_out", lang, columns=", ".join(left_out)), style="dim")


def _cell(record: dict, column: str) -> str:
    """A breakdown cell; a retention rate with the subscriptions its last step rests on: 79.5% (254)."""
    text = fmt(record[column], BREAKDOWN_COLUMNS[column][1])
    at_risk = record.get(column.replace("retention_", "at_risk_")) if column.startswith("retention_") else None
    return text if at_risk is None else f"{text} ({at_risk:,})"


def sheets(k: KPIs, lang: str) -> dict[str, list[dict]]:
    """The KPI set as worksheets: summary, retention, churn, offers, cross-sell timing, reasons."""
    label = say("col_kpi", lang)
    value = say("col_value", lang)
    return {
        "summary": [{"key": key, label: text, value: v} for key, text, v, _ in headline(k, lang)],
        "retention": [
            {"delivery_no": int(n), "retention": r, "n_at_risk": k.retention_at_risk.get(n),
             "dropout": k.dropout_by_delivery.get(n),
             "stepwise_dropout": k.stepwise_dropout.get(n)} for n, r in k.retention_by_delivery.items()
        ],
        "churn_monthly": k.churn_monthly,
        "offer_rates": [{"purpose": p, **r} for p, r in k.offer_rates.items()],
        "cross_sell_by_purchase": k.cross_sell_by_purchase,
        "cancel_reasons": k.cancel_reasons,
    }


def write(k: KPIs | None, records: list[dict] | None, fmt_name: str, out: Path | None, lang: str,
          console: Console) -> None:
    """JSON to stdout or ``out``; CSV / Excel to ``out``."""
    payload = k.to_dict() if k is not None else records
    write_report(payload, {"by": records} if records is not None else sheets(k, lang), fmt_name, out, lang, console)


@app.command(help=help_text("help_kpi"))
def kpi(
    ctx: typer.Context,
    as_of: AsOf = None,
    by: Annotated[str | None, typer.Option("--by", help=help_text("help_by"))] = None,
    format_: Format = "table",
    out: Out = None,
    window_days: Annotated[int, typer.Option("--window-days", min=1, help=help_text("help_window"))] = 365,
    reasons: Reasons = None,
    engine: Engine = "duckdb",
    parquet: Parquet = None,
) -> None:
    """Print or write the KPI set (docs/kpi.md)."""
    c = context(ctx)
    check_output(c, format_, out, engine)
    result, records = None, None
    with engine_session(c, engine, parquet) as shop:
        if by is None:
            result = shop.kpis(as_of, window_days=window_days, reasons=reasons)
        else:
            records = shop.kpi_by(by, as_of, window_days=window_days, output="pyarrow").to_pylist()
    if format_ != "table":
        write(result, records, format_, out, c.lang, c.console)
    elif result is not None:
        print_table(c.console, result, c.lang)
    else:
        print_breakdown(c.console, records, by_columns(by)[0], c.lang)
