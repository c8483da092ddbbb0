"""The dashboard's page data (teiki.report.pagedata) is the same on DuckDB and on Spark: every page of the
dashboard and every area of the reports can be computed on either engine. (The overview is two KPI
objects and the portfolio page three CPM objects, compared in test_kpi_parity and test_cpm_parity.)"""

from __future__ import annotations

import pytest
from conftest import assert_same

from teiki.report import pagedata


@pytest.mark.parametrize(("page", "params"), [
    ("retention", {"by": "channel"}),
    ("ltv", {}),
    ("cancellations", {}),
])
def test_page_data_is_the_same_on_duckdb_and_spark(engines, page, params):
    duck, spark_shop = engines
    on_duckdb = getattr(pagedata, page)(duck, **params)
    on_spark = getattr(pagedata, page)(spark_shop, **params)
    assert len(str(on_duckdb)) > 2000  # a real page, not an empty shop
    assert_same(on_duckdb, on_spark)
