"""CPM and RFM give the same results on DuckDB and on Spark (issue 4): the same expressions, two engines.

The demo shop (``engines`` in conftest) is built once per session; DuckDB reads the stored order facts,
Spark evaluates them from the Parquet export.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import assert_same

PAST = dt.date(2025, 9, 30)


@pytest.mark.parametrize("as_of", [None, PAST], ids=["latest", "as-of"])
@pytest.mark.parametrize("thresholds", ["default", "auto"])
def test_portfolio_is_the_same_on_duckdb_and_spark(engines, as_of, thresholds):
    duck, spark_shop = engines
    on_duckdb = duck.portfolio(as_of, thresholds).to_dict()
    assert on_duckdb["customers"] > 500 and sum(s["customers"] > 0 for s in on_duckdb["segments"]) >= 6
    assert_same(on_duckdb, spark_shop.portfolio(as_of, thresholds).to_dict())


def test_history_and_migration_are_the_same(engines):
    duck, spark_shop = engines
    history = duck.portfolio_history().to_dict()
    assert len(history["snapshots"]) == 24
    assert_same(history, spark_shop.portfolio_history().to_dict())
    migration = duck.portfolio_migration(PAST).to_dict()
    assert migration["moves"]["moved_up"] > 0 and migration["moves"]["lapsed"] > 0
    assert_same(migration, spark_shop.portfolio_migration(PAST).to_dict())


def test_rfm_and_lists_are_the_same(engines):
    duck, spark_shop = engines
    assert_same(duck.rfm_report().to_dict(), spark_shop.rfm_report().to_dict())
    cell = {"since": PAST, "since_segment": "toddler", "output": "pyarrow"}
    rows = duck.segment_customers("steady", **cell).to_pylist()
    assert rows
    assert_same(rows, spark_shop.segment_customers("steady", **cell).to_pylist())
