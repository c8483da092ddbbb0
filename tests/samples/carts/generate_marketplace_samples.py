"""Writes the Shopify / Shopify Subscriptions / 楽天RMS / Amazon JP sample exports in this folder.

Every layout (header names, their order, encoding, delimiter, quoting) follows the sources cited in
docs/carts/{shopify,shopify_subscriptions,rakuten,amazon_jp}.md; every person, address, e-mail and id
is invented. The expected KPI values (<sample>.expected.json) are worked out by hand in those md
files, not by this script: the script only writes the files. Run: python generate_marketplace_samples.py
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


# --------------------------------------------------------------------------------------------
# Shopify orders export (Admin → Orders → Export → "Export orders", CSV for Excel/plain CSV)
# 79 columns, order as in current exports (e.g. SuesteCreative/dna-crm orders_export_1.csv, 2025-26).
# --------------------------------------------------------------------------------------------
SHOPIFY_HEADER = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Accepts Marketing",
    "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Shipping Method",
    "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem compare at price",
    "Lineitem sku", "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status",
    "Billing Name", "Billing Street", "Billing Address1", "Billing Address2", "Billing Company", "Billing City",
    "Billing Zip", "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
    "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes", "Cancelled at",
    "Payment Method", "Payment Reference", "Refunded Amount", "Vendor", "Outstanding Balance", "Employee",
    "Location", "Device ID", "Id", "Tags", "Risk Level", "Source", "Lineitem discount", "Tax 1 Name",
    "Tax 1 Value", "Tax 2 Name", "Tax 2 Value", "Tax 3 Name", "Tax 3 Value", "Tax 4 Name", "Tax 4 Value",
    "Tax 5 Name", "Tax 5 Value", "Phone", "Receipt Number", "Duties", "Billing Province Name",
    "Shipping Province Name", "Payment ID", "Payment Terms Name", "Next Payment Due At", "Payment References",
]
assert len(SHOPIFY_HEADER) == 79

# Columns that real exports write as "" (an explicitly quoted empty string) on an order's first row.
SHOPIFY_QUOTED_EMPTY = {"Discount Code", "Shipping Method", "Note Attributes", "Tags"}

PRODUCTS = {
    "KK-TRIAL": ("薬用スキンケア トライアルセット", 980),
    "KK-SERUM": ("薬用美容液 30mL", 4980),
    "KK-SERUM-T": ("薬用美容液 30mL（定期便）", 4480),
    "KK-CLEANSE": ("薬用洗顔フォーム 120g", 1650),
    "KK-MASK": ("シートマスク 5枚入", 2200),
}

PEOPLE = {
    "sato": ("佐藤 花子", "sato.hanako@example.jp", "渋谷区神宮前1-2-3", "渋谷区", "150-0001", "JP-13", "Tokyo", "090-1111-2222"),
    "suzuki": ("鈴木 結衣", "suzuki.yui@example.com", "北区梅田2-4-9", "大阪市", "530-0001", "JP-27", "Osaka", "080-2222-3333"),
    "takahashi": ("高橋 芽衣", "takahashi.mei@example.jp", "中区栄3-5-1", "名古屋市", "460-0008", "JP-23", "Aichi", "070-3333-4444"),
    "tanaka": ("田中 里奈", "tanaka.rina@example.net", "中央区天神1-1-1", "福岡市", "810-0001", "JP-40", "Fukuoka", "090-4444-5555"),
    "watanabe": ("渡辺 葵", "watanabe.aoi@example.jp", "中央区北1条西2丁目", "札幌市", "060-0001", "JP-01", "Hokkaidō", "080-5555-6666"),
    "ito": ("伊藤 咲", "ito.saki@example.com", "青葉区一番町1-2", "仙台市", "980-0811", "JP-04", "Miyagi", "070-6666-7777"),
    "yamamoto": ("山本 佳奈", "yamamoto.kana@example.jp", "中区本通1-1", "広島市", "730-0035", "JP-34", "Hiroshima", "090-7777-8888"),
    "kobayashi": ("小林 由奈", "kobayashi.yuna@example.com", "中京区烏丸通1-1", "京都市", "604-8001", "JP-26", "Kyoto", "080-8888-9999"),
}

TAX_NAME = "JP 消費税 10%"


def included_tax(amount: int) -> int:
    """Consumption tax contained in a tax-inclusive JPY amount (10%), rounded half up."""
    return int(amount * 10 / 110 + 0.5)


# name, person, created, financial, paid_at, fulfillment, fulfilled_at, lines[(sku, qty, line_discount)],
# shipping, discount_code, discount_amount, cancelled_at, refunded, source, payment, order id
SHOPIFY_ORDERS = [
    ("#1001", "sato", "2025-01-08 09:12:03 +0900", "paid", "2025-01-08 09:12:05 +0900", "fulfilled",
     "2025-01-09 14:00:11 +0900", [("KK-TRIAL", 1, 0)], 0, "", 0, "", 0, "web", "Shopify Payments", 6001000000001),
    ("#1002", "suzuki", "2025-01-15 20:41:10 +0900", "paid", "2025-01-15 20:41:12 +0900", "fulfilled",
     "2025-01-16 11:30:00 +0900", [("KK-SERUM", 1, 0), ("KK-CLEANSE", 1, 0)], 0, "", 0, "", 0, "web",
     "Shopify Payments", 6001000000002),
    ("#1003", "takahashi", "2025-01-20 11:05:44 +0900", "voided", "", "unfulfilled", "", [("KK-SERUM", 1, 0)],
     0, "", 0, "2025-01-20 18:30:02 +0900", 0, "web", "Shopify Payments", 6001000000003),
    ("#1004", "sato", "2025-02-07 09:30:00 +0900", "paid", "2025-02-07 09:30:02 +0900", "fulfilled",
     "2025-02-08 10:00:00 +0900", [("KK-SERUM-T", 1, 0)], 0, "", 0, "", 0, "web", "Shopify Payments", 6001000000004),
    ("#1005", "tanaka", "2025-02-10 13:22:31 +0900", "refunded", "2025-02-10 13:22:33 +0900", "fulfilled",
     "2025-02-11 09:15:00 +0900", [("KK-SERUM", 1, 0)], 0, "", 0, "", 4980, "web", "Shopify Payments",
     6001000000005),
    ("#1006", "watanabe", "2025-02-14 22:10:09 +0900", "paid", "2025-02-14 22:10:11 +0900", "fulfilled",
     "2025-02-15 16:20:00 +0900", [("KK-SERUM", 1, 0)], 0, "WELCOME500", 500, "", 0, "web", "Shopify Payments",
     6001000000006),
    ("#1007", "ito", "2025-02-20 08:05:17 +0900", "paid", "2025-02-20 08:05:19 +0900", "fulfilled",
     "2025-02-21 10:40:00 +0900", [("KK-SERUM-T", 1, 0)], 0, "", 0, "", 0, "web", "Shopify Payments",
     6001000000007),
    ("#1008", "yamamoto", "2025-02-25 19:45:00 +0900", "pending", "", "unfulfilled", "", [("KK-CLEANSE", 1, 0)],
     550, "", 0, "", 0, "web", "Bank Deposit", 6001000000008),
    ("#1009", "sato", "2025-03-07 09:30:05 +0900", "paid", "2025-03-07 09:30:06 +0900", "fulfilled",
     "2025-03-08 10:05:00 +0900", [("KK-SERUM-T", 1, 0)], 0, "", 0, "", 0, "subscription_contract",
     "Shopify Payments", 6001000000009),
    ("#1010", "suzuki", "2025-03-09 12:00:40 +0900", "paid", "2025-03-09 12:00:42 +0900", "fulfilled",
     "2025-03-10 15:00:00 +0900", [("KK-MASK", 1, 0)], 550, "", 0, "", 0, "web", "Shopify Payments",
     6001000000010),
    ("#1011", "tanaka", "2025-03-12 10:10:10 +0900", "paid", "2025-03-12 10:10:12 +0900", "fulfilled",
     "2025-03-13 09:00:00 +0900", [("KK-TRIAL", 1, 0)], 0, "", 0, "", 0, "web", "Shopify Payments", 6001000000011),
    ("#1012", "ito", "2025-03-20 08:05:20 +0900", "paid", "2025-03-20 08:05:21 +0900", "unfulfilled", "",
     [("KK-SERUM-T", 1, 0)], 0, "", 0, "", 0, "subscription_contract", "Shopify Payments", 6001000000012),
    ("#1013", "kobayashi", "2025-03-28 16:48:02 +0900", "paid", "2025-03-28 16:48:04 +0900", "fulfilled",
     "2025-03-29 11:11:00 +0900", [("KK-CLEANSE", 2, 0)], 0, "", 0, "", 0, "web", "Shopify Payments",
     6001000000013),
]


def shopify_rows() -> list[dict[str, str]]:
    rows = []
    for (name, who, created, financial, paid_at, fulfillment, fulfilled_at, lines, shipping, code, disc,
         cancelled_at, refunded, source, payment, oid) in SHOPIFY_ORDERS:
        person, email, street, city, zipc, prov, prov_name, phone = PEOPLE[who]
        subtotal = sum(PRODUCTS[s][1] * q - d for s, q, d in lines) - disc
        total = subtotal + shipping
        taxes = included_tax(subtotal) + included_tax(shipping)
        ref = f"r{oid % 100000:05d}KiReiLabPayRef"
        outstanding = total if financial == "pending" else 0
        line_status = "fulfilled" if fulfillment == "fulfilled" else ("restocked" if fulfillment == "restocked" else "pending")
        for i, (sku, qty, ldisc) in enumerate(lines):
            title, price = PRODUCTS[sku]
            row = {h: "" for h in SHOPIFY_HEADER}
            row.update({
                "Name": name, "Email": email, "Created at": created, "Lineitem quantity": str(qty),
                "Lineitem name": title, "Lineitem price": str(price), "Lineitem sku": sku,
                "Lineitem requires shipping": "true", "Lineitem taxable": "true",
                "Lineitem fulfillment status": line_status, "Vendor": "Kirei Lab", "Lineitem discount": str(ldisc),
            })
            if i == 0:
                row.update({
                    "Financial Status": financial, "Paid at": paid_at, "Fulfillment Status": fulfillment,
                    "Fulfilled at": fulfilled_at, "Accepts Marketing": "yes" if who in ("sato", "ito", "suzuki") else "no",
                    "Currency": "JPY", "Subtotal": str(subtotal), "Shipping": str(shipping), "Taxes": str(taxes),
                    "Total": str(total), "Discount Code": code, "Discount Amount": str(disc),
                    "Shipping Method": "通常配送", "Billing Name": person, "Billing Street": street,
                    "Billing Address1": street, "Billing City": city, "Billing Zip": zipc, "Billing Province": prov,
                    "Billing Country": "JP", "Billing Phone": phone, "Shipping Name": person,
                    "Shipping Street": street, "Shipping Address1": street, "Shipping City": city,
                    "Shipping Zip": zipc, "Shipping Province": prov, "Shipping Country": "JP",
                    "Shipping Phone": phone, "Cancelled at": cancelled_at, "Payment Method": payment,
                    "Payment Reference": ref if payment == "Shopify Payments" else "",
                    "Refunded Amount": str(refunded), "Outstanding Balance": str(outstanding), "Id": str(oid),
                    "Risk Level": "Low", "Source": source, "Tax 1 Name": TAX_NAME, "Tax 1 Value": str(taxes),
                    "Billing Province Name": prov_name, "Shipping Province Name": prov_name,
                    "Payment ID": ref if payment == "Shopify Payments" else "",
                    "Payment References": ref if payment == "Shopify Payments" else "",
                })
            rows.append(row)
    return rows


def shopify_cell(header: str, value: str, first_row: bool) -> str:
    if value == "" and first_row and header in SHOPIFY_QUOTED_EMPTY:
        return '""'
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_shopify_orders() -> None:
    out = io.StringIO()
    out.write(",".join(SHOPIFY_HEADER) + "\n")
    seen: set[str] = set()
    for row in shopify_rows():
        first = row["Name"] not in seen
        seen.add(row["Name"])
        out.write(",".join(shopify_cell(h, row[h], first) for h in SHOPIFY_HEADER) + "\n")
    (HERE / "shopify_orders.csv").write_bytes(out.getvalue().encode("utf-8"))


# --------------------------------------------------------------------------------------------
# Shopify Subscriptions app: contract CSV (import/export), 28 columns as in Shopify's template.
# --------------------------------------------------------------------------------------------
SHOPIFY_SUB_HEADER = [
    "handle", "upcoming_billing_date", "customer_id", "currency_code", "status", "cadence_interval",
    "cadence_interval_count", "customer_payment_method_id", "delivery_price", "delivery_method_type",
    "delivery_address_first_name", "delivery_address_last_name", "delivery_address_address1",
    "delivery_address_address2", "delivery_address_city", "delivery_address_province_code",
    "delivery_address_country_code", "delivery_address_company", "delivery_address_zip", "delivery_address_phone",
    "delivery_local_delivery_phone", "delivery_local_delivery_instructions", "delivery_pickup_method_location_id",
    "line_variant_id", "line_quantity", "line_current_price", "line_selling_plan_id", "line_selling_plan_name",
]
assert len(SHOPIFY_SUB_HEADER) == 28

SELLING_PLAN_1M = ("3607724001", "定期便（毎月お届け・10%OFF）")
SELLING_PLAN_2M = ("3607724002", "定期便（2ヶ月ごとお届け・10%OFF）")

# handle, person, customer_id, upcoming, status, interval, count, lines[(variant, qty, price, plan)]
SHOPIFY_CONTRACTS = [
    ("sato-serum-2025", "sato", "7001000000001", "2025-04-07T00:30:00Z", "ACTIVE", "MONTH", "1",
     [("45010002", "1", "4480", SELLING_PLAN_1M)]),
    ("ito-serum-2025", "ito", "7001000000006", "2025-04-19T23:05:00Z", "ACTIVE", "MONTH", "1",
     [("45010002", "1", "4480", SELLING_PLAN_1M), ("45010003", "1", "1485", SELLING_PLAN_1M)]),
    ("kobayashi-cleanse-2025", "kobayashi", "7001000000008", "2025-05-28T07:48:00Z", "PAUSED", "MONTH", "2",
     [("45010003", "2", "1485", SELLING_PLAN_2M)]),
    ("watanabe-serum-2025", "watanabe", "7001000000005", "2025-03-14T13:10:00Z", "CANCELLED", "MONTH", "1",
     [("45010002", "1", "4480", SELLING_PLAN_1M)]),
]


def write_shopify_subscriptions() -> None:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(SHOPIFY_SUB_HEADER)
    for handle, who, cust, upcoming, status, interval, count, lines in SHOPIFY_CONTRACTS:
        person, _email, street, city, zipc, prov, _pn, phone = PEOPLE[who]
        last, first = person.split(" ")
        for i, (variant, qty, price, (plan_id, plan_name)) in enumerate(lines):
            row = {h: "" for h in SHOPIFY_SUB_HEADER}
            row.update({"handle": handle, "line_variant_id": variant, "line_quantity": qty,
                        "line_current_price": price, "line_selling_plan_id": plan_id,
                        "line_selling_plan_name": plan_name})
            if i == 0:
                row.update({
                    "upcoming_billing_date": upcoming, "customer_id": cust, "currency_code": "JPY",
                    "status": status, "cadence_interval": interval, "cadence_interval_count": count,
                    "customer_payment_method_id": f"{int(cust) * 7919 % 10**12:012x}{handle[:4]}",
                    "delivery_price": "0", "delivery_method_type": "SHIPPING",
                    "delivery_address_first_name": first, "delivery_address_last_name": last,
                    "delivery_address_address1": street, "delivery_address_city": city,
                    "delivery_address_province_code": prov, "delivery_address_country_code": "JP",
                    "delivery_address_zip": zipc, "delivery_address_phone": "+81" + phone.replace("-", "")[1:],
                })
            w.writerow([row[h] for h in SHOPIFY_SUB_HEADER])
    (HERE / "shopify_subscriptions.csv").write_bytes(out.getvalue().encode("utf-8"))


# --------------------------------------------------------------------------------------------
# 楽天RMS 受注データ (楽天ペイ) 「全カラムダウンロード用」: 158 columns, CP932, every field quoted, CRLF.
# Column list/order: jmleejake/csvProject RakutenVO.java @CsvBindByPosition 0..157.
# --------------------------------------------------------------------------------------------
RAKUTEN_HEADER = [
    "注文番号", "ステータス", "サブステータスID", "サブステータス", "注文日時", "注文日", "注文時間", "キャンセル期限日",
    "注文確認日時", "注文確定日時", "発送指示日時", "発送完了報告日時", "支払方法名", "クレジットカード支払い方法",
    "クレジットカード支払い回数", "配送方法", "配送区分", "注文種別", "複数送付先フラグ", "送付先一致フラグ", "離島フラグ",
    "楽天確認中フラグ", "警告表示タイプ", "楽天会員フラグ", "購入履歴修正有無フラグ", "商品合計金額", "消費税合計", "送料合計",
    "代引料合計", "請求金額", "合計金額", "ポイント利用額", "クーポン利用総額", "店舗発行クーポン利用額", "楽天発行クーポン利用額",
    "注文者郵便番号1", "注文者郵便番号2", "注文者住所都道府県", "注文者住所郡市区", "注文者住所それ以降の住所", "注文者姓",
    "注文者名", "注文者姓カナ", "注文者名カナ", "注文者電話番号1", "注文者電話番号2", "注文者電話番号3", "注文者メールアドレス",
    "注文者性別", "申込番号", "申込お届け回数", "送付先ID", "送付先送料", "送付先代引料", "送付先消費税合計", "送付先商品合計金額",
    "送付先合計金額", "のし", "送付先郵便番号1", "送付先郵便番号2", "送付先住所都道府県", "送付先住所郡市区",
    "送付先住所それ以降の住所", "送付先姓", "送付先名", "送付先姓カナ", "送付先名カナ", "送付先電話番号1", "送付先電話番号2",
    "送付先電話番号3", "商品明細ID", "商品ID", "商品名", "商品番号", "商品管理番号", "単価", "個数", "送料込別", "税込別",
    "代引手数料込別", "項目・選択肢", "ポイント倍率", "納期情報", "在庫タイプ", "ラッピングタイトル1", "ラッピング名1",
    "ラッピング料金1", "ラッピング税込別1", "ラッピング種類1", "ラッピングタイトル2", "ラッピング名2", "ラッピング料金2",
    "ラッピング税込別2", "ラッピング種類2", "お届け時間帯", "お届け日指定", "担当者", "ひとことメモ",
    "メール差込文 (お客様へのメッセージ)", "ギフト配送希望", "コメント", "利用端末", "メールキャリアコード", "あす楽希望フラグ",
    "医薬品受注フラグ", "楽天スーパーDEAL商品受注フラグ", "メンバーシッププログラム受注タイプ", "決済手数料", "注文者負担金合計",
    "店舗負担金合計", "外税合計", "決済手数料税率", "ラッピング税率1", "ラッピング税額1", "ラッピング税率2", "ラッピング税額2",
    "送付先外税合計", "送付先送料税率", "送付先代引料税率", "商品税率", "商品毎税込価格", "10%税率", "10%請求金額",
    "10%請求額に対する税額", "10%合計金額", "10%決済手数料", "10%クーポン割引額", "10%利用ポイント数", "8%税率", "8%請求金額",
    "8%請求額に対する税額", "8%合計金額", "8%決済手数料", "8%クーポン割引額", "8%利用ポイント数", "0%税率", "0%請求金額",
    "0%請求額に対する税額", "0%合計金額", "0%決済手数料", "0%クーポン割引額", "0%利用ポイント数", "単品配送フラグ",
    "購入時配送会社", "領収書発行回数", "領収書初回発行日時", "領収書最終発行日時", "支払い期限日", "支払い方法変更期限日",
    "返金手続き期限日", "店舗発行クーポンコード", "店舗発行クーポン名", "楽天発行クーポンコード", "楽天発行クーポン名",
    "警告表示タイプ詳細", "SKU管理番号", "システム連携用SKU番号", "SKU情報",
]
assert len(RAKUTEN_HEADER) == 158

RAKUTEN_ITEMS = {  # 商品番号: (商品ID, 商品管理番号, 商品名, 税込単価)
    "KK-TRIAL": ("10000004", "kk-trial", "【公式】薬用スキンケア トライアルセット 送料無料", 980),
    "KK-SERUM": ("10000001", "kk-serum", "【公式】薬用美容液 30mL", 4980),
    "KK-SERUM-T": ("10000002", "kk-serum-teiki", "【定期購入】薬用美容液 30mL 毎月お届け 10%OFF", 4480),
    "KK-CLEANSE": ("10000003", "kk-cleanse", "【公式】薬用洗顔フォーム 120g", 1650),
}

RAKUTEN_BUYERS = {  # key: (姓, 名, セイ, メイ, masked e-mail, 〒1, 〒2, 都道府県, 郡市区, 以降, tel1, tel2, tel3)
    "A": ("山田", "美咲", "ヤマダ", "ミサキ", "3f9a6c2e1b7d4a80@pc.fw.rakuten.ne.jp", "150", "0001", "東京都", "渋谷区", "神宮前1-2-3", "090", "1234", "0001"),
    "B": ("中村", "優子", "ナカムラ", "ユウコ", "a81c0e55d2f94b17@pc.fw.rakuten.ne.jp", "530", "0001", "大阪府", "大阪市北区", "梅田2-4-9", "080", "1234", "0002"),
    "C": ("小林", "真由", "コバヤシ", "マユ", "5d0b7e3a9c1f2468@pc.fw.rakuten.ne.jp", "460", "0008", "愛知県", "名古屋市中区", "栄3-5-1", "070", "1234", "0003"),
    "D": ("加藤", "恵", "カトウ", "メグミ", "c4e2a9107b3d58f6@pc.fw.rakuten.ne.jp", "810", "0001", "福岡県", "福岡市中央区", "天神1-1-1", "090", "1234", "0004"),
    "E": ("吉田", "彩", "ヨシダ", "アヤ", "0f7d3b2e8a6c1594@pc.fw.rakuten.ne.jp", "060", "0001", "北海道", "札幌市中央区", "北1条西2丁目", "080", "1234", "0005"),
    "F": ("松本", "千尋", "マツモト", "チヒロ", "e9a1c6d4b0f37258@pc.fw.rakuten.ne.jp", "980", "0811", "宮城県", "仙台市青葉区", "一番町1-2", "070", "1234", "0006"),
    "G": ("井上", "結衣", "イノウエ", "ユイ", "7b5e0c9d2a4f1836@pc.fw.rakuten.ne.jp", "730", "0035", "広島県", "広島市中区", "本通1-1", "090", "1234", "0007"),
}

# 注文番号 suffix, date, time, buyer, status, type, 申込番号 suffix, 回数, lines[(商品番号, 個数)], shipped report datetime
RAKUTEN_ORDERS = [
    ("20250108-0000100001", "2025-01-08", "21:03:15", "A", "発送済", "通常購入", "", "", [("KK-TRIAL", 1)], "2025-01-09 15:00:00"),
    ("20250112-0000100002", "2025-01-12", "10:48:02", "B", "支払手続き済", "通常購入", "", "", [("KK-SERUM", 1), ("KK-CLEANSE", 1)], "2025-01-13 14:10:00"),
    ("20250118-0000100003", "2025-01-18", "07:30:44", "C", "発送済", "定期購入", "20250118-00000101-r", "1", [("KK-SERUM-T", 1)], "2025-01-19 13:00:00"),
    ("20250125-0000100004", "2025-01-25", "23:55:10", "D", "キャンセル確定", "通常購入", "", "", [("KK-SERUM", 1)], ""),
    ("20250203-0000100005", "2025-02-03", "12:12:12", "A", "発送済", "定期購入", "20250203-00000102-r", "1", [("KK-SERUM-T", 1)], "2025-02-04 12:00:00"),
    ("20250210-0000100006", "2025-02-10", "18:20:30", "E", "キャンセル確定", "通常購入", "", "", [("KK-SERUM", 1)], "2025-02-11 10:30:00"),
    ("20250218-0000100007", "2025-02-18", "00:00:05", "C", "発送済", "定期購入", "20250118-00000101-r", "2", [("KK-SERUM-T", 1)], "2025-02-19 13:00:00"),
    ("20250222-0000100008", "2025-02-22", "09:09:09", "F", "発送待ち", "通常購入", "", "", [("KK-CLEANSE", 2)], ""),
    ("20250303-0000100009", "2025-03-03", "00:00:03", "A", "発送済", "定期購入", "20250203-00000102-r", "2", [("KK-SERUM-T", 1)], "2025-03-04 12:00:00"),
    ("20250305-0000100010", "2025-03-05", "20:41:00", "B", "注文確認待ち", "通常購入", "", "", [("KK-TRIAL", 1)], ""),
    ("20250318-0000100011", "2025-03-18", "00:00:04", "C", "発送済", "定期購入", "20250118-00000101-r", "3", [("KK-SERUM-T", 1)], "2025-03-19 13:00:00"),
    ("20250320-0000100012", "2025-03-20", "14:05:55", "G", "キャンセル確定", "定期購入", "20250320-00000103-r", "1", [("KK-SERUM-T", 1)], ""),
]
SHOP_ID = "391234"


def rakuten_rows() -> list[list[str]]:
    rows = []
    detail_id = 900000100
    for n, (suffix, date, time, buyer, status, otype, reserve, count, lines, shipped_at) in enumerate(RAKUTEN_ORDERS, 1):
        (sei, mei, seik, meik, mail, z1, z2, pref, city, rest, t1, t2, t3) = RAKUTEN_BUYERS[buyer]
        goods = sum(RAKUTEN_ITEMS[no][3] * qty for no, qty in lines)
        tax = included_tax(goods)
        confirmed = "" if status == "注文確認待ち" else f"{date} {time[:2]}:59:00"
        for no, qty in lines:
            detail_id += 1
            item_id, manage_no, item_name, price = RAKUTEN_ITEMS[no]
            r = {h: "" for h in RAKUTEN_HEADER}
            r.update({
                "注文番号": f"{SHOP_ID}-{suffix}", "ステータス": status, "注文日時": f"{date} {time}", "注文日": date,
                "注文時間": time, "キャンセル期限日": "", "注文確認日時": confirmed,
                "注文確定日時": confirmed if status not in ("注文確認待ち",) else "",
                "発送指示日時": confirmed if shipped_at else "", "発送完了報告日時": shipped_at,
                "支払方法名": "クレジットカード", "クレジットカード支払い方法": "一括払い", "クレジットカード支払い回数": "",
                "配送方法": "宅配便", "配送区分": "", "注文種別": otype, "複数送付先フラグ": "0", "送付先一致フラグ": "1",
                "離島フラグ": "0", "楽天確認中フラグ": "0", "警告表示タイプ": "0", "楽天会員フラグ": "1",
                "購入履歴修正有無フラグ": "0", "商品合計金額": str(goods), "消費税合計": str(tax), "送料合計": "0",
                "代引料合計": "0", "請求金額": str(goods), "合計金額": str(goods), "ポイント利用額": "0",
                "クーポン利用総額": "0", "店舗発行クーポン利用額": "0", "楽天発行クーポン利用額": "0",
                "注文者郵便番号1": z1, "注文者郵便番号2": z2, "注文者住所都道府県": pref, "注文者住所郡市区": city,
                "注文者住所それ以降の住所": rest, "注文者姓": sei, "注文者名": mei, "注文者姓カナ": seik,
                "注文者名カナ": meik, "注文者電話番号1": t1, "注文者電話番号2": t2, "注文者電話番号3": t3,
                "注文者メールアドレス": mail, "注文者性別": "", "申込番号": f"{SHOP_ID}-{reserve}" if reserve else "",
                "申込お届け回数": count, "送付先ID": str(70000000 + n), "送付先送料": "0", "送付先代引料": "0",
                "送付先消費税合計": str(tax), "送付先商品合計金額": str(goods), "送付先合計金額": str(goods),
                "送付先郵便番号1": z1, "送付先郵便番号2": z2, "送付先住所都道府県": pref, "送付先住所郡市区": city,
                "送付先住所それ以降の住所": rest, "送付先姓": sei, "送付先名": mei, "送付先姓カナ": seik,
                "送付先名カナ": meik, "送付先電話番号1": t1, "送付先電話番号2": t2, "送付先電話番号3": t3,
                "商品明細ID": str(detail_id), "商品ID": item_id, "商品名": item_name, "商品番号": no,
                "商品管理番号": manage_no, "単価": str(price), "個数": str(qty), "送料込別": "1", "税込別": "1",
                "代引手数料込別": "0", "ポイント倍率": "1", "納期情報": "1～2日以内に発送予定（店舗休業日を除く）",
                "在庫タイプ": "1", "利用端末": "11", "メールキャリアコード": "0", "あす楽希望フラグ": "0",
                "医薬品受注フラグ": "0", "楽天スーパーDEAL商品受注フラグ": "0", "メンバーシッププログラム受注タイプ": "0",
                "決済手数料": "0", "注文者負担金合計": "0", "店舗負担金合計": "0", "外税合計": "0",
                "決済手数料税率": "0.1", "送付先外税合計": "0", "送付先送料税率": "0.1", "送付先代引料税率": "0.1",
                "商品税率": "0.1", "商品毎税込価格": str(price), "10%税率": "0.1", "10%請求金額": str(goods),
                "10%請求額に対する税額": str(tax), "10%合計金額": str(goods), "10%決済手数料": "0",
                "10%クーポン割引額": "0", "10%利用ポイント数": "0", "8%税率": "0.08", "8%請求金額": "0",
                "8%請求額に対する税額": "0", "8%合計金額": "0", "8%決済手数料": "0", "8%クーポン割引額": "0",
                "8%利用ポイント数": "0", "0%税率": "0", "0%請求金額": "0", "0%請求額に対する税額": "0",
                "0%合計金額": "0", "0%決済手数料": "0", "0%クーポン割引額": "0", "0%利用ポイント数": "0",
                "単品配送フラグ": "0", "購入時配送会社": "1001", "領収書発行回数": "0", "警告表示タイプ詳細": "",
                "SKU管理番号": "1", "システム連携用SKU番号": no, "SKU情報": "",
            })
            rows.append([r[h] for h in RAKUTEN_HEADER])
    return rows


def write_rakuten_orders() -> None:
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(RAKUTEN_HEADER)
    w.writerows(rakuten_rows())
    (HERE / "rakuten_orders.csv").write_bytes(out.getvalue().encode("cp932"))


# --------------------------------------------------------------------------------------------
# Amazon JP: All Orders report (GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL), tab-separated.
# Columns as listed in the SP-API "Order Tracking reports attributes" page for this report type.
# JP report documents are Shift_JIS (CP932); purchase-date is ISO 8601 in UTC (+00:00).
# --------------------------------------------------------------------------------------------
AMAZON_ALL_HEADER = [
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "order-channel", "ship-service-level", "product-name", "sku", "asin",
    "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price", "shipping-tax",
    "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount", "ship-promotion-discount", "ship-city",
    "ship-state", "ship-postal-code", "ship-country", "promotion-ids", "cpf", "is-business-order",
    "purchase-order-number", "price-designation",
]
assert len(AMAZON_ALL_HEADER) == 32

AMAZON_ITEMS = {  # sku: (asin, product-name, tax-incl unit price)
    "KK-TRIAL": ("B0KKTRIAL1", "Kirei Lab 薬用スキンケア トライアルセット", 980),
    "KK-SERUM": ("B0KKSERUM1", "Kirei Lab 薬用美容液 30mL", 4980),
    "KK-CLEANSE": ("B0KKCLNSE1", "Kirei Lab 薬用洗顔フォーム 120g", 1650),
    "KK-MASK": ("B0KKMASK01", "Kirei Lab シートマスク 5枚入", 2200),
}

AMAZON_SHIP = [  # (city, state, postal)
    ("渋谷区", "東京都", "150-0001"), ("大阪市北区", "大阪府", "530-0001"), ("名古屋市中区", "愛知県", "460-0008"),
    ("福岡市中央区", "福岡県", "810-0001"), ("札幌市中央区", "北海道", "060-0001"), ("仙台市青葉区", "宮城県", "980-0811"),
    ("広島市中区", "広島県", "730-0035"), ("京都市中京区", "京都府", "604-8001"), ("横浜市西区", "神奈川県", "220-0012"),
    ("さいたま市大宮区", "埼玉県", "330-0841"),
]

# id, purchase (UTC), last-updated (UTC), order-status, channel, items[(sku, qty, item-status, priced, promo)], ship idx
AMAZON_ORDERS = [
    ("503-4410001-1000001", "2025-04-01T01:15:22+00:00", "2025-04-02T03:00:10+00:00", "Shipped", "Amazon",
     [("KK-SERUM", 1, "Shipped", True, 0)], 0),
    ("503-4410002-1000002", "2025-04-03T12:40:00+00:00", "2025-04-04T06:12:44+00:00", "Shipped", "Merchant",
     [("KK-SERUM", 1, "Shipped", True, 0), ("KK-CLEANSE", 1, "Shipped", True, 0)], 1),
    ("503-4410003-1000003", "2025-04-05T23:30:10+00:00", "2025-04-08T02:20:00+00:00", "Shipped - Delivered to Buyer",
     "Merchant", [("KK-TRIAL", 1, "Shipped", True, 0)], 2),
    ("503-4410004-1000004", "2025-04-07T09:00:00+00:00", "2025-04-07T09:45:31+00:00", "Cancelled", "Amazon",
     [("KK-SERUM", 1, "Cancelled", False, 0)], 3),
    ("503-4410005-1000005", "2025-04-10T14:59:59+00:00", "2025-04-10T15:05:00+00:00", "Pending", "Amazon",
     [("KK-MASK", 1, "Unshipped", False, 0)], 4),
    ("503-4410006-1000006", "2025-04-12T15:00:00+00:00", "2025-04-13T22:00:00+00:00", "Shipped", "Amazon",
     [("KK-SERUM", 2, "Shipped", True, -996)], 5),
    ("503-4410007-1000007", "2025-04-15T05:20:00+00:00", "2025-04-25T01:00:00+00:00", "Shipped - Returned to Seller",
     "Merchant", [("KK-CLEANSE", 1, "Shipped", True, 0)], 6),
    ("503-4410008-1000008", "2025-04-20T03:05:00+00:00", "2025-04-21T00:30:00+00:00", "Shipped", "Amazon",
     [("KK-MASK", 1, "Shipped", True, 0)], 7),
    ("503-4410009-1000009", "2025-04-25T09:00:00+00:00", "2025-04-26T04:40:00+00:00", "Shipped", "Amazon",
     [("KK-TRIAL", 1, "Shipped", True, 0)], 8),
    ("503-4410010-1000010", "2025-04-30T15:30:00+00:00", "2025-05-01T23:10:00+00:00", "Shipped", "Amazon",
     [("KK-SERUM", 1, "Shipped", True, 0)], 9),
]


def money(v: int) -> str:
    return f"{v}.00" if v >= 0 else f"-{-v}.00"


def write_amazon_all_orders() -> None:
    lines = ["\t".join(AMAZON_ALL_HEADER)]
    for oid, purchase, updated, ostatus, channel, items, ship in AMAZON_ORDERS:
        city, state, postal = AMAZON_SHIP[ship]
        for sku, qty, istatus, priced, promo in items:
            asin, pname, unit = AMAZON_ITEMS[sku]
            row = {h: "" for h in AMAZON_ALL_HEADER}
            row.update({
                "amazon-order-id": oid, "purchase-date": purchase, "last-updated-date": updated,
                "order-status": ostatus, "fulfillment-channel": channel, "sales-channel": "Amazon.co.jp",
                "ship-service-level": "Standard", "product-name": pname, "sku": sku, "asin": asin,
                "item-status": istatus, "quantity": str(qty), "currency": "JPY" if priced else "",
                "item-price": money(unit * qty) if priced else "", "item-tax": "0.00" if priced else "",
                "shipping-price": "0.00" if priced else "", "shipping-tax": "0.00" if priced else "",
                "gift-wrap-price": "", "gift-wrap-tax": "",
                "item-promotion-discount": money(promo) if priced else "",
                "ship-promotion-discount": "0.00" if priced else "", "ship-city": city, "ship-state": state,
                "ship-postal-code": postal, "ship-country": "JP",
                "promotion-ids": "A1KK10OFF2025 10%OFF 2点以上" if promo else "", "is-business-order": "false",
                "price-designation": "",
            })
            lines.append("\t".join(row[h] for h in AMAZON_ALL_HEADER))
    (HERE / "amazon_all_orders.txt").write_bytes(("\n".join(lines) + "\n").encode("cp932"))


# --------------------------------------------------------------------------------------------
# Amazon JP: FBA Amazon Fulfilled Shipments report (GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL).
# The All Orders report has no buyer column; this restricted report is the one that carries
# buyer-email (an anonymised @marketplace.amazon.co.jp relay address). 49 columns, JP layout.
# --------------------------------------------------------------------------------------------
AMAZON_FBA_HEADER = [
    "amazon-order-id", "merchant-order-id", "shipment-id", "shipment-item-id", "amazon-order-item-id",
    "merchant-order-item-id", "purchase-date", "payments-date", "shipment-date", "reporting-date", "buyer-email",
    "buyer-name", "buyer-phone-number", "sku", "product-name", "quantity-shipped", "currency", "item-price",
    "item-tax", "shipping-price", "shipping-tax", "gift-wrap-price", "gift-wrap-tax", "ship-service-level",
    "recipient-name", "ship-address-1", "ship-address-2", "ship-address-3", "ship-city", "ship-state",
    "ship-postal-code", "ship-country", "ship-phone-number", "bill-address-1", "bill-address-2", "bill-address-3",
    "bill-city", "bill-state", "bill-postal-code", "bill-country", "item-promotion-discount",
    "ship-promotion-discount", "carrier", "tracking-number", "estimated-arrival-date", "fulfillment-center-id",
    "fulfillment-channel", "sales-channel", "points-granted",
]
assert len(AMAZON_FBA_HEADER) == 49

FBA_BUYERS = {  # key: (buyer-email, buyer-name, address-1, state, postal)
    "X": ("k3v9q2m7x1b5d8a@marketplace.amazon.co.jp", "青木 美穂", "渋谷区神宮前1-2-3", "東京都", "150-0001"),
    "Y": ("p8t1w6c4n2r9s0e@marketplace.amazon.co.jp", "石井 直子", "大阪市北区梅田2-4-9", "大阪府", "530-0001"),
    "Z": ("z5y7u3i9o1a2s4d@marketplace.amazon.co.jp", "森 さくら", "名古屋市中区栄3-5-1", "愛知県", "460-0008"),
    "W": ("f6g8h0j2k4l6m8n@marketplace.amazon.co.jp", "池田 舞", "福岡市中央区天神1-1-1", "福岡県", "810-0001"),
    "V": ("q1w3e5r7t9y0u2i@marketplace.amazon.co.jp", "橋本 遥", "札幌市中央区北1条西2丁目", "北海道", "060-0001"),
    "U": ("m2n4b6v8c0x1z3l@marketplace.amazon.co.jp", "山下 杏", "仙台市青葉区一番町1-2", "宮城県", "980-0811"),
}

# order, buyer, purchase (JST), shipments[(shipment-id, shipment date, [(sku, qty)])], shipping, ship-promo
FBA_ORDERS = [
    ("250-5520001-3000001", "X", "2025-04-01T10:15:22+09:00", [("DAbc1xYz1", "2025-04-01T18:40:00+09:00", [("KK-SERUM", 1)])], 0, 0),
    ("250-5520002-3000002", "Y", "2025-04-02T21:40:00+09:00", [("DAbc2xYz2", "2025-04-03T09:10:00+09:00", [("KK-SERUM", 1), ("KK-CLEANSE", 1)])], 0, 0),
    ("250-5520003-3000003", "X", "2025-04-09T07:05:48+09:00", [("DAbc3xYz3", "2025-04-09T15:00:00+09:00", [("KK-CLEANSE", 1)])], 0, 0),
    ("250-5520004-3000004", "Z", "2025-04-11T12:30:00+09:00", [("DAbc4xYz4", "2025-04-11T20:00:00+09:00", [("KK-SERUM", 1)]),
                                                               ("DAbc5xYz5", "2025-04-12T08:30:00+09:00", [("KK-SERUM", 1)])], 0, 0),
    ("250-5520005-3000005", "W", "2025-04-14T23:59:00+09:00", [("DAbc6xYz6", "2025-04-15T11:00:00+09:00", [("KK-MASK", 1)])], 350, -350),
    ("250-5520006-3000006", "Y", "2025-04-20T16:16:16+09:00", [("DAbc7xYz7", "2025-04-21T10:00:00+09:00", [("KK-TRIAL", 1)])], 0, 0),
    ("250-5520007-3000007", "V", "2025-04-24T00:20:00+09:00", [("DAbc8xYz8", "2025-04-24T13:45:00+09:00", [("KK-SERUM", 1)])], 0, 0),
    ("250-5520008-3000008", "U", "2025-04-28T19:02:33+09:00", [("DAbc9xYz9", "2025-04-29T09:30:00+09:00", [("KK-TRIAL", 1)])], 0, 0),
]


def write_amazon_fba_shipments() -> None:
    lines = ["\t".join(AMAZON_FBA_HEADER)]
    item_seq = 41000000000000
    ship_item_seq = 0
    for oid, buyer, purchase, shipments, shipping, ship_promo in FBA_ORDERS:
        email, name, addr, state, postal = FBA_BUYERS[buyer]
        first_row_of_order = True
        for shipment_id, shipped, items in shipments:
            for sku, qty in items:
                item_seq += 1117
                ship_item_seq += 1
                _asin, pname, unit = AMAZON_ITEMS[sku]
                row = {h: "" for h in AMAZON_FBA_HEADER}
                row.update({
                    "amazon-order-id": oid, "shipment-id": shipment_id, "shipment-item-id": f"DItm{ship_item_seq:05d}R",
                    "amazon-order-item-id": str(item_seq), "purchase-date": purchase, "payments-date": shipped,
                    "shipment-date": shipped, "reporting-date": shipped,
                    "buyer-email": email, "buyer-name": name, "sku": sku, "product-name": pname,
                    "quantity-shipped": str(qty), "currency": "JPY", "item-price": money(unit * qty),
                    "item-tax": "0.00", "shipping-price": money(shipping if first_row_of_order else 0),
                    "shipping-tax": "0.00", "gift-wrap-price": "0.00", "gift-wrap-tax": "0.00",
                    "ship-service-level": "Standard", "recipient-name": name, "ship-address-1": addr,
                    "ship-city": "--", "ship-state": state, "ship-postal-code": postal, "ship-country": "JP",
                    "item-promotion-discount": "0.00",
                    "ship-promotion-discount": money(ship_promo if first_row_of_order else 0), "carrier": "YAMATO",
                    "tracking-number": f"4436{item_seq % 100000000:08d}", "estimated-arrival-date":
                        shipped[:11] + "20:00:00+09:00", "fulfillment-center-id": "HND3", "fulfillment-channel": "AFN",
                    "sales-channel": "Amazon.co.jp", "points-granted": "0",
                })
                first_row_of_order = False
                lines.append("\t".join(row[h] for h in AMAZON_FBA_HEADER))
    (HERE / "amazon_fba_shipments_with_buyer_email.txt").write_bytes(("\n".join(lines) + "\n").encode("cp932"))


# --------------------------------------------------------------------------------------------
# expected values: copied from the hand-worked tables in docs/carts/*.md
# --------------------------------------------------------------------------------------------
EXPECTED = {
    "shopify_orders.csv": {
        "platform": "shopify", "table": "orders", "encoding": "utf-8", "delimiter": ",",
        "data_rows": 14, "orders_in_file": 13,
        "customers": 6, "orders": 10, "revenue": 36490, "f2_conversion": 0.5,
        "cancelled_orders": 1, "returned_orders": 1,
        "subscriptions_started": None, "subscriptions_cancelled": None,
        "skipped_rows": 1,
        "notes": [
            "customers are keyed by a hash of lower(Email); #1003 (voided + Cancelled at) is cancelled, #1005 "
            "(refunded) is returned, #1008 (pending, Bank Deposit) is not a sale yet and is skipped",
            "revenue is net of the order-level discount code on #1006 (4980 - 500 = 4480); "
            "price x quantity - Lineitem discount alone would give 36990",
            "Shopify's orders export has no subscription id: subscriptions are not derivable from this file "
            "(#1009 and #1012 carry Source = subscription_contract)",
        ],
        "revenue_if_order_level_discounts_ignored": 36990,
    },
    "shopify_subscriptions.csv": {
        "platform": "shopify_subscriptions", "table": "subscriptions", "encoding": "utf-8", "delimiter": ",",
        "data_rows": 5, "contracts": 4,
        "status_counts": {"ACTIVE": 2, "PAUSED": 1, "CANCELLED": 1},
        "cycle_days": {"sato-serum-2025": 30, "ito-serum-2025": 30, "kobayashi-cleanse-2025": 60,
                       "watanabe-serum-2025": 30},
        "subscriptions_started": None, "subscriptions_cancelled": None, "skipped_rows": 0,
        "notes": [
            "the contract CSV has no created/started date, no cancelled date and no e-mail: started/cancelled "
            "counts over time cannot be computed from it; 1 contract has status CANCELLED",
            "customer_id is Shopify's numeric customer id, which the orders export does not contain: "
            "contracts cannot be joined to e-mail-keyed customers without a customers export",
        ],
    },
    "rakuten_orders.csv": {
        "platform": "rakuten_rms", "table": "orders", "encoding": "cp932", "delimiter": ",",
        "data_rows": 13, "orders_in_file": 12,
        "customers": 4, "orders": 9, "revenue": 34290, "f2_conversion": 0.75,
        "cancelled_orders": 2, "returned_orders": 1,
        "subscriptions_started": 3, "subscriptions_with_a_completed_delivery": 2,
        "subscriptions_cancelled": None, "skipped_rows": 0,
        "notes": [
            "customers keyed by a hash of the masked 注文者メールアドレス (assumed stable per buyer: unverified)",
            "キャンセル確定 with 発送完了報告日時 set (…0000100006) is a return; without it a cancellation",
            "発送待ち and 注文確認待ち are counted as completed purchases",
            "subscriptions_started = distinct 申込番号 in the file; cancellations of 定期 are not in this CSV",
        ],
    },
    "amazon_all_orders.txt": {
        "platform": "amazon_jp", "table": "orders", "encoding": "cp932", "delimiter": "\t",
        "data_rows": 11, "orders_in_file": 10,
        "customers": None, "orders": 7, "revenue": 29714, "f2_conversion": None,
        "cancelled_orders": 1, "returned_orders": 1,
        "subscriptions_started": None, "subscriptions_cancelled": None, "skipped_rows": 1,
        "ordered_at_jst": {
            "503-4410001-1000001": "2025-04-01 10:15:22", "503-4410002-1000002": "2025-04-03 21:40:00",
            "503-4410003-1000003": "2025-04-06 08:30:10", "503-4410004-1000004": "2025-04-07 18:00:00",
            "503-4410005-1000005": "2025-04-10 23:59:59", "503-4410006-1000006": "2025-04-13 00:00:00",
            "503-4410007-1000007": "2025-04-15 14:20:00", "503-4410008-1000008": "2025-04-20 12:05:00",
            "503-4410009-1000009": "2025-04-25 18:00:00", "503-4410010-1000010": "2025-05-01 00:30:00",
        },
        "notes": [
            "the report has no buyer identifier: customers and f2_conversion are not computable",
            "line amount = item-price (already the aggregate for the quantity, tax included) + "
            "item-promotion-discount (negative); item-tax is not added",
            "Pending row 503-4410005-1000005 has no price yet and is skipped",
        ],
    },
    "amazon_fba_shipments_with_buyer_email.txt": {
        "platform": "amazon_jp_fba_shipments", "table": "orders", "encoding": "cp932", "delimiter": "\t",
        "data_rows": 10, "orders_in_file": 8,
        "customers": 6, "orders": 8, "revenue": 32360, "f2_conversion": 0.333333,
        "cancelled_orders": 0, "returned_orders": 0,
        "subscriptions_started": None, "subscriptions_cancelled": None, "skipped_rows": 0,
        "ordered_at_jst": {
            "250-5520001-3000001": "2025-04-01 10:15:22", "250-5520005-3000005": "2025-04-14 23:59:00",
        },
        "notes": [
            "one row per shipped item per shipment: 250-5520004-3000004 is one order in two shipments",
            "customers keyed by a hash of buyer-email (anonymised relay address); 2 of 6 buyers ordered twice",
            "timestamps in this JP report carry +09:00 already (unlike the All Orders report's UTC)",
            "only shipped items appear: cancellations and refunds are not in this report",
        ],
    },
}


def write_expected() -> None:
    for sample, data in EXPECTED.items():
        keys = list(data)
        data = {k: data[k] for k in keys[:2]} | {"file": sample} | {k: data[k] for k in keys[2:]}
        (HERE / f"{sample}.expected.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_shopify_orders()
    write_shopify_subscriptions()
    write_rakuten_orders()
    write_amazon_all_orders()
    write_amazon_fba_shipments()
    write_expected()
