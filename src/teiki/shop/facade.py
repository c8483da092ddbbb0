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

:class:`Shop` is the union of the shop's areas, one module each in this package: the core
(:mod:`teiki.shop.base`), KPIs, portfolio, forecasts, calls, risk, offers and campaigns.
"""

from __future__ import annotations

from pathlib import Path

from ibis.backends import BaseBackend

from teiki.shop.calls import CallMethods
from teiki.shop.campaigns import CampaignMethods
from teiki.shop.kpis import KpiMethods
from teiki.shop.offers import OfferMethods
from teiki.shop.risk import RiskMethods
from teiki.store.db import Store
from teiki.store.schema import TABLES


class Shop(KpiMethods, CallMethods, RiskMethods, OfferMethods, CampaignMethods):
    """A shop's data: import into it, read tables as Ibis expressions, compute its KPIs, portfolio, forecasts
    and action lists."""


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
