"""How the portfolio moves: monthly head-counts per segment and the migration matrix (seed 000's check).

History. A customer's axes change only when they buy, and their lapse flag
only L days after their last purchase. So purchase k of a customer (date d_k,
next purchase date d_{k+1}, ∞ for the last) fixes their segment on every day
in [d_k, d_{k+1}): the active segment s_k on [d_k, min(d_{k+1}, d_k + L)) and
s_k + ``_lapsed`` on [d_k + L, d_{k+1}). Counting, per snapshot date, the
intervals that cover it gives the head-counts of every snapshot from one pass
over the purchases, instead of one classification per month. Snapshots are the
last day of each month from ``start``'s month to ``end``'s, the last one
``end`` itself when ``end`` is not a month's last day.

Migration. Customers present at D2, by segment at D1 (``new`` when they had
not bought yet by D1) and segment at D2. Every possible move between two
active segments goes up (amounts, purchases and tenure never shrink), so the
moves are named:

    new        (新規)   not yet present at D1
    stayed     (維持)   the same segment
    moved_up   (引上げ) active at both dates, another segment
    lapsed     (離脱)   active at D1, lapsed at D2
    came_back  (復帰)   lapsed at D1, active at D2
    other      (その他) lapsed at both dates, another segment (bought and lapsed again)
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from teiki.segments.cpm import KEYS, LAPSED, base_segment, classified
from teiki.segments.thresholds import Thresholds

MOVES = ("new", "stayed", "moved_up", "lapsed", "came_back", "other")
MOVE_LABELS = {
    "new": ("新規", "New"), "stayed": ("維持", "Stayed"), "moved_up": ("引上げ", "Moved up"),
    "lapsed": ("離脱", "Lapsed"), "came_back": ("復帰", "Came back"), "other": ("その他", "Other"),
}
NEW = "new"


def snapshot_dates(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of each month from ``start``'s month to ``end``'s, the last one capped at ``end``."""
    out, month = [], start.replace(day=1)
    while month <= end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        out.append(min(following - dt.timedelta(days=1), end))
        month = following
    return out


def _month_index(d: ir.DateValue, first: dt.date) -> ir.IntegerValue:
    return (d.year().cast("int64") * 12 + d.month().cast("int64")) - (first.year * 12 + first.month)


def _snapshot_key(d: ir.DateValue, dates: list[dt.date]) -> ir.IntegerValue:
    """The index of the first snapshot on or after ``d`` (len(dates) when none is): every snapshot but the
    last is its month's last day, so that is d's month, counted from the first snapshot's month."""
    last = len(dates) - 1
    k = ibis.greatest(_month_index(d, dates[0]), 0)
    beyond = d > ibis.literal(dates[last], "date")
    return ibis.cases((d.isnull() | beyond, len(dates)), else_=ibis.least(k, last))


def history(orders: ir.Table, dates: list[dt.date], t: Thresholds) -> ir.Table:
    """segment, snapshot (index into ``dates``) and customers: the head-count of every segment at every
    snapshot. ``orders`` are all order facts (one row per purchase with purchase_no, cumulative_amount and
    next_ordered_at: a scan, no window)."""
    p = orders
    next_date = p.next_ordered_at.date()
    base = base_segment(p.purchase_no, p.cumulative_amount, p.order_date.delta(p.first_date, unit="day"), t)
    lapse_at = p.order_date + ibis.interval(days=int(t.lapse_days))
    p = p.select(
        base=base,
        start=_snapshot_key(p.order_date, dates),
        lapse=_snapshot_key(lapse_at, dates),
        stop=_snapshot_key(next_date, dates),
    )
    # one scan: purchases with the same segment and keys are counted together (a few thousand rows)
    p = p.group_by(["base", "start", "lapse", "stop"]).aggregate(n=p.count())
    active_end = ibis.least(p.lapse, p.stop)
    edges = ibis.union(
        p.select(segment=p.base, snapshot=p.start, delta=p.n),
        p.select(segment=p.base, snapshot=active_end, delta=-p.n),
        p.select(segment=p.base + LAPSED, snapshot=p.lapse, delta=p.n),
        p.select(segment=p.base + LAPSED, snapshot=ibis.greatest(p.lapse, p.stop), delta=-p.n),
    )
    edges = edges.filter(edges.snapshot < len(dates))
    flows = edges.group_by(["segment", "snapshot"]).aggregate(delta=edges.delta.sum())
    grid = ibis.memtable({"segment": [k for k in KEYS for _ in dates], "snapshot": list(range(len(dates))) * len(KEYS)},
                         schema={"segment": "string", "snapshot": "int64"})
    j = grid.left_join(flows, [grid.segment == flows.segment, grid.snapshot == flows.snapshot])
    j = j.select(grid.segment, grid.snapshot, delta=ibis.coalesce(flows.delta, 0))
    running = ibis.window(group_by="segment", order_by="snapshot", rows=(None, 0))
    return j.mutate(customers=j.delta.sum().over(running)).select("segment", "snapshot", "customers")


def migration(orders: ir.Table, d1: dt.date, d2: dt.date, t: Thresholds, summary: ir.Table | None = None) -> ir.Table:
    """One row per (from, to) cell with customers: ``from`` is the segment at ``d1`` (``new`` when not yet
    present), ``to`` the segment at ``d2``; ``orders`` are all order facts, ``summary`` the stored
    per-customer summary when it is valid at ``d2``."""
    at1 = classified(orders, d1, t).select("customer_key", before="segment")
    at2 = classified(orders, d2, t, summary).select("customer_key", after="segment")
    j = at2.left_join(at1, at2.customer_key == at1.customer_key)
    cells = j.select(src=ibis.coalesce(j.before, NEW), dst=j.after)
    return cells.group_by(["src", "dst"]).aggregate(customers=cells.count())


def move(src: str, dst: str) -> str:
    """The name of a move from segment ``src`` (or ``new``) to ``dst`` (this module's docstring)."""
    if src == NEW:
        return "new"
    if src == dst:
        return "stayed"
    lapsed_before, lapsed_after = src.endswith(LAPSED), dst.endswith(LAPSED)
    if not lapsed_before and not lapsed_after:
        return "moved_up"
    if not lapsed_before:
        return "lapsed"
    if not lapsed_after:
        return "came_back"
    return "other"
