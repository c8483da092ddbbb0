"""The next delivery of each active subscription as of D, and which (customer, product) pairs it covers.

Grain: one row per subscription active on D (started by D, not cancelled by D).

- ``last_delivery``: the date of its latest completed delivery by D (its start when it has none yet);
- ``cycle_days``: the ``detail`` of its latest ``cycle_change`` event by D (the last number in it, e.g. "45"),
  else subscriptions.cycle_days (30 when unknown);
- ``skips``: its ``skip`` events after the last delivery and by D — each skips one delivery;
- ``pause_end``: the latest end date of a ``pause`` event after the last delivery and by D (``detail``,
  YYYY-MM-DD), and subscriptions.paused_until when it is after the last delivery and no delivery of the
  subscription is recorded after D (the column is a snapshot of the export, so it describes only the
  subscription's latest interval);

    next_delivery = max(last_delivery + cycle_days × (1 + skips), pause_end)

Example: delivered 11/02 on a 30-day cycle → next 12/02; with one skip requested on 11/25 → 01/01; after a
cycle change to 45 days → 12/17; paused until 01/15 → 01/15.

A subscription covers its product_id (or, when that is empty, the products of its completed delivery lines).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from teiki.metrics.view import View
from teiki.store.facts import counted_lines

PAIR = ["customer_id", "product_id"]


def latest_cycles(view: View) -> ir.Table:
    """Per subscription with a cycle change by D: ``changed_cycle``, the number in its latest one's detail.

    Example: cycle_change "45" on 10/01 and "60" on 11/10 → 60.
    """
    e = view.source.subscription_events
    e = e.filter((e.kind == "cycle_change") & (e.occurred_at < view.cutoff))
    e = e.mutate(days=e.detail.re_extract(r"([0-9]+)[^0-9]*$", 1).try_cast("int64"))
    e = e.filter(e.days.notnull() & (e.days > 0))
    ranked = e.mutate(_r=ibis.row_number().over(group_by="subscription_id",
                                                order_by=[ibis.desc("occurred_at"), ibis.desc("days")]))
    return ranked.filter(ranked._r == 0).select("subscription_id", changed_cycle=ranked.days)


def next_deliveries(view: View) -> ir.Table:
    """One row per active subscription: subscription_id, customer_id, product_id, last_delivery, cycle_days, skips
    and next_delivery (see the module docstring)."""
    src = view.source
    active = view.subscriptions
    active = active.filter(~active.cancelled).select("subscription_id", "customer_id", "product_id", "started_at",
                                                     "cycle_days")
    d = src.delivery_facts
    times = d.group_by("subscription_id").aggregate(seen_at=d.ordered_at.max(where=d.ordered_at < view.cutoff),
                                                    latest_at=d.ordered_at.max())
    j = active.left_join(times, "subscription_id").drop("subscription_id_right")
    j = j.mutate(last_at=ibis.coalesce(j.seen_at, j.started_at))
    if src.subscriptions is not None:
        snap = src.subscriptions.select("subscription_id", "paused_until")
        j = j.left_join(snap, "subscription_id").drop("subscription_id_right")
        latest_seen = ibis.coalesce(j.latest_at == j.seen_at, j.latest_at.isnull())
        paused_until = ibis.cases(((j.paused_until > j.last_at.date()) & latest_seen, j.paused_until),
                                  else_=ibis.null("date"))
    else:
        paused_until = ibis.null("date")
    j = j.left_join(latest_cycles(view), "subscription_id").drop("subscription_id_right")
    base = j.select("subscription_id", "customer_id", "product_id", "last_at", paused_until=paused_until,
                    cycle_days=ibis.coalesce(j.changed_cycle, j.cycle_days, 30).cast("int64"))
    return after_last_delivery(view, base)


def after_last_delivery(view: View, base: ir.Table) -> ir.Table:
    """``base`` (one row per subscription: last_at, cycle_days, paused_until) with the skip and pause events after
    its last delivery and by D: ``skips``, ``last_delivery`` and the ``next_delivery`` they give.

    Example: delivered 11/02 10:00 on a 30-day cycle; a skip on 11/25 → skips 1, next 01/01; a pause on 11/26
    until 2025-01-15 instead → next 01/15.
    """
    e = view.source.subscription_events
    e = e.filter(e.kind.isin(["skip", "pause"]) & (e.occurred_at < view.cutoff))
    e = e.select(event_sub=e.subscription_id, occurred_at=e.occurred_at, kind=e.kind,
                 end=e.detail.replace("/", "-").try_cast("date"))
    j = base.left_join(e, (base.subscription_id == e.event_sub) & (e.occurred_at > base.last_at))
    per = j.group_by(list(base.columns)).aggregate(
        skips=ibis.coalesce((j.kind == "skip").sum(), 0).cast("int64"),
        pause_end=j.end.max(where=j.kind == "pause"),
    )
    regular = per.last_at.date() + (per.cycle_days * (per.skips + 1)).cast("int32").as_interval("D")
    ends = (per.pause_end, per.paused_until)
    pause = ibis.greatest(ibis.coalesce(*ends), ibis.coalesce(*reversed(ends)))
    return per.select(
        "subscription_id", "customer_id", "product_id", "cycle_days", "skips", last_delivery=per.last_at.date(),
        next_delivery=ibis.cases((pause > regular, pause), else_=regular),
    )


def covered_products(view: View, active: ir.Table) -> ir.Table:
    """(subscription_id, product_id) each active subscription delivers: its own product_id, else the products on
    its completed lines by D."""
    named = active.filter(active.product_id.notnull()).select("subscription_id", "product_id")
    o = view.source.orders
    lines = counted_lines(o).filter(o.subscription_id.notnull() & (o.ordered_at < view.cutoff))
    blank = active.filter(active.product_id.isnull()).select("subscription_id")
    found = lines.semi_join(blank, "subscription_id").select("subscription_id", "product_id").distinct()
    return named.union(found, distinct=True)


def covering(view: View) -> ir.Table:
    """Per (customer, product) delivered by an active subscription: the subscription with the earliest
    next_delivery (ties: the smallest subscription_id) and its subscription_id, next_delivery, cycle_days, skips."""
    nd = next_deliveries(view)
    active = view.subscriptions
    pairs = covered_products(view, active.filter(~active.cancelled))
    j = nd.drop("product_id").join(pairs, "subscription_id")
    ranked = j.mutate(_r=ibis.row_number().over(group_by=PAIR, order_by=["next_delivery", "subscription_id"]))
    return ranked.filter(ranked._r == 0).select(*PAIR, "subscription_id", "next_delivery", "cycle_days", "skips")
