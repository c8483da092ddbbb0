"""``teiki report``: the whole report in one file, an Excel workbook or an HTML page (teiki.report)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from teiki.cli.common import AsOf, context, help_text, refuse, shop_session
from teiki.messages import say

app = typer.Typer()


@app.command(help=help_text("help_report"))
def report(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help=help_text("help_report_out"))],
    as_of: AsOf = None,
) -> None:
    """Write the Excel or HTML report (teiki.report)."""
    c = context(ctx)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".html", ".htm"):
        refuse(c, "report_bad_suffix", path=out)
    if suffix == ".xlsx":
        from teiki.report.workbook import write_workbook as write
    else:
        from teiki.report.htmlfile import write_html as write
    with shop_session(c) as shop:
        write(shop, out, as_of, c.lang)
    c.console.print(say("report_written", c.lang, path=out))
