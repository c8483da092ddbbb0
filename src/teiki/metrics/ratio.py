"""A rate that is undefined (null), not an error, when its denominator is zero."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def rate(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """numerator ÷ denominator as float64; null when the denominator is 0 or null.

    Example: rate(900, 1000) = 0.9; rate(0, 0) = null.
    """
    den = denominator.cast("float64")
    return ibis.cases((den > 0, numerator.cast("float64") / den), else_=ibis.null("float64"))
