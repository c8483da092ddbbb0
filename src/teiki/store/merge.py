"""Merge a validated batch into a stored table: idempotent replacement by key.

For each key of the batch (an order_id for orders, a primary key elsewhere)
the batch's records are compared with the stored ones through a fingerprint:
the number of records plus two independent 31-bit sums of their row hashes
(order-insensitive, duplicate-sensitive, ~2⁻⁶² chance of a missed change).

- key not stored → inserted;
- stored with the same fingerprint → unchanged (nothing is written);
- stored with another fingerprint → replaced: all stored records of the key
  are deleted and the batch's records inserted.

Importing the same file twice therefore changes nothing, and a corrected or
cancelled order replaces every stored line of that order. The caller runs this
inside :meth:`teiki.store.db.Store.transaction`.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import sqlglot.expressions as sge
from ibis.backends.duckdb import Backend

from teiki.store.scratch import scratch_table
from teiki.store.schema import TableSpec

CHANGED = "_teiki_changed_keys"
BATCH = "_teiki_batch"
P1, P2 = 2_147_483_647, 2_147_483_629  # primes below 2³¹


@dataclass
class MergeCounts:
    inserted: int = 0
    replaced: int = 0
    unchanged: int = 0
    lines_written: int = 0


def row_fingerprint(table: ir.Table, spec: TableSpec) -> ir.IntegerValue:
    """A 64-bit hash of a record's canonical values (nulls distinguished from empty text)."""
    parts = [table[c.name].cast("string").fill_null("\x1e") for c in spec.columns]
    return ibis.literal("\x1f").join(parts).hash()


def fingerprints(table: ir.Table, spec: TableSpec) -> ir.Table:
    """Per key: record count and two hash sums."""
    key = list(spec.key)
    hashed = table.select(*key, _h=row_fingerprint(table, spec))
    return hashed.group_by(key).aggregate(
        _n=hashed.count(), _s1=(hashed._h % P1).sum(), _s2=((hashed._h // P1) % P2).sum()
    )


def _delete_keys(con: Backend, spec: TableSpec, keys: ir.Table) -> None:
    """DELETE the stored records whose key is in ``keys`` (built from Ibis, not from text)."""
    columns = [sge.column(k, quoted=True) for k in spec.key]
    target = columns[0] if len(columns) == 1 else sge.Tuple(expressions=columns)
    subquery = con.compiler.to_sqlglot(keys.select(*spec.key)).subquery()
    con.raw_sql(sge.delete(sge.table_(spec.name, quoted=True), where=sge.In(this=target, query=subquery)))


def merge(con: Backend, spec: TableSpec, batch: ir.Table, *, n_keys: int | None = None,
          n_rows: int | None = None) -> MergeCounts:
    """Insert or replace the batch's records by key; returns the counts.

    ``n_keys`` / ``n_rows``: the batch's distinct keys and records when the
    caller already counted them (saves two passes on a first import).
    """
    key = list(spec.key)
    stored = con.table(spec.name)
    if not int(stored.count().to_pyarrow().as_py()):
        # an empty table (the first import): nothing to compare, write straight through
        con.insert(spec.name, batch)
        if n_keys is None:
            n_keys = int(batch.select(*key).distinct().count().to_pyarrow().as_py())
        if n_rows is None:
            n_rows = int(batch.count().to_pyarrow().as_py())
        return MergeCounts(inserted=n_keys, lines_written=n_rows)
    batch = scratch_table(con, BATCH, batch)  # read the batch once, not per step
    new = fingerprints(batch, spec)
    old = fingerprints(stored.semi_join(new.select(*key), key), spec).rename(
        _on="_n", _o1="_s1", _o2="_s2"
    )
    compared = new.left_join(old, key).select(
        *[new[k] for k in key],
        _n=new._n,
        _existed=old._on.notnull(),
        _same=(new._n == old._on) & (new._s1 == old._o1) & (new._s2 == old._o2),
    )
    changed = scratch_table(con, CHANGED, compared)
    summary = changed.aggregate(
        inserted=(~changed._existed).cast("int64").sum(),
        replaced=(changed._existed & ~changed._same.fill_null(False)).cast("int64").sum(),
        unchanged=changed._same.fill_null(False).cast("int64").sum(),
        lines_written=ibis.cases((changed._same.fill_null(False), 0), else_=changed._n).sum(),
    ).to_pyarrow().to_pylist()[0]
    counts = MergeCounts(**{k: int(v or 0) for k, v in summary.items()})
    to_write = changed.filter(~changed._same.fill_null(False))
    if counts.replaced:
        _delete_keys(con, spec, to_write.filter(to_write._existed))
    if counts.inserted or counts.replaced:
        con.insert(spec.name, batch.semi_join(to_write, key))
    con.drop_table(CHANGED)
    con.drop_table(BATCH)
    return counts
