"""The same metric functions on DuckDB and on Spark give the same KPIs (issue 3, §5).

The demo shop is built once per session (``engines`` in conftest), the DuckDB
side reads its stored fact tables and the Spark side evaluates the fact
expressions from the Parquet export, so the test also proves that the stored
facts equal their definition.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import assert_same

import teiki
from teiki.store.schema import TABLES

AS_OF_PAST = dt.date(2025, 9, 30)


@pytest.mark.parametrize("as_of", [None, AS_OF_PAST], ids=["latest", "as-of"])
def test_kpis_are_the_same_on_duckdb_and_spark(engines, as_of):
    duck, spark_shop = engines
    on_duckdb = duck.kpis(as_of).to_dict()
    on_spark = spark_shop.kpis(as_of).to_dict()
    assert on_duckdb["customers"] > 500 and on_duckdb["subscriptions"]["started"] > 300  # a real comparison
    assert_same(on_duckdb, on_spark)


@pytest.mark.parametrize("by", ["cohort", "first_kind"])
def test_breakdowns_are_the_same_on_duckdb_and_spark(engines, by):
    duck, spark_shop = engines
    assert_same(duck.kpi_by(by, output="pyarrow").to_pylist(), spark_shop.kpi_by(by, output="pyarrow").to_pylist())


def test_derived_subscriptions_are_the_same(engines, tmp_path):
    """Without a subscriptions file both engines derive the same subscriptions from the order lines."""
    duck, spark_shop = engines
    derived_duck = teiki.Shop(None, backend=duck.backend,
                              tables={**{n: duck.store.table(n) for n in TABLES}, "subscriptions": _empty(duck)})
    tables = dict(spark_shop._tables)
    tables["subscriptions"] = tables["subscriptions"].limit(0)
    derived_spark = teiki.Shop(None, backend=spark_shop.backend, tables=tables)
    a, b = derived_duck.kpis().to_dict(), derived_spark.kpis().to_dict()
    assert a["subscriptions"]["started"] > 300
    assert_same(a, b)


def _empty(shop: teiki.Shop):
    return shop.store.table("subscriptions").limit(0)


def test_cancel_reasons_by_delivery_are_the_same(engines):
    duck, spark_shop = engines
    a = duck.cancel_reasons("delivery_no", output="pyarrow").to_pylist()
    b = spark_shop.cancel_reasons("delivery_no", output="pyarrow").to_pylist()
    assert len(a) > 10
    assert_same(sorted(a, key=str), sorted(b, key=str))
