"""Early signs of cancellation (seed 002, 解約の兆候): one row per active subscription and snapshot date.

Grain: (snapshot, subscription_id) for every subscription *active* on the snapshot date s — started by
s and not cancelled by s (``started_at < s + 1 day`` and ``cancelled_at`` null or ``≥ s + 1 day``).
Everything is read as it was on s: events, contacts and deliveries before s + 1 day (00:00).
The 90-day window of s is ``[s + 1 day − 90 days, s + 1 day)``, i.e. the days s − 89 … s.

Signals (columns of :func:`signals`):

- ``delivery_no`` (定期回数): the highest delivery_no delivered by s (the count of deliveries when
  none is numbered; at least 1);
- ``tenure_days`` (継続日数): s − the start date;
- ``cycle_days`` (お届け周期): the cycle in force on s, see :func:`cycle_at`;
- ``days_since_delivery`` (前回お届けからの日数): s − the last delivery date (the start when none);
- ``lapse_ratio``: :func:`lapse_ratio`; ``overdue_deliveries``: :func:`overdue_deliveries`;
- ``skips_90d``, ``pauses_90d``, ``cycle_changes_90d``: subscription_events of that kind in the window;
- ``cancel_requests_90d``: :func:`cancel_requests`; ``saves_90d``: cancel_request contacts of the
  customer in the window with outcome ``saved`` (引き止め済み);
- ``inquiries_90d``: contacts of the customer in the window with purpose ``downsell`` or ``other``
  (the conversations that follow a wish to reduce, and inquiries / complaints, which the schema files
  under ``other``); outbound offers (followup, upsell, cross_sell, winback) are not inquiries;
- ``channel`` (the customer's first channel, 媒体) and ``product_id``.

Contacts are matched by customer: a customer with two subscriptions shows the same contacts on both.
The label of a snapshot row is :func:`cancelled_within` (cancelled within the next H days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from teiki.metrics.view import View
from teiki.store import results
from teiki.store.schema import DEFAULT_CYCLE_DAYS

LOOKBACK_DAYS = 90  # the window of the counted events and contacts
GRACE_DAYS = 7  # a delivery is overdue only this many days after the cycle says it was due
CYCLE_ROUND_DAYS = 5  # the estimated cycle (see cycle_at) is rounded to this many days
INQUIRY_PURPOSES = ("downsell", "other")
NUMERIC = ("delivery_no", "tenure_days", "cycle_days", "days_since_delivery", "lapse_ratio", "overdue_deliveries",
           "skips_90d", "pauses_90d", "cycle_changes_90d", "cancel_requests_90d", "saves_90d", "inquiries_90d")
CATEGORICAL = ("channel", "product_id")


def snapshots(dates: Sequence[dt.date], roles: Sequence[str], horizon_days: int) -> ir.Table:
    """A small table of snapshot dates: snapshot, role, cut (s + 1 day, 00:00), since (cut − 90 days) and
    label_end (cut + H days: a cancellation before it and at or after cut is a positive label)."""
    cuts = [dt.datetime.combine(d + dt.timedelta(days=1), dt.time()) for d in dates]
    return ibis.memtable(
        {"snapshot": list(dates), "role": list(roles), "cut": cuts,
         "since": [c - dt.timedelta(days=LOOKBACK_DAYS) for c in cuts],
         "label_end": [c + dt.timedelta(days=horizon_days) for c in cuts]},
        schema={"snapshot": "date", "role": "string", "cut": "timestamp", "since": "timestamp",
                "label_end": "timestamp"},
    )


def active_panel(subscriptions: ir.Table, snaps: ir.Table) -> ir.Table:
    """(snapshot, subscription) for every subscription active on each snapshot date, with ``_n`` = the
    subscription's position (0, 1, …) in subscription_id order, which :func:`sample` keeps every k-th of.

    Example: started 2025-01-01 10:00, cancelled 2025-07-10 15:00 → active on the snapshots 2025-01-01 …
    2025-07-09, not on 2025-07-10 (the cancellation is before that snapshot's cut, 2025-07-11 00:00)."""
    s = subscriptions.mutate(_n=ibis.row_number().over(order_by=subscriptions.subscription_id))
    s = s.select("subscription_id", "customer_id", "product_id", "started_at", "cancelled_at", "cycle_days", "_n",
                 channel=s.first_channel)
    live = (s.started_at < snaps.cut) & (s.cancelled_at.isnull() | (s.cancelled_at >= snaps.cut))
    return s.join(snaps, [live]).select(*snaps.columns, *(c for c in s.columns))


def sample_step(rows: int, limit: int) -> int:
    """Keep every k-th subscription so that about ``limit`` rows remain: k = ⌈rows ÷ limit⌉ (≥ 1).

    Example: 1,050,000 training rows, limit 200,000 → every 6th."""
    return max(1, -(-rows // limit))


def sample(panel: ir.Table, steps: dict[str, int]) -> ir.Table:
    """Keep every ``steps[role]``-th subscription (by ``_n``) of the rows of each role; a role without a step
    (or step 1) keeps all. The same subscriptions are kept on every snapshot of a role, on any engine."""
    keep = [(panel.role == role, (panel._n % step) == 0) for role, step in steps.items() if step > 1]
    return panel.filter(ibis.cases(*keep, else_=True)) if keep else panel


def lapse_ratio(days_since_delivery: ir.IntegerValue, cycle_days: ir.IntegerValue) -> ir.FloatingValue:
    """Days since the last delivery ÷ the cycle in force (離脱期間 against the cycle).

    Example: last delivery 45 days ago on a 30-day cycle → 1.5."""
    return days_since_delivery.cast("float64") / cycle_days.cast("float64")


def overdue_deliveries(days_since_delivery: ir.IntegerValue, cycle_days: ir.IntegerValue) -> ir.IntegerValue:
    """Deliveries the cycle expected by s that did not come: max(0, ⌊(days since the last delivery − 7) ÷
    cycle⌋) (a 7-day grace for shipping and batching).

    Examples (30-day cycle): 36 days → 0; 37 days → 1; 67 days → 2."""
    late = ((days_since_delivery - GRACE_DAYS).cast("float64") / cycle_days.cast("float64")).floor()
    return ibis.greatest(late, 0).cast("int64")


def cycle_at(stored: ir.IntegerValue, changed_later: ir.BooleanValue, last_change: ir.IntegerValue,
             min_gap: ir.IntegerValue) -> ir.IntegerValue:
    """The delivery cycle in force on s; the stored ``cycle_days`` is today's value, so for a past s:

    1. the stored cycle_days when no cycle_change or plan_change event came after s;
    2. else the new cycle (``detail``) of the latest cycle_change event by s;
    3. else the shortest gap between two consecutive deliveries by s, rounded to 5 days (at least 5): the
       shortest, since a skip or a pause only ever lengthens a gap;
    4. else 30 days.

    Example: stored 60, a cycle_change to 60 on 2025-05-01, deliveries on 2025-01-01, 01-29, 03-30 (a
    skip) and 04-30: on 2025-06-01 → 60 (rule 1); on 2025-04-15 → shortest gap 28 days → 30 (rule 3)."""
    rounded = (min_gap.cast("float64") / CYCLE_ROUND_DAYS).round(0).cast("int64") * CYCLE_ROUND_DAYS
    estimate = ibis.cases((min_gap.notnull(), ibis.greatest(rounded, CYCLE_ROUND_DAYS)), else_=ibis.null("int64"))
    return ibis.coalesce(ibis.cases((~changed_later, stored), else_=ibis.null("int64")), last_change, estimate,
                         ibis.literal(DEFAULT_CYCLE_DAYS, "int64"))


def cancel_requests(event_requests: ir.IntegerValue, contact_requests: ir.IntegerValue) -> ir.IntegerValue:
    """Cancel requests in the window: the larger of the cancel_request events of the subscription and the
    cancel_request contacts of the customer, so a request logged both ways counts once.

    Example: 1 event and 2 calls (a saved one and the final one) → 2."""
    return ibis.greatest(ibis.coalesce(event_requests, 0), ibis.coalesce(contact_requests, 0))


def cancelled_within(cancelled_at: ir.TimestampValue, cut: ir.TimestampValue,
                     label_end: ir.TimestampValue) -> ir.BooleanValue:
    """The label: cancelled on one of the H days after s (cut ≤ cancelled_at < cut + H days).

    Example (H = 60): s = 2025-03-31, cancelled 2025-05-30 → True; 2025-05-31 → False."""
    return cancelled_at.notnull() & (cancelled_at >= cut) & (cancelled_at < label_end)


def _event_counts(panel: ir.Table, events: ir.Table) -> ir.Table:
    """Per panel row (``_row``: a snapshot and a subscription): the events of each kind in the window, and
    the new cycle of the latest cycle_change by s."""
    keys = panel.select("_row", "subscription_id", "cut", "since")
    e = events.select("subscription_id", "occurred_at", "kind", "detail")
    j = keys.join(e, [keys.subscription_id == e.subscription_id, e.occurred_at < keys.cut])
    recent = j.occurred_at >= j.since
    is_change = j.kind == "cycle_change"
    return j.group_by("_row").aggregate(
        skips_90d=(recent & (j.kind == "skip")).cast("int64").sum(),
        pauses_90d=(recent & (j.kind == "pause")).cast("int64").sum(),
        cycle_changes_90d=(recent & is_change).cast("int64").sum(),
        event_requests=(recent & (j.kind == "cancel_request")).cast("int64").sum(),
        last_change=j.detail.try_cast("int64").argmax(j.occurred_at, where=is_change & j.detail.try_cast("int64")
                                                       .notnull()),
    )


def _contact_counts(panel: ir.Table, contacts: ir.Table) -> ir.Table:
    """Per panel row: the customer's cancel-request calls, saves and inquiries in the window."""
    keys = panel.select("_row", "customer_id", "cut", "since")
    c = contacts.select("customer_id", "contacted_at", "purpose", "outcome")
    j = keys.join(c, [keys.customer_id == c.customer_id, c.contacted_at < keys.cut, c.contacted_at >= keys.since])
    request = j.purpose == "cancel_request"
    return j.group_by("_row").aggregate(
        contact_requests=request.cast("int64").sum(),
        saves_90d=(request & (j.outcome == "saved")).cast("int64").sum(),
        inquiries_90d=j.purpose.isin(INQUIRY_PURPOSES).cast("int64").sum(),
    )


def _delivery_state(panel: ir.Table, deliveries: ir.Table) -> ir.Table:
    """Per panel row: the deliveries by s — their count, the highest number, the last time."""
    keys = panel.select("_row", "subscription_id", "cut")
    d = deliveries.select("subscription_id", "ordered_at", "delivery_no")
    j = keys.join(d, [keys.subscription_id == d.subscription_id, d.ordered_at < keys.cut])
    return j.group_by("_row").aggregate(
        deliveries=j.count(), max_no=j.delivery_no.max(), last_at=j.ordered_at.max(),
    )


def _shortest_gaps(panel: ir.Table, deliveries: ir.Table, changed: ir.Table) -> ir.Table:
    """Per panel row whose cycle or plan changed after s: the shortest gap in days between two
    consecutive deliveries by s (only these rows need :func:`cycle_at`'s rule 3)."""
    keys = panel.select("_row", "subscription_id", "cut")
    keys = keys.join(changed, [keys.subscription_id == changed.subscription_id, changed.changed_until >= keys.cut])
    keys = keys.select("_row", "subscription_id", "cut")
    d = deliveries.semi_join(keys, "subscription_id").select("subscription_id", "ordered_at")
    prev = d.ordered_at.lag().over(group_by="subscription_id", order_by="ordered_at")
    d = d.mutate(gap=d.ordered_at.date().delta(prev.date(), unit="day"))
    j = keys.join(d, [keys.subscription_id == d.subscription_id, d.ordered_at < keys.cut])
    return j.group_by("_row").aggregate(min_gap=j.gap.min(where=j.gap > 0))


def _later_changes(events: ir.Table) -> ir.Table:
    """Per subscription: the time of its latest cycle_change or plan_change event (in the whole table: it
    says whether the stored cycle_days was already in force on a past s)."""
    e = events.filter(events.kind.isin(("cycle_change", "plan_change")))
    return e.group_by("subscription_id").aggregate(changed_until=e.occurred_at.max())


def panel(view: View, snaps: ir.Table, limits: dict[str, int] | None = None) -> tuple[ir.Table, dict[str, int]]:
    """The active panel of ``snaps`` with ``_row``, a row key, materialised (``.cache()``: the signals read it
    five times; ``.release()`` it when they are fetched), and the sampling steps used: the rows of a role in
    ``limits`` are sampled to about ``limits[role]`` (every k-th subscription, :func:`sample`).

    The active rows are counted first (one small query), which also registers the snapshot table with the
    engine before the panel is cached (Spark needs that)."""
    rows = active_panel(view.subscriptions, snaps)
    got = results.arrow(rows.group_by("role").aggregate(n=rows.count()))
    counts = dict(zip(got.column("role").to_pylist(), got.column("n").to_pylist(), strict=True))
    steps = {role: sample_step(counts.get(role, 0), limit) for role, limit in (limits or {}).items()}
    rows = sample(rows, steps)
    return rows.mutate(_row=ibis.row_number().over(order_by=["snapshot", "subscription_id"])).cache(), steps


def signals(view: View, rows: ir.Table) -> ir.Table:
    """The signals (module docstring) of the panel ``rows`` (:func:`panel`; snapshots on or before
    ``view.as_of``), read from the view's tables as of each snapshot, with ``cancelled_at`` as seen on D (the
    view nulls a later cancellation) and the ``label``."""
    src = view.source
    events = src.subscription_events.filter(src.subscription_events.occurred_at < view.cutoff)
    d = src.delivery_facts
    seen = d.filter(d.ordered_at < view.cutoff)
    later = _later_changes(src.subscription_events)
    p = rows.left_join(_event_counts(rows, events), "_row")
    p = p.left_join(_contact_counts(rows, view.contact_log), "_row")
    p = p.left_join(_delivery_state(rows, seen), "_row")
    p = p.left_join(_shortest_gaps(rows, seen, later), "_row")
    p = p.left_join(later, "subscription_id")
    cycle = cycle_at(p.cycle_days, p.changed_until.notnull() & (p.changed_until >= p.cut), p.last_change, p.min_gap)
    last = ibis.coalesce(p.last_at, p.started_at).date()
    since_delivery = ibis.greatest(p.snapshot.delta(last, unit="day"), 0)
    out = p.select(
        "snapshot", "role", "subscription_id", "customer_id", "cut", "label_end", "cancelled_at",
        channel=ibis.coalesce(p.channel, "(none)"),
        product_id=ibis.coalesce(p.product_id, "(none)"),
        delivery_no=ibis.greatest(ibis.coalesce(p.max_no, p.deliveries, 1), 1).cast("int64"),
        tenure_days=p.snapshot.delta(p.started_at.date(), unit="day").cast("int64"),
        cycle_days=cycle.cast("int64"),
        days_since_delivery=since_delivery.cast("int64"),
        skips_90d=ibis.coalesce(p.skips_90d, 0),
        pauses_90d=ibis.coalesce(p.pauses_90d, 0),
        cycle_changes_90d=ibis.coalesce(p.cycle_changes_90d, 0),
        cancel_requests_90d=cancel_requests(p.event_requests, p.contact_requests),
        saves_90d=ibis.coalesce(p.saves_90d, 0),
        inquiries_90d=ibis.coalesce(p.inquiries_90d, 0),
    )
    return out.mutate(lapse_ratio=lapse_ratio(out.days_since_delivery, out.cycle_days),
                      overdue_deliveries=overdue_deliveries(out.days_since_delivery, out.cycle_days),
                      label=cancelled_within(out.cancelled_at, out.cut, out.label_end))
