"""Bad input: every refusal names file, row(s) and column, shows the first offending values,
and leaves the store exactly as it was (SPEC §8).

Each test starts from ``seeded_shop`` (earlier data in every table) and compares
the full contents of every table in the file before and after the refused import.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ORDER_HEADER, rows, snapshot, write_csv, write_xlsx

from teiki.errors import DataError, InputError, Problem, StoreError
from teiki.io import readers

NOTHING = "Nothing was imported; the stored data is unchanged."
NOTHING_JA = "何も取り込んでいません。保存済みのデータは変わっていません。"
TABLE_LIST = "orders, subscriptions, subscription_events, products, customers, contacts"
SHORT = ["order_id", "customer_id", "ordered_at", "product_id", "quantity", "amount", "status"]


def refused(shop, error: type[Exception], paths, **options):
    """Import ``paths``, expect ``error``, and check that nothing stored changed."""
    before = snapshot(shop)
    assert before["orders"] and before["products"] and before["teiki_imports"]  # earlier data is present
    with pytest.raises(error) as info:
        shop.import_files(paths, **options)
    assert type(info.value) is error
    assert snapshot(shop) == before
    return info.value


def orders_file(tmp_path, body, name="orders.csv", header=SHORT):
    return write_csv(tmp_path / name, header, body)


GOOD = ["O9", "C9", "2024-03-01 10:00:00", "P1", "1", "1980", "completed"]


# --------------------------------------------------------------------------- columns and cells


def test_missing_required_columns(seeded_shop, tmp_path):
    path = write_csv(tmp_path / "orders.csv", ["order_id", "customer_id", "product_id"], [["O9", "C9", "P1"]])
    error = refused(seeded_shop, DataError, [path])
    found = "Columns found: order_id, customer_id, product_id."
    assert error.render("en") == (
        f"orders.csv: the required column ordered_at (受注日時) is missing. {found} "
        f"orders.csv: the required column amount (金額) is missing. {found} {NOTHING}"
    )
    assert error.render("ja") == (
        "orders.csv: 必須の列 ordered_at (受注日時) がありません。見つかった列: order_id, customer_id, product_id。 "
        "orders.csv: 必須の列 amount (金額) がありません。見つかった列: order_id, customer_id, product_id。 "
        + NOTHING_JA
    )
    assert [(p.file, p.check, p.column) for p in error.problems] == [
        ("orders.csv", "missing_column", "ordered_at (受注日時)"), ("orders.csv", "missing_column", "amount (金額)")]


def test_empty_required_cells(seeded_shop, tmp_path):
    path = orders_file(tmp_path, [
        GOOD,                                                              # row 2
        ["O10", "", "2024-03-01", "P1", "1", "100", ""],                   # row 3: no customer
        ["O11", "C1", "2024-03-01", "   ", "1", "100", ""],                # row 4: blank product
        ["O12", "", "2024-03-01", "P1", "1", "100", ""],                   # row 5: no customer
        ["O13", "C1", "", "P1", "1", "100", ""],                           # row 6: no date
        ["O14", "C1", "2024-03-01", "P1", "1", "", ""],                    # row 7: no amount
    ])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        "orders.csv: customer_id (顧客番号) is empty in 2 row(s) (row 3, row 5). "
        "orders.csv: ordered_at (受注日時) is empty in 1 row(s) (row 6). "
        "orders.csv: product_id (商品コード) is empty in 1 row(s) (row 4). "
        f"orders.csv: amount (金額) is empty in 1 row(s) (row 7). {NOTHING}"
    )
    assert error.problems[0] == Problem("orders.csv", "missing_value", "customer_id (顧客番号)", 2,
                                        [(3, None), (5, None)], {})


def test_unparsable_dates_show_the_first_five(seeded_shop, tmp_path):
    bad = ["2024-13-05", "yesterday", "2024/02/30", "05.01.2024", "2024-01-05 25:00", "?", "1/5"]
    body = [GOOD] + [[f"O{20 + i}", "C1", text, "P1", "1", "100", ""] for i, text in enumerate(bad)]
    error = refused(seeded_shop, DataError, [orders_file(tmp_path, body)])
    assert error.render("en") == (
        "orders.csv: ordered_at (受注日時) cannot be read as a date in 7 row(s) (row 3: '2024-13-05', "
        "row 4: 'yesterday', row 5: '2024/02/30', row 6: '05.01.2024', row 7: '2024-01-05 25:00'); "
        f"use YYYY-MM-DD or YYYY/MM/DD hh:mm:ss. {NOTHING}"
    )


def test_japanese_headers_are_named_in_the_message(seeded_shop, tmp_path):
    header = ["受注番号", "顧客番号", "受注日時", "商品コード", "金額"]
    path = write_csv(tmp_path / "受注.csv", header, [
        ["A1", "K1", "2024/02/28 10:00:00", "X", "1,980"],
        ["A2", "K1", "2024/02/30 10:00:00", "X", "1,980"],
    ], encoding="cp932")
    error = refused(seeded_shop, DataError, [path])
    assert error.render("ja") == (
        "受注.csv: ordered_at (受注日時) ← '受注日時' を日付として読めない行が 1 行あります (3行目: '2024/02/30 10:00:00')。"
        f"YYYY-MM-DD や YYYY/MM/DD hh:mm:ss の形式にしてください。 {NOTHING_JA}"
    )


def test_negative_amounts(seeded_shop, tmp_path):
    path = orders_file(tmp_path, [GOOD, ["O10", "C1", "2024-03-01", "P1", "1", "-100", ""],
                                  ["O11", "C1", "2024-03-01", "P1", "1", "-1,980", ""]])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        f"orders.csv: amount (金額) is below 0 in 2 row(s) (row 3: -100, row 4: -1980). {NOTHING}")


def test_quantity_below_one(seeded_shop, tmp_path):
    path = orders_file(tmp_path, [["O10", "C1", "2024-03-01", "P1", "0", "100", ""], GOOD,
                                  ["O11", "C1", "2024-03-01", "P1", "-2", "100", ""]])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        f"orders.csv: quantity (数量) is below 1 in 2 row(s) (row 2: 0, row 4: -2). {NOTHING}")


def test_quantity_not_whole(seeded_shop, tmp_path):
    path = orders_file(tmp_path, [["O10", "C1", "2024-03-01", "P1", "1.5", "100", ""], GOOD])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == f"orders.csv: quantity (数量) is not a whole number in 1 row(s) (row 2: 1.5). {NOTHING}"
    assert error.render("ja") == f"orders.csv: quantity (数量) が整数でない行が 1 行あります (2行目: 1.5)。 {NOTHING_JA}"


def test_numbers_that_are_not_numbers(seeded_shop, tmp_path):
    path = orders_file(tmp_path, [
        GOOD,
        ["O10", "C1", "2024-03-01", "P1", "inf", "100", ""],
        ["O11", "C1", "2024-03-01", "P1", "1", "nan", ""],
        ["O12", "C1", "2024-03-01", "P1", "1", "1 980 yen", ""],
        ["O13", "C1", "2024-03-01", "P1", "two", "-inf", ""],
    ])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        "orders.csv: quantity (数量) is not a number in 2 row(s) (row 3: 'inf', row 6: 'two'). "
        "orders.csv: amount (金額) is not a number in 3 row(s) (row 4: 'nan', row 5: '1 980 yen', row 6: '-inf'). "
        + NOTHING
    )


def test_non_finite_numbers_read_by_the_fast_reader(seeded_shop, tmp_path):
    """Plain canonical CSVs are converted by the reader itself, which reads inf and nan as numbers."""
    path = write_csv(tmp_path / "orders.csv", ORDER_HEADER, [
        ["O10", "C1", "2024-03-01", "P1", 1, 100, "S1", "inf", None, None],
        ["O11", "C1", "2024-03-01", "P1", 1, "NaN", None, None, None, None],
    ])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        "orders.csv: amount (金額) is not a number in 1 row(s) (row 3: 'nan'). "
        f"orders.csv: delivery_no (定期回数) is not a number in 1 row(s) (row 2: 'inf'). {NOTHING}"
    )


def test_infinite_dates_and_counts_too_large_to_store(seeded_shop, tmp_path):
    path = orders_file(tmp_path, [
        GOOD,
        ["O10", "C1", "infinity", "P1", "1", "100", ""],        # the engine reads it as a timestamp
        ["O11", "C1", "2024-03-01", "P1", "1e20", "100", ""],   # no int64 holds it, and no order has as many
    ])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        "orders.csv: ordered_at (受注日時) cannot be read as a date in 1 row(s) (row 3: 'infinity'); "
        "use YYYY-MM-DD or YYYY/MM/DD hh:mm:ss. "
        f"orders.csv: quantity (数量) is above 1,000,000 in 1 row(s) (row 4: 1e+20). {NOTHING}"
    )


def test_unknown_status(seeded_shop, tmp_path):
    path = orders_file(tmp_path, [
        GOOD,
        ["O10", "C1", "2024-03-01", "P1", "1", "100", "Done"],
        ["O11", "C1", "2024-03-01", "P1", "1", "100", "COMPLETED"],  # case does not matter
        ["O12", "C1", "2024-03-01", "P1", "1", "100", "shipped"],
    ])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        "orders.csv: status (ステータス) has a value teiki does not know in 2 row(s) (row 3: 'Done', row 5: 'shipped'). "
        "Allowed: completed, cancelled, returned; map other values in a mapping file under [orders.values.status]. "
        + NOTHING
    )


def test_gross_margin_above_one(seeded_shop, tmp_path):
    path = write_csv(tmp_path / "products.csv", ["product_id", "name", "gross_margin"],
                     [["P3", "A", "0.7"], ["P4", "B", "1.2"], ["P5", "C", "1"]])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        f"products.csv: gross_margin (粗利率) is above 1 in 1 row(s) (row 3: 1.2). {NOTHING}")


def test_many_problems_are_summed_up(seeded_shop, tmp_path):
    header = ORDER_HEADER
    path = write_csv(tmp_path / "orders.csv", header, [
        ["", "", "someday", "", "0.5", "-1", "S1", "0.5", "", "lost"],
    ])
    error = refused(seeded_shop, DataError, [path])
    checks = [(p.check, p.column.split()[0]) for p in error.problems]
    assert checks == [
        ("missing_value", "order_id"), ("missing_value", "customer_id"), ("bad_date", "ordered_at"),
        ("missing_value", "product_id"), ("not_whole", "quantity"), ("below_minimum", "quantity"),
        ("below_minimum", "amount"), ("not_whole", "delivery_no"), ("below_minimum", "delivery_no"),
        ("unknown_value", "status"),
    ]
    text = error.render("en")
    assert text.count("orders.csv: ") == 8
    assert text.endswith(f"2 more problems. {NOTHING}")
    assert "delivery_no (定期回数) is below 1" not in text and "'lost'" not in text  # the 9th and 10th: counted


def test_problems_in_an_excel_file_point_at_its_rows(seeded_shop, tmp_path):
    path = write_xlsx(tmp_path / "orders.xlsx", ["order_id", "customer_id", "ordered_at", "product_id", "amount"], [
        ["O10", "C1", "2024-03-01", "P1", 100],
        ["O11", "C1", "2024-03-01", "P1", -5],
        ["O12", None, "2024-03-01", "P1", 100],
    ])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        "orders.xlsx: customer_id (顧客番号) is empty in 1 row(s) (row 4). "
        f"orders.xlsx: amount (金額) is below 0 in 1 row(s) (row 3: -5). {NOTHING}"
    )


def test_problems_in_a_parquet_file_point_at_its_rows(seeded_shop, tmp_path):
    path = tmp_path / "orders.parquet"
    pq.write_table(pa.table({"order_id": ["O10", "O11"], "customer_id": ["C1", "C1"], "ordered_at": ["2024-03-01", "x"],
                             "product_id": ["P1", "P1"], "amount": [1.0, 2.0]}), path)
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        "orders.parquet: ordered_at (受注日時) cannot be read as a date in 1 row(s) (row 3: 'x'); "
        f"use YYYY-MM-DD or YYYY/MM/DD hh:mm:ss. {NOTHING}"
    )


def test_problems_in_a_shopify_export(seeded_shop, tmp_path):
    header = ["Name", "Email", "Financial Status", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
              "Lineitem sku"]
    path = write_csv(tmp_path / "orders_export_1.csv", header, [
        ["#1001", "a@example.jp", "paid", "last tuesday", "1", "Serum", "1980", "SER-1"],
        ["#1001", "", "", "", "1", "Cream", "3000", "CRM-1"],  # inherits the order's (bad) date
        ["#1002", "b@example.jp", "paid", "2024-01-16 09:00:00 +0900", "1.5", "Serum", "1980", "SER-1"],
    ])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        "orders_export_1.csv: ordered_at (受注日時) ← 'Created at' cannot be read as a date in 2 row(s) "
        "(row 2: 'last tuesday', row 3: 'last tuesday'); use YYYY-MM-DD or YYYY/MM/DD hh:mm:ss. "
        "orders_export_1.csv: quantity (数量) ← 'Lineitem quantity' is not a whole number in 1 row(s) (row 4: 1.5). "
        + NOTHING
    )


# --------------------------------------------------------------------------- records that contradict each other


def test_lines_of_one_order_disagree(seeded_shop, tmp_path):
    path = orders_file(tmp_path, [
        ["O5", "C1", "2024-03-01 10:00:00", "P1", "1", "100", ""],    # row 2
        ["O5", "C2", "2024-03-01 10:00:00", "P2", "1", "100", ""],    # row 3: another customer
        ["O6", "C1", "2024-03-02 10:00:00", "P1", "1", "100", ""],    # row 4
        GOOD,                                                         # row 5
        ["O6", "C1", "2024-03-02 11:00:00", "P2", "1", "100", ""],    # row 6: another time
        ["O6", "C1", "2024-03-02 10:00:00", "P3", "1", "100", ""],    # row 7
    ])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        "orders.csv: 1 orders have lines that disagree on customer_id (顧客番号) ('O5' (rows 2, 3)). "
        f"orders.csv: 1 orders have lines that disagree on ordered_at (受注日時) ('O6' (rows 4, 6, 7)). {NOTHING}"
    )
    assert error.render("ja") == (
        "orders.csv: 同じ受注番号の明細で customer_id (顧客番号) が食い違う受注が 1 件あります ('O5' (2, 3行目))。 "
        "orders.csv: 同じ受注番号の明細で ordered_at (受注日時) が食い違う受注が 1 件あります ('O6' (4, 6, 7行目))。 "
        + NOTHING_JA
    )


def test_same_product_twice_with_different_values(seeded_shop, tmp_path):
    path = write_csv(tmp_path / "products.csv", ["product_id", "name", "unit_price"], [
        ["P3", "A", "100"], ["P4", "B", "200"], ["P3", "A", "120"], ["P4", "B", "200"]])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        "products.csv: 1 keys (product_id) appear in several rows with different values ('P3' (rows 2, 4)). "
        + NOTHING
    )


def test_same_event_key_with_different_details(seeded_shop, tmp_path):
    path = write_csv(tmp_path / "subscription_events.csv", ["subscription_id", "occurred_at", "kind", "detail"], [
        ["S1", "2024-03-01", "skip", None], ["S1", "2024-03-01", "cycle_change", "45"],
        ["S1", "2024-03-01", "cycle_change", "60"]])
    error = refused(seeded_shop, DataError, [path])
    assert error.render("en") == (
        "subscription_events.csv: 1 keys (subscription_id, occurred_at, kind) appear in several rows with different "
        f"values ('S1/2024-03-01 00:00:00/cycle_change' (rows 3, 4)). {NOTHING}"
    )


def test_same_order_in_two_files_with_different_lines(seeded_shop, tmp_path):
    a = orders_file(tmp_path, [["O7", "C1", "2024-03-01", "P1", "1", "100", ""],
                               ["O8", "C1", "2024-03-01", "P1", "1", "100", ""]], name="orders_a.csv")
    b = orders_file(tmp_path, [["O8", "C1", "2024-03-01", "P1", "1", "100", ""],
                               ["O7", "C1", "2024-03-01", "P1", "2", "200", ""]], name="orders_b.csv")
    error = refused(seeded_shop, DataError, [a, b])
    assert error.render("en") == (
        "orders_a.csv: 1 orders also appear with different lines in orders_b.csv ('O7'); teiki cannot tell which is "
        f"right, so import the files one at a time. {NOTHING}"
    )


def test_identical_repeats_are_not_an_error(seeded_shop, tmp_path):
    products = write_csv(tmp_path / "products.csv", ["product_id", "name", "unit_price"],
                         [["P3", "A", "100"], ["P3", "A", "100.0"], ["P4", "B", " 200 "], ["P4", "B", "200"]])
    events = write_csv(tmp_path / "subscription_events.csv", ["subscription_id", "occurred_at", "kind"],
                       [["S1", "2024-03-01", "skip"], ["S1", "2024-03-01 00:00:00", "skip"]])
    a = orders_file(tmp_path, [["O7", "C1", "2024-03-01", "P1", "1", "100", ""],
                               ["O7", "C1", "2024-03-01", "P2", "1", "50", ""]], name="orders_a.csv")
    b = orders_file(tmp_path, [["O7", "C1", "2024-03-01", "P2", "1", "50", ""],  # same order, same lines
                               ["O7", "C1", "2024-03-01", "P1", "1", "100", ""]], name="orders_b.csv")
    before = rows(seeded_shop, "orders")

    result = seeded_shop.import_files([products, events, a, b])

    counts = {t.table: (t.rows_read, t.counts.inserted, t.counts.lines_written) for t in result.tables}
    assert counts == {"products": (4, 2, 2), "subscription_events": (2, 1, 1), "orders": (4, 1, 2)}
    assert [r["product_id"] for r in rows(seeded_shop, "products")] == ["P1", "P2", "P3", "P4"]
    assert [(r["occurred_at"].month, r["kind"]) for r in rows(seeded_shop, "subscription_events")] == [
        (2, "skip"), (3, "skip")]  # Feb 1 (seed) and Mar 1 (once)
    o7 = [(r["product_id"], r["amount"]) for r in rows(seeded_shop, "orders") if r["order_id"] == "O7"]
    assert o7 == [("P1", 100.0), ("P2", 50.0)]
    assert len(rows(seeded_shop, "orders")) == len(before) + 2


# --------------------------------------------------------------------------- files, tables, mappings


def test_unknown_table(seeded_shop, tmp_path):
    path = orders_file(tmp_path, [GOOD])
    error = refused(seeded_shop, InputError, [path], table="order")
    assert error.render("en") == f"orders.csv: no table order; teiki tables are: {TABLE_LIST}. {NOTHING}"
    assert error.render("ja") == f"orders.csv: テーブル order はありません。使えるもの: {TABLE_LIST}。 {NOTHING_JA}"


def test_table_that_cannot_be_told(seeded_shop, tmp_path):
    path = write_csv(tmp_path / "export.csv", ["product_id", "customer_id", "note"], [["P1", "C1", "x"]])
    error = refused(seeded_shop, InputError, [path])
    assert error.render("en") == (
        "export.csv: cannot tell which table this file holds (columns: product_id, customer_id, note); "
        f"name it with --table ({TABLE_LIST}). {NOTHING}"
    )


def test_unreadable_encoding(seeded_shop, tmp_path):
    path = tmp_path / "orders.csv"
    data = b"order_id,customer_id,ordered_at,product_id,amount\nO1,C\x81\x20,2024-01-05,P1,1\n"
    path.write_bytes(data)
    error = refused(seeded_shop, InputError, [path])
    assert error.render("en") == (
        "orders.csv: row 2, column customer_id holds bytes that are neither UTF-8 nor Shift_JIS (CP932): rows in "
        f"two encodings are mixed, or this is not a text file. Save it again as UTF-8 or Shift_JIS. {NOTHING}"
    )


def test_utf8_text_with_a_bad_byte_later_is_not_read_as_cp932(seeded_shop, tmp_path, monkeypatch):
    """A UTF-8 start rules out CP932: reading it as CP932 would store mojibake."""
    monkeypatch.setattr(readers, "SNIFF_BYTES", 256)
    lines = [f"O{i},C1,2024-01-05,P1,1,テレビ通販".encode() for i in range(30)] + [b"OX,C1,2024-01-05,P1,1,ab\xffcd"]
    path = tmp_path / "orders.csv"
    path.write_bytes(b"order_id,customer_id,ordered_at,product_id,amount,channel\n" + b"\n".join(lines) + b"\n")
    error = refused(seeded_shop, InputError, [path])
    assert error.render("en") == (
        "orders.csv: row 32, column channel holds bytes that are not valid UTF-8; check for rows in another "
        f"encoding and save the whole file in one encoding. {NOTHING}"
    )


@pytest.mark.parametrize("block", [16 << 20, 1024])  # the bad bytes in the first block read, or a later one
def test_cp932_file_with_a_bad_sequence_later(seeded_shop, tmp_path, monkeypatch, block):
    monkeypatch.setattr(readers, "SNIFF_BYTES", 256)
    monkeypatch.setattr(readers, "BLOCK_BYTES", block)
    lines = [f"O{i},C1,2024-01-05,P1,1,テレビ通販".encode("cp932") for i in range(300)]
    path = tmp_path / "orders.csv"
    path.write_bytes(b"order_id,customer_id,ordered_at,product_id,amount,channel\n" + b"\n".join(lines)
                     + b"\nOX,C1,2024-01-05,P1,1,ab\x81\x20cd\n")
    error = refused(seeded_shop, InputError, [path])
    assert error.render("en") == (
        "orders.csv: row 302, column channel holds bytes that are not valid Shift_JIS (CP932); check for rows in "
        f"another encoding and save the whole file in one encoding. {NOTHING}"
    )


def test_a_broken_row_far_down_the_file(seeded_shop, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BLOCK_BYTES", 1024)
    lines = [f"O{i},C1,2024-01-05,P1,100" for i in range(200)] + ["OZ,CZ,2024-01-05,P1,100,extra", "OY,C1,2024-01-05,P1,1"]
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,ordered_at,product_id,amount\n" + "\n".join(lines) + "\n")
    error = refused(seeded_shop, InputError, [path])
    assert error.render("en") == (
        "orders.csv: row 202 has 6 field(s) where the header has 5 (OZ,CZ,2024-01-05,P1,100,extra); look for a line "
        f"cut off, a stray delimiter or an unclosed quote. {NOTHING}"
    )


def test_unknown_preset(seeded_shop, tmp_path):
    error = refused(seeded_shop, InputError, [orders_file(tmp_path, [GOOD])], preset="rakuten")
    names = ("teiki, ja, amazon_all_orders, amazon_fba_shipments, eccube4_customers, eccube4_orders, "
             "ecforce_orders, ecforce_subscriptions, futureshop_orders, makeshop_orders, rakuten_orders, "
             "recharge_subscriptions, shopify, shopify_subscriptions")
    assert error.render("en") == f"rakuten: no preset rakuten; available: {names}. {NOTHING}"


@pytest.mark.parametrize(("toml", "detail"), [
    ('[orders.columns]\norder_id = "No"\nbogus = "x"\n', "[orders] has no column bogus"),
    ('[orders.values.status]\n"Shipped" = "completed"\n"Lost" = "gone"\n',
     "[orders.values.status] maps to gone; allowed: completed, cancelled, returned"),
    ('[orders.values.category]\n"x" = "main"\n', "[orders] has no column category"),
    ('[order.columns]\norder_id = "No"\n', "unknown table [order]"),
    ('[orders.columns]\norder_id = 5\n', "[orders.columns] order_id: give a header or a list of headers"),
    ('[orders.columns\n', "Expected ']' at the end of a table declaration (at line 1, column 16)"),
])
def test_bad_mapping_file(seeded_shop, tmp_path, toml, detail):
    mapping = tmp_path / "cart.toml"
    mapping.write_text(toml, encoding="utf-8")
    error = refused(seeded_shop, InputError, [orders_file(tmp_path, [GOOD])], mapping=mapping)
    assert error.render("en") == f"cart.toml: cannot read the mapping file: {detail}. {NOTHING}"


def test_file_level_refusals(seeded_shop, tmp_path):
    missing = tmp_path / "nowhere.csv"
    assert refused(seeded_shop, InputError, [missing]).render("en") == f"{missing}: no such file. {NOTHING}"
    other = tmp_path / "orders.json"
    other.write_text("{}")
    assert refused(seeded_shop, InputError, [other]).render("en") == (
        f"orders.json: unsupported file type (teiki reads .csv .tsv .txt .xlsx .parquet). {NOTHING}")
    empty = tmp_path / "orders.csv"
    empty.write_text("")
    assert refused(seeded_shop, InputError, [empty]).render("en") == f"orders.csv: the file has no data rows. {NOTHING}"


def test_one_bad_file_stops_the_whole_import(seeded_shop, tmp_path):
    good = write_csv(tmp_path / "customers.csv", ["customer_id", "name"], [["C7", "新規"]])
    bad = orders_file(tmp_path, [GOOD, ["O10", "C1", "2024-03-01", "P1", "1", "-1", ""]])
    error = refused(seeded_shop, DataError, [good, bad])
    assert [p.file for p in error.problems] == ["orders.csv"]
    # and the shop is usable afterwards: the good file alone goes in
    result = seeded_shop.import_files([good])
    assert (result.tables[0].table, result.tables[0].counts.inserted) == ("customers", 1)
    assert "_teiki_stage_orders" not in seeded_shop.store.con.list_tables()


def test_read_only_store_refuses_imports(seeded_db, tmp_path):
    import teiki

    with teiki.open(seeded_db, read_only=True) as shop:
        before = snapshot(shop)
        with pytest.raises(StoreError) as info:
            shop.import_files([orders_file(tmp_path, [GOOD])])
        assert info.value.render("en") == (
            f"the database {seeded_db} is open read-only, so nothing can be imported into it.")
        assert snapshot(shop) == before


# --------------------------------------------------------------------------- guard against lost rows


def test_rows_that_never_reach_the_staging_table_stop_the_import(seeded_shop, tmp_path, monkeypatch):
    """A plan reading a one-shot stream twice would lose rows silently; the count check refuses it."""
    from teiki.errors import StoreError
    from teiki.io import staging

    original = staging._counted

    def reads_one_row_more(source, progress):
        reader = original(source, progress)
        source.rows_streamed -= 1  # the staging table will hold one row more than "streamed"
        return reader

    monkeypatch.setattr(staging, "_counted", reads_one_row_more)
    path = orders_file(tmp_path, [GOOD, ["O10", "C1", "2024-03-01", "P1", "1", "100", ""]])
    error = refused(seeded_shop, StoreError, [path])
    assert error.render("en").startswith("orders: 1 rows were read from the files but 2 were staged")


def test_an_excel_file_declaring_a_huge_range_is_refused_before_it_is_read(seeded_shop, tmp_path):
    """A 5 KB workbook with a header row and one cell at XFD1048576: reading it would allocate 17 billion cells
    (512 GiB) and kill the process. Its extent is read from the sheet XML first, and the file refused. The import
    runs in a child process, so that a regression fails this test instead of killing the test run."""
    import subprocess
    import sys

    import xlsxwriter

    path = tmp_path / "orders.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ORDER_HEADER)
    sheet.write(1048575, 16383, "x")
    workbook.close()
    assert path.stat().st_size < 10_000 and readers.excel_extent(path) == (1_048_576, 16_384)
    before = snapshot(seeded_shop)
    seeded_shop.close()
    done = subprocess.run([sys.executable, "-c", "from teiki.cli import run; run()", "--lang", "en", "--db",
                           str(seeded_shop.path), "import", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "orders.xlsx: the Excel file's used range is 1,048,576 rows × 16,384 columns" in " ".join(done.stderr.split())
    import teiki

    with teiki.open(seeded_shop.path) as shop:
        assert snapshot(shop) == before
