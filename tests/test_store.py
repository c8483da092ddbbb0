"""The database file: creation, versions, refusals, read-only use, default path, derived
subscriptions and the status summary."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import ibis
import pytest
from conftest import ORDER_HEADER, snapshot, write_csv

import teiki
from teiki.errors import StoreError
from teiki.store import migrations
from teiki.store.db import Store
from teiki.store.derive import derived_subscriptions
from teiki.store.schema import TABLES

T = dt.datetime


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raw_tables(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [n for (n,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=str) for n in names}
    finally:
        con.close()


def test_a_new_file_gets_the_current_schema(tmp_path):
    path = tmp_path / "new.duckdb"
    with teiki.open(path) as shop:
        assert shop.store.upgraded_from is None
        con = shop.store.con
        assert set(con.list_tables()) >= {*TABLES, "teiki_meta", "teiki_imports"}
        meta = {r["key"]: r["value"] for r in con.table("teiki_meta").to_pyarrow().to_pylist()}
        assert meta["schema_version"] == str(migrations.SCHEMA_VERSION)
        for name, spec in TABLES.items():
            stored = [(n, type(t).__name__) for n, t in con.table(name).schema().items()]
            assert stored == [(c.name, type(ibis.dtype(c.dtype)).__name__) for c in spec.columns], name
            assert shop.store.count(name) == 0
        assert [(n, type(t).__name__) for n, t in con.table("teiki_imports").schema().items()] == [
            (n, type(t).__name__) for n, t in migrations.IMPORTS_SCHEMA.items()]
    with teiki.open(path) as shop:  # opening again changes nothing
        assert migrations.current_version(shop.store.con) == migrations.SCHEMA_VERSION


def test_an_empty_duckdb_file_is_set_up(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    with teiki.open(path) as shop:
        assert shop.store.upgraded_from is None  # nothing to upgrade: a fresh store
        assert migrations.current_version(shop.store.con) == migrations.SCHEMA_VERSION


def test_a_newer_file_is_refused_untouched(tmp_path, seeded_db):
    path = tmp_path / "newer.duckdb"
    path.write_bytes(seeded_db.read_bytes())
    con = duckdb.connect(str(path))
    con.execute("UPDATE teiki_meta SET value = '7' WHERE key = 'schema_version'")
    con.close()
    before, digest = _raw_tables(path), _digest(path)

    with pytest.raises(StoreError) as info:
        teiki.open(path)

    assert info.value.key == "store_newer"
    assert info.value.render("en") == (
        f"the database {path} was written by a newer teiki (schema v7); "
        f"this teiki knows up to v{migrations.SCHEMA_VERSION}. Upgrade teiki.")
    assert info.value.render("ja") == (
        f"データベース {path} は新しい teiki (スキーマ v7) で作られています。"
        f"この teiki はスキーマ v{migrations.SCHEMA_VERSION} までです。"
        "teiki を更新してください。")
    assert _digest(path) == digest and _raw_tables(path) == before
    with pytest.raises(StoreError):
        teiki.open(path, read_only=True)


def test_a_foreign_duckdb_file_is_refused_untouched(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (id INTEGER, total DOUBLE)")
    con.execute("INSERT INTO sales VALUES (1, 9.5), (2, 3.0)")
    con.close()
    digest = _digest(path)

    with pytest.raises(StoreError) as info:
        teiki.open(path)

    assert info.value.key == "store_foreign"
    assert info.value.render("en") == (
        f"{path} is not a teiki database (it holds other tables: sales); choose another file with --db.")
    assert _digest(path) == digest
    assert _raw_tables(path) == {"sales": [(1, 9.5), (2, 3.0)]}


def test_a_meta_table_without_a_version_is_not_taken_for_an_empty_store(tmp_path):
    path = tmp_path / "odd.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE teiki_meta (key VARCHAR, value VARCHAR)")
    con.close()
    with pytest.raises(StoreError) as info:
        teiki.open(path)
    assert info.value.key == "store_foreign"
    assert _raw_tables(path) == {"teiki_meta": []}


def test_a_file_that_is_no_database(tmp_path):
    path = tmp_path / "shop.duckdb"
    path.write_text("order_id\nO1\n")
    with pytest.raises(StoreError) as info:
        teiki.open(path)
    assert info.value.key == "store_unreadable"
    assert info.value.render("en").startswith(f"cannot open the database {path}: ")
    assert path.read_text() == "order_id\nO1\n"

    csv = tmp_path / "orders.csv"  # the engine opens a CSV as a database of one table: still not a store
    csv.write_text("order_id\nO1\n")
    with pytest.raises(StoreError) as info:
        teiki.open(csv)
    assert info.value.key == "store_foreign"
    assert csv.read_text() == "order_id\nO1\n"


def test_a_file_in_use_by_another_process(tmp_path, seeded_db):
    path = tmp_path / "busy.duckdb"
    path.write_bytes(seeded_db.read_bytes())
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()",
         str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError) as info:
            teiki.open(path)
        assert info.value.key == "store_busy"
        assert info.value.render("en") == ("another teiki process (teiki import or teiki serve) is using this shop's "
                                           "data; try again when it has finished.")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


# --------------------------------------------------------------------------- migrations


NEXT = migrations.SCHEMA_VERSION + 1


def _add_notes(con) -> None:
    con.create_table("teiki_notes", schema=ibis.schema({"note": "string"}))


def test_an_older_file_is_upgraded(tmp_path, seeded_db, monkeypatch):
    path = tmp_path / "old.duckdb"
    path.write_bytes(seeded_db.read_bytes())
    before = _raw_tables(path)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, _add_notes])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", NEXT)

    with teiki.open(path) as shop:
        assert shop.store.upgraded_from == NEXT - 1
        assert migrations.current_version(shop.store.con) == NEXT
        assert shop.store.count("teiki_notes") == 0
    after = _raw_tables(path)
    assert after.pop("teiki_notes") == []
    assert after.pop("teiki_meta") == [("schema_version", str(NEXT))]
    assert before.pop("teiki_meta") == [("schema_version", str(NEXT - 1))]
    assert after == before  # the data is all there
    with teiki.open(path) as shop:
        assert shop.store.upgraded_from is None  # already current


def test_a_failed_upgrade_leaves_the_file_as_it_was(tmp_path, seeded_db, monkeypatch):
    path = tmp_path / "old.duckdb"
    path.write_bytes(seeded_db.read_bytes())
    before = _raw_tables(path)

    def _broken(con) -> None:
        _add_notes(con)
        raise RuntimeError("disk full")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, _broken])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", NEXT)
    with pytest.raises(RuntimeError, match="disk full"):
        teiki.open(path)
    assert _raw_tables(path) == before  # still the old version, no half-made table


def test_a_v1_file_gets_the_kpi_fact_tables(tmp_path, seeded_db):
    """Schema v2 adds order_facts / delivery_facts, built from the data already stored."""
    path = tmp_path / "v1.duckdb"
    path.write_bytes(seeded_db.read_bytes())
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE order_facts")
    con.execute("DROP TABLE delivery_facts")
    con.execute("UPDATE teiki_meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with teiki.open(path) as shop:
        assert shop.store.upgraded_from == 1
        assert shop.store.count("order_facts") == 1  # O1 (O2 is cancelled)
        assert shop.kpis().revenue == 2480


def _as_v2(path: Path) -> None:
    """Make ``path`` look like a schema-v2 file (subscription_facts held delivery roll-ups only)."""
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE subscription_facts")
    con.execute("CREATE TABLE subscription_facts AS SELECT subscription_id, max(delivery_no) AS max_delivery "
                "FROM delivery_facts GROUP BY 1")
    con.execute("UPDATE teiki_meta SET value = '2' WHERE key = 'schema_version'")
    con.close()


def test_a_v2_file_opened_read_only_is_upgraded_first(tmp_path, seeded_db):
    """teiki kpi opens read-only; an older file is upgraded through a short writable open first."""
    path = tmp_path / "v2.duckdb"
    path.write_bytes(seeded_db.read_bytes())
    _as_v2(path)
    with teiki.open(path, read_only=True) as shop:
        assert shop.store.upgraded_from == 2
        assert shop.store.read_only
        assert shop.store.table("subscription_facts").select("subscription_id", "reached", "cohort") \
            .to_pyarrow().to_pylist() == [{"subscription_id": "S1", "reached": 1, "cohort": "2024-01"}]
        assert shop.kpis().subscriptions == {"started": 1, "active": 1, "cancelled": 0, "cancelled_before_first_delivery": 0}
    assert migrations.current_version(ibis.duckdb.connect(str(path), read_only=True)) == migrations.SCHEMA_VERSION


def test_an_older_file_that_cannot_be_written_is_refused_with_the_reason(tmp_path, seeded_db, monkeypatch):
    path = tmp_path / "v2.duckdb"
    path.write_bytes(seeded_db.read_bytes())
    _as_v2(path)
    before = _digest(path)
    connect = Store._connect

    def read_only_medium(self, read_only):
        if not read_only:
            raise StoreError("store_unreadable", path=self.path, detail="read-only file system")
        return connect(self, read_only)

    monkeypatch.setattr(Store, "_connect", read_only_medium)
    with pytest.raises(StoreError) as info:
        teiki.open(path, read_only=True)
    assert info.value.key == "store_older_read_only"
    assert "schema v2" in str(info.value) and "read-only file system" in str(info.value)
    assert _digest(path) == before


def test_importing_subscriptions_alone_rebuilds_only_subscription_facts(tmp_path, monkeypatch):
    from teiki.store import facts

    orders = write_csv(tmp_path / "orders.csv", ORDER_HEADER, [
        ["O1", "C1", "2024-01-05 10:00:00", "P1", 1, 1980, "S1", 1, "sns", "completed"],
        ["O2", "C1", "2024-02-05 10:00:00", "P1", 1, 1980, "S1", 2, "sns", "completed"],
    ])
    subs = write_csv(tmp_path / "subscriptions.csv", TABLES["subscriptions"].column_names,
                     [["S1", "C1", "P1", "2024-01-05", "2024-02-20", "高い", 30, "monthly", None]])
    with teiki.open(tmp_path / "shop.duckdb") as shop:
        shop.import_files([orders])
        assert shop.kpis().subscriptions == {"started": 1, "active": 1, "cancelled": 0, "cancelled_before_first_delivery": 0}  # derived, still active

        def untouched(*args, **kwargs):
            raise AssertionError("order_facts rebuilt for a subscriptions-only import")

        monkeypatch.setattr(facts, "order_facts", untouched)
        shop.import_files([subs])
        k = shop.kpis("2024-02-29")
        assert k.subscriptions == {"started": 1, "active": 0, "cancelled": 1, "cancelled_before_first_delivery": 0}
        assert k.retention_by_delivery["2"] == 1.0
        assert [r["reason"] for r in k.cancel_reasons] == ["価格・経済的理由"]


# --------------------------------------------------------------------------- opening


def test_read_only_open(tmp_path, seeded_db):
    digest = _digest(seeded_db)
    with teiki.open(seeded_db, read_only=True) as shop:
        assert shop.store.count("orders") == 3
        assert sorted(shop.orders.order_id.to_pyarrow().to_pylist()) == ["O1", "O1", "O2"]
        with teiki.open(seeded_db, read_only=True) as other:  # readers do not lock each other out
            assert other.store.count("products") == 2
    assert _digest(seeded_db) == digest

    missing = tmp_path / "missing.duckdb"
    with pytest.raises(StoreError) as info:
        teiki.open(missing, read_only=True)
    assert info.value.key == "store_unreadable"
    assert not missing.exists()


def test_default_path_comes_from_teiki_db_or_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEIKI_DB", raising=False)
    with teiki.open() as shop:
        assert shop.path == Path("teiki.duckdb")
    assert (tmp_path / "teiki.duckdb").exists()

    elsewhere = tmp_path / "shops" / "a.duckdb"
    elsewhere.parent.mkdir()
    monkeypatch.setenv("TEIKI_DB", str(elsewhere))
    with teiki.open() as shop:
        assert shop.path == elsewhere
    assert elsewhere.exists()
    with teiki.open(tmp_path / "explicit.duckdb") as shop:  # an explicit path wins
        assert shop.path == tmp_path / "explicit.duckdb"


# --------------------------------------------------------------------------- derived subscriptions


def _orders(body: list[list]) -> ibis.Table:
    return ibis.memtable(
        {c: [row[i] for row in body] for i, c in enumerate(ORDER_HEADER)}, schema=TABLES["orders"].ibis_schema()
    )


def _sub(body: list[list], as_of=None) -> dict[str, dict]:
    found = derived_subscriptions(_orders(body), as_of).to_pyarrow().to_pylist()
    return {r["subscription_id"]: r for r in found}


def _line(order_id, customer, at, product, sub, no, status="completed"):
    return [order_id, customer, at, product, 1, 1980.0, sub, no, None, status]


def test_derived_subscriptions_docstring_example():
    """Deliveries Jan 1, Jan 31, Mar 2 (cycle 30); shop's last order Jun 30: 120 days > 2 × 30 → cancelled Mar 2."""
    body = [
        _line("A1", "C1", T(2023, 1, 1), "P1", "S1", 1),
        _line("A2", "C1", T(2023, 1, 31), "P1", "S1", 2),
        _line("A2", "C1", T(2023, 1, 31), "P9", "S1", 2),  # a second product on one delivery
        _line("A3", "C1", T(2023, 3, 2), "P1", "S1", 3),
        _line("A4", "C1", T(2023, 4, 1), "P1", "S1", 4, "cancelled"),  # not a delivery
        # S2: deliveries May 1, May 31, Jun 30: on time at the shop's last order → active
        _line("B1", "C2", T(2023, 5, 1), "P2", "S2", 1),
        _line("B2", "C2", T(2023, 5, 31), "P2", "S2", 2),
        _line("B3", "C2", T(2023, 6, 30), "P2", "S2", 3),
        # S3: one delivery 46 days ago (default cycle 30, 46 ≤ 60) → active; S4: 76 days ago → cancelled
        _line("C1", "C3", T(2023, 5, 15), "P1", "S3", 1),
        _line("D1", "C4", T(2023, 4, 15), "P1", "S4", 1),
        _line("E1", "C5", T(2023, 6, 1), "P1", None, None),  # a one-off purchase: no subscription
    ]
    subs = _sub(body)
    assert set(subs) == {"S1", "S2", "S3", "S4"}
    assert subs["S1"] == {"subscription_id": "S1", "customer_id": "C1", "product_id": "P1",
                          "started_at": T(2023, 1, 1), "cancelled_at": T(2023, 3, 2), "cancel_reason": None,
                          "cycle_days": 30, "plan": None, "paused_until": None}
    assert (subs["S2"]["cycle_days"], subs["S2"]["cancelled_at"], subs["S2"]["started_at"]) == (30, None, T(2023, 5, 1))
    assert (subs["S3"]["cycle_days"], subs["S3"]["cancelled_at"]) == (30, None)
    assert (subs["S4"]["cycle_days"], subs["S4"]["cancelled_at"]) == (30, T(2023, 4, 15))
    # judged at an earlier date, S1 is still running: Apr 15 is 44 days after Mar 2
    assert _sub(body, as_of=T(2023, 4, 15))["S1"]["cancelled_at"] is None


