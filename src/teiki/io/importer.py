"""``teiki import``: files in, validated in the engine, merged in one transaction.

1. Open every file (format, encoding, delimiter) and decide its table and
   column mapping; a file that cannot be read stops everything.
2. Stage each table: the files' rows, parsed into typed columns, in a
   temporary table (one pass over each file).
3. Validate the staged rows (:mod:`teiki.io.validate`); any problem stops
   everything with a message naming file, row and column.
4. In ONE transaction, merge every table (:mod:`teiki.store.merge`) and log the
   import. A failure or a killed process before the commit leaves the store
   exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from teiki import __version__
from teiki.errors import DataError, InputError, Problem, StoreError, StoreError
from teiki.io import mapping as mp
from teiki.io.parse import finish, stage
from teiki.io.readers import Source, TypedReadFailed, open_source
from teiki.io.validate import conflict_problems, row_problems
from teiki.store.db import Store, scratch_table
from teiki.store.merge import MergeCounts, merge
from teiki.store.migrations import IMPORTS
from teiki.store.schema import TABLES, TableSpec

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``; stages: read, validate, write, commit, done."""

# Reference data first, so a later feature reading mid-way never sees orders without products.
ORDER = ("products", "customers", "subscriptions", "subscription_events", "orders", "contacts")
STAGE = "_teiki_stage_"
SOURCE = "_teiki_source_"
RAW_COPY = "_copy"


@dataclass
class TableImport:
    table: str
    files: list[str]
    rows_read: int
    counts: MergeCounts


@dataclass
class ImportResult:
    tables: list[TableImport] = field(default_factory=list)
    derived_subscriptions: int | None = None


@dataclass
class _File:
    source: Source
    mapping: mp.Mapping
    spec: TableSpec
    resolved: mp.Resolved


def _choose_mapping(headers: list[str], preset: str | None, mapping_file: Path | None) -> mp.Mapping:
    if mapping_file is not None:
        return mp.load_mapping_file(mapping_file)
    if preset is not None:
        return mp.load_preset(preset)
    if {"Name", "Lineitem quantity"} <= set(headers):  # a Shopify orders export
        return mp.load_preset("shopify")
    return mp.load_preset("ja")  # accepts canonical names as well as Japanese headers


def _open(path: Path, table: str | None, preset: str | None, mapping_file: Path | None) -> _File:
    if table is not None and table not in TABLES:
        raise InputError(path.name, "unknown_table", name=table, tables=", ".join(TABLES))
    base = mp.load_mapping_file(mapping_file) if mapping_file else None
    encoding, delimiter = (base.encoding, base.delimiter) if base else (None, None)
    source = open_source(path, encoding, delimiter)
    mapping = _choose_mapping(source.headers, preset, mapping_file)
    spec = TABLES[table] if table else mp.guess_table(mapping, source.headers, path.name)
    if spec is None:
        raise InputError(path.name, "unknown_table_for_file", headers=", ".join(source.headers[:12]),
                         tables=", ".join(TABLES))
    resolved = mp.resolve(mapping, spec, source.headers)
    typed = _typed_request(mapping, resolved)
    if typed:  # reopen, letting the reader convert dates and numbers itself
        try:
            source = open_source(path, source.encoding, delimiter, typed)
        except TypedReadFailed:
            pass  # a cell in the first block does not convert: keep reading as text
    return _File(source, mapping, spec, resolved)


def _typed_request(mapping: mp.Mapping, resolved: mp.Resolved) -> dict[str, pa.DataType] | None:
    """Headers the CSV reader may convert itself: dates and numbers of a plain column mapping."""
    if mapping.projector is not None:
        return None
    typed = {}
    for name, header in resolved.sources.items():
        column = resolved.spec[name]
        if header is not None and (column.is_temporal or column.is_numeric):
            typed[header] = pa.timestamp("s") if column.is_temporal else pa.float64()
    return typed or None


def _as_text(f: _File) -> _File:
    """The same file opened again, as text (after a cell did not fit the optimistic reading, or
    invalid UTF-8 turned up after an ASCII-only start: then as CP932)."""
    encoding = "cp932" if f.source.encoding_failed else f.source.encoding
    return _File(open_source(f.source.path, encoding, f.mapping.delimiter), f.mapping, f.spec, f.resolved)


def _raise_read_error(files: list[_File]) -> None:
    """Re-raise a file's own error that the engine wrapped while streaming the file."""
    for f in files:
        if f.source.error is not None:
            raise f.source.error


def _missing_columns(files: list[_File]) -> list[Problem]:
    problems = []
    for f in files:
        for name in f.resolved.missing_required:
            column = f.spec[name]
            problems.append(Problem(f.source.name, "missing_column", f"{name} ({column.ja})", 0, [],
                                    {"headers": ", ".join(f.source.headers[:15])}))
    return problems


def _stage(store: Store, files: list[_File], spec: TableSpec, values: dict[str, dict[str, str]],
           registered: list[str], progress: Progress | None) -> list[_File]:
    """Stage the files of one table (typed values, ``_raw_`` text where doubtful) in a temp table.

    Files read optimistically (typed) that turn out to hold a cell the reader
    could not convert are read again as text. Returns the files as staged.
    """
    try:
        staged = _staged_union(store, files, spec, values, registered, progress)
        scratch_table(store.con, STAGE + spec.name, staged)
        _check_complete(store, files, spec)
        return files
    except StoreError:
        raise
    except Exception:
        _raise_read_error(files)
        if not any(f.source.typed_failed or f.source.encoding_failed for f in files):
            raise
    # every source is a one-shot stream, partly consumed by now: open them all again
    files = [_as_text(f) for f in files]
    try:
        staged = _staged_union(store, files, spec, values, registered, progress)
        scratch_table(store.con, STAGE + spec.name, staged)
    except Exception:
        _raise_read_error(files)
        raise
    _check_complete(store, files, spec)
    return files


