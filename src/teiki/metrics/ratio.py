"""A rate that is undefined (null), not an error, when its denominator is zero."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def rate(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """numerator ÷ denominator as float64; null when the denominator is 0 or null.

    A null numerator (a sum over no qualifying row) counts as 0.
    Example: rate(900, 1000) = 0.9; rate(null, 5) = 0.0; rate(0, 0) = null.
    """
    den = denominator.cast("float64")
    num = ibis.coalesce(numerator.cast("float64"), 0.0)
    return ibis.cases((den > 0, num / den), else_=ibis.null("float64"))
