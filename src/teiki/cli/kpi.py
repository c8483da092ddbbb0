"""``teiki kpi``: the KPI set as a Rich table, JSON, CSV or Excel."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from teiki.cli.output import write_report
from teiki.messages import say
from teiki.metrics.kpis import KPIs

HEADLINE_DELIVERIES = (2, 3, 6, 12, 24)
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


def fmt(value: object, kind: str) -> str:
    """¥12,345 / 12.3% / 1,234 / 3.45; a dash when undefined."""
    if value is None:
        return "—"
    if kind == "yen":
        return f"¥{value:,.0f}"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "int":
        return f"{value:,}"
    return f"{value:,.2f}"


def headline(k: KPIs, lang: str) -> list[tuple[str, str, object, str]]:
    """(key, label, value, kind) rows of the summary table and of the CSV / Excel summary."""
    w = k.ltv["window_days"]
    rows = [
        ("customers", say("kpi_customers", lang), k.customers, "int"),
        ("orders", say("kpi_orders", lang), k.orders, "int"),
        ("revenue", say("kpi_revenue", lang), k.revenue, "yen"),
        ("f2_conversion", say("kpi_f2_conversion", lang), k.f2_conversion, "pct"),
        *((f"fn_conversion.{n}", say("kpi_fn_conversion", lang, n=n), v, "pct")
          for n, v in k.fn_conversion.items() if int(n) <= 5),
        *((f"f2_within_days.{d}", say("kpi_f2_within", lang, days=d), v, "pct") for d, v in k.f2_within_days.items()),
        ("repeat_rate", say("kpi_repeat_rate", lang), k.repeat_rate, "pct"),
        ("trial_pullup_rate", say("kpi_trial_pullup_rate", lang), k.trial_pullup_rate, "pct"),
        ("ltv.mean_revenue", say("kpi_ltv", lang, days=w), k.ltv["mean_revenue"], "yen"),
        ("ltv.mean_gross_profit", say("kpi_ltv_gross_profit", lang, days=w), k.ltv["mean_gross_profit"], "yen"),
        ("ltv.mean_purchases", say("kpi_ltv_purchases", lang), k.ltv["mean_purchases"], "num"),
        ("ltv.aov", say("kpi_aov", lang), k.ltv["aov"], "yen"),
        ("ltv.matured_customers", say("kpi_matured", lang, immature=k.ltv["immature_customers"]),
         k.ltv["matured_customers"], "int"),
        ("subscriptions.started", say("kpi_subscriptions", lang), k.subscriptions["started"], "int"),
        ("subscriptions.active", say("kpi_subscriptions_active", lang), k.subscriptions["active"], "int"),
        *((f"retention_by_delivery.{n}", say("kpi_retention", lang, n=n), k.retention_by_delivery[str(n)], "pct")
          for n in HEADLINE_DELIVERIES),
        ("expected_deliveries", say("kpi_expected_deliveries", lang), k.expected_deliveries, "num"),
    ]
    full = [m for m in k.churn_monthly if not m["partial"]]
    if full:
        last = full[-1]
        rows += [("churn_monthly.customer_churn", say("kpi_churn", lang, month=last["month"]),
                  last["customer_churn"], "pct"),
                 ("churn_monthly.revenue_churn", say("kpi_revenue_churn", lang, month=last["month"]),
                  last["revenue_churn"], "pct")]
    for purpose, r in k.offer_rates.items():
        label = say("kpi_offer", lang, purpose=say(f"purpose_{purpose}", lang))
        if r["source"] == "orders":
            label += f" ({say('kpi_offer_from_orders', lang)})"
        rows.append((f"offer_rates.{purpose}.rate", label, r["rate"], "pct"))
    return rows


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
    table = Table(title_justify="left")
    table.add_column(by)
    shown = [c for c in BREAKDOWN_COLUMNS if records and c in records[0]]
    for col in shown:
        table.add_column(say(BREAKDOWN_COLUMNS[col][0], lang), justify="right")
    for r in records:
        table.add_row(str(r[by] if r[by] is not None else "—"),
                      *(fmt(r[c], BREAKDOWN_COLUMNS[c][1]) for c in shown))
    console.print(table)


def sheets(k: KPIs, lang: str) -> dict[str, list[dict]]:
    """The KPI set as worksheets: summary, retention, churn, offers, cross-sell timing, reasons."""
    label = say("col_kpi", lang)
    value = say("col_value", lang)
    return {
        "summary": [{"key": key, label: text, value: v} for key, text, v, _ in headline(k, lang)],
        "retention": [
            {"delivery_no": int(n), "retention": r, "dropout": k.dropout_by_delivery.get(n),
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
