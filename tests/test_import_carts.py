"""The cart presets against real-layout sample exports: each file imports with no flags, is recognised as its
layout, and gives the numbers worked out by hand in docs/carts/<platform>.md (§7 / §9 of each).

The samples and their ``.expected.json`` are in tests/samples/carts (written by make_samples.py and
generate_marketplace_samples.py). The expected numbers are written out literally here, each with its working;
:func:`agrees_with_json` checks them against the ``.expected.json`` too, so that a regenerated sample cannot drift
away from the hand working unnoticed. KPIs are as of the last order date (teiki's default), except where said.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import rows, write_csv

import teiki
from teiki.errors import DataError, InputError, TeikiError
from teiki.io import presets

SAMPLES = Path(__file__).parent / "samples" / "carts"


def expected_json(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))


def summary(shop: teiki.Shop, result, as_of: str | None = None) -> dict:
    """What a test checks of one imported sample: the layout, the table, the stored rows, the KPIs and the
    skipped rows by reason."""
    [table] = result.tables
    kpis = shop.kpis(as_of)
    orders = shop.store.table("orders")
    per_status = orders.group_by("status").aggregate(n=orders.order_id.nunique()).to_pyarrow().to_pylist()
    by_status = {r["status"]: r["n"] for r in per_status}
    return {
        "layouts": table.layouts,
        "table": table.table,
        "rows": shop.store.count(table.table),
        "customers": kpis.customers,
        "orders": kpis.orders,
        "revenue": kpis.revenue,
        "f2_conversion": kpis.f2_conversion,
        "cancelled_orders": by_status.get("cancelled", 0),
        "returned_orders": by_status.get("returned", 0),
        "subscriptions_started": kpis.subscriptions["started"],
        "subscriptions_cancelled": kpis.subscriptions["cancelled"],
        "skipped": table.skipped,
    }


def agrees_with_json(name: str, found: dict, **differs: object) -> None:
    """The hand-worked numbers are those of the sample's .expected.json (``differs``: keys where teiki's
    definition differs from the file's, with the file's value, explained at the call)."""
    want = expected_json(name)
    for key in ("customers", "orders", "revenue", "cancelled_orders", "returned_orders", "subscriptions_started",
                "subscriptions_cancelled"):
        if key not in want or key not in found:
            continue
        if key in differs:
            assert want[key] == differs[key], key
        elif want[key] is not None:
            assert found[key] == want[key], key
    if want.get("f2_conversion") is not None:
        assert round(found["f2_conversion"], 6) == want["f2_conversion"]
    assert sum(found["skipped"].values()) == want["skipped_rows"]
    assert want["table"] == found["table"]


def no_address_stored(shop: teiki.Shop, table: str = "orders") -> None:
    assert not any("@" in r["customer_id"] for r in rows(shop, table))  # keyed by a hash, never the address


# --------------------------------------------------------------------------- EC-CUBE 4 (docs/carts/eccube4.md)


def test_eccube4_orders(shop):
    result = shop.import_files([SAMPLES / "eccube4_orders.csv"])
    found = summary(shop, result)
    assert found == {
        "layouts": ["EC-CUBE 4 受注CSV"],
        "table": "orders",
        "rows": 14,  # 39 data rows − 25 non-product rows: the 14 rows with 明細区分(ID) = 1
        "customers": 6,  # 会員 1, 2, 3, 6, 7 + the guest of 110 (会員 4 only cancelled, 5 only returned)
        "orders": 10,  # 12 orders − 105 (3 注文取消し) − 106 (9 返品); statuses 1, 4, 5, 6 are sales
        # (価格 + round(価格×税率/100)) × 個数: 3300 + 5500 + 6050 + 4276 + 4224 + 3300 + 2138 + 1408 + 5438 + 2750
        "revenue": 38384.0,
        "f2_conversion": 0.5,  # ≥ 2 orders: 会員 1 (101, 104, 111), 2 (102, 108), 3 (103, 112) → 3 / 6
        "cancelled_orders": 1,  # 105
        "returned_orders": 1,  # 106
        "subscriptions_started": 0,  # core EC-CUBE has no 定期 columns
        "subscriptions_cancelled": 0,
        "skipped": {"送料の行": 12, "手数料の行": 12, "値引き・ポイントの行": 1},  # one 送料 and 手数料 per order; 108's ポイント
    }
    agrees_with_json("eccube4_orders.csv", found, subscriptions_started=None, subscriptions_cancelled=None)
    lines = {(r["order_id"], r["product_id"]): r for r in rows(shop, "orders")}
    assert lines["104", "AOJ-030"]["amount"] == (1980 + 158) * 2  # 1980 × 8 % = 158.4 → 158 (四捨五入)
    assert lines["111", "AOJ-030"]["amount"] + lines["111", "LOT-001"]["amount"] == 5438  # = 111's 小計
    assert lines["110", "BDS-400"]["customer_id"].startswith("eccube:")  # the guest, by a hash of メールアドレス
    assert lines["101", "LOT-001"]["customer_id"] == "1"  # members by 会員ID
    no_address_stored(shop)


def test_eccube4_customers(shop):
    result = shop.import_files([SAMPLES / "eccube4_customers.csv"])
    found = summary(shop, result)
    assert found == {
        "layouts": ["EC-CUBE 4 会員CSV"],
        "table": "customers",
        "rows": 9,  # 8 本会員 + 1 仮会員 (退会 members are not in the default export)
        "customers": 0, "orders": 0, "revenue": 0.0, "f2_conversion": None,  # KPIs count buyers: no orders here
        "cancelled_orders": 0, "returned_orders": 0, "subscriptions_started": 0, "subscriptions_cancelled": 0,
        "skipped": {},
    }
    assert found["rows"] == expected_json("eccube4_customers.csv")["customers"]
    sato = next(r for r in rows(shop, "customers") if r["customer_id"] == "1")
    assert (sato["name"], sato["prefecture"], sato["phone"], str(sato["created_at"])) == (
        "佐藤 花子", "東京都", "09011112222", "2023-11-20 09:12:44")  # お名前(姓) + お名前(名), 都道府県(名称), TEL, 登録日


def test_eccube4_orders_and_members_join_on_kaiin_id(shop):
    result = shop.import_files([SAMPLES / "eccube4_customers.csv", SAMPLES / "eccube4_orders.csv"])
    assert [(t.table, t.layouts) for t in result.tables] == [
        ("customers", ["EC-CUBE 4 会員CSV"]), ("orders", ["EC-CUBE 4 受注CSV"])]
    members = {r["customer_id"] for r in rows(shop, "customers")}
    buyers = {r["customer_id"] for r in rows(shop, "orders")}
    assert buyers - members == {r["customer_id"] for r in rows(shop, "orders") if r["order_id"] == "110"}  # the guest
    kpis = shop.kpis()
    assert (kpis.customers, kpis.orders, kpis.revenue) == (6, 10, 38384.0)  # the same buyers as the orders alone


# --------------------------------------------------------------------------- ecforce (docs/carts/ecforce.md)


def test_ecforce_orders(shop):
    result = shop.import_files([SAMPLES / "ecforce_orders.csv"])
    found = summary(shop, result)
    assert found == {
        "layouts": ["ecforce 受注CSV"],
        "table": "orders",
        "rows": 20,  # 17 受注, 3 of them with two products in their list cells
        "customers": 8,  # C1, C2, C3, C4, C5, C8, C9, C10 (C6 only returned, C7 only cancelled)
        "orders": 14,  # 17 − 2 キャンセル − 1 返品
        # 単価 × 個数 × 1.1: 2178 + 2178 + 1100 + 2178 + 5500 + 5500 + 3828 + 5500 + 3300 + 4400 + 1650 + 7150 + 2178 + 2178
        "revenue": 48818.0,
        "f2_conversion": 0.5,  # ≥ 2: C1 (4), C3 (2), C4 (2), C5 (2) → 4 / 8
        "cancelled_orders": 2,  # 4d5e6f7a8b, 3c4d5e6f7a
        "returned_orders": 1,  # 9f8e7d6c5b (the shop's own 返品 status)
        "subscriptions_started": 6,  # distinct 定期受注番号 on completed lines: 3f9a…, b81e…, c0d2…, 9e7b…, 5d4c…, 7a6b…
        # derived from orders: only b81e4d2a90 lapsed (last delivery 2024-01-15, > 2 cycles before 2024-04-15); the
        # 定期ステータス キャンセル of 7a6b5c4d3e (cancelled 3 days after its first delivery) is not in the orders table
        "subscriptions_cancelled": 1,
        "skipped": {},  # 送料 / 手数料 / 割引 are order columns
    }
    agrees_with_json("ecforce_orders.csv", found, subscriptions_cancelled=2)
    lines = {(r["order_id"], r["product_id"]): r for r in rows(shop, "orders")}
    assert (lines["1e2f3a4b5c", "MAIN-01"]["amount"], lines["1e2f3a4b5c", "CROSS-01"]["amount"]) == (5500, 1650)
    assert (lines["1e2f3a4b5c", "MAIN-01"]["subscription_id"], lines["1e2f3a4b5c", "MAIN-01"]["delivery_no"]) == (
        "9e7b3a5c2d", 2)  # 定期受注番号, 定期内受注（N番目）
    assert lines["1e2f3a4b5c", "MAIN-01"]["channel"] == "Google"  # 広告URLグループ名
    no_address_stored(shop)


def test_ecforce_subscriptions(shop):
    result = shop.import_files([SAMPLES / "ecforce_subscriptions.csv"])
    found = summary(shop, result, as_of="2024-04-20")  # the day of the export: there are no orders to date it
    assert found == {
        "layouts": ["ecforce 定期受注CSV"],
        "table": "subscriptions",
        "rows": 6,  # 有効 3 (3f9a…, 9e7b…, 5d4c…), 停止 1 (c0d2…), キャンセル 2 (b81e…, 7a6b…)
        "customers": 0, "orders": 0, "revenue": 0.0, "f2_conversion": None,  # no orders in this file
        "cancelled_orders": 0, "returned_orders": 0,
        "subscriptions_started": 6,  # every 作成日 is before 2024-04-20
        "subscriptions_cancelled": 2,  # b81e4d2a90 on 2024-02-15, 7a6b5c4d3e on 2024-04-18
        "skipped": {},
    }
    agrees_with_json("ecforce_subscriptions.csv", found, customers=6)  # the file's 6 顧客番号: no buyers without orders
    subs = {r["subscription_id"]: r for r in rows(shop, "subscriptions")}
    assert len({r["customer_id"] for r in subs.values()}) == 6  # one 顧客番号 each
    assert {r["cycle_days"] for r in subs.values()} == {30}  # 日付で指定, 1ヶ月ごと
    assert (str(subs["b81e4d2a90"]["cancelled_at"]), subs["b81e4d2a90"]["cancel_reason"]) == (
        "2024-02-15 10:42:51", "商品が合わなかった")
    assert subs["c0d2e5f6a1"]["cancelled_at"] is None  # 停止 (paused) is not cancelled
    assert subs["9e7b3a5c2d"]["product_id"] == "MAIN-01,CROSS-01"  # a list cell: one product_id cannot hold two


def test_ecforce_orders_with_subscriptions(shop):
    result = shop.import_files([SAMPLES / "ecforce_orders.csv", SAMPLES / "ecforce_subscriptions.csv"])
    assert [(t.table, t.layouts) for t in result.tables] == [
        ("subscriptions", ["ecforce 定期受注CSV"]), ("orders", ["ecforce 受注CSV"])]
    kpis = shop.kpis()  # as of 2024-04-15, the last order
    assert (kpis.customers, kpis.orders, kpis.revenue, kpis.f2_conversion) == (8, 14, 48818.0, 0.5)
    # the 定期受注 file brings the true cancellations: b81e4d2a90 (02-15) and 7a6b5c4d3e (04-18, after the last order:
    # as of 04-15 it is still running) → 1 cancelled by 04-15, 2 by the export day
    assert (kpis.subscriptions["started"], kpis.subscriptions["cancelled"]) == (6, 1)
    assert shop.kpis("2024-04-20").subscriptions["cancelled"] == 2


# --------------------------------------------------------------------------- futureshop (docs/carts/futureshop.md)


def test_futureshop_orders(shop):
    result = shop.import_files([SAMPLES / "futureshop_orders.csv"])
    found = summary(shop, result)
    assert found == {
        "layouts": ["futureshop 受注データCSV (FutureShop2形式)"],
        "table": "orders",
        "rows": 14,  # 12 orders; 0000010235 and 0000010262 have two lines
        "customers": 6,  # 100231, 100245, 100263, 100302, 100317 and the guest of 0000010257
        "orders": 10,  # 12 − 0000010244 (キャンセル) − 0000010246 (返品)
        # 販売単価 × 購入数量: 3240 + 5400 + 7640 + 3240 + 4400 + 4400 + 6480 + 5940 + 2700 + 3240
        "revenue": 46680.0,
        "f2_conversion": pytest.approx(4 / 6),  # ≥ 2: 100231, 100245, 100263, 100302
        "cancelled_orders": 1,
        "returned_orders": 1,
        "subscriptions_started": 0,  # no 定期 columns in this file
        "subscriptions_cancelled": 0,
        "skipped": {},  # 送料, 手数料, ポイント are order columns repeated on each line
    }
    agrees_with_json("futureshop_orders.csv", found, subscriptions_started=None, subscriptions_cancelled=None)
    lines = [r for r in rows(shop, "orders") if r["order_id"] == "0000010235"]
    assert sum(r["amount"] for r in lines) == 7640  # its 商品合計金額, written on both rows, counted once
    no_address_stored(shop)


# --------------------------------------------------------------------------- MakeShop (docs/carts/makeshop.md)


def test_makeshop_orders(shop):
    result = shop.import_files([SAMPLES / "makeshop_orders.csv"])
    found = summary(shop, result)
    assert found == {
        "layouts": ["MakeShop 注文データCSV"],
        "table": "orders",
        "rows": 14,  # 12 orders, two of them with two lines
        "customers": 7,  # hanabi88, kzk_ono, sakura_f, ueda1979, yoshi_k, tamura.a and the guest (nkmr2020 only 返送)
        "orders": 10,  # 配送 / 未処理; not 注文キャンセル (tamura.a 04-07) nor 返送 (nkmr2020)
        # 販売価格 × 数量: 1100 + 6600 + 8800 + 1100 + 5500 + 3300 + 2200 + 3300 + 6600 + 1100
        "revenue": 39600.0,
        "f2_conversion": pytest.approx(3 / 7),  # ≥ 2: hanabi88, kzk_ono, sakura_f (tamura.a: 1 cancelled + 1)
        "cancelled_orders": 1,
        "returned_orders": 1,
        "subscriptions_started": 0,
        "subscriptions_cancelled": 0,
        "skipped": {},
    }
    agrees_with_json("makeshop_orders.csv", found, subscriptions_started=None, subscriptions_cancelled=None)
    times = {r["order_id"]: str(r["ordered_at"]) for r in rows(shop, "orders")}
    assert times["P171192990312345678"] == "2024-04-01 09:05:03"  # 日付 2024/4/1 + 注文時間 090503
    assert times["P171259419099887766"] == "2024-04-09 01:36:30"  # 013630
    no_address_stored(shop)


# --------------------------------------------------------------------------- 楽天市場 (docs/carts/rakuten.md)


def test_rakuten_orders(shop):
    result = shop.import_files([SAMPLES / "rakuten_orders.csv"])
    found = summary(shop, result)
    assert found == {
        "layouts": ["楽天市場 RMS 受注データCSV"],
        "table": "orders",
        "rows": 13,  # 12 orders; …0000100002 has two lines
        "customers": 4,  # buyers A (3 orders), B (2), C (3), F (1); D and G only cancelled, E only returned
        "orders": 9,  # 12 − …04 and …12 (キャンセル確定) − …06 (キャンセル確定 after 発送完了報告日時: a return)
        # 商品毎税込価格 × 個数: 980 + 6630 + 4480 + 4480 + 4480 + 3300 + 4480 + 980 + 4480
        "revenue": 34290.0,
        "f2_conversion": 0.75,  # ≥ 2: A, B, C → 3 / 4
        "cancelled_orders": 2,
        "returned_orders": 1,
        # 定期購入 申込番号 on a completed line: …101-r (C) and …102-r (A); G's …103-r had only its cancelled first
        # delivery, so it is not a subscription that started (.expected.json counts distinct 申込番号: 3)
        "subscriptions_started": 2,
        "subscriptions_cancelled": 0,  # derived: the last deliveries are within 2 cycles of 2025-03-18
        "skipped": {},
    }
    agrees_with_json("rakuten_orders.csv", found, subscriptions_started=3, subscriptions_cancelled=None)
    assert expected_json("rakuten_orders.csv")["subscriptions_with_a_completed_delivery"] == 2
    deliveries = sorted((r["order_id"][-2:], r["delivery_no"]) for r in rows(shop, "orders")
                        if r["subscription_id"] == "391234-20250118-00000101-r")
    assert deliveries == [("03", 1), ("07", 2), ("11", 3)]  # 申込お届け回数
    no_address_stored(shop)


# --------------------------------------------------------------------------- Amazon (docs/carts/amazon_jp.md)


def test_amazon_all_orders_is_refused_for_want_of_a_buyer(shop):
    with pytest.raises(InputError) as info:
        shop.import_files([SAMPLES / "amazon_all_orders.txt"])
    assert info.value.key == "refused_no_buyer"
    assert info.value.render("ja").startswith(
        "amazon_all_orders.txt: Amazon 全注文レポート には購入者を識別する列 (購入者メールアドレスなど) がないため取り込めません。")
    assert all(t.rows == 0 for t in shop.status().tables)  # nothing stored
    want = expected_json("amazon_all_orders.txt")
    assert (want["customers"], want["f2_conversion"]) == (None, None)  # not computable: hence the refusal


def test_amazon_fba_shipments(shop):
    result = shop.import_files([SAMPLES / "amazon_fba_shipments_with_buyer_email.txt"])
    found = summary(shop, result)
    assert found == {
        "layouts": ["Amazon 出荷商品レポート (FBA)"],
        "table": "orders",
        "rows": 10,  # one row per shipped item per shipment
        "customers": 6,  # distinct buyer-email: X, Y, Z, W, V, U
        "orders": 8,  # distinct amazon-order-id (250-5520004-3000004 came in two shipments)
        # item-price + item-promotion-discount: 4980 + 6630 + 1650 + 9960 + 2200 + 980 + 4980 + 980
        "revenue": 32360.0,
        "f2_conversion": pytest.approx(2 / 6),  # ≥ 2: X, Y
        "cancelled_orders": 0,  # only shipped items are in this report
        "returned_orders": 0,
        "subscriptions_started": 0,
        "subscriptions_cancelled": 0,
        "skipped": {},
    }
    agrees_with_json("amazon_fba_shipments_with_buyer_email.txt", found, subscriptions_started=None,
                     subscriptions_cancelled=None)
    times = {r["order_id"]: str(r["ordered_at"]) for r in rows(shop, "orders")}
    assert {o: times[o] for o in expected_json("amazon_fba_shipments_with_buyer_email.txt")["ordered_at_jst"]} == {
        "250-5520001-3000001": "2025-04-01 10:15:22",  # +09:00 already: kept as it is, not shifted again
        "250-5520005-3000005": "2025-04-14 23:59:00",
    }
    no_address_stored(shop)


# --------------------------------------------------------------------------- Shopify (docs/carts/shopify*.md)


def test_shopify_orders(shop):
    result = shop.import_files([SAMPLES / "shopify_orders.csv"])
    found = summary(shop, result)
    assert found == {
        "layouts": ["Shopify 注文エクスポート"],
        "table": "orders",
        "rows": 13,  # 14 rows − #1008 (pending)
        "customers": 6,  # sato, suzuki, tanaka, watanabe, ito, kobayashi (takahashi only voided, yamamoto pending)
        "orders": 10,  # #1001, 1002, 1004, 1006, 1007, 1009, 1010, 1011, 1012, 1013
        # price × quantity − discounts: 980 + 6630 + 4480 + (4980 − 500) + 4480 + 4480 + 2200 + 980 + 4480 + 3300
        "revenue": 36490.0,
        "f2_conversion": 0.5,  # ≥ 2: sato (3), suzuki (2), ito (2) → 3 / 6
        "cancelled_orders": 1,  # #1003 (voided, Cancelled at)
        "returned_orders": 1,  # #1005 (refunded)
        "subscriptions_started": 0,  # the export has no subscription id
        "subscriptions_cancelled": 0,
        "skipped": {"支払い待ちの注文 (pending: まだ売上ではない)": 1},  # #1008, Bank Deposit not yet paid
    }
    agrees_with_json("shopify_orders.csv", found, subscriptions_started=None, subscriptions_cancelled=None)
    no_address_stored(shop)


def test_shopify_order_level_discount_and_pending(shop, tmp_path):
    """Discount Amount is on an order's first row only: taken off that row, never below 0 (the language cannot
    spread it over the lines); a pending order is skipped, a pending order that was cancelled is a cancellation."""
    header = ["Name", "Email", "Financial Status", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
              "Lineitem sku", "Lineitem discount", "Discount Amount", "Cancelled at"]
    path = write_csv(tmp_path / "orders_export_1.csv", header, [
        ["#2001", "a@example.jp", "paid", "2025-01-05 10:00:00 +0900", "1", "Serum", "4980", "S", "0", "500", ""],
        ["#2001", "a@example.jp", "", "2025-01-05 10:00:00 +0900", "1", "Cream", "1650", "C", "0", "", ""],
        ["#2002", "b@example.jp", "paid", "2025-01-06 10:00:00 +0900", "1", "Trial", "980", "T", "0", "1196", ""],
        ["#2002", "b@example.jp", "", "2025-01-06 10:00:00 +0900", "1", "Serum", "4980", "S", "0", "", ""],
        ["#2003", "c@example.jp", "pending", "2025-01-07 10:00:00 +0900", "1", "Serum", "4980", "S", "0", "0", ""],
        ["#2004", "d@example.jp", "pending", "2025-01-08 10:00:00 +0900", "1", "Serum", "4980", "S", "0", "0",
         "2025-01-09 10:00:00 +0900"],
    ])
    result = shop.import_files([path])
    assert result.tables[0].skipped == {"支払い待ちの注文 (pending: まだ売上ではない)": 1}  # #2003
    amounts = {(r["order_id"], r["product_id"]): (r["amount"], r["status"]) for r in rows(shop, "orders")}
    assert amounts == {
        ("#2001", "S"): (4480, "completed"), ("#2001", "C"): (1650, "completed"),  # 4980 − 500 on the first row
        ("#2002", "T"): (0, "completed"),  # 980 − 1196 < 0 → 0: the other 216 yen of the discount are not taken off
        ("#2002", "S"): (4980, "completed"),
        ("#2004", "S"): (4980, "cancelled"),
    }


def test_shopify_subscriptions_is_refused_for_want_of_dates(shop):
    with pytest.raises(InputError) as info:
        shop.import_files([SAMPLES / "shopify_subscriptions.csv"])
    assert info.value.key == "refused_no_start_date"
    assert info.value.render("ja").startswith(
        "shopify_subscriptions.csv: Shopify Subscriptions 契約CSV には定期の開始日と解約日がないため取り込めません")
    assert all(t.rows == 0 for t in shop.status().tables)
    want = expected_json("shopify_subscriptions.csv")
    assert (want["subscriptions_started"], want["subscriptions_cancelled"]) == (None, None)  # no dates in the file


# --------------------------------------------------------------------------- a required column removed


def without_column(tmp_path: Path, name: str, header: str) -> Path:
    """A copy of a sample without the column ``header`` (same name, encoding and delimiter)."""
    want = expected_json(name)
    source = SAMPLES / name
    with source.open(encoding=want["encoding"], newline="") as fh:
        table = list(csv.reader(fh, delimiter=want["delimiter"]))
    i = table[0].index(header)
    path = tmp_path / name
    with path.open("w", encoding=want["encoding"], newline="") as fh:
        csv.writer(fh, delimiter=want["delimiter"], lineterminator="\n").writerows(r[:i] + r[i + 1:] for r in table)
    return path


@pytest.mark.parametrize(("name", "header"), [
    ("eccube4_orders.csv", "価格"),  # amount = (価格 + round(価格 × 税率 / 100)) × 個数
    ("ecforce_orders.csv", "顧客番号"),  # customer_id
    ("futureshop_orders.csv", "会員ID"),  # customer_id (guests by メールアドレス（メイン）)
    ("makeshop_orders.csv", "販売価格"),  # amount = 販売価格 × 数量
    ("rakuten_orders.csv", "商品毎税込価格"),  # amount = 商品毎税込価格 × 個数
    ("amazon_fba_shipments_with_buyer_email.txt", "item-price"),  # amount
    ("shopify_orders.csv", "Lineitem price"),  # amount
])
def test_a_missing_required_column_is_named(shop, tmp_path, name, header):
    path = without_column(tmp_path, name, header)
    with pytest.raises(DataError) as info:
        shop.import_files([path])
    assert [(p.file, p.check, p.column) for p in info.value.problems] == [(name, "missing_column", header)]
    assert f"必須の列 {header} がありません" in info.value.render("ja")
    assert all(t.rows == 0 for t in shop.status().tables)  # nothing stored


@pytest.mark.parametrize(("name", "header"), [("eccube4_orders.csv", "注文ID"), ("eccube4_orders.csv", "受注日")])
def test_a_missing_order_id_or_date_is_named(shop, tmp_path, name, header):
    with pytest.raises(DataError) as info:
        shop.import_files([without_column(tmp_path, name, header)])
    assert len(info.value.problems) == 1 and info.value.problems[0].column.endswith(f"← '{header}'")
    assert header in info.value.render("en")


def test_every_sample_matches_one_signature_only():
    """No sample holds a second preset's signature, and the common Japanese headers of the ja preset hold none."""
    from teiki.io.readers import open_source

    signed = [p for p in presets.presets().values() if p.signature]
    for path in sorted(SAMPLES.glob("*.*")):
        if path.suffix not in (".csv", ".txt"):
            continue
        headers = set(open_source(path).headers)
        assert len([p for p in signed if set(p.signature) <= headers]) == 1, path.name
    ja = presets.presets()["ja"].data
    ja_headers = {h for body in ja.values() if isinstance(body, dict)
                  for c in body.get("columns", {}).values() for h in ([c] if isinstance(c, str) else c)}
    assert not [p.name for p in signed if set(p.signature) <= ja_headers]


