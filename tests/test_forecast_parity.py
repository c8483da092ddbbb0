"""The forecasts' engine work is the same on DuckDB and on Spark: the compressed sufficient statistics
(teiki.forecast.stats), the per-customer scores and the whole forecast built on them.

The statistics are compared exactly (counts and whole weeks); fitted output to 1e-6, since the engines'
parallel sums move the last digits of the inputs and a maximum-likelihood fit amplifies that."""

from __future__ import annotations

import pytest
from conftest import assert_same

from teiki.forecast import stats
from teiki.store import results


def _rows(table, columns):
    """Rows of a small engine result, sorted, as tuples."""
    arrow = results.arrow(table)
    rows = zip(*(arrow.column(c).to_pylist() for c in columns), strict=True)
    return sorted(rows, key=lambda row: tuple((v is None, v if v is not None else 0) for v in row))


@pytest.mark.parametrize(("build", "columns"), [
    (stats.purchase_stats, ["first_channel", "frequency", "recency", "age", "n"]),
    (stats.spend_stats, ["first_channel", "frequency", "monetary", "n"]),
    (stats.life_counts, ["first_channel", "reached", "n", "n_cancelled"]),
])
def test_sufficient_statistics_are_the_same_on_duckdb_and_spark(engines, build, columns):
    duck, spark_shop = engines
    by = ["first_channel"]
    on_duckdb = _rows(build(duck.view(), by), columns)
    on_spark = _rows(build(spark_shop.view(), by), columns)
    assert len(on_duckdb) > 20  # real statistics of several groups, not an empty result
    assert on_duckdb == on_spark


def test_forecast_by_channel_is_the_same_on_duckdb_and_spark(engines):
    duck, spark_shop = engines
    on_duckdb = duck.forecast(by="channel", cpa=5000).to_dict()
    on_spark = spark_shop.forecast(by="channel", cpa=5000).to_dict()
    assert len(str(on_duckdb)) > 2000
    assert_same(on_duckdb, on_spark, rel_tol=1e-6)


def test_customer_scores_are_the_same_on_duckdb_and_spark(engines):
    duck, spark_shop = engines
    on_duckdb = duck.customer_scores(output="pandas").sort_values("customer_id").reset_index(drop=True)
    on_spark = spark_shop.customer_scores(output="pandas").sort_values("customer_id").reset_index(drop=True)
    assert len(on_duckdb) > 100
    assert_same(on_duckdb.to_dict("list"), on_spark.to_dict("list"), rel_tol=1e-6)
