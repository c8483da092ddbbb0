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

from teiki.metrics.ratio import no_dust, rate
from teiki.metrics.view import cutoff
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


def latest_purchase(facts: ir.Table, day: dt.date) -> ir.Table:
    """Each customer's last purchase by the end of ``day`` (order facts carry purchase_no,
    cumulative_amount and next_ordered_at, so no aggregation is needed): one row per customer with one."""
    end = cutoff(day)
    return facts.filter((facts.ordered_at < end) & (facts.next_ordered_at.isnull() | (facts.next_ordered_at >= end)))


def customer_axes(facts: ir.Table, as_of: dt.date, summary: ir.Table | None = None) -> ir.Table:
    """One row per customer with a purchase by D: customer_key, purchases, cumulative_amount, first_date, last_date,
    tenure_days, lapse_days and revenue_365d (Σ amount of purchases with D − order_date < 365, i.e. the
    cumulative amount at D less the one at D − 365 days).

    ``facts`` are the order facts of all purchases (those after D are left out here). ``summary``, when
    given, is the stored per-customer summary (``customer_facts``) whose revenue_365d ends at D: it
    holds the same axes, one row per customer, read without a join.
    """
    day = ibis.literal(as_of, "date")
    if summary is not None:
        return summary.select(
            "customer_id", "customer_key", "purchases", cumulative_amount=summary.revenue, first_date=summary.first_date,
            last_date=summary.last_date, tenure_days=summary.last_date.delta(summary.first_date, unit="day"),
            lapse_days=day.delta(summary.last_date, unit="day"), revenue_365d=summary.revenue_365d,
        )
    now = latest_purchase(facts, as_of)
    then = latest_purchase(facts, as_of - dt.timedelta(days=REVENUE_DAYS))
    then = then.select("customer_key", before=then.cumulative_amount)
    j = now.left_join(then, now.customer_key == then.customer_key)
    return j.select(
        customer_id=now.customer_id,
        customer_key=now.customer_key,
        purchases=now.purchase_no,
        cumulative_amount=now.cumulative_amount,
        first_date=now.first_date,
        last_date=now.order_date,
        tenure_days=now.order_date.delta(now.first_date, unit="day"),
        lapse_days=day.delta(now.order_date, unit="day"),
        revenue_365d=no_dust(now.cumulative_amount - ibis.coalesce(j.before, 0.0)),
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


def classified(facts: ir.Table, as_of: dt.date, t: Thresholds, summary: ir.Table | None = None) -> ir.Table:
    """:func:`customer_axes` with the ``segment`` column."""
    axes = customer_axes(facts, as_of, summary)
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
