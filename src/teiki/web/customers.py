"""Customer lists on the web: a CPM segment or a migration cell, sorted, one page at a time (the page
``/customers`` and ``/api/customers``), or the whole list as CSV / Excel. Names, phones and e-mails go only to
logged-in users (see teiki.web.security)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import pyarrow as pa
import pyarrow.compute as pc
from fastapi import Query, Request
from pydantic import BaseModel, Field

from teiki.errors import TeikiError
from teiki.report.charts import segment_label
from teiki.shop import Shop
from teiki.shop.vocabulary import KEYS, NEW, SEGMENTS
from teiki.web.downloads import visible
from teiki.web.registry import Section, Visit
from teiki.web.state import served

section = Section(tag="data")

KINDS = {"cumulative_amount": "yen", "revenue_365d": "yen", "expected_spend": "yen", "p_alive": "pct",
         "expected_purchases_90d": "num"}  # how the page prints a column (others: counts and text)
SEGMENT_CHOICES = ("all", *KEYS)


class ListQuery(BaseModel):
    """Which customers, in what order, which page."""

    segment: Literal[SEGMENT_CHOICES] = Field("all", description="CPM segment key, or all")  # type: ignore[valid-type]
    as_of: dt.date | None = Field(None, description="as-of date YYYY-MM-DD; default: the last order date")
    since: dt.date | None = Field(None, description="migration cell: the earlier date D1")
    from_segment: Literal[(*KEYS, NEW)] | None = Field(  # type: ignore[valid-type]
        None, description="migration cell: the segment at `since` (new = not yet a customer)")
    sort: str = Field("cumulative_amount", description="column to sort by")
    desc: bool = Field(True, description="largest first")
    scores: bool = Field(False, description="add the one-off buyers' P(alive), expected purchases in 90 days "
                                            "and expected spend")
    page: int = Field(1, ge=1, description="page number, from 1")
    per_page: int = Field(50, ge=1, le=1000, description="rows per page")


def _sorted(request: Request, q: ListQuery) -> tuple[pa.Table, pa.Array]:
    """The whole list (computed once per segment and dates) and its row order for ``q.sort`` (the order, not
    a sorted copy, is what each sort adds to the cache)."""
    if q.from_segment is not None and q.since is None:
        raise TeikiError("bad_choice", name="from_segment", value=q.from_segment, choices="(needs since)")
    shop = served(request)
    segment = None if q.segment == "all" else q.segment
    table = shop.call(Shop.segment_customers, segment, q.as_of, "default", since=q.since,
                      since_segment=q.from_segment, scores=q.scores, output="pyarrow")
    if q.sort not in table.column_names:
        raise TeikiError("bad_choice", name="sort", value=q.sort, choices=", ".join(table.column_names))
    keys = [(q.sort, "descending" if q.desc else "ascending")]
    keys += [("customer_id", "ascending")] if q.sort != "customer_id" else []
    order = shop.cached(("order", segment, q.as_of, q.since, q.from_segment, q.scores, q.sort, q.desc),
                        lambda _: pc.sort_indices(table, sort_keys=keys))
    return table, order


def listing(request: Request, q: ListQuery) -> dict:
    """One page of the list: ``{"total", "page", "per_page", "pages", "columns", "rows"}``."""
    table, order = _sorted(request, q)
    day = served(request).call(Shop.as_of, q.as_of)
    total = table.num_rows
    pages = max(1, -(-total // q.per_page))
    start = (min(q.page, pages) - 1) * q.per_page
    shown = visible(request, table.take(order.slice(start, q.per_page)))
    return {"segment": q.segment, "as_of": day, "since": q.since, "from_segment": q.from_segment,
            "sort": q.sort, "desc": q.desc, "total": total, "page": min(q.page, pages), "per_page": q.per_page,
            "pages": pages, "first": start + 1 if total else 0, "last": min(start + q.per_page, total),
            "columns": shown.column_names, "rows": shown.to_pylist()}


@section.page("/customers", "customers.html", title="page_customers", nav="page_customers", needs_orders=True)
def customers_page(visit: Visit, query: Annotated[ListQuery, Query()]) -> dict:
    lang = visit.lang
    return {"listing": listing(visit.request, query), "q": query, "kinds": KINDS, "segments": SEGMENTS,
            "label": lambda k: segment_label(k, lang)}


@section.api("/customers", summary="A customer list: a CPM segment or a migration cell, one page of it")
def customers(request: Request, query: Annotated[ListQuery, Query()]) -> dict:
    return listing(request, query)


@section.download("/customers/download", summary="The whole customer list as CSV or Excel", sheet="customers")
def customers_download(request: Request, query: Annotated[ListQuery, Query()]) -> tuple[pa.Table, str]:
    """The whole list (formula-looking text made inert)."""
    table, order = _sorted(request, query)
    name = "_".join(str(p) for p in ("customers", query.segment, query.from_segment and f"from_{query.from_segment}",
                                     query.as_of) if p)
    return table.take(order), name
