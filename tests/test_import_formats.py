"""Every input layout teiki reads, each checked value by value against what is stored.

Expected rows are written out by hand from the input cells and SPEC §2 (defaults:
quantity 1, status completed; times are the shop's wall-clock time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ORDER_HEADER, order_line, rows, write_csv, write_xlsx

from teiki.io import readers

T = dt.datetime


def test_canonical_utf8_csv(shop, tmp_path):
    path = write_csv(tmp_path / "orders.csv", ORDER_HEADER, [
        ["O1", "C1", "2024-01-05 10:00:00", "P1", 1, 1980, "S1", 1, "sns", "completed"],
        ["O1", "C1", "2024-01-05 10:00:00", "  P2 ", 3, 250.5, None, None, "sns", "completed"],
        ["O2", "C2", "2024-01-06", "P1", None, 0, "S2", 2, None, None],
        ["O3", "C3", "2024-02-29 23:59:59", "P3", 2, 3000, None, None, "affiliate", "returned"],
        ["O4", "C1", "2024-03-01 08:00:00", "P1", 1, 1980, "S1", 2, "sns", "cancelled"],
    ])
    result = shop.import_files([path])

    assert rows(shop, "orders") == [
        order_line("O1", "C1", T(2024, 1, 5, 10), "P1", 1, 1980, "S1", 1, "sns"),
        order_line("O1", "C1", T(2024, 1, 5, 10), "P2", 3, 250.5, None, None, "sns"),  # code trimmed
        order_line("O2", "C2", T(2024, 1, 6), "P1", 1, 0, "S2", 2),  # empty quantity → 1, status → completed
        order_line("O3", "C3", T(2024, 2, 29, 23, 59, 59), "P3", 2, 3000, channel="affiliate", status="returned"),
        order_line("O4", "C1", T(2024, 3, 1, 8), "P1", 1, 1980, "S1", 2, "sns", "cancelled"),
    ]
    [table] = result.tables
    assert (table.table, table.files, table.rows_read) == ("orders", ["orders.csv"], 5)
    assert (table.counts.inserted, table.counts.replaced, table.counts.unchanged) == (4, 0, 0)
    assert table.counts.lines_written == 5


def test_utf8_with_bom(shop, tmp_path):
    path = tmp_path / "orders.csv"
    text = ("order_id,customer_id,ordered_at,product_id,amount,channel\n"
            "O1,C1,2024-01-05 10:00:00,P1,1980,テレビ\n")
    path.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    shop.import_files([path])
    assert rows(shop, "orders") == [order_line("O1", "C1", T(2024, 1, 5, 10), "P1", 1, 1980, channel="テレビ")]


def test_cp932_file_with_japanese_headers(shop, tmp_path):
    header = ["受注番号", "顧客番号", "受注日時", "商品コード", "数量", "金額", "定期ID", "定期回数", "媒体", "ステータス"]
    path = write_csv(tmp_path / "受注データ.csv", header, [
        ["A-1001", "K001", "2024/01/05 10:00:00", "SER-01", "1", "1,980", "T-1", "1", "インフォマーシャル", "発送済み"],
        ["A-1001", "K001", "2024/01/05 10:00:00", "CRM-01", "2", "3,000", "", "", "インフォマーシャル", "発送済み"],
        ["A-1002", "K002", "2024/01/06 09:30:00", "SER-01", "1", "1,980", "T-2", "1", "ｱﾌｨﾘｴｲﾄ①", "キャンセル"],
        ["A-1003", "K001", "2024/02/04 10:00:00", "SER-01", "1", "12,800", "T-1", "2", "", "返品"],
        ["A-1004", "K003", "2024/02/05 11:00:00", "SER-01", "1", "0", "", "", "", "完了"],
    ], encoding="cp932")
    assert not path.read_bytes().decode("cp932").isascii()
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # really a CP932 file (① is outside plain Shift_JIS)

    result = shop.import_files([path])

    assert result.tables[0].table == "orders"  # guessed from the Japanese headers
    assert rows(shop, "orders") == [
        order_line("A-1001", "K001", T(2024, 1, 5, 10), "CRM-01", 2, 3000, None, None, "インフォマーシャル"),
        order_line("A-1001", "K001", T(2024, 1, 5, 10), "SER-01", 1, 1980, "T-1", 1, "インフォマーシャル"),
        order_line("A-1002", "K002", T(2024, 1, 6, 9, 30), "SER-01", 1, 1980, "T-2", 1, "ｱﾌｨﾘｴｲﾄ①", "cancelled"),
        order_line("A-1003", "K001", T(2024, 2, 4, 10), "SER-01", 1, 12800, "T-1", 2, None, "returned"),
        order_line("A-1004", "K003", T(2024, 2, 5, 11), "SER-01", 1, 0, None, None, None, "completed"),
    ]


@pytest.mark.parametrize("name", ["orders.tsv", "orders.txt"])
def test_tab_separated(shop, tmp_path, name):
    path = write_csv(tmp_path / name, ["order_id", "customer_id", "ordered_at", "product_id", "amount", "channel"], [
        ["O1", "C1", "2024-01-05 10:00:00", "P1", "1,980", "tv, radio"],  # commas inside cells: tab wins
        ["O2", "C2", "2024-01-07", "P2", "500", ""],
    ], delimiter="\t")
    shop.import_files([path])
    assert rows(shop, "orders") == [
        order_line("O1", "C1", T(2024, 1, 5, 10), "P1", 1, 1980, channel="tv, radio"),
        order_line("O2", "C2", T(2024, 1, 7), "P2", 1, 500),
    ]


def test_xlsx_with_real_date_cells(shop, tmp_path):
    header = ["受注番号", "顧客番号", "受注日時", "商品コード", "数量", "金額", "ステータス"]
    path = write_xlsx(tmp_path / "受注明細.xlsx", header, [
        ["O1", "C1", T(2024, 1, 5, 10, 15, 30), "P1", 2, 1980.5, "完了"],  # a datetime cell
        ["O2", 12345, dt.date(2024, 1, 6), "P1", 1, 100, None],  # numeric id, a date-only cell
        ["O3", "C3", "2024/01/07 09:00:00", "P2", "1", "1,980", "キャンセル"],  # dates and numbers typed as text
    ])
    shop.import_files([path])
    assert rows(shop, "orders") == [
        order_line("O1", "C1", T(2024, 1, 5, 10, 15, 30), "P1", 2, 1980.5),
        order_line("O2", "12345", T(2024, 1, 6), "P1", 1, 100),
        order_line("O3", "C3", T(2024, 1, 7, 9), "P2", 1, 1980, status="cancelled"),
    ]


def test_parquet(shop, tmp_path):
    path = tmp_path / "orders.parquet"
    pq.write_table(pa.table({
        "order_id": ["O1", "O2"],
        "customer_id": ["C1", "C2"],
        "ordered_at": pa.array([T(2024, 1, 5, 10, 0, 0, 500000), T(2024, 1, 6)], pa.timestamp("us")),
        "product_id": ["P1", "P2"],
        "quantity": pa.array([1, 3], pa.int32()),
        "amount": [1980.0, 0.5],
        "subscription_id": ["S1", None],
        "delivery_no": pa.array([1, None], pa.int64()),
        "status": ["returned", None],
    }), path)
    shop.import_files([path])
    assert rows(shop, "orders") == [
        order_line("O1", "C1", T(2024, 1, 5, 10, 0, 0, 500000), "P1", 1, 1980, subscription_id="S1", delivery_no=1,
                   status="returned"),
        order_line("O2", "C2", T(2024, 1, 6), "P2", 3, 0.5),
    ]


def test_parquet_zoned_timestamps_keep_the_wall_clock_time(shop, tmp_path):
    path = tmp_path / "orders.parquet"
    instant = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo
    pq.write_table(pa.table({
        "order_id": ["O1"], "customer_id": ["C1"],
        "ordered_at": pa.array([instant], pa.timestamp("us", tz="Asia/Tokyo")),
        "product_id": ["P1"], "amount": [1980.0],
    }), path)
    shop.import_files([path])
    assert rows(shop, "orders") == [order_line("O1", "C1", T(2024, 1, 5, 10), "P1", 1, 1980)]


SHOPIFY_HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Created at",
                  "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku", "Lineitem discount",
                  "Cancelled at", "Source"]


def _customer(email: str) -> str:
    return "shopify:" + hashlib.md5(email.lower().encode()).hexdigest()[:16]


def test_shopify_orders_export(shop, tmp_path):
    path = write_csv(tmp_path / "orders_export_1.csv", SHOPIFY_HEADER, [
        ["#1001", "Taro@Example.com", "paid", "2024-01-15 10:24:00 +0900", "fulfilled", "2024-01-15 10:23:45 +0900",
         "2", "Serum", "1980", "SER-1", "100", "", "web"],
        ["#1001", "", "", "", "", "", "1", "Cream", "3000", "", "0", "", ""],  # order fields on the first row only
        ["#1002", "hanako@example.jp", "refunded", "", "", "2024-01-16 09:00:00 +0900",
         "1", "Serum", "1980", "SER-1", "0", "", "pos"],
        ["#1003", "taro@example.com", "voided", "", "", "2024-01-17 08:00:00 +0900",
         "1", "Serum", "1980.50", "SER-1", "", "2024-01-17 09:00:00 +0900", "web"],
        ["#1004", "jiro@example.jp", "paid", "", "", "2024-01-18 08:00:00 +0900",
         "3", "Serum", "1000", "SER-1", "", "2024-01-18 12:00:00 +0900", "web"],
        ["#1005", "", "paid", "", "", "2024-01-19 18:30:00 +0900", "1", "Gift Box", "500", "", "", "", "pos"],
    ])
    result = shop.import_files([path])  # recognised by its headers, no preset named

    taro = _customer("taro@example.com")
    assert taro == "shopify:258fe44af56b618a"  # md5("taro@example.com"), first 16 hex digits
    assert rows(shop, "orders") == [
        order_line("#1001", taro, T(2024, 1, 15, 10, 23, 45), "Cream", 1, 3000 * 1 - 0, channel="web"),
        order_line("#1001", taro, T(2024, 1, 15, 10, 23, 45), "SER-1", 2, 1980 * 2 - 100, channel="web"),
        order_line("#1002", _customer("hanako@example.jp"), T(2024, 1, 16, 9), "SER-1", 1, 1980, channel="pos",
                   status="returned"),
        order_line("#1003", taro, T(2024, 1, 17, 8), "SER-1", 1, 1980.5, channel="web", status="cancelled"),
        order_line("#1004", _customer("jiro@example.jp"), T(2024, 1, 18, 8), "SER-1", 3, 3000, channel="web",
                   status="cancelled"),  # paid, then cancelled: Cancelled at decides
        order_line("#1005", "guest:#1005", T(2024, 1, 19, 18, 30), "Gift Box", 1, 500, channel="pos"),
    ]
    counts = result.tables[0].counts
    assert (counts.inserted, counts.lines_written) == (5, 6)
    assert not any("@" in r["customer_id"] for r in rows(shop, "orders"))  # no e-mail address is stored


def test_user_mapping_file(shop, tmp_path):
    mapping = tmp_path / "mycart.toml"
    mapping.write_text('''
delimiter = ";"

[orders.columns]
order_id = "Order No."
customer_id = ["Member #", "Cust"]
ordered_at = "Date (JST)"
product_id = "Item"
amount = "Total (JPY)"
status = "State"
channel = "Via"

[orders.values.status]
"Shipped" = "completed"
"Canceled" = "cancelled"
"RMA" = "returned"

[orders.values.channel]
"TV" = "テレビ"
''', encoding="utf-8")
    path = write_csv(tmp_path / "export.csv", ["Order No.", "Cust", "Date (JST)", "Item", "Total (JPY)", "State", "Via"], [
        ["A-1", "c1", "2024年1月5日", "X", "¥1,980", "Shipped", "TV"],
        ["A-2", "c2", "２０２４/０１/０６ ０９:３０", "Y", "￥１，９８０", "Canceled", "web"],
        ["A-3", "c1", "2024/1/7", "X", "500円", "RMA", ""],
        ["A-4", "c3", "2024-01-08", "X", "0", "completed", "TV"],  # canonical values pass through
    ], delimiter=";")
    shop.import_files([path], mapping=mapping)
    assert rows(shop, "orders") == [
        order_line("A-1", "c1", T(2024, 1, 5), "X", 1, 1980, channel="テレビ"),
        order_line("A-2", "c2", T(2024, 1, 6, 9, 30), "Y", 1, 1980, channel="web", status="cancelled"),
        order_line("A-3", "c1", T(2024, 1, 7), "X", 1, 500, status="returned"),
        order_line("A-4", "c3", T(2024, 1, 8), "X", 1, 0, channel="テレビ"),
    ]


def test_date_spellings(shop, tmp_path):
    spellings = {
        "D1": ("2024-01-05", T(2024, 1, 5)),
        "D2": ("2024/1/5", T(2024, 1, 5)),
        "D3": ("2024/01/05 09:30:00", T(2024, 1, 5, 9, 30)),
        "D4": ("2024-01-05 09:30", T(2024, 1, 5, 9, 30)),
        "D5": ("2024-01-05T09:30:00+09:00", T(2024, 1, 5, 9, 30)),  # the offset is dropped: wall-clock time
        "D6": ("2024年1月5日", T(2024, 1, 5)),
        "D7": ("２０２４／０１／０５", T(2024, 1, 5)),
        "D8": ("2024-01-05T09:30:15Z", T(2024, 1, 5, 9, 30, 15)),
    }
    path = write_csv(tmp_path / "orders.csv", ["order_id", "customer_id", "ordered_at", "product_id", "amount"],
                     [[o, "C1", text, "P1", "1"] for o, (text, _) in spellings.items()])
    shop.import_files([path])
    assert [(r["order_id"], r["ordered_at"]) for r in rows(shop, "orders")] == [
        (o, expected) for o, (_, expected) in spellings.items()]


def test_number_spellings(shop, tmp_path):
    spellings = {"O1": "1980", "O2": "¥1,980", "O3": "￥１，９８０", "O4": "1980円", "O5": " 1980 ", "O6": "1980.0"}
    path = write_csv(tmp_path / "orders.csv", ["order_id", "customer_id", "ordered_at", "product_id", "amount"],
                     [[o, "C1", "2024-01-05", "P1", text] for o, text in spellings.items()])
    shop.import_files([path])
    assert [(r["order_id"], r["amount"]) for r in rows(shop, "orders")] == [(o, 1980.0) for o in spellings]


def test_other_tables_in_canonical_layout(shop, tmp_path):
    files = [
        write_csv(tmp_path / "products.csv", ["product_id", "name", "category", "unit_price", "days_supply",
                                              "gross_margin"],
                  [["P1", "美容液", "main", "1,980", 30, 0.8], ["P2", "お試し", "トライアル", 500, None, 0]]),
        write_csv(tmp_path / "customers.csv", ["customer_id", "created_at", "name", "phone", "email", "prefecture",
                                               "first_channel"],
                  [["C1", "2023-12-01", "山田太郎", "090-1111-2222", "taro@example.jp", "東京都", "sns"]]),
        write_csv(tmp_path / "subscriptions.csv", ["subscription_id", "customer_id", "product_id", "started_at",
                                                   "cancelled_at", "cancel_reason", "cycle_days", "plan",
                                                   "paused_until"],
                  [["S1", "C1", "P1", "2024-01-05", "2024-04-05 12:00", "余っている", None, "monthly", "2024-05-01"]]),
        write_csv(tmp_path / "subscription_events.csv", ["subscription_id", "occurred_at", "kind", "detail"],
                  [["S1", "2024-02-01", "cycle_change", "45"], ["S1", "2024-02-01", "skip", None]]),
        write_csv(tmp_path / "contacts.csv", ["contact_id", "customer_id", "contacted_at", "purpose", "outcome", "cost",
                                              "subscription_id"],
                  [["K1", "C1", "2024-03-01 10:00", "cancel_request", "saved", 300, "S1"]]),
    ]
    result = shop.import_files(files)
    # reference data first, then whatever refers to it
    assert [t.table for t in result.tables] == ["products", "customers", "subscriptions", "subscription_events",
                                                 "contacts"]
    assert rows(shop, "products") == [
        {"product_id": "P1", "name": "美容液", "category": "main", "unit_price": 1980.0, "days_supply": 30,
         "gross_margin": 0.8},
        {"product_id": "P2", "name": "お試し", "category": "trial", "unit_price": 500.0, "days_supply": None,
         "gross_margin": 0.0},
    ]
    assert rows(shop, "customers") == [
        {"customer_id": "C1", "created_at": T(2023, 12, 1), "name": "山田太郎", "phone": "090-1111-2222",
         "email": "taro@example.jp", "prefecture": "東京都", "first_channel": "sns"}]
    assert rows(shop, "subscriptions") == [
        {"subscription_id": "S1", "customer_id": "C1", "product_id": "P1", "started_at": T(2024, 1, 5),
         "cancelled_at": T(2024, 4, 5, 12), "cancel_reason": "余っている", "cycle_days": 30, "plan": "monthly",
         "paused_until": dt.date(2024, 5, 1)}]
    assert rows(shop, "subscription_events") == [
        {"subscription_id": "S1", "occurred_at": T(2024, 2, 1), "kind": "cycle_change", "detail": "45"},
        {"subscription_id": "S1", "occurred_at": T(2024, 2, 1), "kind": "skip", "detail": None}]
    assert rows(shop, "contacts") == [
        {"contact_id": "K1", "customer_id": "C1", "contacted_at": T(2024, 3, 1, 10), "purpose": "cancel_request",
         "outcome": "saved", "cost": 300.0, "subscription_id": "S1"}]


def test_table_is_guessed_from_file_name_or_headers(shop, tmp_path):
    files = {
        # from the file name (the headers alone fit customers and products equally well)
        "customers_2024.csv": ["customer_id", "product_id", "name"],
        "products.csv": ["customer_id", "product_id", "name"],
        "顧客一覧.csv": ["顧客番号", "商品コード", "氏名"],
        "subscription_events_jan.csv": ["subscription_id", "occurred_at", "kind"],
        # the longest table label in the name wins: 受注明細 (orders), not 顧客 (customers)
        "顧客別受注明細.csv": ["受注番号", "顧客番号", "受注日", "商品コード", "金額"],
        # from the headers
        "export.csv": ["order_id", "customer_id", "ordered_at", "product_id", "amount"],
        "master.csv": ["商品コード", "商品名", "単価"],
        "list.csv": ["customer_id", "name", "email"],
        "data.csv": ["subscription_id", "customer_id", "started_at"],
        "log.csv": ["contact_id", "customer_id", "contacted_at", "purpose"],
    }
    fixed = {"occurred_at": "2024-01-01", "started_at": "2024-01-01", "contacted_at": "2024-01-01",
             "ordered_at": "2024-01-01", "amount": "1", "kind": "skip", "purpose": "other", "単価": "1",
             "受注日": "2024-01-01", "金額": "1"}
    paths = [write_csv(tmp_path / name, header, [[fixed.get(h, f"{name}:{h}") for h in header]])
             for name, header in files.items()]
    result = shop.import_files(paths)
    assert {t.table: sorted(t.files) for t in result.tables} == {
        "customers": ["customers_2024.csv", "list.csv", "顧客一覧.csv"],
        "products": ["master.csv", "products.csv"],
        "subscription_events": ["subscription_events_jan.csv"],
        "orders": ["export.csv", "顧客別受注明細.csv"],
        "subscriptions": ["data.csv"],
        "contacts": ["log.csv"],
    }
    assert [r["customer_id"] for r in rows(shop, "customers")] == [
        "customers_2024.csv:customer_id", "list.csv:customer_id", "顧客一覧.csv:顧客番号"]
    assert [r["product_id"] for r in rows(shop, "products")] == ["master.csv:商品コード", "products.csv:product_id"]


def test_ascii_first_mib_then_cp932(shop, tmp_path):
    """Encoding is sniffed from the first MiB: a file that turns CP932 only later is still read right."""
    path = tmp_path / "orders.csv"
    filler = [f"O{i},C{i % 97},2024-01-05 10:00:00,P1,1,100,".encode() for i in range(40_000)]
    head = b"order_id,customer_id,ordered_at,product_id,quantity,amount,channel\n" + b"\n".join(filler) + b"\n"
    assert len(head) > readers.SNIFF_BYTES
    path.write_bytes(head + "OX,CX,2024-01-06,P9,2,1980,テレビ通販\n".encode("cp932"))

    result = shop.import_files([path])

    assert result.tables[0].rows_read == 40_001
    o = shop.orders
    assert o.filter(o.channel.notnull()).to_pyarrow().to_pylist() == [
        order_line("OX", "CX", T(2024, 1, 6), "P9", 2, 1980, channel="テレビ通販")]
    assert o.count().to_pyarrow().as_py() == 40_001


def test_cp932_after_the_first_block_is_read_again(shop, tmp_path, monkeypatch):
    """Invalid UTF-8 beyond the reader's first block (while streaming): the file is read again as CP932."""
    monkeypatch.setattr(readers, "SNIFF_BYTES", 512)
    monkeypatch.setattr(readers, "BLOCK_BYTES", 4096)
    lines = [f"O{i},C1,2024-01-05,P1,1,100," for i in range(1000)] + ["OX,CX,2024-01-06,P9,1,1980,テレビ"]
    path = tmp_path / "orders.csv"
    path.write_bytes(("order_id,customer_id,ordered_at,product_id,quantity,amount,channel\n"
                      + "\n".join(lines) + "\n").encode("cp932"))
    assert path.stat().st_size > 4 * 4096

    result = shop.import_files([path])

    assert result.tables[0].rows_read == 1001
    o = shop.orders
    assert o.filter(o.order_id == "OX").to_pyarrow().to_pylist() == [
        order_line("OX", "CX", T(2024, 1, 6), "P9", 1, 1980, channel="テレビ")]


