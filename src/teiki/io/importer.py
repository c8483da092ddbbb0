"""``teiki import``: files in, validated in the engine, merged in one transaction.

1. Open every file (format, encoding, delimiter) and decide its table and
   column mapping; a file that cannot be read stops everything.
2. Stage each table: the files' rows, parsed into typed columns, in a
   temporary table (one pass over each file, :mod:`teiki.io.staging`).
3. Validate the staged rows (:mod:`teiki.io.validate`); any problem stops
   everything with a message naming file, row and column.
4. In ONE transaction, merge every table (:mod:`teiki.store.merge`) and log the
   import. A failure or a killed process before the commit leaves the store
   exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir

from teiki.version import __version__
from teiki.errors import DataError, StoreError
from teiki.io.parse import finish
from teiki.io.staging import (
    STAGE,
    InputFile,
    Progress,
    drop_skipped,
    drop_staging,
    missing_columns,
    open_input,
    stage_files,
)
from teiki.io.validate import DateLimits, conflict_problems, row_problems
from teiki.store import facts
from teiki.store.db import Store
from teiki.store.facts import FACT_SOURCES
from teiki.store.merge import MergeCounts, merge
from teiki.store.migrations import IMPORTS
from teiki.store.schema import TABLES, TableSpec

# Reference data first, so a later feature reading mid-way never sees orders without products.
ORDER = ("products", "customers", "subscriptions", "subscription_events", "orders", "contacts")


@dataclass
class TableImport:
    table: str
    files: list[str]
    rows_read: int
    counts: MergeCounts
    layouts: list[str] = field(default_factory=list)  # per file: the layout it was read as (a preset, a mapping)
    layouts_en: list[str] = field(default_factory=list)  # the same in English
    skipped: dict[str, int] = field(default_factory=dict)  # rows left out by the layout's skip rules, by reason
    columns_read: list[str] = field(default_factory=list)  # canonical columns some file carried
    columns_kept: list[str] = field(default_factory=list)  # keyed tables: columns no file carried, stored values kept
    columns_unread: list[str] = field(default_factory=list)  # orders: columns no file carried (empty or default)


@dataclass
class ImportResult:
    tables: list[TableImport] = field(default_factory=list)
    derived_subscriptions: int | None = None
    dry_run: bool = False


def _deduplicated(staged: ir.Table, spec: TableSpec, n_files: int) -> ir.Table:
    """Drop identical repeats: an order sent in two files keeps one file's lines; a keyed record keeps one row."""
    key = list(spec.key)
    if spec.replace_whole_group:
        if n_files == 1:
            return staged
        first = staged.group_by(key).aggregate(_first=staged["_file"].min())
        return staged.join(first, key).filter(lambda t: t["_file"] == t["_first"]).drop("_first")
    return staged.distinct(on=key, keep="first")


def import_files(store: Store, paths: Sequence[Path], *, table: str | None = None, preset: str | None = None,
                 mapping_file: Path | None = None, progress: Progress | None = None,
                 dry_run: bool = False, date_limits: DateLimits | None = None) -> ImportResult:
    """Import ``paths`` into ``store``: all or nothing, idempotent. See the module docstring.

    ``dry_run``: everything is read, validated and merged as usual, the counts
    say what would change, and then the transaction is rolled back.
    ``date_limits``: the dates accepted (default: 1990-01-01 to a year after today).
    """
    if store.read_only:
        raise StoreError("store_read_only", path=store.path)
    files = [open_input(Path(p), table, preset, mapping_file) for p in paths]
    problems = missing_columns(files)
    if problems:
        raise DataError(problems)
    by_table: dict[str, list[InputFile]] = {}
    for f in files:
        by_table.setdefault(f.spec.name, []).append(f)
    started = dt.datetime.now().replace(microsecond=0)
    staged: dict[str, tuple[ir.Table, list[InputFile], int, int]] = {}
    registered: list[str] = []
    con = store.con
    try:
        for name in [t for t in ORDER if t in by_table]:
            group, spec = by_table[name], TABLES[name]
            values = _merged_values(group)
            group = stage_files(store, group, spec, values, registered, progress)
            drop_skipped(store, group, spec)
            by_table[name] = group
            parsed = con.table(STAGE + name)
            if progress:
                progress("validate", 0, None)
            names = [f.source.name for f in group]
            found = row_problems(parsed, spec, names, [f.resolved.shown for f in group], date_limits)
            n_keys = 0
            if not found:
                found, n_keys = conflict_problems(parsed, spec, names)
            problems += found
            rows = int(parsed.count().to_pyarrow().as_py())
            staged[name] = (parsed, group, rows, n_keys)
        if problems:
            raise DataError(problems)
        result = ImportResult()
        with store.transaction(commit=not dry_run):
            for name, (table_expr, group, rows, n_keys) in staged.items():
                spec = TABLES[name]
                if progress:
                    progress(f"write {name}", 0, None)
                batch = finish(_keep_stored(con, _deduplicated(table_expr, spec, len(group)), spec, group), spec)
                # the staged rows are the batch's rows unless deduplicated (keyed tables, or several files)
                undeduplicated = spec.replace_whole_group and len(group) == 1
                counts = merge(con, spec, batch, n_keys=n_keys, n_rows=rows if undeduplicated else None)
                skipped: dict[str, int] = {}
                for f in group:
                    for reason, n in f.skipped.items():
                        skipped[reason] = skipped.get(reason, 0) + n
                result.tables.append(TableImport(name, [f.source.name for f in group], rows, counts,
                                                 layouts=[f.mapping.layout("ja") for f in group],
                                                 layouts_en=[f.mapping.layout("en") for f in group],
                                                 skipped=skipped, **_columns(spec, group)))
            if not dry_run and set(staged) & FACT_SOURCES:
                if progress:
                    progress("facts", 0, None)
                facts.refresh(con, set(staged))
            _log(store, result, started)
            if progress:
                progress("commit", 0, None)
    finally:
        drop_staging(store, registered)
    result.dry_run = dry_run
    result.derived_subscriptions = None if dry_run else derived_subscription_count(store)
    if progress:
        progress("done", 1, 1)
    return result


