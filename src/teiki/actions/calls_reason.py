"""Why each customer is on the call list, as a sentence in Japanese or English, and the list as handed to people.

This works on the (small) result of :func:`teiki.actions.calls_list.due_calls`, after the engine is done.

Example (en): "lotion runs out ~12/03; last order 11/02, 1 unit, 30-day supply"
         (ja): "lotionが12/03頃になくなる見込み（前回注文 11/02・1個・30日分）"
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pyarrow as pa

from teiki.messages import say

LIST_COLUMNS = ("priority", "customer_id", "name", "phone", "product_id", "product", "runout_date", "call_date",
                "reason", "last_order_date", "last_quantity", "days_per_unit", "supply_source", "carry_days",
                "subscription_id", "next_delivery", "other_products", "revenue")
PERSONAL = ("name", "phone")


def day_label(day: dt.date) -> str:
    """A date as the reason prints it: month/day (12/03)."""
    return day.strftime("%m/%d")


def supply_text(row: dict, lang: str) -> str:
    """How long the units last: "30-day supply" (days_supply), or the reorder interval it was estimated from."""
    days, units = row["days_per_unit"], row["last_quantity"]
    if row["supply_source"] == "days_supply":
        return say("calls_supply" if units == 1 else "calls_supply_each", lang, days=days)
    return say(f'calls_supply_{row["supply_source"]}', lang, days=days)


def reason(row: dict, lang: str, others: list[str] = ()) -> str:
    """The reason sentence of one row of the list (keys as in :data:`LIST_COLUMNS`).

    Example: lotion, run-out 12/03, last order 11/02, 1 unit, 30-day supply →
    "lotion runs out ~12/03; last order 11/02, 1 unit, 30-day supply" (en).
    """
    units = row["last_quantity"]
    quantity = say("calls_unit" if units == 1 else "calls_units", lang, n=units)
    parts = [say("calls_reason", lang, product=row["product"], runout=day_label(row["runout_date"]),
                 last=day_label(row["last_order_date"]), quantity=quantity, supply=supply_text(row, lang))]
    if row["carry_days"]:
        parts.append(say("calls_carry1" if row["carry_days"] == 1 else "calls_carry", lang, days=row["carry_days"]))
    if row["next_delivery"] is not None:
        key = {0: "calls_next", 1: "calls_next_skip1"}.get(row["skips"], "calls_next_skip")
        parts.append(say(key, lang, next=day_label(row["next_delivery"]), skips=row["skips"], cycle=row["cycle_days"]))
    if others:
        parts.append(say("calls_others", lang, products=say("calls_list_sep", lang).join(others)))
    return say("calls_sep", lang).join(parts)


def call_list(due: pa.Table, lang: str, personal: bool = True) -> pa.Table:
    """One row per customer from the due pairs (:func:`teiki.actions.calls_list.due_calls`), in priority order,
    with the reason and the other due products; without ``name`` / ``phone`` unless ``personal``."""
    rows = due.to_pylist()
    others: dict[str, list[str]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: (r["runout_date"], r["product_id"])):
        if not r["first"]:
            others[r["customer_id"]].append(r["product"])
    firsts = sorted((r for r in rows if r["first"]), key=lambda r: r["priority"])
    columns = [c for c in LIST_COLUMNS if personal or c not in PERSONAL]
    out = {c: [] for c in columns}
    for r in firsts:
        extra = others.get(r["customer_id"], [])
        filled = {**r, "reason": reason(r, lang, extra), "other_products": ", ".join(extra) or None}
        for c in columns:
            out[c].append(filled.get(c))
    return pa.table({c: pa.array(v, type=_type(due, c)) for c, v in out.items()})


def _type(due: pa.Table, column: str) -> pa.DataType:
    if column in due.column_names:
        return due.schema.field(column).type
    return pa.string()
