"""The Spark engine: a store exported to Parquet and read back on ibis' pyspark backend.

One local SparkSession serves the whole test session (starting a JVM takes
seconds). When this module starts it, its JVM runs in Japan time (TZ=Asia/Tokyo
while it starts), as on a Japanese shop's machine: timestamps must keep their
wall-clock value all the same, because teiki's are naive and the Spark session
runs at UTC.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import ibis
import pytest

from teiki.errors import TeikiError
from teiki.store import spark
from teiki.store.schema import TABLES

JST = "Asia/Tokyo"

# pyspark 4.0 and ibis 12 call pandas APIs that pandas 3 deprecates (the engine's results go through pandas)
pytestmark = [
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The 'future.infer_string' option is deprecated:DeprecationWarning"),
]


@pytest.fixture(scope="session")
def session():
    """The SparkSession of :func:`teiki.store.spark.spark_session`; if this starts it, its JVM runs in Japan time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", JST)  # read by the JVM as it starts; Python's zone is restored right after
        s = spark.spark_session()
    time.tzset()
    yield s
    s.stop()


@pytest.fixture
def japan_time(monkeypatch: pytest.MonkeyPatch):
    """Python in Japan time for one test (the JVM's zone is fixed when it starts)."""
    monkeypatch.setenv("TZ", JST)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _sorted_rows(table) -> list[dict]:
    found = table.to_pyarrow().to_pylist()
    return sorted(found, key=lambda row: tuple((v is None, str(v)) for v in row.values()))


def test_session_is_local_small_and_utc(session) -> None:
    assert spark.spark_session() is session  # the active session is reused
    conf = session.conf
    assert session.sparkContext.master == "local[2]"
    assert conf.get("spark.sql.shuffle.partitions") == "4"
    assert conf.get("spark.sql.session.timeZone") == "UTC"
    assert session.sparkContext.getConf().get("spark.ui.enabled") == "false"


def test_export_writes_every_table_with_its_schema(seeded_shop, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    written = spark.export_parquet(seeded_shop.store, tmp_path / "out")
    assert set(written) == set(TABLES)
    for name, path in written.items():
        assert path == tmp_path / "out" / f"{name}.parquet"
        assert pq.read_schema(path).names == TABLES[name].column_names
        assert pq.read_metadata(path).num_rows == seeded_shop.store.count(name)


def test_spark_reads_back_every_table(session, seeded_shop, tmp_path: Path) -> None:
    spark.export_parquet(seeded_shop.store, tmp_path)
    con, tables = spark.connect_parquet(tmp_path, session)
    assert con.name == "pyspark"
    assert set(tables) == set(TABLES)
    for name, spec in TABLES.items():
        table = tables[name]
        assert table.schema().equals(spec.ibis_schema()), name
        found, stored = _sorted_rows(table), _sorted_rows(seeded_shop.store.table(name))
        assert len(found) == seeded_shop.store.count(name) > 0, name
        assert found == stored, name


def test_empty_tables_keep_their_schema(session, shop, tmp_path: Path) -> None:
    spark.export_parquet(shop.store, tmp_path)
    _, tables = spark.connect_parquet(tmp_path, session)
    for name, spec in TABLES.items():
        assert tables[name].schema().equals(spec.ibis_schema()), name
        assert tables[name].to_pyarrow().num_rows == 0


def test_only_present_files_are_read(session, seeded_shop, tmp_path: Path) -> None:
    written = spark.export_parquet(seeded_shop.store, tmp_path)
    written["contacts"].unlink()
    _, tables = spark.connect_parquet(tmp_path, session)
    assert set(tables) == set(TABLES) - {"contacts"}


def test_naive_timestamps_keep_their_wall_clock(session, shop, tmp_path: Path, japan_time) -> None:
    """23:30 on 31 January stays 31 January, before midnight of 1 February, whatever the zones."""
    late = dt.datetime(2026, 1, 31, 23, 30)
    shop.store.con.raw_sql(
        "INSERT INTO orders (order_id, customer_id, ordered_at, product_id, amount) "
        "VALUES ('O1', 'C1', TIMESTAMP '2026-01-31 23:30:00', 'P1', 100)"
    )
    spark.export_parquet(shop.store, tmp_path)
    _, tables = spark.connect_parquet(tmp_path, session)
    orders = tables["orders"]
    midnight = dt.datetime(2026, 2, 1)
    # a memtable's timestamps reach Spark another way (pandas, Spark's TIMESTAMP rather than TIMESTAMP_NTZ)
    both = orders.cross_join(ibis.memtable({"cut": [midnight]}))
    at = both.ordered_at
    result = both.select(
        at=at,
        before=at < ibis.literal(midnight),
        after=at >= ibis.literal(midnight),
        cut=both.cut,
        before_cut=at < both.cut,
        day=at.date(),
        month=at.truncate("M"),
        epoch=at.epoch_seconds(),
        next_day=at + ibis.interval(days=1),
    ).to_pyarrow().to_pylist()
    assert result == [{
        "at": late, "before": True, "after": False, "cut": midnight, "before_cut": True, "day": dt.date(2026, 1, 31),
        "month": dt.datetime(2026, 1, 1), "epoch": int(late.replace(tzinfo=dt.UTC).timestamp()),
        "next_day": dt.datetime(2026, 2, 1, 23, 30),
    }]
    assert orders.filter(orders.ordered_at < midnight).count().execute() == 1


def test_the_same_expression_gives_the_same_answer(session, seeded_shop, tmp_path: Path) -> None:
    """A small KPI-like query, written once, on DuckDB and on Spark."""

    def monthly(orders, customers):
        done = orders.filter((orders.status == "completed") & (orders.ordered_at < dt.datetime(2024, 3, 1)))
        joined = done.join(customers, "customer_id")
        return (
            joined.group_by(month=joined.ordered_at.truncate("M").date(), prefecture=joined.prefecture)
            .agg(revenue=joined.amount.sum(), buyers=joined.customer_id.nunique(), lines=joined.count())
            .order_by("month", "prefecture")
        )

    spark.export_parquet(seeded_shop.store, tmp_path)
    _, tables = spark.connect_parquet(tmp_path, session)
    expected = monthly(seeded_shop.store.table("orders"), seeded_shop.store.table("customers"))
    found = monthly(tables["orders"], tables["customers"])
    assert found.to_pyarrow().to_pylist() == expected.to_pyarrow().to_pylist()
    assert found.to_pyarrow().to_pylist() == [
        {"month": dt.date(2024, 1, 1), "prefecture": "東京都", "revenue": 2480.0, "buyers": 1, "lines": 2},
    ]


def test_missing_pyspark_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # makes `import pyspark.sql` fail
    with pytest.raises(TeikiError) as caught:
        spark.spark_session()
    assert caught.value.key == "spark_missing"
    assert "pip install 'teiki[spark]'" in caught.value.render("en")
    assert "pip install 'teiki[spark]'" in caught.value.render("ja")
    assert "Java 17" in caught.value.render("ja")


def test_missing_java_is_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pyspark.sql import SparkSession

    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-java"))
    with pytest.raises(TeikiError) as caught:
        spark.spark_session()
    assert caught.value.key == "spark_missing"
    assert "java: not found" in caught.value.render("en")
    assert "Java 17" in caught.value.render("en")
