"""Results in the caller's frame library: the one place a Shop method's ``output`` is honoured.

A Shop method that returns a table computes it as an Arrow table, an Ibis table expression or a list of
records; :func:`table_result` turns that into ``output="pandas"`` (default), ``"polars"`` or ``"pyarrow"``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import ibis.expr.types as ir
import pyarrow as pa

from teiki.store import results

OUTPUTS = ("pandas", "polars", "pyarrow")


def convert(result: pa.Table | ir.Table | list[dict], output: str = "pandas"):
    """``result`` (computed when it is an expression) as a pandas / polars DataFrame or an Arrow table."""
    if isinstance(result, ir.Expr):
        result = results.arrow(result)
    elif isinstance(result, list):
        result = pa.Table.from_pylist(result)
    if output == "pyarrow":
        return result
    if output == "polars":
        import polars as pl

        return pl.from_arrow(result)
    return result.to_pandas()


def table_result(method: Callable) -> Callable:
    """A Shop method whose result is a table, given an ``output`` keyword (see :func:`convert`)."""

    @functools.wraps(method)
    def with_output(self, *args, output: str = "pandas", **kwargs):
        return convert(method(self, *args, **kwargs), output)

    signature = inspect.signature(method)
    extra = inspect.Parameter("output", inspect.Parameter.KEYWORD_ONLY, default="pandas", annotation="str")
    with_output.__signature__ = signature.replace(parameters=[*signature.parameters.values(), extra])
    return with_output
