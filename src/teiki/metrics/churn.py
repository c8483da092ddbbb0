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

from teiki.metrics.ratio import no_dust, rate


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from ``first``'s month to ``last``'s month."""
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def months_table(first: dt.date, as_of: dt.date) -> ir.Table:
    """month (YYYY-MM), key, t0, t1 and partial for every month from ``first``'s to ``as_of``'s, plus one more
    key (shown: false) where the last month's losses are booked."""
    starts = month_starts(first, as_of)
    nexts = [(d + dt.timedelta(days=32)).replace(day=1) for d in starts]
    ends = [min(n, as_of + dt.timedelta(days=1)) for n in nexts]
    extra = nexts[-1]
    return ibis.memtable(
        {
            "month": [d.strftime("%Y-%m") for d in [*starts, extra]],
            "key": [d.year * 12 + d.month - 1 for d in [*starts, extra]],
            "t0": [dt.datetime.combine(d, dt.time()) for d in [*starts, extra]],
            "t1": [dt.datetime.combine(e, dt.time()) for e in [*ends, extra]],
            "partial": [e < n for e, n in zip(ends, nexts, strict=True)] + [False],
            "shown": [True] * len(starts) + [False],
        },
        schema={"month": "string", "key": "int64", "t0": "timestamp", "t1": "timestamp", "partial": "boolean",
                "shown": "boolean"},
    )


def month_key(ts: ir.TimestampValue) -> ir.IntegerValue:
    """Months since year 0 of a time (2025-03-15 → 2025 × 12 + 2)."""
    return ts.year().cast("int64") * 12 + ts.month().cast("int64") - 1


def first_month_start_at_or_after(ts: ir.TimestampValue) -> ir.IntegerValue:
    """The key of the first month whose first instant t0 is ≥ ts (ts itself when it is a month start)."""
    exact = ts == ts.truncate("M")
    return month_key(ts) + ibis.cases((exact, 0), else_=1)


def spells(s: ir.Table, by: Sequence[str] = ()) -> ir.Table:
    """Each customer's subscribed spells, in month-start space (gaps and islands).

    Per subscription, start_key / end_key = the first month whose start t0 it covers / no longer covers
    (end_key null while active); subscriptions that cover no month start are dropped, and a customer's
    subscriptions whose key ranges overlap or touch are merged. A customer is then subscribed at t0(m)
    exactly when one spell has start_key ≤ m < end_key, and is still subscribed at the end of m exactly
    when the spell goes on past m.
    """
    never = ibis.literal(dt.datetime(9999, 12, 31), "timestamp")
    open_key = ibis.literal(10**9, "int64")  # "never ends", so that max() works
    t = _keys(s.select("customer_id", *by, "started_at", end=ibis.coalesce(s.cancelled_at, never)),
              ibis._.started_at, ibis._.end, never)
    t = t.mutate(end_key=ibis.coalesce(t.end_key, open_key))
    t = t.filter(t.start_key < t.end_key)
    before = ibis.window(group_by="customer_id", order_by=["start_key", "end_key"], rows=(None, -1))
    t = t.mutate(reach=t.end_key.max().over(before))
    t = t.mutate(new=(t.reach.isnull() | (t.start_key > t.reach)).cast("int64"))
    upto = ibis.window(group_by="customer_id", order_by=["start_key", "end_key"], rows=(None, 0))
    t = t.mutate(spell=t.new.sum().over(upto))
    merged = t.group_by(["customer_id", *by, "spell"]).aggregate(start_key=t.start_key.min(),
                                                                 end_key=t.end_key.max())
    return merged.mutate(end_key=ibis.cases((merged.end_key == open_key, ibis.null("int64")),
                                            else_=merged.end_key))


def _keys(t: ir.Table, start, end, never: ir.TimestampValue) -> ir.Table:
    """start_key / end_key (null for an open end) of intervals [start, end)."""
    return t.mutate(
        start_key=first_month_start_at_or_after(start),
        end_key=ibis.cases((end == never, ibis.null("int64")), else_=first_month_start_at_or_after(end)),
    )


def flows(s: ir.Table, by: Sequence[str] = ()) -> ir.Table:
    """Per month key (and group): spells and recurring revenue that start / stop covering a month start.

    subscribed_at_start(m) = Σ_{k ≤ m} starts − Σ_{k ≤ m} ends, and customers lost in m = ends at m + 1
    (likewise for revenue with each subscription's rr).
    """
    never = ibis.literal(dt.datetime(9999, 12, 31), "timestamp")
    sp = spells(s, by)
    subs = _keys(s, s.started_at, ibis.coalesce(s.cancelled_at, never), never)
    subs = subs.filter(subs.end_key.isnull() | (subs.start_key < subs.end_key))
    zero = ibis.literal(0.0)
    parts = [
        sp.select(*by, key=sp.start_key, starts=ibis.literal(1, "int64"), ends=ibis.literal(0, "int64"),
                  rr_starts=zero, rr_ends=zero),
        sp.filter(sp.end_key.notnull()).select(*by, key=sp.end_key, starts=ibis.literal(0, "int64"),
                                               ends=ibis.literal(1, "int64"), rr_starts=zero, rr_ends=zero),
        subs.select(*by, key=subs.start_key, starts=ibis.literal(0, "int64"), ends=ibis.literal(0, "int64"),
                    rr_starts=subs.recurring_revenue, rr_ends=zero),
        subs.filter(subs.end_key.notnull()).select(*by, key=subs.end_key, starts=ibis.literal(0, "int64"),
                                                   ends=ibis.literal(0, "int64"), rr_starts=zero,
                                                   rr_ends=subs.recurring_revenue),
    ]
    events = ibis.union(*parts)
    return events.group_by([*by, "key"]).aggregate(
        starts=events.starts.sum(), ends=events.ends.sum(),
        rr_starts=events.rr_starts.sum(), rr_ends=events.rr_ends.sum(),
    )


def churn_table(s: ir.Table, months: ir.Table, by: Sequence[str] = ()) -> ir.Table:
    """Per month (and group): subscribed_at_start, customers_lost, customer_churn, revenue_at_start,
    revenue_lost, revenue_churn. ``months`` is :func:`months_table`."""
    f = flows(s, by)
    grid = months.cross_join(f.select(*by).distinct()) if by else months
    j = grid.left_join(f, [grid.key == f.key, *(grid[b] == f[b] for b in by)])
    j = j.select(
        *(grid[b] for b in by), grid.month, grid.key, grid.partial, grid.shown,
        starts=ibis.coalesce(f.starts, 0), ends=ibis.coalesce(f.ends, 0),
        rr_starts=ibis.coalesce(f.rr_starts, 0.0), rr_ends=ibis.coalesce(f.rr_ends, 0.0),
    )
    upto = ibis.window(group_by=list(by), order_by="key", rows=(None, 0))
    following = ibis.window(group_by=list(by), order_by="key")
    j = j.mutate(
        subscribed_at_start=j.starts.sum().over(upto) - j.ends.sum().over(upto),
        customers_lost=ibis.coalesce(j.ends.lead().over(following), 0),
        revenue_at_start=no_dust(j.rr_starts.sum().over(upto) - j.rr_ends.sum().over(upto)),
        revenue_lost=ibis.coalesce(j.rr_ends.lead().over(following), 0.0),
    )
    j = j.filter(j.shown)
    return j.select(
        *by, "month", "partial", "subscribed_at_start", "customers_lost", "revenue_at_start", "revenue_lost",
        customer_churn=rate(j.customers_lost, j.subscribed_at_start),
        revenue_churn=rate(j.revenue_lost, j.revenue_at_start),
    )
