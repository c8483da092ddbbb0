"""Subscriptions derived from order lines, for shops that do not export them.

Grain: one row per subscription_id seen on a completed order line.

- customer_id: the customer of most of its lines;
- product_id: the product delivered most often under it (ties: the smallest id);
- started_at: its first delivery; cycle_days: the mean gap between its
  deliveries, rounded (30 when it has one delivery);
- cancelled_at: its last delivery, when the next one is more than
  ``LAPSE_CYCLES`` cycles overdue at ``as_of`` (default: the latest order in
  the shop); null (active) otherwise.

Example: deliveries on Jan 1, Jan 31, Mar 2 (cycle 30), shop's last order on
Jun 30 → 120 days since the last delivery > 2 × 30 → cancelled_at = Mar 2.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from teiki.store.schema import DEFAULT_CYCLE_DAYS, SUBSCRIPTIONS

LAPSE_CYCLES = 2


def derived_subscriptions(orders: ir.Table, as_of: dt.datetime | None = None) -> ir.Table:
    """The subscriptions table (canonical columns) inferred from ``orders``."""
    lines = orders.filter((orders.status == "completed") & orders.subscription_id.notnull())
    per = lines.group_by("subscription_id").aggregate(
        started_at=lines.ordered_at.min(),
        last_at=lines.ordered_at.max(),
        deliveries=lines.order_id.nunique(),
    )
    per = per.join(_most_frequent(lines, "customer_id"), "subscription_id")
    per = per.join(_most_frequent(lines, "product_id"), "subscription_id")
    span_days = per.last_at.date().delta(per.started_at.date(), unit="day")
    cycle = ibis.cases(
        (per.deliveries > 1, (span_days / (per.deliveries - 1)).round().cast("int64")),
        else_=ibis.literal(DEFAULT_CYCLE_DAYS),
    )
    cycle = ibis.greatest(cycle, 1)
    reference = ibis.literal(as_of, "timestamp") if as_of is not None else orders.ordered_at.max().as_scalar()
    lapsed = reference.date().delta(per.last_at.date(), unit="day") > cycle * LAPSE_CYCLES
    derived = {
        "subscription_id": per.subscription_id,
        "customer_id": per.customer_id,
        "product_id": per.product_id,
        "started_at": per.started_at,
        "cancelled_at": ibis.cases((lapsed, per.last_at), else_=ibis.null("timestamp")),
        "cancel_reason": ibis.null("string"),
        "cycle_days": cycle,
        "plan": ibis.null("string"),
        "paused_until": ibis.null("date"),
    }
    return per.select(**{c.name: derived[c.name].cast(c.dtype) for c in SUBSCRIPTIONS.columns})


def _most_frequent(lines: ir.Table, column: str) -> ir.Table:
    """Per subscription, the value of ``column`` on most of its lines (ties: the smallest value).

    Written with a count and a ranking rather than ``mode()``, which the Spark backend lacks.
    """
    counts = lines.group_by(["subscription_id", column]).aggregate(n=lines.count())
    ranked = counts.mutate(_r=ibis.row_number().over(group_by="subscription_id",
                                                     order_by=[ibis.desc("n"), column]))
    return ranked.filter(ranked._r == 0).select("subscription_id", column)
