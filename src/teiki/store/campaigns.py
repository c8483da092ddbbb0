"""Stored campaigns (SPEC §6): what was sent to whom, and who was held out, kept beside the shop's data.

Two tables, declared in :mod:`teiki.store.schema` and created by schema migration v5 (:mod:`teiki.store.migrations`):

``teiki_campaigns`` — one row per campaign: name, created_at, start_date (the
    as-of date its members were drawn on), source (``segment`` or ``list``),
    segment / list_file, thresholds (the CPM thresholds as JSON, for measuring
    segment migration later), holdout_fraction, seed, the counts of members,
    treatment and holdout, and seed 002's who / why / when / what / how.
``teiki_campaign_members`` — one row per member: campaign, customer_id, group
    (``treatment`` or ``holdout``).

Imports never touch these tables. A campaign is written in one transaction
(all of it or nothing) and is never changed afterwards, only deleted whole.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import sqlglot.expressions as sge

from teiki.store import results
from teiki.store.db import Store
from teiki.store.schema import CAMPAIGNS, CAMPAIGNS_SCHEMA, MEMBERS, MEMBERS_SCHEMA

def campaigns(store: Store) -> ir.Table:
    return store.table(CAMPAIGNS)


def record(store: Store, name: str) -> dict | None:
    """The stored row of campaign ``name``, None when there is none."""
    t = campaigns(store)
    return results.one(t.filter(t.name == name)) or None


def members(store: Store, name: str) -> ir.Table:
    """customer_id and group of campaign ``name``'s members."""
    m = store.table(MEMBERS)
    return m.filter(m.campaign == name).select("customer_id", "group")


def save(store: Store, row: dict, member_rows: pa.Table) -> None:
    """Store a campaign and its members (``customer_id``, ``group``) in one transaction."""
    people = member_rows.select(["customer_id", "group"])
    people = people.add_column(0, "campaign", pa.array([row["name"]] * people.num_rows, pa.string()))
    with store.transaction():
        record = pa.Table.from_pylist([row], schema=CAMPAIGNS_SCHEMA.to_pyarrow())  # a missing key is null
        store.con.insert(CAMPAIGNS, ibis.memtable(record))
        store.con.insert(MEMBERS, ibis.memtable(people, schema=MEMBERS_SCHEMA))


def delete(store: Store, name: str) -> None:
    """Remove campaign ``name`` and its members in one transaction (statements built by sqlglot, not text)."""
    with store.transaction():
        for table, column in ((MEMBERS, "campaign"), (CAMPAIGNS, "name")):
            where = sge.column(column, quoted=True).eq(sge.Literal.string(name))
            store.con.raw_sql(sge.delete(sge.table_(table, quoted=True), where=where))
