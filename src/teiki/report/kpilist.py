"""The KPI list as people read it: one labelled row per headline KPI, for the ``teiki kpi`` table, its CSV /
Excel summary and the dashboard's full KPI table."""

from __future__ import annotations

from teiki.messages import say
from teiki.shop.vocabulary import KPIs

HEADLINE_DELIVERIES = (2, 3, 6, 12, 24)


def retention_label(n: int, at_risk: int | None, lang: str) -> str:
    """定期継続率 n回目, with the subscriptions its last step rests on (n_at_risk) so a thin estimate shows."""
    label = say("kpi_retention", lang, n=n)
    return label if at_risk is None else label + say("kpi_at_risk", lang, n=f"{at_risk:,}")


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
        ("subscriptions.cancelled_before_first_delivery", say("kpi_cancelled_before_first", lang),
         k.subscriptions["cancelled_before_first_delivery"], "int"),
        *((f"retention_by_delivery.{n}", retention_label(n, k.retention_at_risk.get(str(n)), lang),
           k.retention_by_delivery[str(n)], "pct") for n in HEADLINE_DELIVERIES),
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
