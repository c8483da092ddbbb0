"""Intervals for a campaign's measured effect: Wilson's score interval for a proportion and Newcombe's
hybrid score interval for the difference of two independent proportions (treatment − holdout).

Newcombe's method (method 10 of Newcombe 1998, "Interval estimation for the
difference between independent proportions: comparison of eleven methods",
Statistics in Medicine 17:873–890) combines the two groups' Wilson intervals.
Unlike the Wald interval d ± z·√(p₁q₁/n₁ + p₂q₂/n₂) it stays inside [−1, 1],
does not collapse to a point when a rate is 0 or 1, and keeps close to its
nominal 95% coverage for the small groups a holdout often has.
"""

from __future__ import annotations

import math

from scipy.stats import norm

LEVEL = 0.95


def z_value(level: float = LEVEL) -> float:
    """The two-sided normal quantile: 1.959964 for 95%."""
    return float(norm.ppf(0.5 + level / 2))


def proportion(hits: int, n: int) -> float | None:
    """hits ÷ n; None when n = 0. Example: 30 of 100 → 0.3."""
    return hits / n if n else None


def wilson(hits: int, n: int, level: float = LEVEL) -> tuple[float, float] | tuple[None, None]:
    """Wilson's score interval for hits ÷ n:

        (p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) ÷ (1 + z²/n).

    Example: 56 of 70 at 95% → (0.6919, 0.8770). (None, None) when n = 0.
    """
    if n == 0:
        return None, None
    z = z_value(level)
    p = hits / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return max(0.0, (centre - half) / scale), min(1.0, (centre + half) / scale)


def difference(hits1: int, n1: int, hits2: int, n2: int, level: float = LEVEL) -> dict:
    """p₁ − p₂ with Newcombe's hybrid score interval:

        lower = d − √((p₁ − l₁)² + (u₂ − p₂)²),   upper = d + √((u₁ − p₁)² + (p₂ − l₂)²),

    (l, u) each group's Wilson interval. Newcombe's (1998, Table II) examples at
    95%: 56/70 − 48/80 → d = 0.2, (0.0524, 0.3339); 9/10 − 3/10 → d = 0.6,
    (0.1705, 0.8090); 0/10 − 0/20 → d = 0, (−0.1611, 0.2775). Keys:
    difference, lower, upper (None when either group is empty).
    """
    if n1 == 0 or n2 == 0:
        return {"difference": None, "lower": None, "upper": None}
    p1, p2 = hits1 / n1, hits2 / n2
    l1, u1 = wilson(hits1, n1, level)
    l2, u2 = wilson(hits2, n2, level)
    d = p1 - p2
    return {"difference": d, "lower": d - math.hypot(p1 - l1, u2 - p2), "upper": d + math.hypot(u1 - p1, p2 - l2)}
