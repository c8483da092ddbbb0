"""Segment lists for the follow-up team: the customers of a segment (or of a migration cell).

One row per customer: customer_id, segment (and segment_before for a migration
cell), the CPM axes, and the contact columns of the customers table (name,
phone, email, prefecture) when asked for. Sorted by cumulative amount, largest
first, then customer_id.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from teiki.segments.cpm import classified
from teiki.segments.movement import NEW
from teiki.segments.thresholds import Thresholds

CONTACT_COLUMNS = ("name", "phone", "email", "prefecture")
AXES = ("purchases", "cumulative_amount", "first_date", "last_date", "tenure_days", "lapse_days", "revenue_365d")


def customer_list(orders: ir.Table, as_of: dt.date, t: Thresholds, segment: str | None = None, *,
                  since: dt.date | None = None, since_segment: str | None = None,
                  people: ir.Table | None = None, summary: ir.Table | None = None) -> ir.Table:
    """Customers in ``segment`` at ``as_of`` (all segments when None); with ``since``, only those whose
    segment at that earlier date was ``since_segment`` (``new``: not yet present). ``orders`` are all
    order facts; ``people`` the customers table, whose contact columns are added when given; ``summary``
    the stored per-customer summary when it is valid at ``as_of``."""
    now = classified(orders, as_of, t, summary)
    if segment is not None:
        now = now.filter(now.segment == segment)
    columns = ["customer_id", "segment"]
    if since is not None:
        before = classified(orders, since, t)
        before = before.select("customer_key", segment_before="segment")
        j = now.left_join(before, now.customer_key == before.customer_key)
        now = j.select(*now.columns, segment_before=ibis.coalesce(j.segment_before, NEW))
        if since_segment is not None:
            now = now.filter(now.segment_before == since_segment)
        columns.append("segment_before")
    out = now.select(*columns, *AXES)
    if people is not None:
        contact = people.select("customer_id", *CONTACT_COLUMNS)
        j = out.left_join(contact, out.customer_id == contact.customer_id)
        out = j.select(*(out[c] for c in out.columns), *(j[c] for c in CONTACT_COLUMNS))
    return out.order_by([ibis.desc("cumulative_amount"), "customer_id"])