# --------------------------------------------------------------------------- as a user runs it: the command line

SAMPLE_FILES = sorted(p.name for p in SAMPLES.glob("*.*") if p.suffix in (".csv", ".txt"))


def teiki_cli(*args: str) -> subprocess.CompletedProcess:
    """``teiki`` as a user runs it (the console script's entry point, in a fresh process)."""
    return subprocess.run([sys.executable, "-c", "from teiki.cli import run; run()", *args], capture_output=True,
                          text=True, timeout=180, env={**os.environ, "TEIKI_LANG": "en", "COLUMNS": "200"})


@pytest.mark.slow
def test_every_sample_from_the_command_line_no_traceback_never_customers_or_products(tmp_path):
    """Each sample, and each with its second column removed, through ``teiki import`` and ``--explain``: an exit
    code and a message, never a traceback; an orders layout is never stored as customers or products."""
    for name in SAMPLE_FILES:
        db = str(tmp_path / f"{name}.duckdb")
        broken = without_column(tmp_path, name, _headers(name)[1])
        for path in (SAMPLES / name, broken):
            for args in (["import", "--explain", str(path)], ["--db", db, "import", str(path)]):
                done = teiki_cli(*args)
                assert "Traceback" not in done.stderr + done.stdout, (args, done.stderr[-2000:])
                assert done.returncode in (0, 1), (args, done.returncode, done.stderr[-500:])
                assert done.returncode == 0 or "teiki:" in done.stderr, (args, done.stderr[-500:])
        layout = presets.recognise(_headers(name))
        if layout is not None and layout.data.get("tables") == ["orders"]:
            with teiki.open(db, read_only=True) as shop:
                assert shop.store.count("customers") == 0 and shop.store.count("products") == 0, name


