"""Column mappings: how a file's rows become canonical rows — the language presets and users' files share.

One TOML format (``docs/importing.md`` documents every key)::

    preset = "ja"                 # optional: start from a preset, then override
    encoding = "cp932"            # optional: otherwise detected
    delimiter = "\\t"              # optional: otherwise sniffed
    timezone = "UTC"              # optional: the zone the file's times are in (teiki stores Japan time)
    date_format = "%y/%m/%d"      # optional: how every date is written (strftime codes), when not YYYY-MM-DD

    [orders.columns]              # canonical column ← a header, or a list of headers (first found wins)
    order_id = "伝票番号"          # a repeated header by position: "送料#2" is the second 送料
    amount = ["税込小計", "小計"]

    [orders.computed]             # canonical column ← an expression over headers (teiki.io.expressions)
    amount = "number([販売価格]) * number([数量])"
    ordered_at = "datetime([日付], [注文時間])"
    customer_id = "email_key([メールアドレス], 'shop:')"   # a hash of the normalised address, never the address

    [orders.fill_down]            # order-level cells written only on an order's first row
    by = "Name"
    columns = ["Email", "Financial Status"]

    [orders.split]                # list cells, one line per element: 商品コード "A,B" with 数量 "1,2"
    columns = ["商品コード", "数量"]
    separator = ","

    [[orders.skip]]               # rows that are not lines (shipping, fees, coupons …): skipped and counted
    when = "empty([商品コード])"
    reason = "送料・手数料の行"

    [orders.values.status]        # raw cell value → canonical value
    "発送完了" = "completed"

The canonical column name itself is always accepted as a header. Headers match regardless of case and of
full- / half-width forms (NFKC). Everything here becomes one Ibis expression over the file's rows
(:func:`project`), evaluated in the engine.
"""

from __future__ import annotations

import codecs
import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ibis
import ibis.expr.types as ir

from teiki.errors import InputError
from teiki.io.expressions import Expression, ExpressionError, compile_expression
from teiki.io.parse import SKIP, parse_timestamp
from teiki.store.schema import TABLES, TableSpec

STORED_ZONE = "Asia/Tokyo"  # teiki stores wall-clock times in Japan time


@dataclass(frozen=True)
class SkipRule:
    when: Expression
    reason: str


@dataclass
class TableMapping:
    columns: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    computed: dict[str, Expression] = field(default_factory=dict)
    skip: list[SkipRule] = field(default_factory=list)
    split: tuple[tuple[str, ...], str] | None = None  # (headers, separator)
    fill_down: tuple[str, tuple[str, ...]] | None = None  # (group header, headers)

    def merged(self, other: TableMapping) -> TableMapping:
        """``other`` overrides: its headers are tried first, its values and computed columns win, its rules
        are added."""
        columns = {k: list(v) for k, v in self.columns.items()}
        for name, headers in other.columns.items():
            columns[name] = headers + [h for h in columns.get(name, []) if h not in headers]
        values = {k: dict(v) for k, v in self.values.items()}
        for name, table in other.values.items():
            values.setdefault(name, {}).update(table)
        computed = {k: v for k, v in self.computed.items() if k not in other.columns} | other.computed
        return TableMapping(columns, values, computed, self.skip + other.skip, other.split or self.split,
                            other.fill_down or self.fill_down)

    @property
    def reshapes(self) -> bool:
        """Whether rows are more than renamed (windows, list cells, expressions, skipped rows)."""
        return bool(self.computed or self.skip or self.split or self.fill_down)


@dataclass
class Mapping:
    name: str
    tables: dict[str, TableMapping] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    only_tables: tuple[str, ...] | None = None
    timezone: str | None = None  # the zone of the file's times (None: Japan time already)
    date_format: str | None = None  # strftime codes every date cell is written in (None: the usual spellings)
    description: str = ""  # the layout's name, as summaries and --explain show it
    description_en: str = ""  # the same in English (``description_en``; the Japanese one when absent)

    def layout(self, lang: str = "ja") -> str:
        """The layout's name in ``lang``: the preset's description, else the mapping's name."""
        if lang == "en" and self.description_en:
            return self.description_en
        return self.description or self.name

    def for_table(self, table: str) -> TableMapping:
        return self.tables.get(table, TableMapping())

    @property
    def shift_hours(self) -> float:
        """Hours to add to the file's times to get Japan time."""
        return zone_shift_hours(self.timezone) if self.timezone else 0.0


