"""``teiki import --explain FILE``: how every column of a file will be read, writing nothing.

The file is opened and mapped exactly as an import would (layout, table, headers, computed columns, skip rules),
then projected in a private in-memory engine: each canonical column with where it comes from and three sample
values, the rows the layout skips and why, and the file's headers that nothing reads. No database is opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import ibis

from teiki.io import mapping as mp
from teiki.io.parse import SKIP
from teiki.io.readers import ROW
from teiki.io.staging import open_input

SAMPLES = 3


@dataclass
class ColumnReading:
    column: str
    label: str  # the column's Japanese name
    source: str | None  # the header, "= expression", or None (absent)
    required: bool
    samples: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    file: str
    layout: str
    layout_en: str
    table: str
    encoding: str
    rows: int
    columns: list[ColumnReading]
    skipped: dict[str, int]
    unread_headers: list[str]
    missing: list[str]  # required columns or rule headers the file lacks

    def to_dict(self) -> dict:
        return {
            "file": self.file, "layout": self.layout, "layout_en": self.layout_en, "table": self.table, "encoding": self.encoding,
            "rows": self.rows, "skipped": self.skipped, "unread_headers": self.unread_headers,
            "missing": self.missing,
            "columns": [{"column": c.column, "label": c.label, "source": c.source, "required": c.required,
                         "samples": c.samples} for c in self.columns],
        }


def explain(path: Path, *, table: str | None = None, preset: str | None = None,
            mapping_file: Path | None = None) -> Explanation:
    """How ``path`` would be imported (see the module docstring)."""
    f = open_input(Path(path), table, preset, mapping_file)
    resolved, spec = f.resolved, f.spec
    con = ibis.duckdb.connect()
    con.con.register("source", f.source.reader())
    raw = con.create_table("raw", con.table("source"), temp=True)
    missing = [*resolved.missing_required, *resolved.missing_headers]
    rows = int(raw.count().to_pyarrow().as_py())
    skipped: dict[str, int] = {}
    samples: dict[str, list[str]] = {c.name: [] for c in spec.columns}
    if not missing:
        projected = mp.project(raw, resolved)
        lines = projected
        if SKIP in projected.columns:
            skipped_rows = projected.filter(projected[SKIP].notnull())
            counts = skipped_rows.group_by(SKIP).aggregate(n=skipped_rows.count())
            for row in counts.to_pyarrow().to_pylist():
                skipped[resolved.table_mapping.skip[row[SKIP]].reason] = int(row["n"])
            lines = projected.filter(projected[SKIP].isnull())
        first = lines.order_by(ROW).limit(50).to_pyarrow().to_pylist()
        for column in spec.columns:
            seen = [str(r[column.name]) for r in first if r[column.name] not in (None, "")]
            samples[column.name] = list(dict.fromkeys(seen))[:SAMPLES]
    shown = resolved.shown
    read = {h for h in resolved.sources.values() if h} | set(resolved.headers.values())
    return Explanation(
        file=f.source.name, layout=f.mapping.layout("ja"), layout_en=f.mapping.layout("en"), table=spec.name,
        encoding=f.source.encoding or "", rows=rows,
        columns=[ColumnReading(c.name, c.ja, shown.get(c.name), c.required, samples[c.name]) for c in spec.columns],
        skipped=skipped, unread_headers=[h for h in f.source.headers if h not in read], missing=missing,
    )
