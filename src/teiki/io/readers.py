"""Read an input file into a stream of Arrow batches of strings, with row numbers.

Every reader yields the file's own columns, as text, plus ``_row``: the
spreadsheet row number (header = row 1, first data row = row 2), so that a
validation message can point at the line a user sees in Excel. Parsing into
typed columns happens later, inside the engine (:mod:`teiki.io.parse`).

Arrow is used here because this is the edge of the system: files come in.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from teiki.errors import InputError
from teiki.io.locate import first_bad_row, first_undecodable, first_utf8_line, spot_at

ROW = "_row"
SNIFF_BYTES = 1 << 20
BINARY_MAGIC = (b"\x1f\x8b", b"PK\x03\x04", b"PAR1", b"\xd0\xcf\x11\xe0", b"%PDF")  # gzip, zip, Parquet, xls, PDF
BLOCK_BYTES = 16 << 20
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


class TypedReadFailed(Exception):
    """A cell did not fit the type the optimistic reading asked for: read the file as text instead."""


@dataclass
class Source:
    """An opened input: its headers and a one-shot stream of batches.

    Columns are text, except those named in ``typed`` (optimistic reading, see
    :func:`open_source`); text columns of a typed reading are already trimmed.
    """

    path: Path
    headers: list[str]
    batches: Iterator[pa.RecordBatch]
    encoding: str = ""
    typed: dict[str, pa.DataType] | None = None
    typed_failed: bool = False
    estimated_rows: int | None = None  # for progress bars: exact for Excel and Parquet
    delimiter: str = ","
    rows_streamed: int = 0  # counted by the importer as batches go by
    encoding_failed: bool = False  # invalid UTF-8 after an ASCII-only start: read again as CP932
    error: InputError | None = None  # raised while streaming (the engine wraps it in its own exception)

    @property
    def name(self) -> str:
        return self.path.name

    def schema(self) -> pa.Schema:
        types = self.typed or {}
        return pa.schema([pa.field(ROW, pa.int64())] + [pa.field(h, types.get(h, pa.string())) for h in self.headers])

    def reader(self) -> pa.RecordBatchReader:
        return pa.RecordBatchReader.from_batches(self.schema(), self.batches)


TIMESTAMP_FORMATS = [pacsv.ISO8601, "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y-%m-%d %H:%M"]


def open_source(path: Path, encoding: str | None = None, delimiter: str | None = None,
                typed: dict[str, pa.DataType] | None = None) -> Source:
    """Open ``path`` by its suffix; errors name the file.

    ``typed`` (CSV only) asks the reader to convert those columns itself, in
    its parallel C++ parser: much faster than text for big files. A cell that
    does not convert raises :class:`TypedReadFailed` while streaming; the
    caller then reads the file again as text, where every cell is judged and
    reported precisely.
    """
    if not path.exists():
        raise InputError(str(path), "no_such_file")
    if path.is_dir():
        raise InputError(path.name, "is_directory")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _open_csv(path, encoding, delimiter, typed)
    if suffix in EXCEL_SUFFIXES:
        return _open_excel(path)
    if suffix in PARQUET_SUFFIXES:
        return _open_parquet(path)
    raise InputError(path.name, "unknown_format")


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' or 'utf-16' with a BOM (Excel's 「Unicode テキスト」 is UTF-16), 'utf-8' if the first MiB
    decodes as UTF-8, else 'cp932'. CP932 is Microsoft's Shift_JIS, a superset of it, so it reads both.

    A start valid in neither is refused with the row and column of the first bad byte: after UTF-8 text, the
    first byte that is not UTF-8 (a Shift_JIS row pasted into a UTF-8 file); otherwise the first that is not
    CP932 either.
    """
    head = _head(path)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(BINARY_MAGIC) or head[:4096].count(b"\x00") > 4:  # one NUL is a damaged cell: found there
        raise InputError(path.name, "not_text")
    failures = []
    for encoding in ("utf-8", "cp932"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError as exc:
            failures.append(exc.start)
    utf8_text = not head[: failures[0]].isascii()
    raise _bad_bytes(path, failures[0] if utf8_text else failures[1], "UTF-8" if utf8_text else None)


def _first_line(path: Path, encoding: str = "utf-8") -> str:
    with path.open("r", encoding=encoding, errors="replace", newline="") as fh:
        return fh.readline()


def _where(path: Path, offset: int, first_line: str, delimiter: str) -> dict[str, object]:
    """The row and header of byte ``offset``, as messages name them ("—" for a place in the header row)."""
    spot = spot_at(path, offset, delimiter, file_headers(next(csv.reader([first_line], delimiter=delimiter), [])))
    return {"row": spot.row, "column": spot.column if spot.column and spot.row > 1 else "—"}


def _bad_bytes(path: Path, offset: int, encoding: str | None, delimiter: str | None = None) -> InputError:
    """The refusal of a file holding bytes not valid in its encoding (None: in neither UTF-8 nor CP932)."""
    first = _first_line(path, "utf-16" if encoding == "UTF-16" else "utf-8")
    where = _where(path, offset, first, delimiter or _sniff_delimiter(first))
    if encoding is None:
        return InputError(path.name, "mixed_encoding", **where)
    return InputError(path.name, "invalid_in_encoding", encoding=encoding, **where)


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(SNIFF_BYTES)


def _utf8_failed(encoding: str, path: Path, exc: Exception) -> bool:
    """Invalid UTF-8 in a file whose sniffed start was plain ASCII: it is CP932 after all.

    A start holding UTF-8 text is not retried as CP932: that would turn it into mojibake.
    """
    return encoding == "utf-8" and "utf8" in str(exc).lower() and _head(path).isascii()


def _sniff_delimiter(first_line: str) -> str:
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


SHOWN_ENCODING = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp932": "Shift_JIS (CP932)"}


def _open_csv(path: Path, encoding: str | None, delimiter: str | None,
              typed: dict[str, pa.DataType] | None = None) -> Source:
    encoding = encoding or detect_encoding(path)
    first_line = _first_line(path, encoding)
    if not first_line.replace("\ufeff", "").strip():
        raise InputError(path.name, "empty_file")
    delimiter = delimiter or _sniff_delimiter(first_line)
    if encoding == "cp932" and typed is None and (offset := first_utf8_line(path)) is not None:
        raise InputError(path.name, "utf8_in_cp932", **_where(path, offset, first_line, delimiter))
    read_options = pacsv.ReadOptions(
        block_size=BLOCK_BYTES, encoding="utf8" if encoding.startswith("utf-8") else encoding
    )
    parse_options = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False)
    try:
        names = pacsv.open_csv(path, read_options=read_options, parse_options=parse_options).schema.names
        headers = file_headers(names)
        typed = {h: t for h, t in (typed or {}).items() if h in headers} or None
        reader = pacsv.open_csv(path, read_options=read_options, parse_options=parse_options,
                                convert_options=_convert_options(names, headers, typed))
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:  # the latter: transcoding from CP932
        if _utf8_failed(encoding, path, exc):  # an ASCII-only first MiB, CP932 later on
            return _open_csv(path, "cp932", delimiter, typed)
        if typed:
            raise TypedReadFailed(str(exc)) from exc
        raise _read_failure(path, encoding, delimiter, exc) from exc
    source = Source(path, headers, iter(()), encoding, typed, estimated_rows=_estimate_rows(path), delimiter=delimiter)
    source.batches = _numbered(reader, source, path)
    return source


