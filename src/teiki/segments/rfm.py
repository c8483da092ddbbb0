"""Classic RFM beside CPM: recency / frequency / monetary quintile scores and the usual named groups.

Grain: customer with a purchase by D (the rows of
:func:`~teiki.segments.cpm.customer_axes`). Axes: recency = lapse_days (D −
last purchase date; fewer days is better), frequency = purchases, monetary =
cumulative_amount. Each score is

    score = 1 + ⌊5 × percent_rank⌋, capped at 5,   percent_rank = (rank − 1) ÷ (N − 1)

with customers ranked from worst to best (recency by days descending), and tied
values sharing the lowest rank — so equal values always get equal scores and
the result does not depend on the engine. A single customer scores 1 everywhere.
Example: frequencies 1, 1, 2, 3, 5 → ranks 1, 1, 3, 4, 5 → percent ranks 0, 0,
0.5, 0.75, 1 → scores 1, 1, 3, 4, 5.

Groups: the widely used R × F map (M is reported, not mapped):

    R 5,   F 4–5 → champions            R 1–2, F 1–2 → hibernating
    R 3–4, F 4–5 → loyal                R 1–2, F 3–4 → at_risk
    R 4–5, F 2–3 → potential_loyalists  R 1–2, F 5   → cant_lose
    R 5,   F 1   → new                  R 3,   F 1–2 → about_to_sleep
    R 4,   F 1   → promising            R 3,   F 3   → need_attention
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

GROUPS = (  # key, Japanese, English, (R scores), (F scores)
    ("champions", "チャンピオン", "Champions", (5,), (4, 5)),
    ("loyal", "ロイヤル顧客", "Loyal", (3, 4), (4, 5)),
    ("potential_loyalists", "ロイヤル候補", "Potential loyalists", (4, 5), (2, 3)),
    ("new", "新規顧客", "New", (5,), (1,)),
    ("promising", "有望顧客", "Promising", (4,), (1,)),
    ("need_attention", "要注意", "Need attention", (3,), (3,)),
    ("about_to_sleep", "休眠予備軍", "About to sleep", (3,), (1, 2)),
    ("at_risk", "離反リスク", "At risk", (1, 2), (3, 4)),
    ("cant_lose", "失えない顧客", "Can't lose them", (1, 2), (5,)),
    ("hibernating", "休眠", "Hibernating", (1, 2), (1, 2)),
)
GROUP_KEYS = tuple(g[0] for g in GROUPS)
GROUP_LABELS = {g[0]: (g[1], g[2]) for g in GROUPS}


def quintile(value: ir.NumericValue, *, higher_is_better: bool = True) -> ir.IntegerValue:
    """The 1–5 score of this module's docstring over all rows (integer arithmetic: no float edge)."""
    order = value if higher_is_better else value.desc()
    below = ibis.rank().over(ibis.window(order_by=order))  # rank − 1: rows strictly worse
    n = value.count().over(ibis.window())  # the axes are never null
    return ibis.least(1 + (below * 5) // ibis.greatest(n - 1, 1), 5).cast("int64")


def scores(axes: ir.Table) -> ir.Table:
    """:func:`~teiki.segments.cpm.customer_axes` with r_score, f_score, m_score, rfm (e.g. "534") and
    rfm_group."""
    scored = axes.mutate(
        r_score=quintile(axes.lapse_days, higher_is_better=False),
        f_score=quintile(axes.purchases),
        m_score=quintile(axes.cumulative_amount),
    )
    return scored.mutate(
        rfm=scored.r_score.cast("string") + scored.f_score.cast("string") + scored.m_score.cast("string"),
        rfm_group=group(scored.r_score, scored.f_score),
    )


def group(r: ir.IntegerValue, f: ir.IntegerValue) -> ir.StringValue:
    """The named group of an (R, F) score pair."""
    return ibis.cases(*((r.isin(rs) & f.isin(fs), key) for key, _, _, rs, fs in GROUPS), else_="hibernating")


def group_totals(scored: ir.Table) -> ir.Table:
    """Per RFM group: customers, revenue_365d, mean R / F / M scores."""
    return scored.group_by("rfm_group").aggregate(
        customers=scored.count(),
        revenue_365d=scored.revenue_365d.sum(),
        mean_cumulative_amount=scored.cumulative_amount.mean(),
    )
