"""The names and result types the faces (CLI, dashboard, reports) read, re-exported from the layers below the
shop so that a face never imports them itself (the import-linter contract in pyproject.toml).

Segments and moves of the CPM map, the canonical tables, the breakdowns, the file suffixes an import reads, and
the result classes the shop's methods return.
"""

from teiki.metrics.kpis import KPIs
from teiki.metrics.view import BY_NAMES, by_columns
from teiki.segments.cpm import BY_KEY, KEYS, SEGMENTS
from teiki.segments.movement import MOVE_LABELS, MOVES, NEW
from teiki.segments.portfolio import RFM, History, Migration, Portfolio
from teiki.segments.thresholds import Thresholds, rule_text
from teiki.store.db import default_path
from teiki.store.schema import TABLES

# the importer's names load with the importer (readers, codecs), on first use
_IMPORTER = {"ImportResult": "teiki.io.importer", "TableImport": "teiki.io.importer", "Progress": "teiki.io.importer",
             "CSV_SUFFIXES": "teiki.io.readers", "EXCEL_SUFFIXES": "teiki.io.readers",
             "PARQUET_SUFFIXES": "teiki.io.readers"}


def __getattr__(name: str):
    if name not in _IMPORTER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _IMPORTER[name] == "teiki.io.importer":
        from teiki.io import importer as module
    else:
        from teiki.io import readers as module
    return getattr(module, name)


__all__ = [
    "BY_KEY", "BY_NAMES", "CSV_SUFFIXES", "EXCEL_SUFFIXES", "KEYS", "MOVES", "MOVE_LABELS", "NEW", "PARQUET_SUFFIXES",
    "RFM", "SEGMENTS", "TABLES", "History", "ImportResult", "KPIs", "Migration", "Portfolio", "Progress",
    "TableImport", "Thresholds", "by_columns", "default_path", "rule_text",
]
