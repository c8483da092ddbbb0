"""Rich output of ``teiki import``, ``status`` and ``demo``: progress bars, import summaries, the status table."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from teiki.messages import has, say
from teiki.report.imports import columns_line, table_label
from teiki.shop import Status
from teiki.shop.vocabulary import TABLES

if TYPE_CHECKING:  # the importer (readers, codecs) loads only when something is imported
    from teiki.shop.vocabulary import ImportResult


def stage_label(stage: str, lang: str) -> str:
    """A progress stage ("read x.csv", "write orders", "drawing customers" ...) in the user's language."""
    verb, _, name = stage.partition(" ")
    if has(f"stage_{stage}"):
        return say(f"stage_{stage}", lang)
    if verb in ("read", "write", "writing"):
        return say(f"stage_{verb}", lang, name=name)
    return stage


@contextmanager
def progress_bar(console: Console, lang: str, quiet: bool) -> Iterator:
    """A callback ``(stage, done, total)`` drawing one bar per stage; silent when ``quiet``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    if quiet:
        yield None
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                for task_id in tasks.values():  # one stage at a time: finish the earlier ones
                    bar.update(task_id, visible=False)
                tasks[stage] = bar.add_task(stage_label(stage, lang), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def import_summary(console: Console, result: ImportResult, lang: str) -> None:
    """One row per imported table: rows read, then inserted / replaced / unchanged (orders count orders)."""
    table = Table(title=say("import_title", lang), title_justify="left")
    for key in ("col_table", "col_rows_read", "col_inserted", "col_replaced", "col_unchanged", "col_unit"):
        table.add_column(say(key, lang), justify="left" if key in ("col_table", "col_unit") else "right")
    for t in result.tables:
        unit = say("unit_orders" if TABLES[t.table].replace_whole_group else "unit_records", lang)
        table.add_row(table_label(t.table, lang), f"{t.rows_read:,}", f"{t.counts.inserted:,}",
                      f"{t.counts.replaced:,}", f"{t.counts.unchanged:,}", unit)
    console.print(table)
    for t in result.tables:
        for file, layout in zip(t.files, t.layouts_en if lang == "en" else t.layouts, strict=False):
            console.print(say("import_layout", lang, file=file, layout=layout, table=table_label(t.table, lang)),
                          highlight=False)
        for reason, rows in t.skipped.items():
            console.print(say("import_skipped", lang, rows=f"{rows:,}", reason=reason), highlight=False)
        console.print(columns_line(t, lang), highlight=False)
    if result.derived_subscriptions is not None:
        console.print(say("derived_subscriptions", lang, count=f"{result.derived_subscriptions:,}"))


def explain_table(console: Console, explanation, lang: str) -> None:
    """``teiki import --explain``: the layout, then one row per canonical column (source, samples), the rows to
    be skipped and the headers nothing reads."""
    e = explanation
    console.print(say("explain_head", lang, file=e.file, layout=e.layout_en if lang == "en" else e.layout, table=table_label(e.table, lang),
                      rows=f"{e.rows:,}", encoding=e.encoding or "—"), highlight=False)
    table = Table(show_lines=False)
    for key in ("col_column", "col_source", "col_samples"):
        table.add_column(say(key, lang), overflow="fold")
    for col in e.columns:
        name = f"{col.label} ({col.column})" if lang == "ja" else col.column
        source = col.source or say("explain_absent_required" if col.required else "explain_absent", lang)
        table.add_row(name, source, " / ".join(col.samples))
    console.print(table)
    for reason, rows in e.skipped.items():
        console.print(say("import_skipped", lang, rows=f"{rows:,}", reason=reason), highlight=False)
    if e.missing:
        console.print(say("explain_missing", lang, columns=", ".join(e.missing)), style="bold red", highlight=False)
    if e.unread_headers:
        console.print(say("explain_unread", lang, headers=", ".join(e.unread_headers)), style="dim", highlight=False)
    console.print(say("explain_nothing_written", lang), style="dim")


def status_table(console: Console, status: Status, lang: str) -> None:
    """Rows per table, customers and order dates, and the last import."""
    table = Table(title=say("status_title", lang, path=status.path), title_justify="left")
    for key in ("col_table", "col_rows", "col_note"):
        table.add_column(say(key, lang), justify="right" if key == "col_rows" else "left")
    for t in status.tables:
        table.add_row(table_label(t.table, lang), f"{t.rows:,}", say("derived_note", lang) if t.derived else "")
    console.print(table)
    if status.first_order is not None:
        console.print(say("customers_line", lang, customers=status.customers, first=status.first_order.date(),
                          last=status.last_order.date()))
    if not status.last_import:
        console.print(say("no_imports", lang))
        return
    files = [f for log in status.last_import for f in json.loads(log["files"])]
    console.print(say("last_import_line", lang, at=status.last_import[0]["finished_at"],
                      tables=", ".join(log["table_name"] for log in status.last_import), files=", ".join(files)))
