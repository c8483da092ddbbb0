"""CPM — customer portfolio management (seed 000, SPEC §4): three axes and ten segments as of D.

Grain: customer with at least one purchase (distinct order_id of completed
lines) by D. Axes:

    cumulative_amount = Σ amount of the customer's completed lines up to D   (累計購入金額)
    tenure_days       = last purchase date − first purchase date             (在籍期間)
    lapse_days        = D − last purchase date                               (離脱期間)

Segments, with A, T1, T2, L of :class:`~teiki.segments.thresholds.Thresholds`:

    purchases = 1                      → first    (初回客)
    else cumulative_amount ≥ A:
        tenure_days ≥ T2               → loyal    (優良客)
        otherwise                      → trendy   (流行客)
    else tenure_days < T1              → toddler  (よちよち客)
    otherwise                          → steady   (コツコツ客)

and each is active (現役) when lapse_days < L, lapsed (離脱, key suffix
``_lapsed``) when lapse_days ≥ L.
Example (defaults A = ¥70,000, T1 = 90, T2 = 210, L = 240): first purchase
2025-01-10, last 2025-09-10 (tenure 243 days), ¥72,000 in all, D = 2025-12-31
(lapse 112 days) → loyal; with D = 2026-05-08 (lapse 240 days) → loyal_lapsed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from teiki.metrics.ratio import rate
from teiki.segments.thresholds import Thresholds

REVENUE_DAYS = 365  # the revenue column of the report: purchases in the 365 days up to D
LAPSED = "_lapsed"


@dataclass(frozen=True)
class Segment:
    key: str
    label_ja: str
    label_en: str
    active: bool
    base: str  # the key without _lapsed

    def label(self, lang: str | None) -> str:
        return self.label_en if lang == "en" else self.label_ja


_BASES = (  # key, 現役 label, 離脱 label, English
    ("first", "初回客", "初回離脱客", "First-time"),
    ("toddler", "よちよち客", "よちよち離脱客", "Toddler"),
    ("steady", "コツコツ客", "コツコツ離脱客", "Steady"),
    ("trendy", "流行客", "流行離脱客", "Trendy"),
    ("loyal", "優良客", "優良離脱客", "Loyal"),
)
SEGMENTS: tuple[Segment, ...] = tuple(
    [Segment(k, ja, en, True, k) for k, ja, _, en in _BASES]
    + [Segment(k + LAPSED, ja_l, f"{en} (lapsed)", False, k) for k, _, ja_l, en in _BASES]
)
BY_KEY = {s.key: s for s in SEGMENTS}
KEYS = tuple(s.key for s in SEGMENTS)
CORE = ("loyal", "steady")  # the health check: active 優良 + コツコツ share of revenue
HEALTHY_SHARE = 0.5


def customer_axes(orders: ir.Table, as_of: dt.date) -> ir.Table:
    """One row per customer with a purchase by D: purchases, cumulative_amount, first_date, last_date,
    tenure_days, lapse_days and revenue_365d (purchases with D − order_date < 365).

    ``orders`` are order facts already cut at D (one row per purchase).
    """
    day = ibis.literal(as_of, "date")
    recent = day.delta(orders.order_date, unit="day") < REVENUE_DAYS
    per = orders.group_by("customer_id").aggregate(
        purchases=orders.count(),
        cumulative_amount=orders.amount.sum(),
        first_date=orders.order_date.min(),
        last_date=orders.order_date.max(),
        revenue_365d=orders.amount.sum(where=recent),
    )
    return per.mutate(
        tenure_days=per.last_date.delta(per.first_date, unit="day"),
        lapse_days=day.delta(per.last_date, unit="day"),
        revenue_365d=ibis.coalesce(per.revenue_365d, 0.0),
    )


def base_segment(purchases: ir.IntegerValue, amount: ir.NumericValue, tenure: ir.IntegerValue,
                 t: Thresholds) -> ir.StringValue:
    """The segment before the lapse rule (first / toddler / steady / trendy / loyal)."""
    return ibis.cases(
        (purchases <= 1, "first"),
        (amount >= t.amount, ibis.cases((tenure >= t.tenure_long_days, "loyal"), else_="trendy")),
        (tenure < t.tenure_short_days, "toddler"),
        else_="steady",
    )


def segment(axes: ir.Table, t: Thresholds) -> ir.StringValue:
    """The CPM segment key of each row of :func:`customer_axes`."""
    base = base_segment(axes.purchases, axes.cumulative_amount, axes.tenure_days, t)
    return ibis.cases((axes.lapse_days >= t.lapse_days, base + LAPSED), else_=base)


def classified(orders: ir.Table, as_of: dt.date, t: Thresholds) -> ir.Table:
    """:func:`customer_axes` with the ``segment`` column."""
    axes = customer_axes(orders, as_of)
    return axes.mutate(segment=segment(axes, t))


def segment_totals(c: ir.Table) -> ir.Table:
    """Per segment of :func:`classified`: customers, revenue_365d, revenue_share (of all segments'
    revenue_365d) and mean_cumulative_amount. Segments without customers have no row."""
    per = c.group_by("segment").aggregate(
        customers=c.count(),
        revenue_365d=c.revenue_365d.sum(),
        mean_cumulative_amount=c.cumulative_amount.mean(),
    )
    return per.mutate(revenue_share=rate(per.revenue_365d, per.revenue_365d.sum().over(ibis.window())))
