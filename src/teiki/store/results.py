"""Query results as Arrow: what every face and report reads from an Ibis expression.

On DuckDB, ibis' own ``to_pyarrow`` goes through its result converter, which
imports pandas — about 0.4 s of every command's start-up on a 2-core machine,
a fifth of a ``teiki cpm`` run. For the plain types teiki's queries return
(strings, integers, floats, booleans, dates, timestamps), casting DuckDB's
Arrow result to the expression's declared schema is the same conversion (it
turns DuckDB's 128-bit integer sums into int64, checking for overflow). Other
engines, and any result the cast cannot take, go through ``to_pyarrow``.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa


def arrow(expr: ir.Expr) -> pa.Table:
    """The result of ``expr`` (a table, column or scalar expression) as an Arrow table."""
    table = expr.as_table()
    relation = getattr(ibis.get_backend(table), "_to_duckdb_relation", None)  # ibis 12's DuckDB backend
    if relation is None:
        return table.to_pyarrow()
    result = relation(table).to_arrow_table()
    schema = table.schema().to_pyarrow()
    if result.schema.equals(schema):
        return result  # the usual case; a cast would also load pyarrow.compute (~0.15 s)
    try:
        return result.cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        return table.to_pyarrow()


def rows(expr: ir.Expr) -> list[dict[str, Any]]:
    """The result of ``expr`` as a list of dicts."""
    return arrow(expr).to_pylist()


def one(expr: ir.Expr) -> dict[str, Any]:
    """The first row of ``expr`` as a dict ({} when there is none)."""
    got = arrow(expr)
    return got.slice(0, 1).to_pylist()[0] if got.num_rows else {}


def scalar(expr: ir.Scalar) -> Any:
    """The value of a scalar expression (e.g. a count)."""
    return arrow(expr).column(0)[0].as_py()