def normal_header(header: str) -> str:
    """A header as matched: NFKC (full- and half-width alike), trimmed, lower case."""
    return unicodedata.normalize("NFKC", header).strip().lower()


@dataclass
class Resolved:
    """A mapping applied to one file's headers for one table."""

    spec: TableSpec
    sources: dict[str, str | None]  # canonical column -> file header (None = absent or computed)
    values: dict[str, dict[str, str]]
    table_mapping: TableMapping = field(default_factory=TableMapping)
    headers: dict[str, str] = field(default_factory=dict)  # a header as the mapping names it -> the file's
    missing_headers: list[str] = field(default_factory=list)  # headers the mapping's rules need, not in the file
    shift_hours: float = 0.0

    @property
    def computed(self) -> dict[str, Expression]:
        return {name: e for name, e in self.table_mapping.computed.items() if name in self.spec.by_name}

    @property
    def missing_required(self) -> list[str]:
        return [c for c in self.spec.required if self.sources.get(c) is None and c not in self.computed]

    @property
    def carried(self) -> list[str]:
        """The canonical columns this file gives a value for (a header or an expression), in schema order."""
        return [c.name for c in self.spec.columns if self.sources.get(c.name) is not None or c.name in self.computed]

    @property
    def found(self) -> int:
        return sum(1 for v in self.sources.values() if v is not None) + len(self.computed)

    @property
    def shown(self) -> dict[str, str | None]:
        """What each canonical column is read from, as messages name it (a header, or ``= expression``)."""
        return {name: (f"= {' '.join(self.computed[name].source.split())}" if name in self.computed else header)
                for name, header in self.sources.items()}

    @property
    def reshapes(self) -> bool:
        return self.table_mapping.reshapes or bool(self.shift_hours)

    def header(self, name: str) -> str:
        return self.headers[name]


def resolve(mapping: Mapping, spec: TableSpec, headers: list[str]) -> Resolved:
    """Match each canonical column to the first of its candidate headers present in the file, and the headers
    the computed columns and rules read."""
    table_mapping = mapping.for_table(spec.name)
    present = {}
    for h in headers:
        present.setdefault(normal_header(h), h)
    sources: dict[str, str | None] = {}
    for column in spec.columns:
        if column.name in table_mapping.computed:
            sources[column.name] = None
            continue
        candidates = table_mapping.columns.get(column.name, []) + [column.name]
        sources[column.name] = next((present[normal_header(c)] for c in candidates if normal_header(c) in present), None)
    expressions = [*table_mapping.computed.values(), *(rule.when for rule in table_mapping.skip)]
    wanted = [h for e in expressions for h in e.headers]
    optional = [h for e in expressions for h in e.optional_headers]
    if table_mapping.split:
        wanted += list(table_mapping.split[0])
    if table_mapping.fill_down:
        wanted.append(table_mapping.fill_down[0])
        optional += list(table_mapping.fill_down[1])
    found = {h: present[normal_header(h)] for h in wanted + optional if normal_header(h) in present}
    missing = list(dict.fromkeys(h for h in wanted if h not in found))
    return Resolved(spec, sources, table_mapping.values, table_mapping, found, missing, mapping.shift_hours)


