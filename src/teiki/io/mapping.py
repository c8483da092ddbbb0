"""Column mappings: which header of an input file feeds which canonical column.

Presets (:mod:`teiki.io.presets`) and users' mapping files share one TOML
format::

    preset = "ja"                 # optional: start from a preset, then override
    encoding = "cp932"            # optional: otherwise detected
    delimiter = "\\t"              # optional: otherwise sniffed

    [orders.columns]
    order_id = "伝票番号"          # a header, or a list of headers (first found wins)
    amount = ["税込小計", "小計"]

    [orders.values.status]       # raw cell value -> canonical value
    "発送完了" = "completed"

The canonical column name itself is always accepted as a header.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir

from teiki.errors import InputError
from teiki.store.schema import TABLES, TableSpec

Projector = Callable[[ir.Table, "Resolved"], ir.Table]


@dataclass
class TableMapping:
    columns: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def merged(self, other: TableMapping) -> TableMapping:
        """``other`` overrides: its headers are tried first, its values win."""
        columns = {k: list(v) for k, v in self.columns.items()}
        for name, headers in other.columns.items():
            columns[name] = headers + [h for h in columns.get(name, []) if h not in headers]
        values = {k: dict(v) for k, v in self.values.items()}
        for name, table in other.values.items():
            values.setdefault(name, {}).update(table)
        return TableMapping(columns, values)


@dataclass
class Mapping:
    name: str
    tables: dict[str, TableMapping] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    projector: Projector | None = None  # a preset that needs more than renaming (shopify)
    only_tables: tuple[str, ...] | None = None

    def for_table(self, table: str) -> TableMapping:
        return self.tables.get(table, TableMapping())


@dataclass
class Resolved:
    """A mapping applied to one file's headers for one table."""

    spec: TableSpec
    sources: dict[str, str | None]  # canonical column -> file header (None = absent)
    values: dict[str, dict[str, str]]

    @property
    def missing_required(self) -> list[str]:
        return [c for c in self.spec.required if self.sources.get(c) is None]

    @property
    def found(self) -> int:
        return sum(1 for v in self.sources.values() if v is not None)


def resolve(mapping: Mapping, spec: TableSpec, headers: list[str]) -> Resolved:
    """Match each canonical column to the first of its candidate headers present in the file."""
    table_mapping = mapping.for_table(spec.name)
    present = {h.lower(): h for h in headers}
    sources: dict[str, str | None] = {}
    for column in spec.columns:
        candidates = table_mapping.columns.get(column.name, []) + [column.name]
        sources[column.name] = next((present[c.lower()] for c in candidates if c.lower() in present), None)
    return Resolved(spec, sources, table_mapping.values)


def project(raw: ir.Table, resolved: Resolved) -> ir.Table:
    """The file's columns renamed to canonical ones, as raw text; absent columns are empty."""
    columns = {
        name: raw[source] if source is not None else ibis.literal("", "string")
        for name, source in resolved.sources.items()
    }
    return raw.select(_row=raw["_row"], **columns)


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def parse_mapping(data: dict, name: str, origin: str) -> Mapping:
    """A mapping from its TOML ``data`` (a preset's or a user's file, named ``origin`` in errors)."""
    mapping = Mapping(name, encoding=data.get("encoding"), delimiter=data.get("delimiter"))
    for table_name, body in data.items():
        if not isinstance(body, dict):
            continue
        if table_name not in TABLES:
            raise InputError(origin, "bad_mapping", detail=f"unknown table [{table_name}]")
        spec = TABLES[table_name]
        columns = body.get("columns", {})
        values = body.get("values", {})
        if not isinstance(columns, dict) or not isinstance(values, dict) or not all(
            isinstance(v, dict) for v in values.values()
        ):
            raise InputError(origin, "bad_mapping",
                             detail=f"[{table_name}] takes [{table_name}.columns] and [{table_name}.values.<column>]")
        not_headers = [c for c, h in columns.items()
                       if not (isinstance(h, str) or isinstance(h, list) and all(isinstance(x, str) for x in h))]
        if not_headers:
            raise InputError(origin, "bad_mapping",
                             detail=f"[{table_name}.columns] {', '.join(not_headers)}: give a header or a list of headers")
        unknown = [c for c in list(columns) + list(values) if c not in spec.by_name]
        if unknown:
            raise InputError(origin, "bad_mapping",
                             detail=f"[{table_name}] has no column {', '.join(unknown)}")
        for column_name, table in body.get("values", {}).items():
            choices = spec[column_name].choices
            wrong = [v for v in table.values() if choices and v not in choices]
            if wrong:
                raise InputError(origin, "bad_mapping",
                                 detail=f"[{table_name}.values.{column_name}] maps to {', '.join(map(str, wrong))}; "
                                        f"allowed: {', '.join(choices)}")
        mapping.tables[table_name] = TableMapping(
            {k: _as_list(v) for k, v in columns.items()},
            {k: {str(a): str(b) for a, b in v.items()} for k, v in body.get("values", {}).items()},
        )
    return mapping


def guess_table(mapping: Mapping, headers: list[str], file_name: str) -> TableSpec | None:
    """Which table a file holds: from its name first, else the table whose required columns all match.

    Ties between header matches are broken by how many columns match; a true
    tie returns None (the caller asks for --table).
    """
    candidates = [TABLES[t] for t in (mapping.only_tables or TABLES)]
    stem = Path(file_name).stem.lower()
    for spec in sorted(candidates, key=lambda s: -len(s.name)):  # subscription_events before subscriptions
        if stem.startswith(spec.name):
            return spec
    named = [spec for spec in candidates if spec.ja in stem]  # 顧客別受注明細: 受注明細 (orders), not 顧客
    if named:
        return max(named, key=lambda spec: len(spec.ja))
    scored = []
    for spec in candidates:
        resolved = resolve(mapping, spec, headers)
        if not resolved.missing_required:
            scored.append((len(spec.required), resolved.found, spec))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    if not scored or (len(scored) > 1 and scored[0][:2] == scored[1][:2]):
        return None
    return scored[0][2]
