"""Versioned schema migrations of the teiki database file.

The version lives in the ``teiki_meta`` table (key ``schema_version``). Each
migration is a function that takes the Ibis connection from version ``n - 1``
to ``n``; a new teiki opening an older file applies the missing ones in one
transaction, and an older teiki refuses a newer file with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
from ibis.backends.duckdb import Backend

from teiki.store import results
from teiki.store.schema import CAMPAIGNS, CAMPAIGNS_SCHEMA, MEMBERS, MEMBERS_SCHEMA, TABLES

META = "teiki_meta"
IMPORTS = "teiki_imports"

META_SCHEMA = ibis.schema({"key": "string", "value": "string"})
IMPORTS_SCHEMA = ibis.schema(
    {
        "import_id": "int64",
        "started_at": "timestamp",
        "finished_at": "timestamp",
        "table_name": "string",
        "files": "string",
        "rows_read": "int64",
        "inserted": "int64",
        "replaced": "int64",
        "unchanged": "int64",
        "teiki_version": "string",
    }
)


def _v1_initial(con: Backend) -> None:
    """The canonical tables of SPEC §2, the import log and the meta table."""
    for spec in TABLES.values():
        con.create_table(spec.name, schema=spec.ibis_schema())
    con.create_table(IMPORTS, schema=IMPORTS_SCHEMA)
    con.create_table(META, schema=META_SCHEMA)


def _v2_facts(con: Backend) -> None:
    """The order and delivery summaries every KPI reads (:mod:`teiki.store.facts`)."""
    from teiki.store import facts

    facts.refresh(con)


def _v3_subscription_facts(con: Backend) -> None:
    """subscription_facts becomes one row per imported subscription, dimensions included."""
    from teiki.store import facts

    facts.refresh(con, {"subscriptions"})


def _v4_running_amounts(con: Backend) -> None:
    """order_facts gains cumulative_amount and next_ordered_at (what CPM reads without windows)."""
    from teiki.store import facts

    facts.refresh(con)


def _v5_campaigns(con: Backend) -> None:
    """The campaign tables (:mod:`teiki.store.campaigns`), empty; a table already there is kept as it is."""
    present = set(con.list_tables())
    for name, schema in ((CAMPAIGNS, CAMPAIGNS_SCHEMA), (MEMBERS, MEMBERS_SCHEMA)):
        if name not in present:
            con.create_table(name, schema=schema)


def _v6_delivery_dates(con: Backend) -> None:
    """subscription_facts gains delivered and last_delivery_at (when the next delivery is due: retention counts
    a cancellation once its interval is complete)."""
    from teiki.store import facts

    facts.refresh(con, {"subscriptions"})


MIGRATIONS: list[Callable[[Backend], None]] = [_v1_initial, _v2_facts, _v3_subscription_facts, _v4_running_amounts,
                                               _v5_campaigns, _v6_delivery_dates]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(con: Backend) -> int | None:
    """The file's schema version; 0 for an empty file; None when it is not a teiki file (other tables only,
    or a meta table without a version)."""
    tables = set(con.list_tables())
    if META not in tables:
        return 0 if not tables else None
    version = read_meta(con, "schema_version")
    return int(version) if version is not None else None  # teiki always writes it with the table


def read_meta(con: Backend, key: str) -> str | None:
    """A value of the (tiny) meta table, e.g. ``schema_version`` or ``origin``."""
    meta = con.table(META)
    rows = results.rows(meta.filter(meta.key == key).select("value"))
    return rows[0]["value"] if rows else None


def write_meta(con: Backend, key: str, value: str) -> None:
    """Set ``key`` in the meta table (rewritten whole: it holds a handful of rows)."""
    rows = {r["key"]: r["value"] for r in results.rows(con.table(META))}
    rows[key] = value
    con.truncate_table(META)
    con.insert(META, ibis.memtable({"key": list(rows), "value": list(rows.values())}, schema=META_SCHEMA))


def migrate(con: Backend, found: int) -> None:
    """Apply migrations ``found + 1 .. SCHEMA_VERSION`` (the caller holds the transaction)."""
    for step in MIGRATIONS[found:]:
        step(con)
    write_meta(con, "schema_version", str(SCHEMA_VERSION))
