"""Monthly customer churn and revenue churn (seed 002, SPEC §3).

``s`` is ``view.subscriptions`` (grain: subscription). A customer is
subscribed at time t when one of their subscriptions has started_at ≤ t and
(cancelled_at null or > t). For month m with t0 = its first day and t1 = the
next month's first day (D + 1 day in D's own month, marked partial):

    customer_churn(m) = #subscribed at t0 and not at t1 ÷ #subscribed at t0
    revenue_churn(m)  = Σ rr of subscriptions active at t0, not at t1 ÷ Σ rr active at t0

with rr = the amount of the subscription's latest delivery × 30 ÷ cycle_days.
Example: 1,000 subscribers at ¥5,000 a month, 100 cancel in m → customer
churn 0.1 and revenue churn (5,000 × 100) ÷ (5,000 × 1,000) = 0.1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from teiki.metrics.ratio import rate


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from ``first``'s month to ``last``'s month."""
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def months_table(first: dt.date, as_of: dt.date) -> ir.Table:
    """month (YYYY-MM), t0, t1 and partial for every month from ``first`` to ``as_of``."""
    starts = month_starts(first, as_of)
    nexts = [(d + dt.timedelta(days=32)).replace(day=1) for d in starts]
    ends = [min(n, as_of + dt.timedelta(days=1)) for n in nexts]
    return ibis.memtable(
        {
            "month": [d.strftime("%Y-%m") for d in starts],
            "t0": [dt.datetime.combine(d, dt.time()) for d in starts],
            "t1": [dt.datetime.combine(e, dt.time()) for e in ends],
            "partial": [e < n for e, n in zip(ends, nexts, strict=True)],
        },
        schema={"month": "string", "t0": "timestamp", "t1": "timestamp", "partial": "boolean"},
    )


def active_at(s: ir.Table, t: ir.TimestampValue) -> ir.BooleanValue:
    """Subscription active at t: started_at ≤ t and (cancelled_at null or > t)."""
    return (s.started_at <= t) & (s.cancelled_at.isnull() | (s.cancelled_at > t))


def churn_table(s: ir.Table, months: ir.Table, by: Sequence[str] = ()) -> ir.Table:
    """Per month (and group): subscribed_at_start, customers_lost, customer_churn, revenue_at_start,
    revenue_lost, revenue_churn."""
    j = s.join(months, [s.started_at <= months.t1, s.cancelled_at.isnull() | (s.cancelled_at > months.t0)])
    a0, a1 = active_at(j, j.t0), active_at(j, j.t1)
    per_customer = j.group_by([*by, "month", "partial", "customer_id"]).aggregate(
        at_start=a0.any(), at_end=a1.any(),
        revenue_at_start=j.recurring_revenue.sum(where=a0),
        revenue_lost=j.recurring_revenue.sum(where=a0 & ~a1),
    )
    p = per_customer
    out = p.group_by([*by, "month", "partial"]).aggregate(
        subscribed_at_start=p.at_start.cast("int64").sum(),
        customers_lost=(p.at_start & ~p.at_end).cast("int64").sum(),
        revenue_at_start=ibis.coalesce(p.revenue_at_start.sum(), 0.0),
        revenue_lost=ibis.coalesce(p.revenue_lost.sum(), 0.0),
    )
    return out.mutate(
        customer_churn=rate(out.customers_lost, out.subscribed_at_start),
        revenue_churn=rate(out.revenue_lost, out.revenue_at_start),
    )
