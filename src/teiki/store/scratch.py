"""Temporary tables: a query materialised once on the connection, for the steps of an import or a fact build."""

from __future__ import annotations

import ibis.expr.types as ir
from ibis.backends.duckdb import Backend


def scratch_table(con: Backend, name: str, expr: ir.Table) -> ir.Table:
    """Materialise ``expr`` as temporary table ``name`` (replacing one left over) and return it.

    Drops first rather than ``create_table(overwrite=True)``, which builds the
    table under another name and copies it.
    """
    con.drop_table(name, force=True)
    con.create_table(name, expr, temp=True)
    return con.table(name)
