"""CSV and Excel files from lists of records, safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage
return) would run as a formula in Excel; such cells are written with a
leading apostrophe (OWASP's CSV-injection advice). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def finite(value: object) -> object:
    """``value`` with every NaN and ±infinity (inside dicts, lists and tuples too) as None: JSON has no such
    numbers and a spreadsheet shows #NUM!. A number that cannot be computed is shown as missing."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def to_json(payload: object, indent: int | None = None) -> str:
    """``payload`` as the JSON every face writes: UTF-8 text, dates and other values as text, no NaN."""
    return json.dumps(finite(payload), ensure_ascii=False, indent=indent, default=str, allow_nan=False)


def safe_cell(value: object) -> object:
    """``value``, with text that a spreadsheet would read as a formula made inert, and NaN / ±infinity empty."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_csv(records: Sequence[Mapping[str, object]], path: Path, columns: Sequence[str] | None = None) -> Path:
    """UTF-8 with BOM (Excel opens it as UTF-8), one header row, None as an empty cell."""
    columns = list(columns or (records[0].keys() if records else []))
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([safe_cell(c) for c in columns])
        for r in records:
            writer.writerow(["" if r.get(c) is None else safe_cell(r.get(c)) for c in columns])
    return Path(path)


def write_xlsx(sheets: Mapping[str, Sequence[Mapping[str, object]]], path: Path) -> Path:
    """One worksheet per entry (name → records), header row bold and frozen, columns sized to fit."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                               "nan_inf_to_errors": True})
    bold = workbook.add_format({"bold": True})
    try:
        for name, records in sheets.items():
            sheet = workbook.add_worksheet(name[:31])
            columns = list(records[0].keys()) if records else []
            for j, col in enumerate(columns):
                sheet.write_string(0, j, str(safe_cell(col)), bold)
                width = max([len(str(col))] + [len(str(r.get(col, ""))) for r in records[:200]])
                sheet.set_column(j, j, min(max(width + 2, 8), 50))
            for i, r in enumerate(records, start=1):
                for j, col in enumerate(columns):
                    value = finite(r.get(col))
                    if value is None:
                        continue
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        sheet.write_number(i, j, value)
                    else:
                        sheet.write_string(i, j, str(safe_cell(str(value))))
            sheet.freeze_panes(1, 0)
    finally:
        workbook.close()
    return Path(path)
