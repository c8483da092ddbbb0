"""Campaigns (SPEC §6, seed 002): a follow-up aimed at a CPM segment or a list, with a random holdout.

A campaign records seed 002's offer sheet — who (the segment or list), why,
when, what and how — and its members on the start date S, split by a seeded
draw (:mod:`teiki.actions.campaign_draw`) into the treatment group, whom the
shop contacts, and the holdout, whom it leaves alone. Its report
(:mod:`teiki.actions.campaign_effect`) compares the two groups since S.

Members come from a segment on S (default S: the last order date) or from a
list file (:mod:`teiki.actions.campaign_list`), whose ids must all be known
customers. Everything is checked before anything is written; the campaign and
its members are then stored in one transaction (:mod:`teiki.store.campaigns`).
The functions take the store and the view they need; the shop
(:mod:`teiki.shop.campaigns`) picks the members of a segment.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from teiki.actions import campaign_draw, campaign_list
from teiki.errors import TeikiError
from teiki.metrics.view import View
from teiki.segments.thresholds import FIELDS, Thresholds
from teiki.store import campaigns as stored
from teiki.store import results
from teiki.store.db import Store

MAX_NAME = 100
TEXT_FIELDS = ("why", "when", "what", "how")
LISTED_COLUMNS = ("name", "start_date", "source", "segment", "list_file", "members", "treatment", "holdout",
                  "holdout_fraction", "seed", "created_at", "who", "why", "when", "what", "how")


def writable_store(store: Store | None) -> Store:
    if store is None:
        raise TeikiError("camp_needs_store")
    if store.read_only:
        raise TeikiError("camp_read_only", path=store.path)
    return store


def readable_store(store: Store | None) -> Store:
    if store is None:
        raise TeikiError("camp_needs_store")
    return store


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise TeikiError("camp_bad_name", value=name, limit=MAX_NAME)
    return name


def record_of(store: Store | None, name: str) -> dict:
    """The stored record of campaign ``name``; ``camp_unknown`` when there is none."""
    store = readable_store(store)
    found = stored.record(store, name)
    if found is None:
        names = [r["name"] for r in results.rows(stored.campaigns(store).select("name").order_by("name"))]
        raise TeikiError("camp_unknown", name=name, choices=", ".join(names) or "—")
    return found


def thresholds_of(record: dict) -> Thresholds:
    """The CPM thresholds recorded with a campaign."""
    saved = json.loads(record["thresholds"] or "{}")
    return Thresholds(**{k: saved[k] for k in FIELDS if k in saved}, mode=saved.get("mode", "default"))


def check_new(store: Store | None, name: str, *, segment: str | None, customers: object, holdout: float,
              seed: int | None) -> tuple[Store, str, int]:
    """The writable store, the cleaned name and the seed (drawn when None) of a campaign about to be created:
    every check that needs no data, before any work."""
    store = writable_store(store)
    name = check_name(name)
    if (segment is None) == (customers is None):
        raise TeikiError("camp_needs_source")
    if stored.record(store, name) is not None:
        raise TeikiError("camp_exists", name=name)
    seed = campaign_draw.new_seed() if seed is None else seed
    campaign_draw.check(2, holdout, seed)  # the fraction and seed before any work
    return store, name, seed


def listed_members(view: View, customers: str | Path | Sequence[str]) -> tuple[list[str], str | None]:
    """The ids of a list file or sequence, checked against the shop's customers; and the file's name."""
    if isinstance(customers, str | Path):
        path = Path(customers)
        listed, column = campaign_list.read_ids(path)
        file = path.name
    else:
        ids = [str(c).strip() for c in customers]
        listed = pa.table({"_row": pa.array(range(1, len(ids) + 1), pa.int64()), "customer_id": pa.array(ids)})
        column, file = "customer_id", None
    known = campaign_list.known_customers(view.source.customers, view.source.orders)
    campaign_list.check_known(listed, known, file or "customers", column)
    return listed.column("customer_id").to_pylist(), file


def save_new(store: Store, name: str, start_date: dt.date, ids, *, segment: str | None, file: str | None,
             holdout: float, seed: int, thresholds: Thresholds, texts: Sequence[str | None]) -> dict:
    """Draw ``ids`` into treatment and holdout and store the campaign; returns its stored record."""
    who = f"segment:{segment}" if segment is not None else (f"list:{file}" if file else "list")
    groups = campaign_draw.draw(ids, holdout, seed)
    held = campaign_draw.holdout_size(groups.num_rows, holdout)
    row = {"name": name, "created_at": dt.datetime.now().replace(microsecond=0), "start_date": start_date,
           "source": "segment" if segment is not None else "list", "segment": segment, "list_file": file,
           "thresholds": json.dumps(thresholds.to_dict(), ensure_ascii=False), "holdout_fraction": float(holdout),
           "seed": int(seed), "members": groups.num_rows, "treatment": groups.num_rows - held, "holdout": held,
           "who": who, **dict(zip(TEXT_FIELDS, texts, strict=True))}
    stored.save(store, row, groups)
    return stored.record(store, name)


def listing(store: Store | None) -> ir.Table:
    """One row per campaign (oldest first): LISTED_COLUMNS."""
    t = stored.campaigns(readable_store(store))
    return t.select(*LISTED_COLUMNS).order_by(["created_at", "name"])


def members(store: Store | None, customers: ir.Table, name: str, *, personal: bool = False,
            group: str | None = None) -> ir.Table:
    """customer_id and group of a campaign's members (optionally of one ``group``), with the ``customers``'
    name, phone and email when ``personal`` (a contact list). Sorted by group (treatment first), customer_id."""
    record_of(store, name)
    if group is not None and group not in campaign_draw.GROUPS:
        raise TeikiError("bad_choice", name="group", value=group, choices=", ".join(campaign_draw.GROUPS))
    m = stored.members(readable_store(store), name)
    if group is not None:
        m = m.filter(m.group == group)
    if personal:
        people = customers.select(person="customer_id", name="name", phone="phone", email="email")
        j = m.left_join(people, m.customer_id == people.person)
        m = j.select("customer_id", "group", "name", "phone", "email")
    rank = ibis.cases((m.group == campaign_draw.TREATMENT, 0), else_=1)
    return m.order_by([rank, "customer_id"])


def delete(store: Store | None, name: str) -> None:
    record_of(store, name)
    stored.delete(writable_store(store), name)


def public(record: dict) -> dict:
    """A stored campaign record as JSON-ready values (dates as ISO text, thresholds parsed)."""
    out = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in record.items()}
    out["thresholds"] = json.loads(record["thresholds"]) if record.get("thresholds") else None
    return out
