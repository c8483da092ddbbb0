"""Writing a report: JSON to stdout or a file, CSV (first sheet) or Excel (every sheet) to a file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.console import Console

from teiki.messages import say
from teiki.report.export import to_json, write_csv, write_xlsx


def write_report(payload: object, sheets: Mapping[str, Sequence[Mapping[str, object]]], fmt_name: str,
                 out: Path | None, lang: str, console: Console) -> None:
    """``payload`` as JSON (stdout when ``out`` is None), or ``sheets`` as CSV (the first) / Excel."""
    if fmt_name == "json":
        text = to_json(payload, indent=2)
        if out is None:
            if console.is_terminal:
                console.print_json(text)
            else:
                print(text)  # plain, for pipes and files
            return
        out.write_text(text + "\n", encoding="utf-8")
    elif fmt_name == "csv":
        write_csv(next(iter(sheets.values()), []), out)
    else:
        write_xlsx(sheets, out)
    console.print(say("kpi_written", lang, path=out))