def _estimate_rows(path: Path) -> int:
    """Data rows of a text file, judged from the line length in its first MiB."""
    head = path.open("rb").read(SNIFF_BYTES)
    lines = max(head.count(b"\n"), 1)
    return max(int(path.stat().st_size / (len(head) / lines)) - 1, 0)


def _convert_options(names: list[str], headers: list[str], typed: dict[str, pa.DataType] | None) -> pacsv.ConvertOptions:
    """Text everywhere (empty cells stay "", blank-ness is judged in the engine), except ``typed`` columns."""
    types = {n: (typed or {}).get(h, pa.string()) for n, h in zip(names, headers, strict=True)}
    return pacsv.ConvertOptions(column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False,
                                null_values=[""], timestamp_parsers=TIMESTAMP_FORMATS)


def _clean_header(header: str) -> str:
    return header.replace("\ufeff", "").strip()


def file_headers(names: list[str]) -> list[str]:
    """A file's headers as teiki names them: trimmed, repeats told apart (:func:`unique_headers`), and a header
    named like the row number teiki adds (``_row``) renamed ``_row#2``."""
    return unique_headers([ROW] + [_clean_header(str(h)) for h in names])[1:]


def _read_failure(path: Path, encoding: str, delimiter: str, exc: Exception) -> InputError:
    """The parser's error as the user's message, with the row (and column) it is on."""
    text = str(exc)
    if isinstance(exc, UnicodeDecodeError) or "invalid utf8" in text.lower():
        offset = first_undecodable(path, encoding)
        if offset is not None:
            return _bad_bytes(path, offset, SHOWN_ENCODING.get(encoding, encoding), delimiter)
    if "straddling" in text.lower():
        return InputError(path.name, "line_too_long", limit=f"{BLOCK_BYTES >> 20}")
    if "CSV parse error" in text:
        bad = first_bad_row(path, encoding, delimiter)
        if bad is not None:
            return InputError(path.name, "wrong_field_count", row=bad.row, fields=bad.fields, expected=bad.expected,
                              text=bad.text)
    return InputError(path.name, "unreadable_file", detail=text)