def _staged_union(store: Store, files: list[_File], spec: TableSpec, values: dict[str, dict[str, str]],
                  registered: list[str], progress: Progress | None) -> ir.Table:
    parts = []
    for i, f in enumerate(files):
        name = f"{SOURCE}{len(registered)}"
        store.con.con.register(name, _counted(f.source, progress))
        registered.append(name)
        raw = store.con.table(name)
        if f.mapping.projector is not None:
            # A projector may use window functions, which DuckDB can plan as a self-join that reads
            # its input twice; a registered stream can be read only once (the second read sees no
            # rows, silently), so store the file's rows first.
            raw = scratch_table(store.con, name + RAW_COPY, raw)
        projector = f.mapping.projector or mp.project
        projected = projector(raw, f.resolved).mutate(_file=ibis.literal(i, "int64"))
        parts.append(stage(projected, spec, values, trimmed=f.source.typed is not None))
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


def _counted(source: Source, progress: Progress | None) -> pa.RecordBatchReader:
    """The source's batches, counted into ``source.rows_streamed`` (and reported) as they stream by."""
    reader = source.reader()

    def batches():
        for batch in reader:
            source.rows_streamed += batch.num_rows
            if progress:
                done = source.rows_streamed
                progress(f"read {source.name}", done, max(done, source.estimated_rows or 0) or None)
            yield batch

    return pa.RecordBatchReader.from_batches(reader.schema, batches())


def _check_complete(store: Store, files: list[_File], spec: TableSpec) -> None:
    """Every row the files streamed is in the staging table, once.

    A query plan that read a one-shot stream twice would see no rows the second
    time and lose them silently; this makes such a loss stop the import instead.
    """
    streamed = sum(f.source.rows_streamed for f in files)
    staged = int(store.con.table(STAGE + spec.name).count().to_pyarrow().as_py())
    if staged != streamed:
        raise StoreError("rows_lost", table=spec.name, streamed=streamed, staged=staged)


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
                 mapping_file: Path | None = None, progress: Progress | None = None) -> ImportResult:
    """Import ``paths`` into ``store``: all or nothing, idempotent. See the module docstring."""
    if store.read_only:
        raise StoreError("store_read_only", path=store.path)
    files = [_open(Path(p), table, preset, mapping_file) for p in paths]
    problems = _missing_columns(files)
    if problems:
        raise DataError(problems)
    by_table: dict[str, list[_File]] = {}
    for f in files:
        by_table.setdefault(f.spec.name, []).append(f)
    started = dt.datetime.now().replace(microsecond=0)
    staged: dict[str, tuple[ir.Table, list[_File], int, int]] = {}
    registered: list[str] = []
    con = store.con
    try:
        for name in [t for t in ORDER if t in by_table]:
            group, spec = by_table[name], TABLES[name]
            values = _merged_values(group)
            group = _stage(store, group, spec, values, registered, progress)
            by_table[name] = group
            parsed = con.table(STAGE + name)
            if progress:
                progress("validate", 0, None)
            names = [f.source.name for f in group]
            found = row_problems(parsed, spec, names, [f.resolved.sources for f in group])
            n_keys = 0
            if not found:
                found, n_keys = conflict_problems(parsed, spec, names)
            problems += found
            rows = int(parsed.count().to_pyarrow().as_py())
            staged[name] = (parsed, group, rows, n_keys)
        if problems:
            raise DataError(problems)
        result = ImportResult()
        with store.transaction():
            for name, (table_expr, group, rows, n_keys) in staged.items():
                spec = TABLES[name]
                if progress:
                    progress(f"write {name}", 0, None)
                batch = finish(_deduplicated(table_expr, spec, len(group)), spec)
                # the staged rows are the batch's rows unless deduplicated (keyed tables, or several files)
                undeduplicated = spec.replace_whole_group and len(group) == 1
                counts = merge(con, spec, batch, n_keys=n_keys, n_rows=rows if undeduplicated else None)
                result.tables.append(TableImport(name, [f.source.name for f in group], rows, counts))
            _log(store, result, started)
            if progress:
                progress("commit", 0, None)
    finally:
        _drop_staging(store, registered)
    result.derived_subscriptions = derived_subscription_count(store)
    if progress:
        progress("done", 1, 1)
    return result


def _merged_values(group: list[_File]) -> dict[str, dict[str, str]]:
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


def _drop_staging(store: Store, registered: list[str]) -> None:
    for name in TABLES:
        store.con.drop_table(STAGE + name, force=True)
    for name in registered:
        store.con.con.unregister(name)
        store.con.drop_table(name + RAW_COPY, force=True)


def derived_subscription_count(store: Store) -> int | None:
    """Number of subscriptions derived from orders, or None when subscriptions were imported.

    The same count as ``derived_subscriptions(orders).count()``, without deriving them.
    """
    if store.count("subscriptions") > 0:
        return None
    orders = store.table("orders")
    lines = orders.filter((orders.status == "completed") & orders.subscription_id.notnull())
    return int(lines.subscription_id.nunique().to_pyarrow().as_py())
