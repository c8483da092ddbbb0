"""A campaign's members from a file: a CSV / Excel / Parquet list with a customer_id column.

The column may be headed ``customer_id`` or one of its usual Japanese names
(顧客番号, 顧客ID, 会員番号, 会員ID); other columns are ignored and a customer
listed twice counts once. Every id must be a customer the shop knows (in the
customers table or in the orders); a blank cell or an unknown id is an error
naming the file, the spreadsheet row (header = row 1) and the column, and no
campaign is created.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from teiki.errors import InputError, TeikiError
from teiki.io.readers import ROW, open_source
from teiki.messages import say
from teiki.store import results

ID_HEADERS = ("customer_id", "顧客番号", "顧客ID", "会員番号", "会員ID")
MAX_EXAMPLES = 8


class ListFileError(TeikiError):
    """The list file cannot be read at all (missing, empty, unknown format, undecodable)."""

    def __init__(self, cause: InputError) -> None:
        self.cause = cause
        super().__init__("camp_list_unreadable", file=cause.file)

    def render(self, lang: str | None = None) -> str:
        return say("camp_list_unreadable", lang, file=self.cause.file,
                   detail=say(self.cause.key, lang, **self.cause.params))


def read_ids(path: Path) -> tuple[pa.Table, str]:
    """The file's rows as (``_row``, ``customer_id``) with ids trimmed, and the header the ids were under."""
    try:
        source = open_source(Path(path))
        header = next((h for h in source.headers if h in ID_HEADERS or h.lower() == "customer_id"), None)
        if header is None:
            raise TeikiError("camp_list_no_column", file=Path(path).name, headers=", ".join(source.headers) or "—",
                             choices=", ".join(ID_HEADERS))
        table = source.reader().read_all()
    except InputError as exc:
        raise ListFileError(exc) from exc
    ids = pc.utf8_trim_whitespace(table.column(header).cast(pa.string()).fill_null(""))
    out = pa.table({"_row": table.column(ROW), "customer_id": ids})
    blank = out.filter(pc.equal(out.column("customer_id"), ""))
    if blank.num_rows:
        rows = ", ".join(str(r) for r in blank.column("_row").to_pylist()[:MAX_EXAMPLES])
        raise TeikiError("camp_list_blank", file=Path(path).name, column=header, count=blank.num_rows, rows=rows)
    if not out.num_rows:
        raise TeikiError("camp_list_empty", file=Path(path).name)
    return out, header


def known_customers(customers: ir.Table, orders: ir.Table) -> ir.Table:
    """The ids a list may name: customers table ∪ customers with an order line."""
    return ibis.union(customers.select("customer_id"), orders.select("customer_id"), distinct=True)


def check_known(listed: pa.Table, known: ir.Table, file: str, column: str) -> None:
    """Raise ``camp_list_unknown`` naming the rows of ids not in ``known``; ``listed`` has _row, customer_id."""
    rows = ibis.memtable(listed, schema={"_row": "int64", "customer_id": "string"})
    missing = rows.anti_join(known, rows.customer_id == known.customer_id)
    count = int(results.scalar(missing.count()))
    if count:
        raise UnknownIds(file, column, count, results.rows(missing.order_by("_row").limit(MAX_EXAMPLES)))


class UnknownIds(TeikiError):
    """Ids that are not the shop's customers; the rows are rendered in the reader's language."""

    def __init__(self, file: str, column: str, count: int, first: list[dict]) -> None:
        self.first = first
        super().__init__("camp_list_unknown", file=file, column=column, count=count)

    def render(self, lang: str | None = None) -> str:
        examples = ", ".join(say("row_example", lang, row=r["_row"], value=repr(r["customer_id"])) for r in self.first)
        return say(self.key, lang, **self.params, examples=examples)
