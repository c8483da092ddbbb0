"""Staging: an import's files read into a temporary table of typed values, one pass per file.

Each file is opened (format, encoding, delimiter), matched to its table and
column mapping, and streamed into ``_teiki_stage_<table>`` through
:func:`teiki.io.parse.stage`. A CSV is first read optimistically, the reader
converting dates and numbers itself; if a cell does not fit, every file of the
table is read again as text, where each cell is judged and reported exactly.
Nothing here touches the stored tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from teiki.errors import InputError, Problem, StoreError
from teiki.io import mapping as mp
from teiki.io import presets
from teiki.io.detect import guess_table
from teiki.io.parse import stage
from teiki.io.readers import Source, TypedReadFailed, open_source
from teiki.store.db import Store
from teiki.store.scratch import scratch_table
from teiki.store.schema import TABLES, TableSpec

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``; stages: read <file>, validate, write <table>, commit, done."""

STAGE = "_teiki_stage_"
SOURCE = "_teiki_source_"
RAW_COPY = "_copy"


@dataclass
class InputFile:
    source: Source
    mapping: mp.Mapping
    spec: TableSpec
    resolved: mp.Resolved
    skipped: dict[str, int] = field(default_factory=dict)  # rows left out by the mapping's skip rules, by reason


def open_input(path: Path, table: str | None, preset: str | None, mapping_file: Path | None) -> InputFile:
    if table is not None and table not in TABLES:
        raise InputError(path.name, "unknown_table", name=table, tables=", ".join(TABLES))
    base = presets.load_mapping_file(mapping_file) if mapping_file else None
    encoding, delimiter = (base.encoding, base.delimiter) if base else (None, None)
    source = open_source(path, encoding, delimiter)
    mapping = presets.choose_mapping(source.headers, preset, mapping_file, path.name)
    spec = TABLES[table] if table else guess_table(mapping, source.headers, path.name)
    resolved = mp.resolve(mapping, spec, source.headers)
    typed = _typed_request(mapping, resolved)
    if typed:  # reopen, letting the reader convert dates and numbers itself
        try:
            source = open_source(path, source.encoding, delimiter, typed)
        except TypedReadFailed:
            pass  # a cell in the first block does not convert: keep reading as text
    return InputFile(source, mapping, spec, resolved)


def _typed_request(mapping: mp.Mapping, resolved: mp.Resolved) -> dict[str, pa.DataType] | None:
    """Headers the CSV reader may convert itself: dates and numbers of a plain column mapping."""
    if resolved.reshapes:
        return None
    typed = {}
    for name, header in resolved.sources.items():
        column = resolved.spec[name]
        if column.is_temporal and mapping.date_format:
            continue  # read with the mapping's format, in the engine
        if header is not None and (column.is_temporal or column.is_numeric):
            typed[header] = pa.timestamp("s") if column.is_temporal else pa.float64()
    return typed or None


def _as_text(f: InputFile) -> InputFile:
    """The same file opened again, as text (after a cell did not fit the optimistic reading, or
    invalid UTF-8 turned up after an ASCII-only start: then as CP932)."""
    encoding = "cp932" if f.source.encoding_failed else f.source.encoding
    return InputFile(open_source(f.source.path, encoding, f.mapping.delimiter), f.mapping, f.spec, f.resolved)


def _raise_read_error(files: list[InputFile]) -> None:
    """Re-raise a file's own error that the engine wrapped while streaming the file."""
    for f in files:
        if f.source.error is not None:
            raise f.source.error


def missing_columns(files: list[InputFile]) -> list[Problem]:
    """A problem for each required column, and each header the mapping's rules read, that a file lacks."""
    problems = []
    for f in files:
        found = {"headers": ", ".join(f.source.headers[:15])}
        for name in f.resolved.missing_required:
            label = f"{name} ({f.spec[name].ja})"
            expected = f.resolved.table_mapping.columns.get(name)
            if f.mapping.only_tables and expected:  # a cart's layout: name the header its export has
                label += f" ← '{expected[0]}'"
            problems.append(Problem(f.source.name, "missing_column", label, 0, [], found))
        for header in f.resolved.missing_headers:
            problems.append(Problem(f.source.name, "missing_column", header, 0, [], found))
        if _only_key(f):
            key = f.spec[f.spec.key[0]]
            problems.append(Problem(f.source.name, "only_key_column", f"{key.name} ({key.ja})", 0, [],
                                    {**found, "table": f"{f.spec.ja} ({f.spec.name})"}))
    return problems


