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
from teiki.segments.portfolio import segment_key
from teiki.segments.thresholds import FIELDS, Thresholds
from teiki.store import campaigns as stored
from teiki.store import results
from teiki.store.db import Store

MAX_NAME = 100
TEXT_FIELDS = ("why", "when", "what", "how")
LISTED_COLUMNS = ("name", "start_date", "source", "segment", "list_file", "members", "treatment", "holdout",
                  "holdout_fraction", "seed", "created_at", "who", "why", "when", "what", "how")


def writable_store(shop) -> Store:
    if shop.store is None:
        raise TeikiError("camp_needs_store")
    if shop.store.read_only:
        raise TeikiError("camp_read_only", path=shop.store.path)
    return shop.store


def readable_store(shop) -> Store:
    if shop.store is None:
        raise TeikiError("camp_needs_store")
    return shop.store


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise TeikiError("camp_bad_name", value=name, limit=MAX_NAME)
    return name


def record_of(shop, name: str) -> dict:
    """The stored record of campaign ``name``; ``camp_unknown`` when there is none."""
    store = readable_store(shop)
    found = stored.record(store, name)
    if found is None:
        names = [r["name"] for r in results.rows(stored.campaigns(store).select("name").order_by("name"))]
        raise TeikiError("camp_unknown", name=name, choices=", ".join(names) or "—")
    return found


def thresholds_of(record: dict) -> Thresholds:
    """The CPM thresholds recorded with a campaign."""
    saved = json.loads(record["thresholds"] or "{}")
    return Thresholds(**{k: saved[k] for k in FIELDS if k in saved}, mode=saved.get("mode", "default"))


def _listed_members(shop, customers: str | Path | Sequence[str]) -> tuple[list[str], str | None]:
    """The ids of a list file or sequence, checked against the shop's customers; and the file's name."""
    if isinstance(customers, str | Path):
        path = Path(customers)
        listed, column = campaign_list.read_ids(path)
        file = path.name
    else:
        ids = [str(c).strip() for c in customers]
        listed = pa.table({"_row": pa.array(range(1, len(ids) + 1), pa.int64()), "customer_id": pa.array(ids)})
        column, file = "customer_id", None
    known = campaign_list.known_customers(shop.table("customers"), shop.table("orders"))
    campaign_list.check_known(listed, known, file or "customers", column)
    return listed.column("customer_id").to_pylist(), file


def create(shop, name: str, *, segment: str | None = None, customers: str | Path | Sequence[str] | None = None,
           as_of: dt.date | str | None = None, holdout: float = 0.1, seed: int | None = None,
           thresholds: str | Path | Thresholds | None = "default", why: str | None = None,
           when: str | None = None, what: str | None = None, how: str | None = None) -> dict:
    """Draw and store a campaign; returns its stored record (see :mod:`teiki.store.campaigns`)."""
    store = writable_store(shop)
    name = check_name(name)
    if (segment is None) == (customers is None):
        raise TeikiError("camp_needs_source")
    if stored.record(store, name) is not None:
        raise TeikiError("camp_exists", name=name)
    seed = campaign_draw.new_seed() if seed is None else seed
    campaign_draw.check(2, holdout, seed)  # the fraction and seed before any work
    view = shop.view(as_of)
    if view.as_of is None:
        raise TeikiError("no_orders")
    t = shop.thresholds(thresholds, view.as_of)
    file = key = None
    if segment is not None:
        key = segment_key(segment)
        found = shop.segment_customers(key, view.as_of, t, contact=False, output="pyarrow")
        ids = found.column("customer_id")
        who = f"segment:{key}"
    else:
        ids, file = _listed_members(shop, customers)
        who = f"list:{file}" if file else "list"
    groups = campaign_draw.draw(ids, holdout, seed)
    held = campaign_draw.holdout_size(groups.num_rows, holdout)
    row = {"name": name, "created_at": dt.datetime.now().replace(microsecond=0), "start_date": view.as_of,
           "source": "segment" if segment is not None else "list", "segment": key, "list_file": file,
           "thresholds": json.dumps(t.to_dict(), ensure_ascii=False), "holdout_fraction": float(holdout),
           "seed": int(seed), "members": groups.num_rows, "treatment": groups.num_rows - held, "holdout": held,
           "who": who, **{k: v for k, v in zip(TEXT_FIELDS, (why, when, what, how), strict=True)}}
    stored.save(store, row, groups)
    return stored.record(store, name)


def listing(shop) -> ir.Table:
    """One row per campaign (oldest first): LISTED_COLUMNS."""
    t = stored.campaigns(readable_store(shop))
    return t.select(*LISTED_COLUMNS).order_by(["created_at", "name"])


def members(shop, name: str, *, personal: bool = False, group: str | None = None) -> ir.Table:
    """customer_id and group of a campaign's members (optionally of one ``group``), with the customers' name,
    phone and email when ``personal`` (a contact list). Sorted by group (treatment first), customer_id."""
    record_of(shop, name)
    if group is not None and group not in campaign_draw.GROUPS:
        raise TeikiError("bad_choice", name="group", value=group, choices=", ".join(campaign_draw.GROUPS))
    m = stored.members(readable_store(shop), name)
    if group is not None:
        m = m.filter(m.group == group)
    if personal:
        people = shop.table("customers").select(person="customer_id", name="name", phone="phone", email="email")
        j = m.left_join(people, m.customer_id == people.person)
        m = j.select("customer_id", "group", "name", "phone", "email")
    rank = ibis.cases((m.group == campaign_draw.TREATMENT, 0), else_=1)
    return m.order_by([rank, "customer_id"])


def delete(shop, name: str) -> None:
    record_of(shop, name)
    stored.delete(writable_store(shop), name)