def test_derived_cycle_is_the_mean_gap():
    body = [_line("A1", "C1", T(2023, 1, 1), "P1", "S1", 1), _line("A2", "C1", T(2023, 2, 15), "P1", "S1", 2),
            _line("A3", "C1", T(2023, 4, 1), "P1", "S1", 3)]  # 45 and 45 days
    assert _sub(body)["S1"]["cycle_days"] == 45


def test_shop_derives_subscriptions_until_some_are_imported(shop, tmp_path):
    orders = write_csv(tmp_path / "orders.csv", ORDER_HEADER, [
        ["A1", "C1", "2023-01-01", "P1", 1, 1980, "S1", 1, None, None],
        ["A2", "C1", "2023-01-31", "P1", 1, 1980, "S1", 2, None, None],
        ["A3", "C1", "2023-03-02", "P1", 1, 1980, "S1", 3, None, None],
        ["Z1", "C9", "2023-06-30", "P5", 1, 500, None, None, None, None],
    ])
    result = shop.import_files([orders])
    assert result.derived_subscriptions == 1
    assert shop.subscriptions_derived
    assert shop.subscriptions.to_pyarrow().to_pylist() == [
        {"subscription_id": "S1", "customer_id": "C1", "product_id": "P1", "started_at": T(2023, 1, 1),
         "cancelled_at": T(2023, 3, 2), "cancel_reason": None, "cycle_days": 30, "plan": None, "paused_until": None}]
    assert shop.store.count("subscriptions") == 0  # derived on the fly, never stored
    status = {t.table: (t.rows, t.derived) for t in shop.status().tables}
    assert status["subscriptions"] == (1, True)

    subs = write_csv(tmp_path / "subscriptions.csv", ["subscription_id", "customer_id", "started_at"],
                     [["S1", "C1", "2023-01-01"]])
    shop.import_files([subs])
    assert not shop.subscriptions_derived
    assert shop.subscriptions.to_pyarrow().to_pylist()[0]["cancelled_at"] is None  # the shop's own table
    assert {t.table: (t.rows, t.derived) for t in shop.status().tables}["subscriptions"] == (1, False)


