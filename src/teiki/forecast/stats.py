"""Sufficient statistics for the forecast models, built in the engine (Ibis) and handed over compressed.

Non-contractual buyers (customers with no subscription by D), one row per
customer before compression:

    frequency x  = purchases − 1 (repeat purchases)
    recency  t_x = days from the first to the last purchase ÷ 7   (weeks)
    age      T   = days from the first purchase to D ÷ 7          (weeks)
    monetary m_x = mean amount of the repeat purchases (x > 0)

:func:`purchase_stats` groups them by (x, t_x, T) with t_x and T rounded to
whole weeks (±3.5 days, small beside what the models resolve), so the BG/NBD or
Pareto/NBD likelihood is a weighted sum over a few thousand rows whatever the
number of customers (18k rows for the 424k one-off buyers of the 1M benchmark
shop); :func:`spend_stats` does the same for the
Gamma-Gamma model by (x, m_x rounded to the yen).

Subscriptions: :func:`life_counts` is per group the number of subscriptions
by highest delivery reached and whether they were cancelled, which is all
the sBG / BdW likelihood needs (teiki.metrics.retention.reached_counts).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import numpy as np

from teiki.metrics.retention import reached_counts
from teiki.metrics.view import View
from teiki.store import results

DAYS_PER_WEEK = 7.0


def oneoff_customers(view: View) -> ir.Table:
    """The customers with a purchase by D and no subscription started by D, with their first-order amount."""
    c = view.customers
    subs = view.subscriptions.select("customer_id").distinct()
    o = view.orders
    first = o.filter(o.purchase_no == 1).group_by("customer_key").aggregate(first_amount=o.amount.sum())
    c = c.anti_join(subs, c.customer_id == subs.customer_id)
    j = c.left_join(first, c.customer_key == first.customer_key)
    return j.select(*(j[k] for k in c.columns), first_amount=ibis.coalesce(j.first_amount, 0.0))


def customer_stats(view: View, by: Sequence[str] = ()) -> ir.Table:
    """Per non-contractual customer: x, recency and age in days, and the repeat purchases' total amount."""
    c = oneoff_customers(view)
    return c.select(
        "customer_id", "customer_key", *by,
        frequency=(c.purchases - 1).cast("int64"),
        recency_days=c.last_date.delta(c.first_date, unit="day"),
        age_days=view.day.delta(c.first_date, unit="day"),
        repeat_amount=c.revenue - c.first_amount,
        first_amount=c.first_amount,
    )


def purchase_stats(view: View, by: Sequence[str] = ()) -> ir.Table:
    """Compressed (x, recency weeks, age weeks) with the number of customers ``n`` (per group of ``by``)."""
    s = customer_stats(view, by)
    s = s.mutate(recency=(s.recency_days / DAYS_PER_WEEK).round(0), age=(s.age_days / DAYS_PER_WEEK).round(0))
    return s.group_by([*by, "frequency", "recency", "age"]).aggregate(n=s.count())


def spend_stats(view: View, by: Sequence[str] = ()) -> ir.Table:
    """Compressed (x, mean repeat amount rounded to the yen) over customers with x > 0, with ``n``."""
    s = customer_stats(view, by)
    s = s.filter(s.frequency > 0)
    s = s.mutate(monetary=(s.repeat_amount / s.frequency).round(0))
    return s.group_by([*by, "frequency", "monetary"]).aggregate(n=s.count())


def life_counts(view: View, by: Sequence[str] = ()) -> ir.Table:
    """Subscriptions per highest delivery reached (``n``) and how many of them were cancelled."""
    return reached_counts(view.subscriptions, by)


def arrays(expr: ir.Table, columns: Sequence[str]) -> dict[str, np.ndarray]:
    """The columns of a (small) result as numpy arrays."""
    table = results.arrow(expr)
    return {c: table.column(c).to_numpy(zero_copy_only=False) for c in columns}