def _headers(name: str) -> list[str]:
    want = expected_json(name)
    with (SAMPLES / name).open(encoding=want["encoding"], newline="") as fh:
        return next(csv.reader(fh, delimiter=want["delimiter"]))


def test_explain_names_layout_columns_samples_and_skipped_rows(tmp_path):
    done = teiki_cli("import", "--explain", str(SAMPLES / "eccube4_orders.csv"))
    assert done.returncode == 0, done.stderr
    assert "eccube4_orders.csv: EC-CUBE 4 order CSV (受注CSV) → orders" in done.stdout
    assert "12 row(s) skipped: 送料の行" in done.stdout and "Nothing was written." in done.stdout
    assert not (tmp_path / "teiki.duckdb").exists()
    data = json.loads(teiki_cli("import", "--explain", "--format", "json", str(SAMPLES / "makeshop_orders.csv")).stdout)
    [explained] = data
    columns = {c["column"]: c for c in explained["columns"]}
    assert explained["table"] == "orders" and explained["layout"] == "MakeShop 注文データCSV"
    assert columns["ordered_at"]["source"] == "= datetime([日付], [注文時間])"
    assert columns["ordered_at"]["samples"][0] == "2024-04-01 09:05:03"  # 日付 2024/4/1 + 注文時間 090503


