"""The shop's core: the store or engine it reads, its tables, the view as of a date, imports and status.

Every area of the shop (:mod:`teiki.shop.kpis`, ``portfolio``, ``forecasts``, ``calls``, ``risk``,
``offers``, ``campaigns``) builds on :class:`ShopBase`: it takes ``self.view(as_of)`` (or the store) and hands
it to the analytics functions, which never see the shop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import ibis.expr.types as ir
from ibis.backends import BaseBackend

from teiki.metrics.view import DEFAULT_WINDOW_DAYS, OLDEST, Source, View, as_date
from teiki.store import results
from teiki.store.db import Store
from teiki.store.derive import derived_subscriptions
from teiki.store.facts import FACT_TABLES
from teiki.store.migrations import IMPORTS, read_meta, write_meta
from teiki.store.schema import TABLES

if TYPE_CHECKING:  # the importer (readers, codecs) loads only when something is imported
    from teiki.io.importer import ImportResult, Progress

Date = dt.date | str | None


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


class ShopBase:
    """A shop's data: import into it, read tables as Ibis expressions, see it as of a date."""

    def __init__(self, store: Store | None, backend: BaseBackend | None = None,
                 tables: dict[str, ir.Table] | None = None) -> None:
        self.store = store
        self.backend = backend if backend is not None else store.con  # type: ignore[union-attr]
        self._tables = tables
        self._source: Source | None = None  # built once; an import starts it anew

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def upgraded_from(self) -> int | None:
        """The schema version the database file was upgraded from when it was opened (None: no upgrade)."""
        return self.store.upgraded_from if self.store is not None else None

    @property
    def origin(self) -> str | None:
        """Who made this database: ``"demo"`` for ``teiki demo``, None for a shop's own data."""
        return read_meta(self.store.con, "origin")

    def set_origin(self, origin: str) -> None:
        """Record who made this database (see :attr:`origin`)."""
        write_meta(self.store.con, "origin", origin)

    def stored_rows(self) -> int:
        """Rows stored in every canonical table together (0 for a new database)."""
        return sum(self.store.count(name) for name in TABLES)

    def export_parquet(self, directory: str | Path) -> dict[str, Path]:
        """Each canonical table as ``<table>.parquet`` in ``directory`` (for ``open_parquet_on_spark``)."""
        from teiki.store import spark

        return spark.export_parquet(self.store, Path(directory))

    def import_files(self, paths: Sequence[str | Path], *, table: str | None = None, preset: str | None = None,
                     mapping: str | Path | None = None, progress: Progress | None = None,
                     dry_run: bool = False, earliest_date: Date = None, latest_date: Date = None) -> ImportResult:
        """Import files (all or nothing, idempotent); ``dry_run`` only says what would change.

        ``earliest_date`` / ``latest_date``: the dates accepted (default 1990-01-01 to a year after today).
        See :mod:`teiki.io.importer`.
        """
        from teiki.io.importer import import_files
        from teiki.io.validate import DateLimits

        defaults = DateLimits()
        limits = DateLimits(as_date(earliest_date, earliest=OLDEST) or defaults.earliest,
                            as_date(latest_date) or defaults.latest)
        self._source = None
        return import_files(self.store, [Path(p) for p in paths], table=table, preset=preset,
                            mapping_file=Path(mapping) if mapping else None, progress=progress, dry_run=dry_run,
                            date_limits=limits)

    # ------------------------------------------------------------------ tables and views

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

    def source(self) -> Source:
        """The tables every KPI reads; stored fact tables are used where they exist."""
        if self._source is None:
            self._source = self._build_source()
        return self._source

    def _build_source(self) -> Source:
        if self._tables is not None:
            return Source.from_tables(self._tables)
        names = set(self.backend.list_tables())
        stored = self.store is not None and all(f in names for f in FACT_TABLES)
        facts = {f: self.backend.table(f) for f in FACT_TABLES} if stored else None
        return Source.from_tables({name: self.backend.table(name) for name in TABLES}, facts=facts)

    def view(self, as_of: Date = None, *, window_days: int = DEFAULT_WINDOW_DAYS) -> View:
        """The shop as seen on ``as_of`` (a date, ``YYYY-MM-DD`` or ``"today"``; default: the last order date):
        the tables metric functions take."""
        return View(self.source(), as_of, window_days=window_days)

    def dated_view(self, as_of: Date = None) -> View:
        """:meth:`view`, refusing a shop without orders (``no_orders``): for what needs an as-of date."""
        return self.view(as_of).with_orders()

    def as_of(self, value: Date = None) -> dt.date | None:
        """The as-of date ``value`` resolves to: a date, ``YYYY-MM-DD``, ``"today"``, or None for the last order
        date (None when the shop has no orders)."""
        return self.view(value).as_of

    # ------------------------------------------------------------------ what is stored

    def status(self) -> Status:
        """Rows per table, customers, order date range and the last import."""
        tables = []
        for name in TABLES:
            derived = name == "subscriptions" and self.subscriptions_derived
            rows = int(results.scalar(self.table(name).count()))
            tables.append(TableStatus(name, rows, derived and rows > 0))
        orders = self.store.table("orders")
        summary = results.one(orders.aggregate(
            customers=orders.customer_id.nunique(), first=orders.ordered_at.min(), last=orders.ordered_at.max()))
        log = self.store.table(IMPORTS)
        last = results.rows(log.filter(log.import_id == log.import_id.max()))
        return Status(self.path, tables, int(summary["customers"]), summary["first"], summary["last"], last)

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stored_summary(view: View):
    """The stored per-customer summary when its revenue_365d ends at the view's day (the last purchase date)."""
    stored = view.source.customer_facts
    day = view.as_of
    if stored is None or day is None or "revenue_365d" not in stored.columns:
        return None
    return stored if day == view.source.latest_order_date else None


def explain_import(path: str | Path, *, table: str | None = None, preset: str | None = None,
                   mapping: str | Path | None = None):
    """How ``path`` would be imported — its layout, table, each column's source and sample values, the rows to be
    skipped and why — reading no database and writing nothing (``teiki import --explain``; teiki.io.explain)."""
    from teiki.io.explain import explain

    return explain(Path(path), table=table, preset=preset, mapping_file=Path(mapping) if mapping else None)
