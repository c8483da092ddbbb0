"""The store: one embedded DuckDB file, reached through Ibis.

Opening a file creates it (schema v1) or upgrades it; every change goes
through :meth:`Store.transaction`, so a failure or a killed process leaves the
file exactly as it was before.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir

from teiki.errors import StoreError
from teiki.store import migrations, results

DEFAULT_DB = "teiki.duckdb"
DB_ENV = "TEIKI_DB"
MEMORY_ENV = "TEIKI_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "2GB"  # the engine spills to disk beyond it; keeps a 10M-line import under 3 GB RSS


def default_path() -> Path:
    """``$TEIKI_DB`` if set, else ``./teiki.duckdb``."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


class Store:
    """An open teiki database."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.read_only = read_only
        self.upgraded_from: int | None = None
        self.con = self._connect(read_only)
        if not read_only:
            self._ensure_schema()
            return
        found = migrations.current_version(self.con)
        self._check_version(found)
        if 0 < found < migrations.SCHEMA_VERSION:
            # an older file opened for reading: upgrade it once through a short writable open
            self.close()
            try:
                self.con = self._connect(False)
            except StoreError as exc:
                raise StoreError("store_older_read_only", path=self.path, found=found,
                                 supported=migrations.SCHEMA_VERSION, detail=exc.params.get("detail", exc.key)) from exc
            self._ensure_schema()
            self.close()
            self.con = self._connect(True)
            self.upgraded_from = found

    def _connect(self, read_only: bool):
        try:
            con = ibis.duckdb.connect(
                str(self.path), read_only=read_only,
                memory_limit=os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY_LIMIT,
                preserve_insertion_order=False,  # lets big inserts run in parallel, with less memory
                # new files in the engine's current storage format: ~14% less CPU to write than the
                # default (a format readable by years-old DuckDB releases), files ~14% larger
                storage_compatibility_version="latest",
            )
        except duckdb.IOException as exc:
            detail = str(exc).splitlines()[0]
            if "lock" in detail.lower():  # said as what to do: DuckDB's text holds paths, a process id, its own advice
                raise StoreError("store_busy") from exc
            raise StoreError("store_unreadable", path=self.path, detail=detail) from exc  # e.g. not a DuckDB file
        # DuckDB draws its own progress bar on long queries; teiki draws its own (a setting, not a query)
        con.con.execute("SET enable_progress_bar = false")
        return con

    def _check_version(self, found: int | None) -> None:
        if found is None:
            others = ", ".join(sorted(self.con.list_tables())[:5])
            self.close()
            raise StoreError("store_foreign", path=self.path, tables=others)
        if found > migrations.SCHEMA_VERSION:
            self.close()
            raise StoreError("store_newer", path=self.path, found=found, supported=migrations.SCHEMA_VERSION)

    def _ensure_schema(self) -> None:
        found = migrations.current_version(self.con)
        self._check_version(found)
        if found < migrations.SCHEMA_VERSION:
            with self.transaction():
                migrations.migrate(self.con, found)
            if found > 0:
                self.upgraded_from = found

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[None]:
        """All or nothing: commit when the block ends, roll back on any exception.

        ``commit=False`` rolls back even when the block succeeds (a dry run).
        """
        raw = self.con.con
        raw.begin()
        try:
            yield
        except BaseException:
            raw.rollback()
            raise
        if commit:
            raw.commit()
        else:
            raw.rollback()

    def table(self, name: str) -> ir.Table:
        """A stored table as an Ibis expression."""
        return self.con.table(name)

    def count(self, name: str) -> int:
        return int(results.scalar(self.con.table(name).count()))

    def close(self) -> None:
        self.con.disconnect()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