def test_a_late_cell_the_fast_reader_rejects_rereads_every_file(shop, tmp_path, monkeypatch):
    """'1,980' far down a CSV makes teiki read it again as text; the other file of the import is kept."""
    monkeypatch.setattr(readers, "BLOCK_BYTES", 2048)
    parquet = tmp_path / "orders_a.parquet"
    pq.write_table(pa.table({"order_id": ["PQ1"], "customer_id": ["C9"], "ordered_at": ["2024-01-01"],
                             "product_id": ["P"], "amount": ["1"]}), parquet)
    body = [[f"O{i}", "C1", "2024-01-05", "P1", "100"] for i in range(600)] + [["OZ", "CZ", "2024-01-05", "P1", "1,980"]]
    csv_path = write_csv(tmp_path / "orders_b.csv", ["order_id", "customer_id", "ordered_at", "product_id", "amount"],
                         body)
    assert csv_path.stat().st_size > 4 * 2048

    result = shop.import_files([parquet, csv_path])

    assert result.tables[0].rows_read == 602
    o = shop.orders
    assert o.filter(o.order_id.isin(["PQ1", "OZ"])).order_by("order_id").to_pyarrow().to_pylist() == [
        order_line("OZ", "CZ", T(2024, 1, 5), "P1", 1, 1980),
        order_line("PQ1", "C9", T(2024, 1, 1), "P", 1, 1),
    ]
    assert o.count().to_pyarrow().as_py() == 602


def test_headers_match_whatever_their_case(shop, tmp_path):
    path = write_csv(tmp_path / "orders.csv", ["Order_ID", "CUSTOMER_ID", "Ordered_At", "Product_Id", "Amount"],
                     [["O1", "C1", "2024-01-05", "P1", "10"]])
    shop.import_files([path])
    assert rows(shop, "orders") == [order_line("O1", "C1", T(2024, 1, 5), "P1", 1, 10)]


def test_explicit_table_and_preset(shop, tmp_path):
    path = write_csv(tmp_path / "dump.csv", ["伝票番号", "会員ID", "注文日", "品番", "小計"],
                     [["D1", "M1", "2024/03/01", "X1", "2,500"]])
    shop.import_files([Path(path)], table="orders", preset="ja")
    assert rows(shop, "orders") == [order_line("D1", "M1", T(2024, 3, 1), "X1", 1, 2500)]
