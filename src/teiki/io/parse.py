"""Turn raw text cells into typed canonical columns, inside the engine.

:func:`stage` reads every cell once, in the same pass as the file is read:
the typed value, and the cell's text in ``_raw_<column>`` only where the cheap
first reading failed (so the slow, lenient reading runs on few cells and the
staged table stays small). A staged cell with text in ``_raw_`` and no value
is unreadable; validation reports it with that text.

Accepted spellings: dates ``2024-01-05``, ``2024/1/5``, ``2024/01/05 09:30:00``,
``2024-01-05T09:30:00+09:00`` (the offset is dropped: times are taken as the
shop's wall-clock time), ``2024年1月5日``; numbers with ``¥``/``￥``/``円``,
thousands separators and full-width digits (``￥１，９８０``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from teiki.store.schema import Column, TableSpec

FULL_WIDTH = "０１２３４５６７８９．－：／　"
HALF_WIDTH = "0123456789.-:/ "


@ibis.udf.scalar.builtin(name="trim")
def _trim(text: str) -> str:
    """The engine's own whitespace trim (Ibis' ``strip`` passes a character list, twice as slow)."""


@ibis.udf.scalar.builtin(name="isfinite")
def _isfinite(value: dt.datetime) -> bool:
    """The engine's test for ±infinity timestamps (it reads "infinity" as one)."""


@ibis.udf.scalar.builtin(name="try_strptime")
def _try_strptime(text: str, format: str) -> dt.datetime:
    """The engine's strptime, null where the text does not fit the format."""


def _finite_timestamp(value: ir.TimestampValue) -> ir.TimestampValue:
    return ibis.cases((_isfinite(value), value), else_=ibis.null("timestamp"))


def _blank_to_null(text: ir.StringValue) -> ir.StringValue:
    return _trim(text).nullif("")


def _normalized_timestamp(text: ir.StringValue) -> ir.TimestampValue:
    s = text.strip().translate(FULL_WIDTH, HALF_WIDTH)
    s = s.re_replace(r"(\d)\s*[年月]\s*", r"\1-").re_replace(r"(\d)\s*日", r"\1")
    s = s.replace("/", "-").re_replace(r"^(\d{4}-\d{1,2}-\d{1,2})T", r"\1 ")
    s = s.re_replace(r"\s*(Z|[+-]\d{2}:?\d{2})$", "")
    return s.try_cast("timestamp")


def parse_timestamp(text: ir.StringValue, date_format: str | None = None) -> ir.TimestampValue:
    """Lenient timestamp reading; null when unreadable.

    The engine's own cast reads ISO and ``YYYY/MM/DD hh:mm:ss`` directly; the
    slower normalisation runs only on the cells it rejects. A mapping's
    ``date_format`` (strftime codes: ``%y/%m/%d`` for ``24/10/01``) reads every
    cell with that format instead.
    """
    if date_format:
        return _finite_timestamp(_try_strptime(text.strip(), date_format))
    return _finite_timestamp(ibis.coalesce(text.try_cast("timestamp"), _normalized_timestamp(text)))


def finite(number: ir.FloatingValue) -> ir.FloatingValue:
    """Null for NaN and ±infinity: the engine reads "nan" and "inf", but they are no amount or count."""
    return ibis.cases((number.isnan() | number.isinf(), ibis.null("float64")), else_=number)


def parse_number(text: ir.StringValue) -> ir.FloatingValue:
    """Lenient number reading; null when unreadable (plain numbers take the fast path)."""
    cleaned = text.translate(FULL_WIDTH, HALF_WIDTH).re_replace(r"[¥￥,，円\s]", "")
    return finite(ibis.coalesce(text.try_cast("float64"), cleaned.try_cast("float64")))


RAW = "_raw_"
SKIP = "_skip"  # the skip rule a row matched (teiki.io.mapping)


def raw_name(column: str) -> str:
    """The staged column holding a cell's text when the fast reading failed."""
    return RAW + column


