"""The shop object: teiki's one public entry point.

    import teiki
    shop = teiki.open("teiki.duckdb")
    shop.import_files(["受注明細.csv"])
    shop.orders            # an Ibis table expression
    shop.status()          # what is stored
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import ibis.expr.types as ir

from teiki.io.importer import ImportResult, Progress, import_files
from teiki.store.db import Store
from teiki.store.derive import derived_subscriptions
from teiki.store.migrations import IMPORTS
from teiki.store.schema import TABLES


@dataclass
class TableStatus:
    table: str
    rows: int
    derived: bool = False


@dataclass
class Status:
    path: Path
    tables: list[TableStatus]
    customers: int
    first_order: object
    last_order: object
    last_import: list[dict]  # the log rows of the latest import command, one per table


class Shop:
    """A shop's data: import into it, read tables as Ibis expressions."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def path(self) -> Path:
        return self.store.path

    def import_files(self, paths: Sequence[str | Path], *, table: str | None = None, preset: str | None = None,
                     mapping: str | Path | None = None, progress: Progress | None = None,
                     dry_run: bool = False) -> ImportResult:
        """Import files (all or nothing, idempotent); ``dry_run`` only says what would change.

        See :mod:`teiki.io.importer`.
        """
        return import_files(self.store, [Path(p) for p in paths], table=table, preset=preset,
                            mapping_file=Path(mapping) if mapping else None, progress=progress, dry_run=dry_run)

    def table(self, name: str) -> ir.Table:
        """A canonical table; ``subscriptions`` falls back to the ones derived from orders."""
        if name == "subscriptions" and self.subscriptions_derived:
            return derived_subscriptions(self.store.table("orders"))
        return self.store.table(name)

    @property
    def subscriptions_derived(self) -> bool:
        return self.store.count("subscriptions") == 0

    @property
    def orders(self) -> ir.Table:
        return self.table("orders")

    @property
    def subscriptions(self) -> ir.Table:
        return self.table("subscriptions")

    def status(self) -> Status:
        """Rows per table, customers, order date range and the last import."""
        tables = []
        for name in TABLES:
            derived = name == "subscriptions" and self.subscriptions_derived
            rows = int(self.table(name).count().to_pyarrow().as_py())
            tables.append(TableStatus(name, rows, derived and rows > 0))
        orders = self.store.table("orders")
        summary = orders.aggregate(
            customers=orders.customer_id.nunique(), first=orders.ordered_at.min(), last=orders.ordered_at.max()
        ).to_pyarrow().to_pylist()[0]
        log = self.store.table(IMPORTS)
        last = log.filter(log.import_id == log.import_id.max()).to_pyarrow().to_pylist()
        return Status(self.path, tables, int(summary["customers"]), summary["first"], summary["last"], last)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Shop:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(path: str | Path | None = None, *, read_only: bool = False) -> Shop:  # noqa: A001 - teiki.open
    """Open (or create) the shop database at ``path`` (default ``$TEIKI_DB`` or ``./teiki.duckdb``)."""
    return Shop(Store(path, read_only=read_only))