def test_a_cart_export_missing_a_signature_header_is_refused_naming_it(shop, tmp_path):
    """futureshop's export without 受注コード no longer has the whole signature: it is not read as plain headers
    (where its 商品番号 would make it products), but refused naming the layout and the missing header."""
    path = without_column(tmp_path, "futureshop_orders.csv", "受注コード")
    with pytest.raises(InputError) as info:
        shop.import_files([path])
    text = info.value.render("en")
    assert "futureshop 受注データCSV (FutureShop2形式) (futureshop_orders): 受注コード" in text
    assert "--preset futureshop_orders" in text
    assert all(t.rows == 0 for t in shop.status().tables)


def test_an_orders_file_named_like_customers_is_stored_as_orders(shop, tmp_path):
    """The file name says customers, the columns say orders (an id, a date, products and amounts): orders."""
    path = write_csv(tmp_path / "customers_orders_2024.csv", ["order_id", "customer_id", "ordered_at", "product_id",
                                                              "quantity", "amount"],
                     [["O1", "C1", "2024-01-05", "P1", 1, 1980], ["O2", "C2", "2024-01-06", "P1", 2, 3960]])
    [table] = shop.import_files([path]).tables
    assert table.table == "orders" and shop.store.count("customers") == 0 and shop.store.count("orders") == 2


