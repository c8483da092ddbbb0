"""Ratios and differences of sums: a rate that is null (not an error) on a zero denominator, and no float dust."""

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


def no_dust(x: ir.FloatingValue) -> ir.FloatingValue:
    """0 where a difference of running sums leaves float dust (|x| < 1e-6 yen) instead of 0."""
    return ibis.cases((x.abs() < 1e-6, 0.0), else_=x)
