"""Which canonical table a file holds: decided from its layout, its columns and its name — never guessed.

See :func:`guess_table`; ``docs/importing.md`` ("Which layout, which table") says the same for users.
"""

from __future__ import annotations

from pathlib import Path

from teiki.errors import InputError
from teiki.io.mapping import Mapping, Resolved, resolve
from teiki.store.schema import TABLES, TableSpec

ORDER_EVIDENCE = ("amount", "quantity", "product_id")  # with order_id and ordered_at: the file holds orders


def looks_like_orders(orders: Resolved) -> bool:
    """An order id or an order date, with an amount, quantity or product (an order date with a quantity or an
    amount is enough): the file is an orders export, whatever else it matches — it must never be stored as
    customers or products."""
    found = {name for name, header in orders.sources.items() if header is not None} | set(orders.computed)
    evidence = found & set(ORDER_EVIDENCE)
    if "order_id" in found and "ordered_at" in found:
        return bool(evidence)
    return "ordered_at" in found and bool(evidence - {"product_id"})


def _named(candidates: list[TableSpec], file_name: str) -> TableSpec | None:
    """The table a file's name says (orders_2024.csv, 顧客別受注明細.csv → orders), if any."""
    stem = Path(file_name).stem.lower()
    for spec in sorted(candidates, key=lambda s: -len(s.name)):  # subscription_events before subscriptions
        if stem.startswith(spec.name):
            return spec
    named = [spec for spec in candidates if spec.ja in stem]  # 顧客別受注明細: 受注明細 (orders), not 顧客
    return max(named, key=lambda spec: len(spec.ja)) if named else None


def guess_table(mapping: Mapping, headers: list[str], file_name: str) -> TableSpec:
    """Which table a file holds, or an :class:`InputError` saying why it cannot be told — never a guess.

    - A layout of one table (``tables = ["orders"]`` in its preset) holds that table.
    - A file that looks like orders (:func:`looks_like_orders`) is orders, whatever its name says: it is never
      stored as customers or products (a required column it lacks is then reported as missing).
    - Otherwise its name decides (``customers.csv``; a required column it lacks is reported as missing).
    - Otherwise the one table whose required columns all match and that maps at least two columns; ties are
      broken by the number of required columns, then of columns found, and a true tie is refused. A file with an
      order number or date is not guessed to be customers or products (an unknown cart's orders export whose
      amount and quantity headers teiki does not know): it is refused, naming what is missing.
    """
    candidates = [TABLES[t] for t in (mapping.only_tables or TABLES)]
    if len(candidates) == 1:  # a layout of one table (a cart's orders export): a lacking column is reported
        return candidates[0]
    fits = {spec.name: resolve(mapping, spec, headers) for spec in candidates}
    if "orders" in fits and looks_like_orders(fits["orders"]):
        return TABLES["orders"]
    named = _named(candidates, file_name)
    if named is not None:
        return named
    scored = sorted(((len(spec.required), fits[spec.name].found, spec) for spec in candidates
                     if not fits[spec.name].missing_required and fits[spec.name].found >= 2),
                    key=lambda s: s[:2], reverse=True)
    if not scored or (len(scored) > 1 and scored[0][:2] == scored[1][:2]):
        raise InputError(file_name, "unknown_table_for_file", headers=", ".join(headers[:12]),
                         tables=", ".join(TABLES))
    chosen = scored[0][2]
    orders = fits.get("orders")
    if chosen.name in NEVER_FROM_ORDERS and orders is not None and _order_keyed(orders):
        # an order date or number, too little else to read it as orders: an unknown cart's orders export
        raise InputError(file_name, "orders_incomplete", found=", ".join(
            f"{name} ← '{orders.sources[name]}'" for name in ("order_id", "ordered_at") if orders.sources.get(name)),
            missing=", ".join(f"{n} ({TABLES['orders'][n].ja})" for n in orders.missing_required),
            table=f"{chosen.ja} ({chosen.name})")
    return chosen


NEVER_FROM_ORDERS = ("customers", "products")


def _order_keyed(orders: Resolved) -> bool:
    return any(orders.sources.get(name) for name in ("order_id", "ordered_at"))