def unique_headers(headers: list[str]) -> list[str]:
    """Headers with a repeated name told apart by position: the second ``送料`` is ``送料#2`` (EC-CUBE 4's
    受注CSV has two), so that a mapping can address either."""
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        out.append(header if seen[header] == 1 else f"{header}#{seen[header]}")
    return out


def _numbered(reader: pacsv.CSVStreamingReader, source: Source, path: Path) -> Iterator[pa.RecordBatch]:
    """Prefix each batch with spreadsheet row numbers (2, 3, ...); trim text when reading typed."""
    schema = source.schema()
    next_row = 2
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:  # the latter: transcoding from CP932
            # the engine wraps exceptions raised here: leave a mark on the source for the importer
            if _utf8_failed(source.encoding, path, exc):
                source.encoding_failed = True
                raise TypedReadFailed(str(exc)) from exc
            if source.typed:
                source.typed_failed = True
                raise TypedReadFailed(str(exc)) from exc
            source.error = _read_failure(path, source.encoding, source.delimiter, exc)
            raise source.error from exc
        rows = pa.array(np.arange(next_row, next_row + batch.num_rows, dtype=np.int64))
        next_row += batch.num_rows
        columns = batch.columns
        if source.typed:
            columns = [pc.utf8_trim_whitespace(c) if pa.types.is_string(c.type) else c for c in columns]
        yield pa.RecordBatch.from_arrays([rows, *columns], schema=schema)


