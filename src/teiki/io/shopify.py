"""The projector of the ``shopify`` preset (``presets/shopify.toml``): Shopify's orders export (Admin → Orders →
Export).

That file has one row per line item, grouped by ``Name`` (#1001); order-level
fields (Email, Financial Status, Cancelled at, Source ...) are filled only on
the order's first row. This preset fills them down within the order and maps:

- order_id ← Name; ordered_at ← Created at (offset dropped: shop's local time);
- customer_id ← ``shopify:`` + first 16 hex digits of md5(lower(Email)), so that
  no e-mail address travels into analytics tables; orders without an e-mail
  (POS, some guest checkouts) become their own customer ``guest:<Name>``;
- product_id ← Lineitem sku, else Lineitem name; quantity ← Lineitem quantity;
- amount ← Lineitem price × Lineitem quantity − Lineitem discount;
- status ← cancelled when Cancelled at is set or Financial Status is voided,
  returned when refunded, completed otherwise; channel ← Source.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from teiki.io.mapping import Resolved
from teiki.io.parse import parse_number

ORDER_LEVEL = ("Email", "Financial Status", "Cancelled at", "Created at", "Source")


def _text(raw: ir.Table, header: str) -> ir.StringValue:
    if header not in raw.columns:
        return ibis.literal(None, "string")
    return raw[header].strip().nullif("")


def project_shopify(raw: ir.Table, resolved: Resolved) -> ir.Table:
    """Shopify export rows → canonical columns as text (see the module docstring)."""
    name = raw["Name"]
    filled = {h: _text(raw, h).max().over(group_by=name) for h in ORDER_LEVEL if h in raw.columns}

    def order_field(header: str) -> ir.StringValue:
        return filled.get(header, ibis.literal(None, "string"))

    email = order_field("Email").lower()
    customer = ibis.cases(
        (email.notnull(), "shopify:" + email.hexdigest("md5").substr(0, 16)), else_="guest:" + name
    )
    quantity_text = _text(raw, "Lineitem quantity")
    price_text = _text(raw, "Lineitem price")
    amount = parse_number(price_text) * parse_number(quantity_text).fill_null(1) - parse_number(
        _text(raw, "Lineitem discount")
    ).fill_null(0)
    amount_text = ibis.cases((amount.notnull(), amount.cast("string")), else_=price_text)
    financial = order_field("Financial Status").lower()
    status = ibis.cases(
        (order_field("Cancelled at").notnull() | (financial == "voided"), "cancelled"),
        (financial == "refunded", "returned"),
        else_="completed",
    )
    columns = {
        "order_id": name,
        "customer_id": customer,
        "ordered_at": order_field("Created at"),
        "product_id": _text(raw, "Lineitem sku").fill_null(_text(raw, "Lineitem name")),
        "quantity": quantity_text,
        "amount": amount_text,
        "subscription_id": ibis.literal(None, "string"),
        "delivery_no": ibis.literal(None, "string"),
        "channel": order_field("Source"),
        "status": status,
    }
    return raw.select(_row=raw["_row"], **{k: v.fill_null("") for k, v in columns.items()})

