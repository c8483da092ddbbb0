"""Write the demo shop's tables as CSV files.

The order export imitates a Japanese cart system: CP932 (Shift_JIS as Windows
writes it), Japanese headers, CRLF line ends. The other tables are UTF-8 with
the canonical column names. Values are never quoted; a value that would need
quoting is a bug in the generator and makes the writer fail.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

ORDERS_FILE = "受注明細.csv"
ORDERS_ENCODING = "cp932"
CHUNK_ROWS = 500_000


def csv_bytes(table: pa.Table, eol: str) -> bytes:
    """The rows of a table as UTF-8 CSV without a header."""
    sink = io.BytesIO()
    options = pacsv.WriteOptions(include_header=False, quoting_style="none", eol=eol)
    pacsv.write_csv(table, sink, options)
    return sink.getvalue()


def write_table(
    table: pa.Table,
    path: Path,
    header: list[str],
    encoding: str = "utf-8",
    eol: str = "\n",
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write ``table`` with the given header line, in chunks, re-encoding each chunk if needed."""
    with open(path, "wb") as out:
        out.write((",".join(header) + eol).encode(encoding))
        for start in range(0, max(table.num_rows, 1), CHUNK_ROWS):
            chunk = csv_bytes(table.slice(start, CHUNK_ROWS), eol)
            out.write(chunk if encoding == "utf-8" else chunk.decode("utf-8").encode(encoding))
            if progress:
                progress(min(start + CHUNK_ROWS, table.num_rows), table.num_rows)
    return path