def zone_shift_hours(zone: str) -> float:
    """Hours from wall-clock time in ``zone`` to Japan time (UTC → +9); a zone with daylight saving is refused,
    since one shift could not serve the whole year."""
    try:
        source, stored = ZoneInfo(zone), ZoneInfo(STORED_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {zone!r} (use an IANA name such as UTC or Asia/Tokyo)") from None
    shifts = set()
    for month in (1, 7):
        moment = dt.datetime(2024, month, 1, 12)
        offset = stored.utcoffset(moment) - source.utcoffset(moment)
        shifts.add(offset.total_seconds() / 3600)
    if len(shifts) > 1:
        raise ValueError(f"time zone {zone!r} has daylight saving time; teiki supports fixed offsets only")
    return shifts.pop()


# ---------------------------------------------------------------------------------------- projection


def project(raw: ir.Table, resolved: Resolved) -> ir.Table:
    """The file's rows as canonical text columns (absent columns empty), with ``_row`` and, when the mapping
    skips rows, ``_skip``: fill-down, list cells, computed columns, skip rules and the time zone applied in
    that order. Rows of one file row keep its ``_row``."""
    tm = resolved.table_mapping
    base = raw
    if tm.fill_down is not None:
        by, columns = tm.fill_down
        group = raw[resolved.header(by)]
        base = raw.mutate(**{resolved.header(h): _blank_null(raw[resolved.header(h)]).max().over(group_by=group)
                             .fill_null("") for h in columns if h in resolved.headers})
    cells: dict[str, ir.Value] = {}
    if tm.split is not None:
        split_headers, separator = tm.split
        parts = {h: base[resolved.header(h)].split(separator) for h in split_headers}
        count = ibis.greatest(*(p.length() for p in parts.values()))
        base = base.mutate(_part=ibis.range(0, count)).unnest("_part")
        for h in split_headers:
            actual = resolved.header(h)
            cells[actual] = base[actual].split(separator)[base._part].strip().fill_null("")

    def cell(header: str) -> ir.Value:
        if header.endswith("?") and header.removesuffix("?") not in resolved.headers:
            return ibis.literal("", "string")  # an optional header the file does not have
        actual = resolved.header(header.removesuffix("?"))
        return cells.get(actual, base[actual])

    out: dict[str, ir.Value] = {"_row": base["_row"]}
    for column in resolved.spec.columns:
        name = column.name
        if name in resolved.computed:
            value = resolved.computed[name].evaluate(cell)
            value = value if value.type().is_string() else value.cast("string")
            out[name] = value.fill_null("")
        elif resolved.sources[name] is not None:
            out[name] = cells.get(resolved.sources[name], base[resolved.sources[name]])
        else:
            out[name] = ibis.literal("", "string")
        if resolved.shift_hours and column.is_temporal:
            out[name] = _shifted(out[name], resolved.shift_hours)
    if tm.skip:
        out[SKIP] = ibis.cases(*((rule.when.evaluate(cell).fill_null(False), i) for i, rule in enumerate(tm.skip)),
                               else_=ibis.null("int64"))
    return base.select(**out)


def _blank_null(text: ir.Value) -> ir.Value:
    return text.strip().nullif("") if text.type().is_string() else text


def _shifted(value: ir.Value, hours: float) -> ir.Value:
    """A time moved by ``hours`` (as text, so that an unreadable cell keeps its text for the message)."""
    if not value.type().is_string():
        return value + ibis.interval(seconds=int(hours * 3600))
    moment = parse_timestamp(value)
    moved = (moment + ibis.interval(seconds=int(hours * 3600))).cast("string")
    return ibis.cases((moment.notnull(), moved), else_=value)


# ---------------------------------------------------------------------------------------- the TOML


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _is_headers(value: object) -> bool:
    return isinstance(value, str) or isinstance(value, list) and all(isinstance(x, str) for x in value)


def parse_mapping(data: dict, name: str, origin: str) -> Mapping:
    """A mapping from its TOML ``data`` (a preset's or a user's file, named ``origin`` in errors)."""
    zone = data.get("timezone")
    if zone is not None:
        try:
            zone_shift_hours(str(zone))
        except ValueError as exc:
            raise InputError(origin, "bad_mapping", detail=str(exc)) from None
    encoding, delimiter = data.get("encoding"), data.get("delimiter")
    if encoding is not None:
        try:
            codecs.lookup(str(encoding))
        except LookupError:
            raise InputError(origin, "bad_mapping", detail=f"unknown encoding = {encoding!r} (use \"utf-8\" or "
                                                           f"\"cp932\")") from None
    if delimiter is not None and not (isinstance(delimiter, str) and len(delimiter) == 1 and delimiter not in "\"\r\n"):
        raise InputError(origin, "bad_mapping", detail=f"delimiter = {delimiter!r} must be one character, such as "
                                                       f"\",\" or \"\\t\"")
    date_format = data.get("date_format")
    if date_format is not None and not _valid_date_format(date_format):
        raise InputError(origin, "bad_mapping", detail=f"date_format = {date_format!r} must hold strftime codes "
                                                       f"for year, month and day, such as \"%y/%m/%d\"")
    mapping = Mapping(name, encoding=data.get("encoding"), delimiter=data.get("delimiter"), date_format=date_format,
                      timezone=str(zone) if zone else None, description=str(data.get("description", "")),
                      description_en=str(data.get("description_en", "")))
    for table_name, body in data.items():
        if not isinstance(body, dict):
            continue
        if table_name not in TABLES:
            raise InputError(origin, "bad_mapping", detail=f"unknown table [{table_name}]")
        mapping.tables[table_name] = _table_mapping(TABLES[table_name], body, origin)
    return mapping


def _valid_date_format(value: object) -> bool:
    """Codes for a year, a month and a day, that read back the date they write."""
    if not isinstance(value, str) or not all(code in value for code in ("%m", "%d")) or not (
            "%y" in value or "%Y" in value):
        return False
    moment = dt.datetime(2024, 10, 1, 9, 30)
    try:
        return dt.datetime.strptime(moment.strftime(value), value).date() == moment.date()
    except ValueError:
        return False


SECTIONS = ("columns", "values", "computed", "skip", "split", "fill_down")


def _table_mapping(spec: TableSpec, body: dict, origin: str) -> TableMapping:
    table = spec.name

    def bad(detail: str) -> InputError:
        return InputError(origin, "bad_mapping", detail=detail)

    extra = [k for k in body if k not in SECTIONS]
    if extra:
        raise bad(f"[{table}] has no section {', '.join(extra)}; its sections are {', '.join(SECTIONS)}")
    columns, values, computed = body.get("columns", {}), body.get("values", {}), body.get("computed", {})
    if not isinstance(columns, dict) or not isinstance(values, dict) or not isinstance(computed, dict) or not all(
        isinstance(v, dict) for v in values.values()
    ):
        raise bad(f"[{table}] takes [{table}.columns], [{table}.computed] and [{table}.values.<column>]")
    not_headers = [c for c, h in columns.items() if not _is_headers(h)]
    if not_headers:
        raise bad(f"[{table}.columns] {', '.join(not_headers)}: give a header or a list of headers")
    unknown = [c for c in list(columns) + list(values) + list(computed) if c not in spec.by_name]
    if unknown:
        raise bad(f"[{table}] has no column {', '.join(unknown)}")
    for column_name, mapped in values.items():
        choices = spec[column_name].choices
        wrong = [v for v in mapped.values() if choices and v not in choices]
        if wrong:
            raise bad(f"[{table}.values.{column_name}] maps to {', '.join(map(str, wrong))}; "
                      f"allowed: {', '.join(choices)}")

    def expression(text: object, where: str) -> Expression:
        try:
            return compile_expression(text)  # type: ignore[arg-type]
        except ExpressionError as exc:
            raise bad(f"{where}: {exc}") from None

    rules = body.get("skip", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) and "when" in r for r in rules):
        raise bad(f"[[{table}.skip]] takes when = \"<expression>\" and reason = \"<text>\"")
    split = body.get("split")
    if split is not None and not (isinstance(split, dict) and _is_headers(split.get("columns"))
                                  and isinstance(split.get("separator", ","), str) and split.get("separator", ",")):
        raise bad(f"[{table}.split] takes columns = [<headers>] and separator = \",\"")
    fill = body.get("fill_down")
    if fill is not None and not (isinstance(fill, dict) and isinstance(fill.get("by"), str)
                                 and _is_headers(fill.get("columns"))):
        raise bad(f"[{table}.fill_down] takes by = \"<header>\" and columns = [<headers>]")
    return TableMapping(
        {k: _as_list(v) for k, v in columns.items()},
        {k: {str(a): str(b) for a, b in v.items()} for k, v in values.items()},
        {k: expression(v, f"[{table}.computed] {k}") for k, v in computed.items()},
        [SkipRule(expression(r["when"], f"[[{table}.skip]]"), str(r.get("reason", r["when"]))) for r in rules],
        (tuple(_as_list(split["columns"])), split.get("separator", ",")) if split else None,
        (fill["by"], tuple(_as_list(fill["columns"]))) if fill else None,
    )