@dataclass
class Parsed:
    """One canonical column read from raw text.

    ``value`` is the typed value (null when blank or unreadable); ``doubtful``
    is true where the cheap first reading failed (a plain cast, or a value
    already canonical), so that only those cells' text needs keeping.
    """

    column: Column
    text: ir.StringValue
    value: ir.Value
    doubtful: ir.BooleanValue | None

    @property
    def final(self) -> ir.Value:
        """The value with the column's default filling blank cells."""
        if self.column.default is None:
            return self.value
        return ibis.cases((self.text.isnull(), ibis.literal(self.column.default)), else_=self.value)


def _parsed(column: Column, text: ir.StringValue, values: dict[str, str], date_format: str | None) -> Parsed:
    if column.is_temporal:
        moment = parse_timestamp(text, date_format)
        value = moment.date() if column.dtype == "date" else moment
        fast = moment if date_format else _finite_timestamp(text.try_cast("timestamp"))
        return Parsed(column, text, value, fast.isnull())
    if column.is_numeric:
        return Parsed(column, text, parse_number(text), finite(text.try_cast("float64")).isnull())
    if column.choices is not None:
        known = list(column.choices)
        lowered = ibis.cases((text.lower().isin(known), text.lower()))
        mapped = text.substitute(values, else_=lowered) if values else lowered
        return Parsed(column, text, ibis.cases((text.isin(known), text), else_=mapped), ~text.isin(known))
    return Parsed(column, text.substitute(values, else_=text) if values else text, None, None)


def parsed_columns(raw: ir.Table, spec: TableSpec, values: dict[str, dict[str, str]],
                   trimmed: bool = False, date_format: str | None = None) -> dict[str, Parsed]:
    """Every canonical column of ``spec`` read from ``raw``.

    ``raw`` columns are text, or already typed when the reader converted them
    (those pass through); ``trimmed`` says the reader already trimmed the text.
    """
    out = {}
    for column in spec.columns:
        cell = raw[column.name]
        if not cell.type().is_string():
            value = cell.cast("date" if column.dtype == "date" else "timestamp" if column.is_temporal else "float64")
            if column.is_numeric:  # the reader reads "nan" and "inf" as numbers: keep them as unreadable text
                out[column.name] = Parsed(column, value, finite(value), value.isnan() | value.isinf())
            else:
                out[column.name] = Parsed(column, value, value, None)
            continue
        # the engine's casts skip spaces themselves; names and codes are trimmed
        plain = column.is_temporal or column.is_numeric or trimmed
        text = cell.nullif("") if plain else _blank_to_null(cell)
        out[column.name] = _parsed(column, text, values.get(column.name, {}), date_format)
    return out


def stage(raw: ir.Table, spec: TableSpec, values: dict[str, dict[str, str]], trimmed: bool = False,
          date_format: str | None = None) -> ir.Table:
    """One pass over the raw text: typed values (defaults filled) and ``_raw_*`` text where doubtful.

    Keeps ``_row``, ``_file`` and the skip rule a row matched (``_skip``, when the mapping has rules). Whole-number columns stay float64 so that
    ``1.5`` can be reported; :func:`finish` casts them after validation.
    """
    out: dict[str, ir.Value] = {"_row": raw["_row"], "_file": raw["_file"]}
    if SKIP in raw.columns:
        out[SKIP] = raw[SKIP]
    for name, parsed in parsed_columns(raw, spec, values, trimmed, date_format).items():
        if parsed.value is None:
            out[name] = parsed.text
            continue
        out[name] = parsed.final.cast("float64") if parsed.column.is_numeric else parsed.final
        if parsed.doubtful is None:  # converted by the reader: nothing was left unread
            out[raw_name(name)] = ibis.null("string")
        elif parsed.column.is_temporal or parsed.column.is_numeric or parsed.column.choices:
            out[raw_name(name)] = ibis.cases((parsed.text.notnull() & parsed.doubtful, parsed.text.cast("string")),
                                             else_=ibis.null("string"))
    return raw.select(**out)


def finish(parsed: ir.Table, spec: TableSpec) -> ir.Table:
    """The canonical table in schema types (after validation passed)."""
    return parsed.select(**{c.name: parsed[c.name].cast(c.dtype) for c in spec.columns})