def _keep_stored(con, batch: ir.Table, spec: TableSpec, group: list[InputFile]) -> ir.Table:
    """A keyed record (customer, product, subscription, contact) takes only the columns its file carries: the
    others keep their stored values, so that a file of e-mail addresses does not blank names and phones.

    Orders are not merged this way: an order that arrives again replaces all of its lines (corrections and
    cancellations come like this), and a line has no identity of its own to keep values for.
    """
    if spec.replace_whole_group:
        return batch
    carrying = {c: [i for i, f in enumerate(group) if c in f.resolved.carried] for c in spec.column_names}
    partial = {c: files for c, files in carrying.items() if c not in spec.key and len(files) < len(group)}
    stored = con.table(spec.name)
    if not partial or not int(stored.count().to_pyarrow().as_py()):
        return batch
    key = list(spec.key)
    kept = stored.select(*key, _stored=ibis.literal(True), **{f"_stored_{c}": stored[c] for c in partial})
    joined = batch.left_join(kept, key)
    return joined.select(**{
        c: ibis.cases((joined._stored.notnull() & ~joined["_file"].isin(partial[c]),
                       joined[f"_stored_{c}"].cast(batch[c].type())), else_=joined[c]) if c in partial else joined[c]
        for c in batch.columns
    })


def _columns(spec: TableSpec, group: list[InputFile]) -> dict[str, list[str]]:
    """The summary's columns: read, and (keyed tables) kept as stored or (orders) left empty."""
    read = [c for c in spec.column_names if any(c in f.resolved.carried for f in group)]
    rest = [c for c in spec.column_names if c not in read]
    if spec.replace_whole_group:
        return {"columns_read": read, "columns_unread": rest}
    return {"columns_read": read, "columns_kept": rest}


def _merged_values(group: list[InputFile]) -> dict[str, dict[str, str]]:
    values: dict[str, dict[str, str]] = {}
    for f in group:
        for column, table in f.resolved.values.items():
            values.setdefault(column, {}).update(table)
    return values


def _log(store: Store, result: ImportResult, started: dt.datetime) -> None:
    log = store.table(IMPORTS)
    next_id = int(log.import_id.max().fill_null(0).to_pyarrow().as_py()) + 1
    finished = dt.datetime.now().replace(microsecond=0)
    rows = [
        {"import_id": next_id, "started_at": started, "finished_at": finished, "table_name": t.table,
         "files": json.dumps(t.files, ensure_ascii=False), "rows_read": t.rows_read,
         "inserted": t.counts.inserted, "replaced": t.counts.replaced, "unchanged": t.counts.unchanged,
         "teiki_version": __version__}
        for t in result.tables
    ]
    store.con.insert(IMPORTS, ibis.memtable(rows, schema=log.schema()))


def derived_subscription_count(store: Store) -> int | None:
    """Number of subscriptions derived from orders, or None when subscriptions were imported.

    The same count as ``derived_subscriptions(orders).count()``, without deriving them.
    """
    if store.count("subscriptions") > 0:
        return None
    orders = store.table("orders")
    lines = orders.filter((orders.status == "completed") & orders.subscription_id.notnull())
    return int(lines.subscription_id.nunique().to_pyarrow().as_py())
