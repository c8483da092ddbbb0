"""Numbers as the reports and the dashboard print them: one function per kind of change, no I/O.

Kinds (the same names as :data:`teiki.report.pagedata.HEADLINE_KINDS`):

    yen   money, whole yen               12345.4   → ¥12,345
    pct   a rate given as a fraction     0.1234    → 12.3%
    int   a count                        1234      → 1,234
    num   any other number (2 decimals)  5.0179    → 5.02

A missing value (None, NaN) prints as "—". Negative numbers take the minus
sign "−" (U+2212). Changes (:func:`fmt_change`) always carry a sign; a change
of a rate is the difference in percentage points:

    >>> fmt(12345.4, "yen", "ja"), fmt(0.1234, "pct", "ja"), fmt(1234, "int", "ja")
    ('¥12,345', '12.3%', '1,234')
    >>> fmt(None, "yen", "ja")
    '—'
    >>> fmt_change(0.012, "pct", "ja"), fmt_change(-0.003, "pct", "ja"), fmt_change(1234, "yen", "ja")
    ('+1.2pt', '−0.3pt', '+¥1,234')
    >>> fmt_change(-56, "int", "en"), fmt_change(0.0, "int", "en")
    ('−56', '±0')
"""

from __future__ import annotations

import math

from teiki.messages import say

KINDS = ("yen", "pct", "int", "num")
MISSING = "—"
MINUS = "−"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _magnitude(value: float, kind: str) -> str:
    """|value| printed for ``kind`` without a sign; a rate as percent (0.1234 → 12.3)."""
    v = abs(float(value))
    if kind == "yen":
        return f"¥{v:,.0f}"
    if kind == "pct":
        return f"{v * 100:.1f}%"
    if kind == "int":
        return f"{v:,.0f}"
    if kind == "num":
        return f"{v:,.2f}"
    raise ValueError(f"unknown number kind {kind!r}; use one of {', '.join(KINDS)}")


def _is_zero(text: str) -> bool:
    """Whether a printed magnitude shows zero (so a tiny negative does not print as −0.0)."""
    return not any(ch in "123456789" for ch in text)


def fmt(value: object, kind: str, lang: str | None = None) -> str:
    """``value`` as text for ``kind`` (yen / pct / int / num); "—" when missing.

    ``lang`` is accepted so callers need not care whether a kind differs by
    language; today every kind prints the same in Japanese and English.
    """
    if _missing(value):
        return MISSING
    text = _magnitude(value, kind)
    return MINUS + text if value < 0 and not _is_zero(text) else text


def fmt_change(change: object, kind: str, lang: str | None = None) -> str:
    """A difference with its sign: rates in points (0.012 → +1.2pt), yen +¥1,234, counts +1,234; "—" when missing.

    A change that rounds to zero prints with "±" (±0, ±0.0pt).
    """
    if _missing(change):
        return MISSING
    if kind == "pct":
        points = f"{abs(change) * 100:.1f}"
        sign = "±" if _is_zero(points) else ("+" if change > 0 else MINUS)
        return say("change_pt", lang, sign=sign, value=abs(change) * 100)
    text = _magnitude(change, kind)
    sign = "±" if _is_zero(text) else ("+" if change > 0 else MINUS)
    return sign + text