def _only_key(f: InputFile) -> bool:
    """A file that gives a keyed table (customers, products …) nothing but its key: nothing to store, and the
    sign of a file meant for another table (an orders export imported with ``--table products``)."""
    spec = f.spec
    return (not spec.replace_whole_group and len(spec.key) == 1 and not f.resolved.missing_required
            and set(f.resolved.carried) <= set(spec.key))


def stage_files(store: Store, files: list[InputFile], spec: TableSpec, values: dict[str, dict[str, str]],
           registered: list[str], progress: Progress | None) -> list[InputFile]:
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


def _staged_union(store: Store, files: list[InputFile], spec: TableSpec, values: dict[str, dict[str, str]],
                  registered: list[str], progress: Progress | None) -> ir.Table:
    skipping = any(f.resolved.table_mapping.skip for f in files)
    parts = []
    for i, f in enumerate(files):
        name = f"{SOURCE}{len(registered)}"
        store.con.con.register(name, _counted(f.source, progress))
        registered.append(name)
        raw = store.con.table(name)
        if f.resolved.table_mapping.fill_down or f.resolved.table_mapping.split:
            # Windows and list cells may be planned as a self-join that reads the input twice; a registered
            # stream can be read only once (the second read sees no rows, silently), so store the rows first.
            raw = scratch_table(store.con, name + RAW_COPY, raw)
        projected = mp.project(raw, f.resolved).mutate(_file=ibis.literal(i, "int64"))
        if skipping and mp.SKIP not in projected.columns:
            projected = projected.mutate(**{mp.SKIP: ibis.null("int64")})
        parts.append(stage(projected, spec, values, trimmed=f.source.typed is not None,
                           date_format=f.mapping.date_format))
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


def _check_complete(store: Store, files: list[InputFile], spec: TableSpec) -> None:
    """Every row the files streamed is in the staging table, once.

    A query plan that read a one-shot stream twice would see no rows the second
    time and lose them silently; this makes such a loss stop the import instead.
    """
    streamed = sum(f.source.rows_streamed for f in files)
    table = store.con.table(STAGE + spec.name)
    if any(f.resolved.table_mapping.split for f in files):  # list cells: several lines from one row
        table = table.select("_file", "_row").distinct()
    staged = int(table.count().to_pyarrow().as_py())
    if staged != streamed:
        raise StoreError("rows_lost", table=spec.name, streamed=streamed, staged=staged)


def drop_staging(store: Store, registered: list[str]) -> None:
    for name in TABLES:
        store.con.drop_table(STAGE + name, force=True)
    for name in registered:
        store.con.con.unregister(name)
        store.con.drop_table(name + RAW_COPY, force=True)


def drop_skipped(store: Store, files: list[InputFile], spec: TableSpec) -> None:
    """Count the staged rows that matched a skip rule into each file's ``skipped`` (reason → rows), then leave
    them out of the staging table."""
    table = store.con.table(STAGE + spec.name)
    if mp.SKIP not in table.columns:
        return
    skipped = table.filter(table[mp.SKIP].notnull())
    counts = skipped.group_by(["_file", mp.SKIP]).aggregate(n=skipped.count())
    for row in counts.to_pyarrow().to_pylist():
        f = files[row["_file"]]
        reason = f.resolved.table_mapping.skip[row[mp.SKIP]].reason
        f.skipped[reason] = f.skipped.get(reason, 0) + int(row["n"])
    lines = scratch_table(store.con, STAGE + spec.name + "_lines", table.filter(table[mp.SKIP].isnull()).drop(mp.SKIP))
    scratch_table(store.con, STAGE + spec.name, lines)
    store.con.drop_table(STAGE + spec.name + "_lines", force=True)
