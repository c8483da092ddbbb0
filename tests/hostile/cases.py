"""Hostile inputs, generated: every class of bad file or option that a hostile test of the product found
(issue 16), each with what a refusal must name.

:func:`generate` writes every case's files into a folder (``python tests/hostile/cases.py DIR`` does it by
hand); ``tests/test_hostile.py`` imports each into a demo shop through the CLI and asserts the exit code, a
message naming the file and the row / column, no traceback, and an unchanged store; the dashboard test uploads
each file in turn. A case with ``accepted=True`` is a real-world quirk that must import cleanly instead.

The files are written here, by code, rather than kept as binaries: several are large (invalid bytes after the
first MiB, a 17 MiB line) and the code says what each one holds.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HEADER = ["order_id", "customer_id", "ordered_at", "product_id", "quantity", "amount", "subscription_id",
          "delivery_no", "channel", "status"]
SUB_HEADER = ["subscription_id", "customer_id", "product_id", "started_at", "cancelled_at", "cycle_days"]
MIB = 1 << 20


def line(i: int, **changes: object) -> list[str]:
    """An order line of a new customer (``H…`` ids, so that nothing collides with the demo shop's)."""
    row = {"order_id": f"H{i:06d}", "customer_id": f"HC{i:05d}", "ordered_at": "2024-03-01 10:00:00",
           "product_id": "M01", "quantity": "1", "amount": "3980", "subscription_id": "", "delivery_no": "",
           "channel": "自然流入", "status": "completed"}
    row.update({k: str(v) for k, v in changes.items()})
    return [row[h] for h in HEADER]


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    return "\n".join(delimiter.join(r) for r in [header, *rows]) + "\n"


def good_rows(n: int, start: int = 1) -> list[list[str]]:
    return [line(i) for i in range(start, start + n)]


def with_bad(n_good: int, bad: list[str], at: int = 3) -> list[list[str]]:
    """``n_good`` good lines with ``bad`` as the spreadsheet row ``at`` (the header is row 1)."""
    rows = good_rows(n_good)
    rows.insert(at - 2, bad)
    return rows


def orders(bad: list[str], at: int = 3, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(csv_text(HEADER, with_bad(4, bad, at)).encode(encoding))


def text(body: str | bytes, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(body if isinstance(body, bytes) else body.encode(encoding))


@dataclass
class Case:
    """One hostile input: its file name, how it is written, the import options, and what the message names.

    ``where``: fragments the English message must hold besides the file name (a row, a column, a parameter);
    ``args``: extra ``teiki import`` options (``{dir}`` is the fixture folder); ``files``: other files the case
    writes (a mapping), by name.
    """

    name: str
    kind: str
    make: Callable[[Path], None]
    where: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    files: dict[str, Callable[[Path], None]] = field(default_factory=dict)
    accepted: bool = False
    shown: str = ""  # the file the message names, when not the imported one (a mapping file)

    @property
    def shown_file(self) -> str:
        return self.shown or self.name


# ----------------------------------------------------------------------------------------------- excel


def _xlsx(cells: dict[tuple[int, int], object]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for (r, c), value in cells.items():
        sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def _header_cells() -> dict[tuple[int, int], object]:
    cells: dict[tuple[int, int], object] = {(0, c): h for c, h in enumerate(HEADER)}
    for c, v in enumerate(line(1)):
        cells[(1, c)] = v
    return cells


def far_cell(path: Path) -> None:
    cells = _header_cells()
    cells[(1048575, 16383)] = 1  # XFD1048576: a reader would allocate 512 GiB for the used range
    path.write_bytes(_xlsx(cells))


def declared_dimension(path: Path) -> None:
    """A small sheet whose XML declares the whole grid as its dimension."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx(_header_cells())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:J2"/>', b'<dimension ref="A1:XFD1048576"/>')
                assert b"XFD1048576" in data
            target.writestr(info, data)
    path.write_bytes(out.getvalue())


def zip_bomb(path: Path) -> None:
    """A workbook whose parts claim to inflate to 8 GiB: the sizes of its central directory (what a reader
    allocates by) patched up, so the file stays small and quick to write."""
    import struct

    source = zipfile.ZipFile(io.BytesIO(_xlsx(_header_cells())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name in ("xl/pad1.xml", "xl/pad2.xml"):
            target.writestr(name, b"<x/>")
    data = bytearray(out.getvalue())
    for name in (b"xl/pad1.xml", b"xl/pad2.xml"):
        entry = data.index(b"PK\x01\x02")  # central directory headers: the name starts at byte 46
        while data[entry + 46: entry + 46 + len(name)] != name:
            entry = data.index(b"PK\x01\x02", entry + 4)
        struct.pack_into("<I", data, entry + 24, 0xFFFFFFF0)  # uncompressed size: 4 GiB
    path.write_bytes(bytes(data))


def truncated_xlsx(path: Path) -> None:
    data = _xlsx(_header_cells())
    path.write_bytes(data[: len(data) // 2])


def zip_without_workbook(path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("readme.txt", "not a workbook")
    path.write_bytes(out.getvalue())


def empty_sheet(path: Path) -> None:
    path.write_bytes(_xlsx({}))


# ----------------------------------------------------------------------------------------------- parquet


def parquet_with(column: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = good_rows(3)
        table = {h: [r[i] for r in rows] for i, h in enumerate(HEADER)}
        if column == "list":
            table["tags"] = [["a", "b"], [], ["c"]]
        else:
            table["address"] = [{"city": "東京", "zip": "100-0001"}] * 3
        pq.write_table(pa.table(table), path)

    return make


def truncated_parquet(path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    rows = good_rows(50)
    pq.write_table(pa.table({h: [r[i] for r in rows] for i, h in enumerate(HEADER)}), buffer)
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) - 40])


# ----------------------------------------------------------------------------------------------- encodings


def cp932_with_a_utf8_row(path: Path) -> None:
    rows = good_rows(5)
    body = csv_text(HEADER, rows[:3]).encode("cp932")
    body += ",".join(line(9, channel="紙DM", customer_id="佐藤")).encode("utf-8") + b"\n"  # row 5
    body += csv_text(HEADER, rows[3:]).split("\n", 1)[1].encode("cp932")
    path.write_bytes(body)


def utf8_with_a_cp932_row(path: Path) -> None:
    rows = good_rows(5)
    body = csv_text(HEADER, rows[:3]).encode("utf-8")
    body += ",".join(line(9, channel="東京都")).encode("cp932") + b"\n"  # row 5
    body += csv_text(HEADER, rows[3:]).split("\n", 1)[1].encode("utf-8")
    path.write_bytes(body)


def invalid_after_first_mib(path: Path) -> None:
    """UTF-8 Japanese text, then after the first MiB one cell with a byte that is no UTF-8 (channel column)."""
    rows = []
    size = 0
    i = 1
    while size < MIB + 1000:
        rows.append(line(i))
        size += len(",".join(rows[-1]).encode()) + 1
        i += 1
    body = csv_text(HEADER, rows).encode("utf-8")
    bad = ",".join(line(i, channel="XX")).encode("utf-8").replace(b"XX", b"\xff\xfe")
    path.write_bytes(body + bad + b"\n" + ",".join(line(i + 1)).encode() + b"\n")
    path.with_suffix(".row").write_text(str(len(rows) + 2))  # the offending row, for the test to name


def ascii_then_cp932_then_utf8(path: Path) -> None:
    """An ASCII-only first MiB (read as UTF-8), then a CP932 row, then a UTF-8 row: two encodings in one file."""
    rows = []
    size = 0
    i = 1
    while size < MIB + 1000:
        rows.append(line(i, channel="web"))
        size += len(",".join(rows[-1])) + 1
        i += 1
    body = csv_text(HEADER, rows).encode("ascii")
    body += ",".join(line(i, channel="東京")).encode("cp932") + b"\n"
    body += ",".join(line(i + 1, channel="大阪")).encode("utf-8") + b"\n"
    path.write_bytes(body)


def binary_garbage(path: Path) -> None:
    import random

    rng = random.Random(16)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(5000)))


def gzip_named_csv(path: Path) -> None:
    path.write_bytes(gzip.compress(csv_text(HEADER, good_rows(3)).encode()))


def utf16_with_bom(path: Path) -> None:
    """Excel's 「Unicode テキスト」: UTF-16 LE with a BOM, tab-separated."""
    path.write_bytes(csv_text(HEADER, good_rows(3), "\t").encode("utf-16"))


# ----------------------------------------------------------------------------------------------- lines


def truncated_last_line(path: Path) -> None:
    body = csv_text(HEADER, good_rows(2))
    path.write_text(body + "H000009,HC00009,2024-03-01")  # row 4, cut off mid-line


def long_line(path: Path) -> None:
    body = csv_text(HEADER, good_rows(2))
    path.write_text(body + ",".join(line(9, channel="x" * (17 * MIB))) + "\n")  # row 4, one 17 MiB cell


def directory(path: Path) -> None:
    path.mkdir()
    (path / "orders.csv").write_text(csv_text(HEADER, good_rows(2)))


def mapping(name: str, body: str) -> dict[str, Callable[[Path], None]]:
    return {name: text(body)}


def future(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


ORDERS_FOR_TABLE = csv_text(HEADER, good_rows(3))

CASES: list[Case] = [
    # a workbook that would make the reader allocate the whole grid (item 1)
    Case("far_cell.xlsx", "excel", far_cell, ("1,048,576",)),
    Case("declared_dimension.xlsx", "excel", declared_dimension, ("1,048,576",)),
    Case("zip_bomb.xlsx", "excel", zip_bomb, ("GiB",)),
    Case("truncated.xlsx", "excel", truncated_xlsx),
    Case("not_a_workbook.xlsx", "excel", text("order_id,customer_id\nO1,C1\n")),
    Case("zip_without_workbook.xlsx", "excel", zip_without_workbook),
    Case("empty_sheet.xlsx", "excel", empty_sheet),
    # a table chosen by option or name that would blank stored fields (item 2)
    Case("orders_as_products.csv", "table", text(ORDERS_FOR_TABLE), ("product_id",), args=("--table", "products")),
    Case("orders_as_customers.csv", "table", text(ORDERS_FOR_TABLE), ("customer_id",), args=("--table", "customers")),
    Case("unknown_cart_orders.csv", "table",  # an orders export of a cart teiki has no preset for (カラーミー-like)
         text("売上ID,受注日,購入者 名前,商品ID,商品名,販売価格(消費税込),販売個数\n"
              "10001,2026/10/01 10:12:00,山田 太郎,P-001,美容液,3980,1\n", "cp932"), ("受注日", "order_id", "products")),
    Case("customers_only_ids.csv", "table", text("customer_id\nC0000001\nC0000002\n"), ("customer_id",)),
    Case("products_only_ids.csv", "table", text("product_id\nM01\n"), ("product_id",)),
    # dates (item 5)
    Case("two_digit_year_slash.csv", "date", orders(line(9, ordered_at="24/10/01")), ("row 3", "24/10/01", "2024")),
    Case("two_digit_year_dash.csv", "date", orders(line(9, ordered_at="24-10-01 10:00")), ("row 3", "ordered_at")),
    Case("two_digit_year_dmy.csv", "date", orders(line(9, ordered_at="01/10/24")), ("row 3", "ordered_at")),
    Case("year_one.csv", "date", orders(line(9, ordered_at="0001-01-01")), ("row 3", "1990")),
    Case("before_1990.csv", "date", orders(line(9, ordered_at="1989-12-31 23:59:59")), ("row 3", "1990")),
    Case("year_2999.csv", "date", orders(line(9, ordered_at="2999-12-31"), at=5), ("row 5", "ordered_at")),
    Case("next_year.csv", "date", orders(line(9, ordered_at=future(400))), ("row 3", "ordered_at")),
    Case("month_13.csv", "date", orders(line(9, ordered_at="2024-13-01")), ("row 3", "2024-13-01")),
    Case("february_30.csv", "date", orders(line(9, ordered_at="2024-02-30")), ("row 3", "2024-02-30")),
    Case("date_infinity.csv", "date", orders(line(9, ordered_at="infinity")), ("row 3", "infinity")),
    Case("subscription_year_24.csv", "date",
         text(csv_text(SUB_HEADER, [["HS1", "C0000001", "M01", "0024-10-01", "", "30"]])), ("row 2", "started_at")),
    Case("customers_born_1900.csv", "date",
         text("customer_id,created_at,name\nHC1,1900-01-01,山田\n"), ("row 2", "created_at")),
    Case("contacts_2999.csv", "date",
         text("contact_id,customer_id,contacted_at,purpose\nHK1,C0000001,2999-01-01,followup\n"), ("row 2",)),
    # encodings (item 6)
    Case("cp932_with_utf8_row.csv", "encoding", cp932_with_a_utf8_row, ("row 5", "UTF-8")),
    Case("utf8_with_cp932_row.csv", "encoding", utf8_with_a_cp932_row, ("row 5",)),
    Case("invalid_after_first_mib.csv", "encoding", invalid_after_first_mib, ("channel", "row ")),
    Case("ascii_cp932_utf8.csv", "encoding", ascii_then_cp932_then_utf8, ("row ",)),
    Case("binary_garbage.csv", "encoding", binary_garbage),
    Case("gzip_named.csv", "encoding", gzip_named_csv),
    Case("excel_unicode_text.txt", "encoding", utf16_with_bom, accepted=True),
    # layouts that gave tracebacks (item 7)
    Case("trailing_empty_headers.csv", "layout",
         text(csv_text(HEADER + ["", ""], [r + ["", ""] for r in good_rows(3)])), accepted=True),
    Case("empty_header_between.csv", "layout",
         text(csv_text(HEADER[:2] + [""] + HEADER[2:], [r[:2] + ["x"] + r[2:] for r in good_rows(3)])),
         accepted=True),
    Case("column_twice.csv", "layout", text(csv_text(HEADER + ["amount"], [r + ["1"] for r in good_rows(3)])),
         accepted=True),
    Case("header_row.csv", "layout", text(csv_text(["_row"] + HEADER, [["1"] + r for r in good_rows(2)])),
         accepted=True),
    Case("header_file.csv", "layout", text(csv_text(HEADER + ["_file"], [r + ["x"] for r in good_rows(2)])),
         accepted=True),
    Case("header_raw.csv", "layout", text(csv_text(HEADER + ["_raw_amount"], [r + ["x"] for r in good_rows(2)])),
         accepted=True),
    Case("parquet_list.parquet", "layout", parquet_with("list"), ("tags",)),
    Case("parquet_struct.parquet", "layout", parquet_with("struct"), ("address",)),
    Case("mapping_encoding.csv", "layout", text(ORDERS_FOR_TABLE), ("bad_encoding.toml", "encoding", "klingon"),
         args=("--mapping", "{dir}/bad_encoding.toml"), shown="bad_encoding.toml", files=mapping("bad_encoding.toml", 'encoding = "klingon"\n')),
    Case("mapping_delimiter.csv", "layout", text(ORDERS_FOR_TABLE), ("bad_delimiter.toml", "delimiter"),
         args=("--mapping", "{dir}/bad_delimiter.toml"), shown="bad_delimiter.toml", files=mapping("bad_delimiter.toml", 'delimiter = ";;"\n')),
    Case("mapping_not_toml.csv", "layout", text(ORDERS_FOR_TABLE), ("not_toml.toml",),
         args=("--mapping", "{dir}/not_toml.toml"), shown="not_toml.toml", files=mapping("not_toml.toml", "[orders\ncolumns = 3\n")),
    Case("mapping_missing.csv", "layout", text(ORDERS_FOR_TABLE), (), shown="nowhere.toml",
         args=("--mapping", "{dir}/nowhere.toml")),
    Case("orders_dir.csv", "layout", directory, ("folder",)),
    Case("empty.csv", "layout", text("")),
    Case("bom_only.csv", "layout", text(b"\xef\xbb\xbf")),
    Case("blank_lines.csv", "layout", text("\n\n\n")),
    Case("spaces_header.csv", "layout", text("   ,  ,\nO1,C1,x\n")),
    Case("orders.csv.gz", "layout", text(gzip.compress(ORDERS_FOR_TABLE.encode()))),
    Case("unknown_suffix.json", "layout", text("{}")),
    # lines and their messages (item 8)
    Case("truncated_last_line.csv", "line", truncated_last_line, ("row 4",)),
    Case("extra_field.csv", "line", orders(line(9) + ["surplus"]), ("row 3",)),
    Case("unclosed_quote.csv", "line", text(ORDERS_FOR_TABLE + 'H9,HC9,"2024-03-01,M01,1,100,,,web,completed\n'),
         ("row 5",)),
    Case("long_line.csv", "line", long_line, ("row 4",)),
    Case("truncated.parquet", "line", truncated_parquet),
    # values accepted but wrong (item 9)
    Case("nul_in_customer.csv", "value", orders(line(9, customer_id="C00\x0000001")), ("row 3", "customer_id")),
    Case("control_in_order_id.csv", "value", orders(line(9, order_id="H\x07BELL")), ("row 3", "order_id")),
    Case("amount_1e300.csv", "value", orders(line(9, amount="1e300")), ("row 3", "amount")),
    Case("amount_nan.csv", "value", orders(line(9, amount="NaN")), ("row 3", "amount")),
    Case("amount_inf.csv", "value", orders(line(9, amount="-inf")), ("row 3", "amount")),
    Case("amount_negative.csv", "value", orders(line(9, amount="-100")), ("row 3", "amount")),
    Case("quantity_zero.csv", "value", orders(line(9, quantity="0")), ("row 3", "quantity")),
    Case("quantity_fraction.csv", "value", orders(line(9, quantity="1.5")), ("row 3", "quantity")),
    Case("quantity_huge.csv", "value", orders(line(9, quantity="1e12")), ("row 3", "quantity")),
    Case("delivery_no_huge.csv", "value", orders(line(9, subscription_id="HS9", delivery_no="1000000000000")),
         ("row 3", "delivery_no")),
    Case("delivery_no_alone.csv", "value", orders(line(9, delivery_no="2")), ("row 3", "subscription_id")),
    Case("status_unknown.csv", "value", orders(line(9, status="shipped?")), ("row 3", "status")),
    Case("conflicting_lines.csv", "value", text(csv_text(HEADER, [line(1), line(1, customer_id="HC99999")])),
         ("H000001", "rows 2, 3")),
    Case("cancelled_before_start.csv", "value",
         text(csv_text(SUB_HEADER, [["HS1", "C0000001", "M01", "2024-05-01", "2024-04-01", "30"]])),
         ("row 2", "cancelled_at")),
    Case("cycle_days_huge.csv", "value",
         text(csv_text(SUB_HEADER, [["HS1", "C0000001", "M01", "2024-05-01", "", "1000000000"]])),
         ("row 2", "cycle_days")),
    Case("margin_above_one.csv", "value", text("product_id,name,gross_margin\nHP1,x,1.5\n"), ("row 2",)),
    Case("event_kind_unknown.csv", "value",
         text("subscription_id,occurred_at,kind\nS0000001,2024-05-01,explode\n"), ("row 2", "kind")),
    Case("contact_cost_inf.csv", "value",
         text("contact_id,customer_id,contacted_at,purpose,cost\nHK1,C0000001,2024-05-01,followup,inf\n"),
         ("row 2", "cost")),
    Case("nul_in_name.csv", "value", text("customer_id,name\nHC1,山\x00田\n"), ("row 2", "name")),
]


def generate(folder: Path) -> dict[str, Path]:
    """Write every case's files into ``folder``; returns case name → the path to import."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in CASES:
        path = folder / case.name
        case.make(path)
        for name, make in case.files.items():
            make(folder / name)
        paths[case.name] = path
    return paths


if __name__ == "__main__":
    for name, path in generate(Path(sys.argv[1])).items():
        print(name, path.stat().st_size if path.is_file() else "dir")
