"""Every KPI of SPEC §3 as of one date: the object behind ``teiki kpi`` (see docs/kpi.md).

The metric functions are Ibis reductions; this module runs them a handful of
aggregates at a time (one per grain: customer, subscription, delivery step,
month, contact) and shapes the results. Each breakdown runs the very same
reductions with ``group_by``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import ibis.expr.types as ir
import pyarrow as pa

from teiki.metrics import churn, crosssell, ltv, offers, purchases, retention
from teiki.metrics.reasons import Dictionary, cancel_reasons
from teiki.metrics.view import View
from teiki.store import results

SCHEMA_VERSION = 2  # 2: retention counts a cancellation once its interval is complete; retention_at_risk
RETENTION_COLUMNS = (2, 3, 6, 12)


def customer_reductions(c: ir.Table, window_days: int, trial_marked: bool) -> dict[str, ir.Value]:
    """The customer-grain KPIs (one aggregate)."""
    out: dict[str, ir.Value] = {
        "customers": purchases.customers(c),
        "orders": c.purchases.sum(),
        "revenue": c.revenue.sum(),
        "f2_conversion": purchases.f2_conversion(c),
    }
    out |= {f"f{n}_conversion": purchases.fn_conversion(c, n) for n in purchases.F_STEPS}
    out |= {f"f2_within_{x}": purchases.f2_within(c, x) for x in purchases.F2_WITHIN_DAYS}
    out |= {
        "repeat_rate": purchases.repeat_rate(c, trial_marked),
        "trial_pullup_rate": purchases.trial_pullup_rate(c),
        "ltv_matured_customers": ltv.matured_customers(c, window_days),
        "ltv_immature_customers": ltv.immature_customers(c, window_days),
        "ltv_mean_revenue": ltv.ltv_revenue(c, window_days),
        "ltv_mean_gross_profit": ltv.ltv_gross_profit(c, window_days),
        "ltv_gross_margin_coverage": ltv.gross_margin_coverage(c, window_days),
        "ltv_mean_purchases": ltv.ltv_purchases(c, window_days),
        "ltv_aov": ltv.ltv_aov(c, window_days),
        "cross_sell_accepted": crosssell.cross_sold(c, window_days),
    }
    for k in crosssell.PURCHASE_NUMBERS:
        out[f"cross_sell_at_{k}"] = crosssell.first_cross_sell_at(c, k)
        out[f"cross_sell_rate_at_{k}"] = crosssell.cross_sell_rate_at(c, k)
    return out


def subscription_reductions(s: ir.Table) -> dict[str, ir.Value]:
    """The subscription-grain KPIs (one aggregate)."""
    return {
        "subscriptions_started": retention.subscriptions_started(s),
        "subscriptions_cancelled": retention.subscriptions_cancelled(s),
        "subscriptions_delivered": s.delivered.sum(),
        "cancelled_before_first_delivery": retention.cancelled_before_first_delivery(s),
        "max_reached": s.reached.max(),
        "first_started": s.started_at.min(),
        "upsell_offered": offers.upsell_candidates(s),
        "upsell_accepted": offers.upsold(s),
    }


def contact_reductions(k: ir.Table) -> dict[str, ir.Value]:
    """The contact-grain KPIs (one aggregate)."""
    out: dict[str, ir.Value] = {}
    for p in offers.OFFER_PURPOSES:
        out[f"{p}_offered"] = offers.offered(k, p)
        out[f"{p}_accepted"] = offers.accepted(k, p)
    out["save_offered"] = offers.save_requests(k)
    out["save_accepted"] = offers.saves(k)
    return out


def _int(value: object) -> int:
    return int(value or 0)


def _int_or_none(value: object) -> int | None:
    return None if value is None else int(value)


def trial_marked(view: View) -> bool:
    """Whether any product is categorised ``trial`` (repeat rate then leaves trial-only buyers out)."""
    p = view.source.products
    return bool(results.one(p.aggregate(n=(p.category == "trial").sum())).get("n"))


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class KPIs:
    """The KPIs of SPEC §3 as of one date; :meth:`to_dict` is ``teiki kpi --format json``."""

    as_of: str | None
    customers: int
    orders: int
    revenue: float
    f2_conversion: float | None
    fn_conversion: dict[str, float | None]
    f2_within_days: dict[str, float | None]
    repeat_rate: float | None
    trial_pullup_rate: float | None
    ltv: dict[str, object]
    subscriptions: dict[str, int | None]
    retention_by_delivery: dict[str, float | None]
    retention_at_risk: dict[str, int | None]
    dropout_by_delivery: dict[str, float | None]
    stepwise_dropout: dict[str, float | None]
    expected_deliveries: float | None
    churn_monthly: list[dict]
    offer_rates: dict[str, dict]
    cross_sell_by_purchase: list[dict]
    cancel_reasons: list[dict]
    schema_version: int = field(default=SCHEMA_VERSION)

    def to_dict(self) -> dict:
        return asdict(self)


def compute(view: View, dictionary: Dictionary | None = None) -> KPIs:
    """Every KPI of docs/kpi.md as of ``view.as_of``."""
    w = view.window_days
    c = results.one(view.customers.aggregate(**customer_reductions(view.customers, w, trial_marked(view))))
    s = results.one(view.subscriptions.aggregate(**subscription_reductions(view.subscriptions)))
    k = results.one(view.contact_log.aggregate(**contact_reductions(view.contact_log)))
    started = _int(s.get("subscriptions_started"))
    delivered = _int(s.get("subscriptions_delivered"))  # the retention curve's subscriptions
    life = _life(view, s) if delivered else {}
    return KPIs(
        as_of=view.as_of.isoformat() if view.as_of else None,
        customers=_int(c.get("customers")),
        orders=_int(c.get("orders")),
        revenue=float(c.get("revenue") or 0.0),
        f2_conversion=c.get("f2_conversion"),
        fn_conversion={str(n): c.get(f"f{n}_conversion") for n in purchases.F_STEPS},
        f2_within_days={str(x): c.get(f"f2_within_{x}") for x in purchases.F2_WITHIN_DAYS},
        repeat_rate=c.get("repeat_rate"),
        trial_pullup_rate=c.get("trial_pullup_rate"),
        ltv={
            "window_days": w,
            "matured_customers": _int(c.get("ltv_matured_customers")),
            "immature_customers": _int(c.get("ltv_immature_customers")),
            "mean_revenue": c.get("ltv_mean_revenue"),
            "mean_gross_profit": c.get("ltv_mean_gross_profit"),
            "gross_margin_coverage": c.get("ltv_gross_margin_coverage"),
            "mean_purchases": c.get("ltv_mean_purchases"),
            "aov": c.get("ltv_aov"),
        },
        subscriptions={
            "started": started,
            "active": started - _int(s.get("subscriptions_cancelled")),
            "cancelled": _int(s.get("subscriptions_cancelled")),
            # null when no order links a subscription (subscriptions from another system): nothing to tell
            "cancelled_before_first_delivery": _int(s.get("cancelled_before_first_delivery")) if delivered else None,
        },
        retention_by_delivery=_curve(life, "r", 1, 1.0 if delivered else None),
        retention_at_risk={n: _int_or_none(v) for n, v in _curve(life, "at_risk", 2, None).items()},
        dropout_by_delivery=_complement(_curve(life, "r", 2, None)),
        stepwise_dropout=_complement(_curve(life, "h", 2, None)),
        expected_deliveries=(1 + sum(v["r"] for v in life.values() if v["r"] is not None)) if delivered else None,
        churn_monthly=_churn(view, s) if started else [],
        offer_rates=_offer_rates(c, s, k),
        cross_sell_by_purchase=[
            {"purchase_no": n, "customers": _int(c.get(f"cross_sell_at_{n}")), "rate": c.get(f"cross_sell_rate_at_{n}")}
            for n in crosssell.PURCHASE_NUMBERS
        ],
        cancel_reasons=[
            {"reason": r["reason"], "count": r["count"], "share": r["share"]}
            for r in sorted(results.rows(cancel_reasons(view.subscriptions, (), dictionary)),
                            key=lambda r: (-r["count"], r["reason"]))
        ],
    )


def _life(view: View, s: dict) -> dict[int, dict]:
    top = max(retention.JSON_DELIVERIES, _int(s.get("max_reached")) + 1)
    rows = results.rows(retention.life_table(view.subscriptions, top))
    return {r["delivery"]: r for r in rows}


def _curve(life: dict[int, dict], column: str, start: int, first: float | None) -> dict[str, float | None]:
    out = {}
    for n in range(start, retention.JSON_DELIVERIES + 1):
        out[str(n)] = first if n == 1 else (life.get(n) or {}).get(column)
    return out


def _complement(curve: dict[str, float | None]) -> dict[str, float | None]:
    return {n: (None if v is None else 1.0 - v) for n, v in curve.items()}


def _churn(view: View, s: dict) -> list[dict]:
    first = s["first_started"]
    months = churn.months_table(first.date() if isinstance(first, dt.datetime) else first, view.as_of)
    got = {r["month"]: r for r in results.rows(churn.churn_table(view.subscriptions, months))}
    out = []
    for m in results.rows(months.filter(months.shown)):
        r = got.get(m["month"], {})
        out.append({
            "month": m["month"], "partial": m["partial"],
            "subscribed_at_start": _int(r.get("subscribed_at_start")),
            "customers_lost": _int(r.get("customers_lost")),
            "customer_churn": r.get("customer_churn"),
            "revenue_at_start": float(r.get("revenue_at_start") or 0.0),
            "revenue_lost": float(r.get("revenue_lost") or 0.0),
            "revenue_churn": r.get("revenue_churn"),
        })
    return out


def _offer_rates(c: dict, s: dict, k: dict) -> dict[str, dict]:
    out = {}
    for p in (*offers.OFFER_PURPOSES, "save"):
        offered, accepted, source = _int(k.get(f"{p}_offered")), _int(k.get(f"{p}_accepted")), "contacts"
        if not offered:
            if p == "cross_sell":
                offered, accepted, source = _int(c.get("ltv_matured_customers")), _int(c.get("cross_sell_accepted")), "orders"
            elif p == "upsell":
                offered, accepted, source = _int(s.get("upsell_offered")), _int(s.get("upsell_accepted")), "orders"
            else:
                source = None
        out[p] = {"offered": offered, "accepted": accepted, "rate": _rate(accepted, offered), "source": source}
    return out


# ---------------------------------------------------------------- breakdowns


def breakdown(view: View, by: Sequence[str], dictionary: Dictionary | None = None) -> pa.Table:
    """The headline KPIs per group (one row per value of ``by``), as an Arrow table."""
    by = list(by)
    w = view.window_days
    cust = view.customers.group_by(by).aggregate(**customer_reductions(view.customers, w, trial_marked(view)))
    subs = view.subscriptions.group_by(by).aggregate(**subscription_reductions(view.subscriptions))
    cont = view.contacts.group_by(by).aggregate(**contact_reductions(view.contacts))
    groups: dict[tuple, dict] = {}
    for row in results.rows(cust):
        groups[tuple(row[b] for b in by)] = {"c": row, "s": {}, "k": {}}
    for part, expr in (("s", subs), ("k", cont)):
        for row in results.rows(expr):
            key = tuple(row[b] for b in by)
            if key in groups:
                groups[key][part] = row
    top = max(retention.JSON_DELIVERIES, max((_int(g["s"].get("max_reached")) for g in groups.values()), default=0) + 1)
    life: dict[tuple, dict[int, dict]] = {}
    if any(g["s"] for g in groups.values()):
        for row in results.rows(retention.life_table(view.subscriptions, top, by)):
            life.setdefault(tuple(row[b] for b in by), {})[row["delivery"]] = row
    records = []
    for key in sorted(groups, key=lambda t: tuple((v is None, str(v)) for v in t)):
        g = groups[key]
        c, s, k = g["c"], g["s"], g["k"]
        curve = life.get(key, {})
        started = _int(s.get("subscriptions_started"))
        rec = dict(zip(by, key, strict=True))
        rec |= {
            "customers": _int(c["customers"]), "orders": _int(c["orders"]), "revenue": float(c["revenue"] or 0),
            "f2_conversion": c["f2_conversion"], "f3_conversion": c["f3_conversion"],
            "repeat_rate": c["repeat_rate"], "trial_pullup_rate": c["trial_pullup_rate"],
            "ltv_matured_customers": _int(c["ltv_matured_customers"]),
            "ltv_immature_customers": _int(c["ltv_immature_customers"]),
            "ltv_mean_revenue": c["ltv_mean_revenue"], "ltv_mean_gross_profit": c["ltv_mean_gross_profit"],
            "ltv_mean_purchases": c["ltv_mean_purchases"], "ltv_aov": c["ltv_aov"],
            "subscriptions_started": started,
        }
        delivered = _int(s.get("subscriptions_delivered"))
        for n in RETENTION_COLUMNS:
            rec[f"retention_{n}"] = (curve.get(n) or {}).get("r") if delivered else None
            rec[f"at_risk_{n}"] = _int_or_none((curve.get(n) or {}).get("at_risk")) if delivered and n > 1 else None
        rec["expected_deliveries"] = (1 + sum(v["r"] for v in curve.values() if v["r"] is not None)) if delivered else None
        for name, rates in _offer_rates(c, s, k).items():
            rec[f"{name}_rate"] = rates["rate"]
        records.append(rec)
    return pa.Table.from_pylist(records) if records else pa.table({b: pa.array([], pa.string()) for b in by})
