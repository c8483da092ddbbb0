"""The canonical teiki data model (SPEC §2), declared once.

Every other module (importer, store, demo shop, tests) reads table and column
definitions from here; nothing else spells a column type or an allowed value.

A table's *key* is what identifies a stored record for replacement on
re-import. ``orders`` is line-level and its key is ``order_id`` with
``replace_whole_group=True``: an order that arrives again replaces *all* of its
stored lines (corrections and cancellations come this way). The other tables
are keyed by their primary key and a record that arrives again replaces the
stored one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.schema as sch


@dataclass(frozen=True)
class Column:
    """One canonical column.

    ``dtype`` is an Ibis type name. ``choices`` lists the only allowed values;
    ``minimum`` / ``maximum`` bound numbers; ``default`` fills a missing column
    or an empty cell. ``ja`` is the Japanese label shown to users.
    """

    name: str
    dtype: str
    ja: str
    required: bool = False
    default: object = None
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    personal: bool = False
    doc: str = ""
    needs: str | None = None  # another column that must be filled where this one is (delivery_no → subscription_id)
    not_before: str | None = None  # a date column this one may not precede (cancelled_at ≥ started_at)

    @property
    def is_temporal(self) -> bool:
        return self.dtype in ("date", "timestamp")

    @property
    def is_numeric(self) -> bool:
        return self.dtype in ("int64", "float64")


@dataclass(frozen=True)
class TableSpec:
    name: str
    ja: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    replace_whole_group: bool = False
    doc: str = ""
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def ibis_schema(self) -> sch.Schema:
        return ibis.schema({c.name: c.dtype for c in self.columns})

    def __getitem__(self, name: str) -> Column:
        return self.by_name[name]


STATUSES = ("completed", "cancelled", "returned")
EVENT_KINDS = ("skip", "cycle_change", "plan_change", "pause", "resume", "cancel_request", "cancel")
CONTACT_PURPOSES = ("followup", "cancel_request", "upsell", "cross_sell", "downsell", "winback", "other")
CONTACT_OUTCOMES = ("accepted", "declined", "saved", "cancelled", "no_answer", "opted_out")
PRODUCT_CATEGORIES = ("trial", "main", "cross_sell", "other")

DEFAULT_CYCLE_DAYS = 30
# Bounds no real record reaches; a value beyond one is a unit or export error (1e300 yen, 10^12 deliveries).
MAX_YEN = 1_000_000_000  # one line, price or call: 10億円
MAX_QUANTITY = 1_000_000
MAX_DELIVERIES = 10_000  # monthly for 800 years
MAX_DAYS = 3_660  # ten years

ORDERS = TableSpec(
    "orders",
    "受注明細",
    (
        Column("order_id", "string", "受注番号", required=True, doc="one purchase occasion"),
        Column("customer_id", "string", "顧客番号", required=True),
        Column("ordered_at", "timestamp", "受注日時", required=True),
        Column("product_id", "string", "商品コード", required=True),
        Column("quantity", "int64", "数量", default=1, minimum=1, maximum=MAX_QUANTITY),
        Column("amount", "float64", "金額", required=True, minimum=0, maximum=MAX_YEN, doc="line revenue, tax included (yen)"),
        Column("subscription_id", "string", "定期ID", doc="null for one-off purchases"),
        Column("delivery_no", "int64", "定期回数", minimum=1, maximum=MAX_DELIVERIES, needs="subscription_id",
               doc="n-th delivery of the subscription"),
        Column("channel", "string", "媒体"),
        Column("status", "string", "ステータス", default="completed", choices=STATUSES),
    ),
    key=("order_id",),
    replace_whole_group=True,
    doc="one row per order line",
)

SUBSCRIPTIONS = TableSpec(
    "subscriptions",
    "定期契約",
    (
        Column("subscription_id", "string", "定期ID", required=True),
        Column("customer_id", "string", "顧客番号", required=True),
        Column("product_id", "string", "商品コード"),
        Column("started_at", "timestamp", "開始日", required=True),
        Column("cancelled_at", "timestamp", "解約日", not_before="started_at", doc="null = active"),
        Column("cancel_reason", "string", "解約理由"),
        Column("cycle_days", "int64", "お届け周期(日)", default=DEFAULT_CYCLE_DAYS, minimum=1, maximum=MAX_DAYS),
        Column("plan", "string", "プラン", doc="e.g. monthly, 3-month prepay"),
        Column("paused_until", "date", "お休み期限"),
    ),
    key=("subscription_id",),
)

SUBSCRIPTION_EVENTS = TableSpec(
    "subscription_events",
    "定期イベント",
    (
        Column("subscription_id", "string", "定期ID", required=True),
        Column("occurred_at", "timestamp", "発生日時", required=True),
        Column("kind", "string", "種別", required=True, choices=EVENT_KINDS),
        Column("detail", "string", "詳細", doc="e.g. new cycle_days or plan"),
    ),
    key=("subscription_id", "occurred_at", "kind"),
)

PRODUCTS = TableSpec(
    "products",
    "商品",
    (
        Column("product_id", "string", "商品コード", required=True),
        Column("name", "string", "商品名"),
        Column("category", "string", "区分", choices=PRODUCT_CATEGORIES),
        Column("unit_price", "float64", "単価", minimum=0, maximum=MAX_YEN),
        Column("days_supply", "int64", "使用日数", minimum=1, maximum=MAX_DAYS, doc="how long one unit lasts"),
        Column("gross_margin", "float64", "粗利率", minimum=0, maximum=1),
    ),
    key=("product_id",),
)

CUSTOMERS = TableSpec(
    "customers",
    "顧客",
    (
        Column("customer_id", "string", "顧客番号", required=True),
        Column("created_at", "timestamp", "登録日"),
        Column("name", "string", "氏名", personal=True),
        Column("phone", "string", "電話番号", personal=True),
        Column("email", "string", "メールアドレス", personal=True),
        Column("prefecture", "string", "都道府県"),
        Column("first_channel", "string", "初回媒体"),
    ),
    key=("customer_id",),
)

CONTACTS = TableSpec(
    "contacts",
    "応対履歴",
    (
        Column("contact_id", "string", "応対ID", required=True),
        Column("customer_id", "string", "顧客番号", required=True),
        Column("contacted_at", "timestamp", "応対日時", required=True),
        Column("purpose", "string", "目的", required=True, choices=CONTACT_PURPOSES),
        Column("outcome", "string", "結果", choices=CONTACT_OUTCOMES),
        Column("cost", "float64", "費用", minimum=0, maximum=MAX_YEN),
        Column("subscription_id", "string", "定期ID"),
    ),
    key=("contact_id",),
)

TABLES: dict[str, TableSpec] = {
    t.name: t for t in (ORDERS, SUBSCRIPTIONS, SUBSCRIPTION_EVENTS, PRODUCTS, CUSTOMERS, CONTACTS)
}

# The campaign tables (teiki.store.campaigns): kept beside the shop's data, never touched by an import.
CAMPAIGNS = "teiki_campaigns"
MEMBERS = "teiki_campaign_members"

CAMPAIGNS_SCHEMA = ibis.schema({
    "name": "string",
    "created_at": "timestamp",
    "start_date": "date",
    "source": "string",
    "segment": "string",
    "list_file": "string",
    "thresholds": "string",
    "holdout_fraction": "float64",
    "seed": "int64",
    "members": "int64",
    "treatment": "int64",
    "holdout": "int64",
    "who": "string",
    "why": "string",
    "when": "string",
    "what": "string",
    "how": "string",
})
MEMBERS_SCHEMA = ibis.schema({"campaign": "string", "customer_id": "string", "group": "string"})
