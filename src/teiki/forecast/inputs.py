"""What the shop forecast reads, per group, in a handful of engine queries (teiki.forecast.groups uses it).

Per group of ``by`` (one group "all" without): new customers, their mean first
order (revenue, gross profit), the share who subscribed (also among customers
of at least 180 days, since trial buyers convert over months), the subscriptions'
typical cycle and revenue per delivery, the gross margin of the group's
orders, and the sufficient statistics of teiki.forecast.stats.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import numpy as np

from teiki.forecast import stats
from teiki.metrics.view import View
from teiki.store import results

ALL = "all"
MATURE_DAYS = 180  # customers this long with the shop have mostly made their subscribe-or-not choice


def group_key(row: dict, by: Sequence[str]) -> str:
    if not by:
        return ALL
    value = row[by[0]]
    return "(unknown)" if value is None else str(value)


def grouped(table: ir.Table, by: Sequence[str], **metrics: ir.Value) -> ir.Table:
    """``table`` aggregated per group of ``by``, or whole when there is none."""
    return table.group_by(list(by)).aggregate(**metrics) if by else table.aggregate(**metrics)


def group_facts(view: View, by: Sequence[str]) -> dict[str, dict]:
    """Per group: customers, first_revenue, first_gross_profit, subscribers, cycle_days, delivery_revenue,
    gross_margin (gross profit ÷ revenue of the group's orders up to D), and extra_per_delivery: the
    subscribers' revenue besides their deliveries (cross-sell, reorders) per delivery made."""
    by = list(by)
    c = view.customers
    o = view.orders
    subs = view.subscriptions
    subscribers = subs.select("customer_id").distinct().mutate(subscribed=ibis.literal(1))
    first = o.filter(o.purchase_no == 1).group_by("customer_key").aggregate(
        first_revenue=o.amount.sum(), first_gross_profit=o.gross_profit.sum())
    j = c.left_join(first, c.customer_key == first.customer_key).left_join(
        subscribers, c.customer_id == subscribers.customer_id)
    mature = j.observed_days >= MATURE_DAYS
    subscribed = ibis.coalesce(j.subscribed, 0)
    per_customer = grouped(j, by, customers=j.count(), first_revenue=j.first_revenue.mean(),
                           first_gross_profit=j.first_gross_profit.mean(), subscribers=subscribed.sum(),
                           mature_customers=mature.cast("int64").sum(),
                           mature_subscribers=subscribed.sum(where=mature))
    margin = grouped(o, by, revenue=o.amount.sum(), gross_profit=o.gross_profit.sum())
    d = view.source.delivery_facts
    d = d.filter(d.ordered_at < view.cutoff)
    per_sub = d.group_by("subscription_id").aggregate(delivery_revenue=d.amount.mean())
    s = subs.left_join(per_sub, subs.subscription_id == per_sub.subscription_id)
    cycle = grouped(s, by, cycle_days=s.cycle_days.median(), delivery_revenue=s.delivery_revenue.mean())
    # subscribers' other purchases (cross-sell, one-off reorders): revenue beyond deliveries, per delivery
    sub_orders = o.join(subscribers, o.customer_id == subscribers.customer_id)
    sub_orders = sub_orders.filter(sub_orders.purchase_no > 1)
    later = d.join(o.select("order_id", "purchase_no"), "order_id")
    later = later.join(s.select("subscription_id", *by), "subscription_id")
    extra_orders = grouped(sub_orders, by, later_order_revenue=sub_orders.amount.sum())
    extra_deliveries = grouped(later, by, deliveries=later.count(),
                               later_delivery_revenue=later.amount.sum(where=later.purchase_no > 1))
    out: dict[str, dict] = {}
    for row in results.rows(per_customer):
        out[group_key(row, by)] = {k: row[k] for k in ("customers", "first_revenue", "first_gross_profit", "subscribers",
                                                       "mature_customers", "mature_subscribers")}
    for row in results.rows(margin):
        g = out.get(group_key(row, by))
        if g is not None:
            g["gross_margin"] = (row["gross_profit"] / row["revenue"]) if row["revenue"] else None
    for row in results.rows(cycle):
        g = out.get(group_key(row, by))
        if g is not None:
            g["cycle_days"], g["delivery_revenue"] = row["cycle_days"], row["delivery_revenue"]
    for expr in (extra_orders, extra_deliveries):
        for row in results.rows(expr):
            g = out.get(group_key(row, by))
            if g is not None:
                g |= {k: v for k, v in row.items() if k not in by}
    for g in out.values():
        extra = (g.get("later_order_revenue") or 0.0) - (g.get("later_delivery_revenue") or 0.0)
        g["extra_per_delivery"] = max(extra, 0.0) / g["deliveries"] if g.get("deliveries") else 0.0
    return out


def split(table: dict[str, np.ndarray], by: Sequence[str], columns: Sequence[str]) -> dict[str, dict[str, np.ndarray]]:
    """Arrays of a grouped result, one dict of arrays per group."""
    if not by:
        return {ALL: {c: table[c] for c in columns}}
    keys = np.array(["(unknown)" if v is None else str(v) for v in table[by[0]]], dtype=object)
    return {k: {c: table[c][keys == k] for c in columns} for k in dict.fromkeys(keys.tolist())}


def life(view: View, by: Sequence[str]) -> dict[str, dict[str, np.ndarray]]:
    cols = ["reached", "n", "n_cancelled"]
    return split(stats.arrays(stats.life_counts(view, by), [*by, *cols]), by, cols)


def purchases(view: View, by: Sequence[str]) -> dict[str, dict[str, np.ndarray]]:
    cols = ["frequency", "recency", "age", "n"]
    return split(stats.arrays(stats.purchase_stats(view, by), [*by, *cols]), by, cols)


def spend(view: View, by: Sequence[str]) -> dict[str, dict[str, np.ndarray]]:
    cols = ["frequency", "monetary", "n"]
    return split(stats.arrays(stats.spend_stats(view, by), [*by, *cols]), by, cols)