def test_recharge_subscriptions_meet_the_shopify_orders_customers(shop):
    """Recharge's export (column names of its Subscription object; docs/carts/recharge.md): 4 subscriptions, 1
    cancelled (41000002, Too expensive), cycles month × 1 = 30, week × 2 = 14, day × 45 = 45; times UTC → JST; the
    customers keyed as the shopify preset keys them, so both files meet on the same people."""
    result = shop.import_files([SAMPLES / "shopify_orders.csv", SAMPLES / "recharge_subscriptions.csv"])
    assert {t.table: t.layouts for t in result.tables}["subscriptions"] == ["Recharge 定期購入エクスポート (Shopify)"]
    subs = {r["subscription_id"]: r for r in rows(shop, "subscriptions")}
    assert {k: (r["cycle_days"], r["cancelled_at"] is not None) for k, r in subs.items()} == {
        "41000001": (30, False), "41000002": (30, True), "41000003": (14, False), "41000004": (45, False)}
    assert str(subs["41000001"]["started_at"]) == "2025-01-08 09:12:03"  # 00:12:03 UTC
    assert subs["41000002"]["cancel_reason"] == "Too expensive: まだ残っている"
    buyers = {r["customer_id"] for r in rows(shop, "orders")}
    # sato, tanaka and watanabe (" Watanabe.Aoi@Example.JP " normalised) bought in the Shopify file too
    assert {subs[k]["customer_id"] for k in ("41000001", "41000002", "41000003")} <= buyers
    assert subs["41000004"]["customer_id"] == "recharge:87000004"  # no e-mail: Recharge's own customer id
    # Shopify's orders carry no subscription id: no delivery is linked, so retention has no curve to draw
    k = shop.kpis()
    assert k.subscriptions == {"started": 4, "active": 3, "cancelled": 1, "cancelled_before_first_delivery": None}
    assert k.retention_by_delivery["2"] is None and k.retention_at_risk["2"] is None
