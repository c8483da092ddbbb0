"""Shared fixtures for the import and storage tests: temporary shops and small file writers.

Helpers are plain functions (importable as ``from conftest import ...``) and the
fixtures below hand out shops: ``shop`` is empty, ``seeded_shop`` already holds a
little of every table, so that a refused import can be shown to leave earlier
data exactly as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

import teiki
from teiki.store.schema import TABLES

ORDER_HEADER = TABLES["orders"].column_names


# --------------------------------------------------------------------------- files


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    """A delimited text file; None is written as an empty cell."""
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """An .xlsx workbook (first sheet); datetimes and dates become real Excel date cells."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("orders")
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = workbook.add_format({"num_format": "yyyy/mm/dd"})
    sheet.write_row(0, 0, list(header))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, stamp)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
            elif value is None:
                continue
            else:
                sheet.write(r, c, value)
    workbook.close()
    return path


def order_line(order_id: str, customer_id: str, ordered_at: dt.datetime, product_id: str, quantity: int = 1,
               amount: float = 0.0, subscription_id: str | None = None, delivery_no: int | None = None,
               channel: str | None = None, status: str = "completed") -> dict:
    """One stored orders row, as ``to_pyarrow().to_pylist()`` gives it."""
    return {"order_id": order_id, "customer_id": customer_id, "ordered_at": ordered_at, "product_id": product_id,
            "quantity": quantity, "amount": float(amount), "subscription_id": subscription_id,
            "delivery_no": delivery_no, "channel": channel, "status": status}


# --------------------------------------------------------------------------- reading the store


def _sort_key(row: dict) -> tuple:
    return tuple((v is None, str(v)) for v in row.values())


def rows(shop: teiki.Shop, table: str) -> list[dict]:
    """Every stored row of a table (as dicts), in a stable order."""
    return sorted(shop.store.table(table).to_pyarrow().to_pylist(), key=_sort_key)


def table_names(shop: teiki.Shop) -> list[str]:
    """Every base table of the connection, temporary ones included (not views such as Ibis' memtables)."""
    found = shop.store.con.con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()
    return [name for (name,) in found]


def snapshot(shop: teiki.Shop) -> dict[str, list[dict]]:
    """The full contents of every table (canonical, log, meta and any left-over scratch table), sorted."""
    return {name: rows(shop, name) for name in table_names(shop)}


# --------------------------------------------------------------------------- seed data

SEED = {
    "orders.csv": (
        ORDER_HEADER,
        [
            ["O1", "C1", "2024-01-05 10:00:00", "P1", 1, 1980, "S1", 1, "sns", "completed"],
            ["O1", "C1", "2024-01-05 10:00:00", "P2", 2, 500, None, None, "sns", "completed"],
            ["O2", "C2", "2024-02-01 09:00:00", "P1", 1, 1980, "S2", 1, "dm", "cancelled"],
        ],
    ),
    "products.csv": (
        TABLES["products"].column_names,
        [["P1", "美容液", "main", 1980, 30, 0.8], ["P2", "サンプル", "trial", 250, 7, 0.5]],
    ),
    "customers.csv": (
        TABLES["customers"].column_names,
        [["C1", "2023-12-01", "山田太郎", "090-1111-2222", "taro@example.jp", "東京都", "sns"],
         ["C2", "2024-01-20", "佐藤花子", None, "hanako@example.jp", "大阪府", "dm"]],
    ),
    "subscriptions.csv": (
        TABLES["subscriptions"].column_names,
        [["S1", "C1", "P1", "2024-01-05", None, None, 30, "monthly", None]],
    ),
    "subscription_events.csv": (
        TABLES["subscription_events"].column_names,
        [["S1", "2024-02-01 00:00:00", "skip", None]],
    ),
    "contacts.csv": (
        TABLES["contacts"].column_names,
        [["K1", "C1", "2024-02-10 15:00:00", "followup", "accepted", 300, "S1"]],
    ),
}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def shop(tmp_path: Path):
    """An empty shop in a fresh file."""
    with teiki.open(tmp_path / "shop.duckdb") as s:
        yield s


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file holding a little of every table (built once; tests get copies)."""
    folder = tmp_path_factory.mktemp("seed")
    files = [write_csv(folder / name, header, body) for name, (header, body) in SEED.items()]
    path = folder / "seeded.duckdb"
    with teiki.open(path) as s:
        s.import_files(files)
    return path


@pytest.fixture
def seeded_shop(tmp_path: Path, seeded_db: Path):
    """A copy of the seeded shop, open for writing."""
    path = tmp_path / "seeded.duckdb"
    shutil.copy(seeded_db, path)
    with teiki.open(path) as s:
        yield s


# --------------------------------------------------------------------------- engine parity


@pytest.fixture(scope="session")
def engines(tmp_path_factory):
    """The demo shop (1,200 customers) on DuckDB (stored facts) and on Spark (from a Parquet export)."""
    from teiki.demo import generate
    from teiki.store import spark

    folder = tmp_path_factory.mktemp("parity")
    files = generate(folder / "demo", customers=1200, seed=11)
    shop = teiki.open(folder / "shop.duckdb")
    shop.import_files(list(files.values()))
    spark.export_parquet(shop.store, folder / "parquet")
    backend, tables = spark.connect_parquet(folder / "parquet")
    yield shop, teiki.Shop(None, backend=backend, tables=tables)
    shop.close()


def assert_same(a: object, b: object, path: str = "", *, rel_tol: float = 1e-9) -> None:
    """Equal structures; floats equal to ``rel_tol`` relative (the engines sum in different orders; fitted
    output amplifies that) or both NaN."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}", rel_tol=rel_tol)
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]", rel_tol=rel_tol)
    elif isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None, (path, a, b)
        both_nan = math.isnan(a) and math.isnan(b)
        assert both_nan or math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, (path, a, b)


# --------------------------------------------------------------------------- the demo shop, built once


DEMO_CUSTOMERS = 3000


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A small demo shop (teiki.demo, 3,000 customers) imported into a database, shared by the session.

    Tests that read it must not change it: copy it first (``copy_db``) to import into it.
    """
    from teiki.demo import generate

    folder = tmp_path_factory.mktemp("demo")
    files = generate(folder / "files", customers=DEMO_CUSTOMERS, seed=11)
    path = folder / "demo.duckdb"
    with teiki.open(path) as shop:
        shop.import_files(list(files.values()))
    return path


def copy_db(source: Path, folder: Path) -> Path:
    """A private copy of a shop database (and its WAL when there is one)."""
    target = folder / source.name
    shutil.copy(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copy(wal, target.with_name(target.name + ".wal"))
    return target
