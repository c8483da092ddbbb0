"""A file that carries some columns of a keyed table changes only those (issue 16, item 2).

Importing ``customer_id, email`` must not blank the stored names and phones; a file that gives a keyed table
nothing but its key is refused (it would record nothing, and is the sign of a file meant for another table);
the summary names the columns read and those left as they were.
"""

from __future__ import annotations

from conftest import rows, snapshot, write_csv
from typer.testing import CliRunner

from teiki.cli.main import app

CUSTOMERS_KEPT = ["created_at", "name", "phone", "prefecture", "first_channel"]


def test_a_file_of_email_addresses_changes_only_the_addresses(seeded_shop, tmp_path):
    path = write_csv(tmp_path / "customers_mail.csv", ["customer_id", "email"],
                     [["C1", "new.taro@example.jp"], ["C9", "new@example.jp"]])
    result = seeded_shop.import_files([path])
    (t,) = result.tables
    assert (t.counts.inserted, t.counts.replaced, t.counts.unchanged) == (1, 1, 0)
    assert t.columns_read == ["customer_id", "email"]
    assert t.columns_kept == CUSTOMERS_KEPT
    c1, c2, c9 = rows(seeded_shop, "customers")
    assert c1["email"] == "new.taro@example.jp"
    assert (c1["name"], c1["phone"], c1["prefecture"], c1["first_channel"]) == ("山田太郎", "090-1111-2222", "東京都",
                                                                                  "sns")
    assert c2["email"] == "hanako@example.jp"  # not in the file: untouched
    assert c9 == {"customer_id": "C9", "created_at": None, "name": None, "phone": None, "email": "new@example.jp",
                  "prefecture": None, "first_channel": None}
    again = seeded_shop.import_files([path]).tables[0].counts
    assert (again.inserted, again.replaced, again.unchanged) == (0, 0, 2)


def test_an_empty_cell_of_a_carried_column_does_blank_it(seeded_shop, tmp_path):
    """A column the file carries is the file's word, empty cells included: only absent columns are kept."""
    path = write_csv(tmp_path / "customers.csv", ["customer_id", "phone"], [["C1", None]])
    seeded_shop.import_files([path])
    c1 = rows(seeded_shop, "customers")[0]
    assert c1["phone"] is None and c1["name"] == "山田太郎"


def test_two_files_each_keep_what_the_other_carries(seeded_shop, tmp_path):
    names = write_csv(tmp_path / "customers_names.csv", ["customer_id", "name"], [["C1", "山田 太郎"]])
    mails = write_csv(tmp_path / "customers_mails.csv", ["customer_id", "email"], [["C2", "h2@example.jp"]])
    t = seeded_shop.import_files([names, mails]).tables[0]
    assert t.columns_read == ["customer_id", "name", "email"]
    c1, c2 = rows(seeded_shop, "customers")
    assert (c1["name"], c1["email"]) == ("山田 太郎", "taro@example.jp")
    assert (c2["name"], c2["email"]) == ("佐藤花子", "h2@example.jp")


def test_a_partial_products_file_keeps_margins_and_supply(seeded_shop, tmp_path):
    path = write_csv(tmp_path / "products.csv", ["product_id", "unit_price"], [["P1", 2180]])
    seeded_shop.import_files([path])
    p1 = rows(seeded_shop, "products")[0]
    assert p1 == {"product_id": "P1", "name": "美容液", "category": "main", "unit_price": 2180.0, "days_supply": 30,
                  "gross_margin": 0.8}


def test_a_partial_subscriptions_file_keeps_the_cycle_not_the_default(seeded_shop, tmp_path):
    """cycle_days has a default (30) for new records; a stored record keeps its own when the file lacks it."""
    path = write_csv(tmp_path / "subscriptions.csv", ["subscription_id", "customer_id", "started_at", "cancelled_at"],
                     [["S1", "C1", "2024-01-05", "2024-06-01"]])
    seeded_shop.import_files([path])
    s1 = rows(seeded_shop, "subscriptions")[0]
    assert (s1["plan"], s1["cycle_days"], str(s1["cancelled_at"])) == ("monthly", 30, "2024-06-01 00:00:00")


def test_an_orders_file_imported_as_products_is_refused(seeded_shop, tmp_path):
    path = write_csv(tmp_path / "orders.csv", ["order_id", "customer_id", "ordered_at", "product_id", "amount"],
                     [["O7", "C1", "2024-03-01", "P1", "1980"]])
    before = snapshot(seeded_shop)
    result = CliRunner().invoke(app, ["--db", str(seeded_shop.store.path), "--lang", "en", "import", "--table",
                                      "products", str(path)])
    assert result.exit_code == 1
    assert " ".join(result.output.split()) == (
        "teiki: orders.csv: the file gives 商品 (products) nothing but product_id (商品コード) (columns found: "
        "order_id, customer_id, ordered_at, product_id, amount), so importing it would record nothing; if it holds "
        "another table, name that table with --table. Nothing was imported; the stored data is unchanged.")
    assert snapshot(seeded_shop) == before


def test_the_summary_names_the_columns_read_and_kept(seeded_db, tmp_path):
    import shutil

    db = tmp_path / "s.duckdb"
    shutil.copy(seeded_db, db)
    mails = write_csv(tmp_path / "customers.csv", ["customer_id", "email"], [["C1", "x@example.jp"]])
    orders = write_csv(tmp_path / "orders.csv", ["order_id", "customer_id", "ordered_at", "product_id", "amount"],
                       [["O7", "C1", "2024-03-01", "P1", "1980"]])
    result = CliRunner().invoke(app, ["--db", str(db), "--lang", "en", "import", str(mails), str(orders)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert "customers: columns read customer_id, email; not in the file, left as they were: created_at, name, " \
           "phone, prefecture, first_channel" in lines
    assert "orders: columns read order_id, customer_id, ordered_at, product_id, amount; not in the file (empty or " \
           "default): quantity, subscription_id, delivery_no, channel, status" in lines
    ja = CliRunner().invoke(app, ["--db", str(db), "import", str(mails)], env={"COLUMNS": "200"})
    assert "ファイルにない列は保存済みの値のまま: created_at, name, phone, prefecture, first_channel" in ja.output
