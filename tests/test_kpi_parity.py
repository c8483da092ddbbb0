"""The same metric functions on DuckDB and on Spark give the same KPIs (issue 3, §5).

The demo shop is built once, the DuckDB side reads its stored fact tables and
the Spark side evaluates the fact expressions from the Parquet export, so the
test also proves that the stored facts equal their definition.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

import teiki
from teiki.demo import generate
from teiki.store import spark
from teiki.store.schema import TABLES

AS_OF_PAST = dt.date(2025, 9, 30)


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parity")
    files = generate(folder / "demo", customers=1200, seed=11)
    shop = teiki.open(folder / "shop.duckdb")
    shop.import_files(list(files.values()))
    spark.export_parquet(shop.store, folder / "parquet")
    backend, tables = spark.connect_parquet(folder / "parquet")
    yield shop, teiki.Shop(None, backend=backend, tables=tables)
    shop.close()


def assert_same(a: object, b: object, path: str = "") -> None:
    """Equal structures; floats equal to 1e-9 relative (the engines sum in different orders)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, (path, a, b)


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