def _cell_text(value: object) -> str:
    """An Excel cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


MAX_EXCEL_CELLS = 50_000_000  # rows × columns of the used range: 2.5M rows of 20 columns
MAX_EXCEL_UNPACKED = 4 << 30  # bytes of XML inside a workbook: 50M cells of text take about this much


class ExcelTooLarge(Exception):
    """A workbook whose parts would inflate beyond :data:`MAX_EXCEL_UNPACKED` (the size, as shown)."""
_CELL_REF = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\br=["']([A-Z]{1,3})([0-9]{1,7})["']""")
_DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\b[^>]*?\bref=["'](?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})["']""")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def excel_extent(path: Path) -> tuple[int, int]:
    """(rows, columns) a reader would allocate for the workbook's largest sheet: the declared dimension and the
    farthest cell, read from the sheet XML as a stream (a 1.5 KB file can declare a cell at XFD1048576, which
    would make a reader allocate 512 GiB before reading anything)."""
    rows = columns = 0
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_EXCEL_UNPACKED:  # a zip bomb: a few KB that a reader would inflate to gigabytes
            raise ExcelTooLarge(f"{unpacked / 2**30:,.1f} GiB")
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            with archive.open(info) as fh:
                tail = b""
                while chunk := fh.read(1 << 20):
                    text = tail + chunk
                    for pattern in (_DIMENSION, _CELL_REF):
                        for letters, number in pattern.findall(text):
                            columns = max(columns, _column_number(letters))
                            rows = max(rows, int(number))
                    tail = text[-256:]
    return rows, columns


def _open_excel(path: Path) -> Source:
    from python_calamine import CalamineWorkbook

    try:
        rows, columns = excel_extent(path)
    except ExcelTooLarge as exc:
        raise InputError(path.name, "excel_unpacks_too_large", size=str(exc),
                         limit=f"{MAX_EXCEL_UNPACKED >> 30} GiB") from exc
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(path.name, "not_a_workbook", detail=str(exc)) from exc
    if rows * columns > MAX_EXCEL_CELLS:
        raise InputError(path.name, "excel_too_large", rows=f"{rows:,}", columns=f"{columns:,}",
                         limit=f"{MAX_EXCEL_CELLS:,}")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own types for broken files
        raise InputError(path.name, "not_a_workbook", detail=str(exc)) from exc
    if not rows:
        raise InputError(path.name, "empty_file")
    headers = file_headers([_cell_text(h) for h in rows[0]])
    body = [r for r in rows[1:]]
    columns = [pa.array(np.arange(2, 2 + len(body), dtype=np.int64))]
    for i in range(len(headers)):
        columns.append(pa.array([_cell_text(r[i]) if i < len(r) else "" for r in body], pa.string()))
    schema = pa.schema([pa.field(ROW, pa.int64())] + [pa.field(h, pa.string()) for h in headers])
    batch = pa.RecordBatch.from_arrays(columns, schema=schema)
    return Source(path, headers, iter([batch]), estimated_rows=len(body))


def _open_parquet(path: Path) -> Source:
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError … for a damaged or foreign file
        raise InputError(path.name, "not_parquet", detail=str(exc)) from exc
    nested = [f"{f.name} ({f.type})" for f in parquet.schema_arrow if pa.types.is_nested(f.type)]
    if nested:
        raise InputError(path.name, "nested_columns", columns=", ".join(nested))
    headers = file_headers(list(parquet.schema_arrow.names))
    schema = pa.schema([pa.field(ROW, pa.int64())] + [pa.field(h, pa.string()) for h in headers])

    def batches() -> Iterator[pa.RecordBatch]:
        next_row = 2
        stream = parquet.iter_batches(batch_size=1 << 20)
        while True:
            try:
                batch = next(stream)
            except StopIteration:
                return
            except Exception as exc:  # a damaged page: the engine wraps what is raised here, so mark the source
                source.error = InputError(path.name, "not_parquet", detail=f"row {next_row}: {exc}")
                raise source.error from exc
            columns = [pa.array(np.arange(next_row, next_row + batch.num_rows, dtype=np.int64))]
            columns += [_as_text(col) for col in batch.columns]
            next_row += batch.num_rows
            yield pa.RecordBatch.from_arrays(columns, schema=schema)

    source = Source(path, headers, iter(()), estimated_rows=parquet.metadata.num_rows)
    source.batches = batches()
    return source


def _as_text(column: pa.Array) -> pa.Array:
    """A typed Parquet column as text; nulls become "" like empty CSV cells."""
    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        column = pc.local_timestamp(column)  # the wall-clock time in the stored zone
    text = column.cast(pa.string())
    return text.fill_null("")
