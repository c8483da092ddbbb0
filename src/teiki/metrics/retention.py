"""定期継続率 by delivery as a product-limit estimate with censoring (seed 004, SPEC §3).

``s`` is ``view.subscriptions`` (grain: subscription), with R = ``reached``
(the highest delivery reached by D) and C = ``cancelled`` (cancelled by D).
Step k's hazard complement (the share going on to delivery k) is

    h_k = #(R ≥ k) ÷ (#(R ≥ k) + #(R = k − 1 and C)),

so a subscription still active at its last delivery is *censored*: it
counts neither as reaching k nor as dropping out. r(1) = 1 and
r(n) = Π_{k=2..n} h_k; with nothing censored this is the plain ratio.
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
    """Subscriptions per highest delivery reached (n) and how many of them were cancelled (n_cancelled)."""
    return s.group_by([*by, "reached"]).aggregate(n=s.count(), n_cancelled=s.cancelled.sum())


def life_table(s: ir.Table, max_delivery: int, by: Sequence[str] = ()) -> ir.Table:
    """Per delivery k = 2..max_delivery: reached (#R ≥ k), dropped (#R = k − 1 and C), h and r.

    r is null from the first k whose denominator is 0 (nothing left at risk).
    """
    counts = reached_counts(s, by)
    ks = ibis.memtable({"delivery": list(range(2, max(max_delivery, 2) + 1))}, schema={"delivery": "int64"})
    grid = counts.cross_join(ks)
    table = grid.group_by([*by, "delivery"]).aggregate(
        reached=ibis.coalesce(grid.n.sum(where=grid.reached >= grid.delivery), 0),
        dropped=ibis.coalesce(grid.n_cancelled.sum(where=grid.reached == grid.delivery - 1), 0),
    )
    h = rate(table.reached, table.reached + table.dropped)
    table = table.mutate(h=h)
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