# --------------------------------------------------------------------------- status


def test_status_of_an_empty_shop(shop):
    status = shop.status()
    assert [(t.table, t.rows, t.derived) for t in status.tables] == [(name, 0, False) for name in TABLES]
    assert (status.customers, status.first_order, status.last_order) == (0, None, None)
    assert not status.last_import


def test_status(seeded_shop, tmp_path):
    status = seeded_shop.status()
    assert status.path == seeded_shop.path
    assert {t.table: (t.rows, t.derived) for t in status.tables} == {
        "orders": (3, False), "subscriptions": (1, False), "subscription_events": (1, False), "products": (2, False),
        "customers": (2, False), "contacts": (1, False)}
    assert (status.customers, status.first_order, status.last_order) == (2, T(2024, 1, 5, 10), T(2024, 2, 1, 9))

    more = write_csv(tmp_path / "orders.csv", ORDER_HEADER, [
        ["O3", "C3", "2024-03-01 08:00:00", "P1", 1, 1980, None, None, None, None]])
    seeded_shop.import_files([more])
    status = seeded_shop.status()
    assert (status.customers, status.last_order) == (3, T(2024, 3, 1, 8))
    last = status.last_import if isinstance(status.last_import, list) else [status.last_import]
    assert [(r["table_name"], r["files"], r["rows_read"], r["inserted"]) for r in last] == [
        ("orders", '["orders.csv"]', 1, 1)]
    assert last[0]["import_id"] == 2  # the seed was import 1
    assert max(r["import_id"] for r in snapshot(seeded_shop)["teiki_imports"]) == 2
