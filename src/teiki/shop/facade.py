"""The shop object: teiki's one public entry point.

    import teiki
    shop = teiki.open("teiki.duckdb")
    shop.import_files(["受注明細.csv"])
    shop.orders            # an Ibis table expression
    shop.status()          # what is stored
    shop.kpis()            # every KPI of SPEC §3 (docs/kpi.md)
    shop.kpi_by("cohort")  # the headline KPIs per first-order month, as a DataFrame

``teiki.open`` also takes an Ibis backend that holds the canonical tables
(e.g. ``ibis.pyspark.connect(spark)`` over the shop's tables): the same KPIs
then run on that engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from teiki.actions.methods_calls import CallMethods
from teiki.actions.methods_campaigns import CampaignMethods
from teiki.actions.methods_offers import OfferMethods
from teiki.actions.methods_risk import RiskMethods
from teiki.errors import TeikiError
from teiki.metrics import kpis as kpi_set
from teiki.metrics.reasons import Dictionary, cancel_reasons
from teiki.metrics.retention import JSON_DELIVERIES, life_table
from teiki.metrics.view import DEFAULT_WINDOW_DAYS, Source, View, by_columns, parse_date
from teiki.segments import portfolio as seg
from teiki.segments.lists import customer_list
from teiki.segments.movement import NEW
from teiki.segments.thresholds import Thresholds
from teiki.store import results
from teiki.store.db import Store
from teiki.store.derive import derived_subscriptions
from teiki.store.facts import FACT_TABLES
from teiki.store.migrations import IMPORTS, read_meta, write_meta
from teiki.store.schema import TABLES

if TYPE_CHECKING:  # the importer (readers, codecs) loads only when something is imported
    from teiki.io.importer import ImportResult, Progress

HISTORY_MONTHS = 24  # the default span of cpm_history


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


class Shop(CallMethods, RiskMethods, OfferMethods, CampaignMethods):
    """A shop's data: import into it, read tables as Ibis expressions, compute its KPIs."""

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

    def as_of(self, value: dt.date | str | None = None) -> dt.date | None:
        """The as-of date ``value`` resolves to: a date, ``YYYY-MM-DD``, ``"today"``, or None for the last order
        date (None when the shop has no orders)."""
        return self.view(value).as_of

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
        """Each canonical table as ``<table>.parquet`` in ``directory``, for :func:`open_parquet_on_spark`."""
        from teiki.store import spark

        return spark.export_parquet(self.store, Path(directory))

    def reason_labels(self, lang: str, reasons: str | Path | None = None) -> dict[str, str]:
        """The cancellation-reason categories' labels in ``lang`` (the default dictionary, or ``reasons``)."""
        return Dictionary.load(reasons).labels(lang)

    def import_files(self, paths: Sequence[str | Path], *, table: str | None = None, preset: str | None = None,
                     mapping: str | Path | None = None, progress: Progress | None = None,
                     dry_run: bool = False) -> ImportResult:
        """Import files (all or nothing, idempotent); ``dry_run`` only says what would change.

        See :mod:`teiki.io.importer`.
        """
        from teiki.io.importer import import_files

        self._source = None
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

    def view(self, as_of: dt.date | str | None = None, *, window_days: int = DEFAULT_WINDOW_DAYS) -> View:
        """The shop as seen on ``as_of`` (default: the last order date): the tables metric functions take."""
        return View(self.source(), as_of, window_days=window_days)

    def kpis(self, as_of: dt.date | str | None = None, *, window_days: int = DEFAULT_WINDOW_DAYS,
             reasons: str | Path | None = None) -> kpi_set.KPIs:
        """Every KPI of SPEC §3 as of ``as_of``; ``.to_dict()`` is ``teiki kpi --format json``."""
        return kpi_set.compute(self.view(as_of, window_days=window_days), Dictionary.load(reasons))

    def kpi_by(self, by: str, as_of: dt.date | str | None = None, *, window_days: int = DEFAULT_WINDOW_DAYS,
               output: str = "pandas"):
        """The headline KPIs per cohort / channel / first_product / first_kind.

        ``output``: ``pandas`` (default), ``polars`` or ``pyarrow``.
        """
        table = kpi_set.breakdown(self.view(as_of, window_days=window_days), by_columns(by))
        return _convert(table, output)

    def cancel_reasons(self, by: str | None = None, as_of: dt.date | str | None = None, *,
                       reasons: str | Path | None = None, output: str = "pandas"):
        """Cancellations per reason category, optionally by ``delivery_no`` (at cancellation), ``product``
        or a breakdown (``cohort``, ``channel``, ...)."""
        subs = self.view(as_of).subscriptions
        if by == "delivery_no":
            subs, cols = subs.mutate(delivery_no=subs.reached), ["delivery_no"]
        elif by == "product":
            cols = ["product_id"]
        else:
            cols = by_columns(by)
        expr = cancel_reasons(subs, cols, Dictionary.load(reasons))
        return _convert(results.arrow(expr.order_by([*cols, ibis.desc("count"), "reason"])), output)

    def retention_curves(self, by: str | None = None, as_of: dt.date | str | None = None, *,
                         max_delivery: int = JSON_DELIVERIES, output: str = "pandas"):
        """定期継続率 per delivery n = 2..``max_delivery`` (optionally per cohort / channel / first_product):
        ``reached``, ``dropped``, the step survival ``h`` and the curve ``r`` (see teiki.metrics.retention)."""
        cols = by_columns(by)
        expr = life_table(self.view(as_of).subscriptions, max_delivery, cols)
        return _convert(results.arrow(expr.order_by([*cols, "delivery"])), output)

    def subscription_counts(self, by: str | None = None, as_of: dt.date | str | None = None, *,
                            output: str = "pandas"):
        """Subscriptions started and cancelled by ``as_of``, per group of ``by``."""
        cols = by_columns(by)
        s = self.view(as_of).subscriptions
        expr = s.group_by(cols).aggregate(started=s.count(), cancelled=s.cancelled.sum()) if cols else \
            s.aggregate(started=s.count(), cancelled=s.cancelled.sum())
        return _convert(results.arrow(expr.order_by(cols) if cols else expr), output)

    # ------------------------------------------------------------------ CPM and RFM (SPEC §4)

    def thresholds(self, spec: str | Path | Thresholds | None = "default",
                   as_of: dt.date | str | None = None) -> Thresholds:
        """CPM thresholds: ``default``, ``auto`` (from the orders up to ``as_of``) or a TOML file."""
        view = self.view(as_of)
        return seg.resolve(spec, view.source.order_facts, view.as_of)

    def portfolio(self, as_of: dt.date | str | None = None,
                  thresholds: str | Path | Thresholds | None = "default") -> seg.Portfolio:
        """The ten CPM segments as of ``as_of``; ``thresholds``: ``default``, ``auto``, a TOML file or a
        :class:`~teiki.segments.Thresholds`. ``.to_dict()`` is ``teiki cpm --format json``."""
        view = self.view(as_of)
        facts = view.source.order_facts
        t = seg.resolve(thresholds, facts, view.as_of)
        return seg.portfolio(facts, view.as_of, t, _summary_at(view, view.as_of))

    def cpm(self, as_of: dt.date | str | None = None, thresholds: str | Path | Thresholds | None = "default",
            *, output: str = "pandas"):
        """One row per CPM segment (fixed order): customers, revenue_365d, shares, mean cumulative amount."""
        return _records(self.portfolio(as_of, thresholds).records(), output)

    def portfolio_history(self, start: dt.date | str | None = None, end: dt.date | str | None = None,
                          thresholds: str | Path | Thresholds | None = "default") -> seg.History:
        """Head-counts per segment at the end of each month from ``start`` (default: 23 months before
        ``end``'s month, not before the first order) to ``end`` (default: the last order date)."""
        view = self.view(end)
        if view.as_of is None:
            raise TeikiError("no_orders")
        first, _ = view.source.date_range()
        begin = parse_date(start) if isinstance(start, str) else start
        if begin is None:
            back = view.as_of.year * 12 + view.as_of.month - 1 - (HISTORY_MONTHS - 1)
            begin = max(dt.date(back // 12, back % 12 + 1, 1), first.replace(day=1))
        t = seg.resolve(thresholds, view.source.order_facts, view.as_of)
        return seg.history(view.source.order_facts, begin, view.as_of, t)

    def cpm_history(self, start: dt.date | str | None = None, end: dt.date | str | None = None,
                    thresholds: str | Path | Thresholds | None = "default", *, output: str = "pandas"):
        """One row per month: month, as_of, partial and the head-count of each of the ten segments."""
        return _records(self.portfolio_history(start, end, thresholds).records(), output)

    def portfolio_migration(self, start: dt.date | str, end: dt.date | str | None = None,
                            thresholds: str | Path | Thresholds | None = "default") -> seg.Migration:
        """Customers by segment at ``start`` (``new`` when not yet present) and at ``end``, with the moves."""
        view = self.view(end)
        if view.as_of is None:
            raise TeikiError("no_orders")
        begin = parse_date(start) if isinstance(start, str) else start
        t = seg.resolve(thresholds, view.source.order_facts, view.as_of)
        return seg.migration(view.source.order_facts, begin, view.as_of, t, _summary_at(view, view.as_of))

    def cpm_migration(self, start: dt.date | str, end: dt.date | str | None = None,
                      thresholds: str | Path | Thresholds | None = "default", *, output: str = "pandas"):
        """The migration matrix: one row per segment at ``start`` (plus ``new``), one column per segment at
        ``end``."""
        return _records(self.portfolio_migration(start, end, thresholds).records(), output)

    def rfm_report(self, as_of: dt.date | str | None = None) -> seg.RFM:
        """RFM groups (quintile scores, the usual R × F map) as of ``as_of``."""
        view = self.view(as_of)
        return seg.rfm_report(view.source.order_facts, view.as_of, _summary_at(view, view.as_of))

    def rfm(self, as_of: dt.date | str | None = None, *, output: str = "pandas"):
        """One row per RFM group: customers, revenue_365d, shares, mean cumulative amount."""
        return _records(self.rfm_report(as_of).records(), output)

    def segment_customers(self, segment: str | None = None, as_of: dt.date | str | None = None,
                          thresholds: str | Path | Thresholds | None = "default", *,
                          since: dt.date | str | None = None, since_segment: str | None = None,
                          contact: bool = True, scores: bool = False, output: str = "pandas"):
        """The customers of a CPM segment (key or label; all when None) at ``as_of``, with their axes and
        contact columns; with ``since`` / ``since_segment``, one cell of the migration matrix; with
        ``scores``, the one-off buyers' P(alive), expected purchases in 90 days and expected spend
        (:meth:`customer_scores`; empty for subscribers)."""
        view = self.view(as_of)
        if view.as_of is None:
            raise TeikiError("no_orders")
        t = seg.resolve(thresholds, view.source.order_facts, view.as_of)
        key = seg.segment_key(segment) if segment is not None else None
        before = parse_date(since) if isinstance(since, str) else since
        before_key = None
        if since_segment is not None:
            before_key = NEW if since_segment == NEW else seg.segment_key(since_segment)
        people = view.source.customers if contact else None
        expr = customer_list(view.source.order_facts, view.as_of, t, key, since=before, since_segment=before_key,
                             people=people, summary=_summary_at(view, view.as_of))
        table = results.arrow(expr)
        if scores:
            table = _with_scores(table, self.customer_scores(view.as_of, output="pyarrow"))
        return _convert(table, output)

    # ------------------------------------------------------------------ forecasts (SPEC §5)

    def forecast(self, as_of: dt.date | str | None = None, by: str | None = None, *, horizon: int = 12,
                 cpa: float | None = None):
        """Per group: the retention model (sBG / BdW) and its projection with an 80% interval, expected
        deliveries, forecast 12-month LTV (revenue, gross profit), 限界CPA and the payback month for ``cpa``.
        ``.to_dict()`` is ``teiki forecast --format json`` (see teiki.forecast.groups)."""
        from teiki.forecast.groups import forecast

        return forecast(self.view(as_of), by, horizon, cpa)

    def forecast_backtest(self, as_of: dt.date | str, by: str | None = None, *, horizon: int = 12):
        """The forecast made with the data up to ``as_of`` against what happened after it, with the naive
        flat-retention baseline (see teiki.forecast.backtest)."""
        from teiki.forecast.backtest import backtest

        return backtest(self.view(as_of), self.view(), by, horizon)

    def customer_scores(self, as_of: dt.date | str | None = None, *, output: str = "pandas"):
        """Per non-subscribing customer: P(alive), expected purchases in the next 90 days, expected spend."""
        from teiki.forecast.scores import scores

        return _convert(scores(self.view(as_of)), output)

    def status(self) -> Status:
        """Rows per table, customers, order date range and the last import."""
        tables = []
        for name in TABLES:
            derived = name == "subscriptions" and self.subscriptions_derived
            rows = int(results.scalar(self.table(name).count()))
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


def _summary_at(view: View, day: dt.date | None):
    """The stored per-customer summary when its revenue_365d ends at ``day`` (the last purchase date)."""
    stored = view.source.customer_facts
    if stored is None or day is None or "revenue_365d" not in stored.columns:
        return None
    return stored if day == view.source.date_range()[1] else None


SCORE_COLUMNS = ("p_alive", "expected_purchases_90d", "expected_spend")


def _with_scores(table, scored):
    """``table`` (a customer list) with the score columns joined on customer_id, in its own row order."""
    import pyarrow as pa

    order = pa.array(range(table.num_rows), pa.int64())
    joined = table.append_column("_row", order).join(scored.select(["customer_id", *SCORE_COLUMNS]), "customer_id",
                                                     join_type="left outer")
    return joined.sort_by("_row").drop_columns(["_row"])


def _records(records: list[dict], output: str):
    import pyarrow as pa

    return _convert(pa.Table.from_pylist(records), output)


def _convert(table, output: str):
    if output == "pyarrow":
        return table
    if output == "polars":
        import polars as pl

        return pl.from_arrow(table)
    return table.to_pandas()


def open_parquet_on_spark(directory: str | Path) -> Shop:
    """A shop over the canonical tables in ``directory`` (``<table>.parquet``, see :meth:`Shop.export_parquet`)
    on a local Spark session: the KPIs and CPM run on Spark."""
    from teiki.store import spark

    backend, tables = spark.connect_parquet(Path(directory))
    return Shop(None, backend=backend, tables=tables)


def open(target: str | Path | BaseBackend | None = None, *, read_only: bool = False) -> Shop:
    """Open (or create) the shop database at ``target`` (default ``$TEIKI_DB`` or ``./teiki.duckdb``),
    or wrap an Ibis backend that holds the canonical tables (KPIs only)."""
    if isinstance(target, BaseBackend):
        return Shop(None, backend=target, tables={name: target.table(name) for name in TABLES})
    return Shop(Store(target, read_only=read_only))
