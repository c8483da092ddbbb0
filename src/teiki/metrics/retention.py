"""定期継続率 by delivery as a product-limit estimate with censoring (seed 004, SPEC §3).

``s`` is ``view.subscriptions`` (grain: subscription), with R = ``reached``
(the highest delivery reached by D) and C = ``cancelled`` (cancelled by D).
Step k's hazard complement (the share going on to delivery k) is

    h_k = #(R' ≥ k) ÷ (#(R' ≥ k) + #(R' = k − 1 and C')),

counting each step only once its outcome is settled, either way:

- R' (``retention_reached``) = R, or R − 1 while delivery R is less than a
  week old (:data:`teiki.metrics.view.DUE_GRACE_DAYS`);
- C' (``churn_seen``) = cancelled by D *and* the next delivery was due more
  than a week before D (the date of delivery R + cycle_days + 7 days).

A subscription inside its interval k − 1 → k is *censored* there, cancelled or
not. Counting its cancellation while leaving out the active subscriptions
beside it (the plain reading of seed 004's rule) over-weights early
cancellers wherever subscriptions are young: a shop growing 15 % a month with
a constant 25 % drop-out was told r(6) = 21.6 % instead of 23.7 % (issue 17;
``tests/test_retention_staggered.py``). The same week of grace on both sides
keeps a delivery a few days late from reading as a loss. n_at_risk(k) = the
denominator. r(1) = 1 and r(n) = Π_{k=2..n} h_k; with nothing censored this is
the plain ratio. Subscriptions without a completed delivery are left out (the curve starts at delivery 1)
and counted as 初回お届け前キャンセル when cancelled.
Seed 004's example: 1,000 sign-ups, 900 / 800 / 500 / 400 reach deliveries
2 / 3 / 4 / 5 and the rest cancelled → r = 0.9, 0.8, 0.5, 0.4.
離脱率 at n = 1 − r(n); step-wise drop-out = 1 − h_n; 平均継続回数 = Σ r(n).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from teiki.metrics.ratio import rate

JSON_DELIVERIES = 24


def reached_counts(s: ir.Table, by: Sequence[str] = ()) -> ir.Table:
    """Subscriptions per highest delivery reached (n) and how many of them were cancelled with the interval
    after it complete (n_cancelled; one cancelled inside it is censored there, like an active one)."""
    s = s.filter(s.delivered)  # a subscription never delivered has no curve: counted on its own
    return s.group_by([*by], reached=s.retention_reached).aggregate(n=s.count(), n_cancelled=s.churn_seen.sum())


def life_table(s: ir.Table, max_delivery: int, by: Sequence[str] = ()) -> ir.Table:
    """Per delivery k = 2..max_delivery: reached (#R ≥ k), dropped (#R = k − 1, C, interval complete),
    at_risk (their sum), h and r.

    r is null from the first k whose denominator is 0 (nothing left at risk).
    """
    counts = reached_counts(s, by)
    ks = ibis.memtable({"delivery": list(range(2, max(max_delivery, 2) + 1))}, schema={"delivery": "int64"})
    grid = counts.cross_join(ks)
    table = grid.group_by([*by, "delivery"]).aggregate(
        reached=ibis.coalesce(grid.n.sum(where=grid.reached >= grid.delivery), 0),
        dropped=ibis.coalesce(grid.n_cancelled.sum(where=grid.reached == grid.delivery - 1), 0),
    )
    table = table.mutate(at_risk=table.reached + table.dropped)
    table = table.mutate(h=rate(table.reached, table.at_risk))
    upto = ibis.window(group_by=list(by), order_by="delivery", rows=(None, 0))
    defined = table.h.notnull().cast("int64").sum().over(upto) == table.delivery - 1
    zero = (table.h == 0).cast("int64").max().over(upto) == 1
    log_h = ibis.cases((table.h > 0, table.h.ln()), else_=ibis.null("float64"))
    r = ibis.cases((~defined, ibis.null("float64")), (zero, 0.0), else_=log_h.sum().over(upto).exp())
    return table.mutate(r=r)


def expected_deliveries(life: ir.Table, by: Sequence[str] = ()) -> ir.Table:
    """平均継続回数 = 1 + Σ_{n ≥ 2} r(n) over the deliveries where r is defined.

    Example: r = 1, 0.9, 0.8, 0.5, 0.4, then 0 → 3.6 deliveries.
    """
    return life.group_by(list(by)).aggregate(expected_deliveries=1 + ibis.coalesce(life.r.sum(), 0.0))


def subscriptions_started(s: ir.Table) -> ir.IntegerValue:
    """Subscriptions started by D."""
    return s.count()


def subscriptions_cancelled(s: ir.Table) -> ir.IntegerValue:
    """Subscriptions cancelled by D."""
    return s.cancelled.sum()


def cancelled_before_first_delivery(s: ir.Table) -> ir.IntegerValue:
    """初回お届け前キャンセル: subscriptions cancelled by D without any completed delivery (the first one
    cancelled or returned). They are left out of the retention curve, which starts at delivery 1.

    Example: 3 started, one delivered, one cancelled before its first delivery, one waiting → 1.
    """
    return (s.cancelled & ~s.delivered).sum()
