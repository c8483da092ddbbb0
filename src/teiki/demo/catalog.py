"""What the demo shop sells and where its customers come from.

Products, ad channels (媒体), subscription plans, cancellation reasons and the
Japanese status labels of the order export. Everything here is data; how it is
used lives in the simulation modules, and the tunable rates in ``params``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from teiki.store.schema import STATUSES

COSMETICS, SUPPLEMENTS = 0, 1  # product lines: a customer stays mostly within one


@dataclass(frozen=True)
class Product:
    """One item of the catalogue (a row of products.csv)."""

    product_id: str
    name: str
    category: str  # one of teiki.store.schema.PRODUCT_CATEGORIES
    unit_price: int  # yen, tax included
    days_supply: int
    gross_margin: float
    line: int  # COSMETICS or SUPPLEMENTS


PRODUCTS: tuple[Product, ...] = (
    Product("T01", "薬用美白美容液 トライアルセット（7日分）", "trial", 1980, 7, 0.30, COSMETICS),
    Product("T02", "酵素サプリ お試しパック（14日分）", "trial", 980, 14, 0.20, SUPPLEMENTS),
    Product("M01", "薬用美白美容液 30mL", "main", 5980, 30, 0.78, COSMETICS),
    Product("M02", "酵素サプリメント 90粒", "main", 4320, 30, 0.72, SUPPLEMENTS),
    Product("M03", "コラーゲンドリンク 30本", "main", 6480, 30, 0.64, SUPPLEMENTS),
    Product("X01", "クレンジングバーム 90g", "cross_sell", 3300, 60, 0.70, COSMETICS),
    Product("X02", "薬用美白クリーム 30g", "cross_sell", 4950, 45, 0.74, COSMETICS),
    Product("X03", "保湿化粧水 150mL", "cross_sell", 3850, 40, 0.70, COSMETICS),
    Product("X04", "UVミルク SPF50+", "cross_sell", 2970, 45, 0.66, COSMETICS),
    Product("X05", "大麦若葉の青汁 30包", "cross_sell", 3240, 30, 0.60, SUPPLEMENTS),
)

PRODUCT_INDEX = {p.product_id: i for i, p in enumerate(PRODUCTS)}

# Which trial leads to which main product, per line, and how likely each is.
TRIAL_OF_LINE = {COSMETICS: "T01", SUPPLEMENTS: "T02"}
MAINS_OF_LINE = {COSMETICS: (("M01", 1.0),), SUPPLEMENTS: (("M02", 0.7), ("M03", 0.3))}
# Cross-sell products offered to a customer of each line, with their weights.
CROSS_SELLS_OF_LINE = {
    COSMETICS: (("X01", 0.30), ("X02", 0.30), ("X03", 0.25), ("X04", 0.15)),
    SUPPLEMENTS: (("X05", 0.70), ("X01", 0.15), ("X03", 0.15)),
}


@dataclass(frozen=True)
class Channel:
    """An acquisition channel (媒体) and the quality of the customers it brings.

    ``kind_mix`` is the share of first orders that are (trial, subscription,
    one-off); ``trial_conversion`` the chance a trial buyer starts a
    subscription (引き上げ率, before follow-up calls); ``churn_multiplier``
    scales each subscriber's per-delivery cancel probability. Weights are the
    channel's share of acquisitions at the start and at the end of the period.
    """

    name: str
    weight_start: float
    weight_end: float
    kind_mix: tuple[float, float, float]
    trial_conversion: float
    churn_multiplier: float


CHANNELS: tuple[Channel, ...] = (
    Channel("アフィリエイト", 0.24, 0.18, (0.80, 0.12, 0.08), 0.22, 1.35),
    Channel("リスティング", 0.20, 0.18, (0.60, 0.28, 0.12), 0.36, 1.00),
    Channel("SNS広告", 0.13, 0.26, (0.72, 0.18, 0.10), 0.26, 1.20),
    Channel("インフォマーシャル", 0.13, 0.08, (0.30, 0.62, 0.08), 0.38, 0.85),
    Channel("紙DM", 0.12, 0.08, (0.50, 0.37, 0.13), 0.38, 0.75),
    Channel("自然流入", 0.18, 0.22, (0.45, 0.32, 0.23), 0.42, 0.70),
)

TRIAL, DIRECT_SUBSCRIPTION, ONE_OFF = 0, 1, 2  # kinds of first order

MONTHLY, PREPAY = 0, 1
PLANS = ("monthly", "3month_prepay")  # value of subscriptions.plan / plan_change detail
PREPAY_UNITS = 3
PREPAY_CYCLE_DAYS = 90
LONGER_CYCLES = {30: (45, 60), 45: (60, 60), 60: (90, 90)}  # what a cycle change moves to (周期変更)

# Cancellation reasons: (category, free-text variants seen in real exports).
CANCEL_REASONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("余っている", ("まだ残っているため", "商品が余っている", "使い切れない", "在庫がたまってしまった")),
    ("効果を感じない", ("効果がわからない", "実感がない", "変化を感じられない", "思ったほど効果がない")),
    ("価格・経済的理由", ("価格が高い", "経済的な理由", "金銭的に厳しい", "節約のため")),
    ("肌に合わない", ("肌荒れした", "体質に合わない", "かゆみが出た", "お腹がゆるくなった")),
    ("他社へ乗り換え", ("他の商品を試したい", "他社製品に切り替え", "ドラッグストアで購入する")),
    ("引越し・ライフイベント", ("引っ越しのため", "妊娠・出産のため", "入院のため", "家族の都合")),
)

# Chance of each reason category (in CANCEL_REASONS order) by the delivery
# number at cancellation: leftovers and no effect early, price later.
REASON_BY_DELIVERY: tuple[tuple[int, tuple[float, ...]], ...] = (
    (2, (0.34, 0.26, 0.14, 0.14, 0.07, 0.05)),  # cancelled after delivery 1 or 2
    (6, (0.26, 0.24, 0.26, 0.06, 0.10, 0.08)),  # after delivery 3..6
    (10**9, (0.14, 0.16, 0.36, 0.03, 0.17, 0.14)),  # later
)

ORDER_STATUS_JA = dict(zip(STATUSES, ("完了", "キャンセル", "返品"), strict=True))


def product_indices(weighted: tuple[tuple[str, float], ...]) -> tuple[list[int], list[float]]:
    """Catalogue indices and normalised weights of a ``(product_id, weight)`` list."""
    total = sum(w for _, w in weighted)
    return [PRODUCT_INDEX[p] for p, _ in weighted], [w / total for _, w in weighted]


def reason_texts() -> tuple[list[str], np.ndarray]:
    """All cancel-reason strings (each category, then its variants) and each category's first index."""
    texts: list[str] = []
    first = []
    for category, variants in CANCEL_REASONS:
        first.append(len(texts))
        texts.extend((category, *variants))
    return texts, np.asarray(first)
