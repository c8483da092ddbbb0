"""The rule-based churn-risk score: points per early sign of cancellation (seed 002), no training needed.

Grain: one row of :func:`teiki.actions.risk_signals.signals` (a subscription on a snapshot date).
Points (a subscription's score is their sum, 0 … 135):

| rule (key)       | condition on the signals                   | points                  |
|------------------|--------------------------------------------|-------------------------|
| cancel_request   | cancel_requests_90d ≥ 1                    | 30                      |
| skips            | skips_90d                                  | 15 per skip, at most 30 |
| cycle_change     | cycle_changes_90d ≥ 1                      | 20                      |
| overdue          | overdue_deliveries ≥ 1                     | 15                      |
| pause            | pauses_90d ≥ 1                             | 10                      |
| inquiry          | inquiries_90d ≥ 1                          | 10                      |
| early            | delivery_no ≤ 2 → 20; delivery_no 3–4 → 10 | 20 / 10                 |

The weights are set a priori (not fitted): a cancel request is the plainest sign, skips and cycle changes
are the early signs seed 002 names, and 定期 subscriptions drop out most in their first deliveries
(seed 004's retention curve). Worked example: 1 skip, a cycle change and delivery 2 → 15 + 20 + 20 = 55.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

MAX_POINTS = 135


@dataclass(frozen=True)
class Rule:
    """One line of the points table: its key and its points expression."""

    key: str
    points: Callable[[ir.Table], ir.IntegerValue]


def _flag(condition: ir.BooleanValue, points: int) -> ir.IntegerValue:
    return ibis.cases((condition, points), else_=0).cast("int64")


def cancel_request_points(t: ir.Table) -> ir.IntegerValue:
    """30 when the subscription had a cancel request in the last 90 days (saved or not). 1 request → 30."""
    return _flag(t.cancel_requests_90d >= 1, 30)


def skip_points(t: ir.Table) -> ir.IntegerValue:
    """15 per skip in the last 90 days, at most 30. 1 skip → 15; 3 skips → 30."""
    return (ibis.least(t.skips_90d, 2) * 15).cast("int64")


def cycle_change_points(t: ir.Table) -> ir.IntegerValue:
    """20 when the delivery cycle was changed in the last 90 days. 1 change → 20."""
    return _flag(t.cycle_changes_90d >= 1, 20)


def overdue_points(t: ir.Table) -> ir.IntegerValue:
    """15 when a delivery the cycle expected has not come (overdue_deliveries ≥ 1). 2 overdue → 15."""
    return _flag(t.overdue_deliveries >= 1, 15)


def pause_points(t: ir.Table) -> ir.IntegerValue:
    """10 when the subscription was paused (お休み) in the last 90 days. 1 pause → 10."""
    return _flag(t.pauses_90d >= 1, 10)


def inquiry_points(t: ir.Table) -> ir.IntegerValue:
    """10 when the customer had an inquiry or downsell conversation in the last 90 days. 2 → 10."""
    return _flag(t.inquiries_90d >= 1, 10)


def early_points(t: ir.Table) -> ir.IntegerValue:
    """20 up to delivery 2, 10 for deliveries 3–4, else 0 (early deliveries churn most). Delivery 3 → 10."""
    return ibis.cases((t.delivery_no <= 2, 20), (t.delivery_no <= 4, 10), else_=0).cast("int64")


RULES: tuple[Rule, ...] = (
    Rule("cancel_request", cancel_request_points),
    Rule("skips", skip_points),
    Rule("cycle_change", cycle_change_points),
    Rule("overdue", overdue_points),
    Rule("pause", pause_points),
    Rule("inquiry", inquiry_points),
    Rule("early", early_points),
)


def with_points(t: ir.Table) -> ir.Table:
    """``t`` with one ``points_<key>`` column per rule and their sum ``rule_points``."""
    parts = {f"points_{r.key}": r.points(t) for r in RULES}
    out = t.mutate(**parts)
    total = sum((out[name] for name in parts), ibis.literal(0, "int64"))
    return out.mutate(rule_points=total.cast("int64"))
