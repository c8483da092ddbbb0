"""The ``teiki`` command line: the app of :mod:`teiki.cli.app` with every area's commands.

Global options come before the command: ``teiki --db shop.duckdb --lang en import orders.csv``.
Errors print as one paragraph; ``--debug`` shows the traceback as well.

Each area module holds its commands on its own ``app``: nameless, its commands join ``teiki``'s own; named
(``segment``, ``simulate``, ``campaign``), it is a command group. ``teiki --help`` lists them in the order below.
"""

from __future__ import annotations

from teiki.cli import (
    calls,
    campaigns,
    cpm,
    demo,
    forecast,
    imports,
    kpi,
    offers,
    report,
    risk,
    segments,
    serve,
    simulate,
)
from teiki.cli.app import app

AREAS = (imports, kpi, cpm, forecast, serve, report, demo, calls, risk, offers, segments, simulate, campaigns)

for area in AREAS:
    app.add_typer(area.app)

__all__ = ["app"]

if __name__ == "__main__":
    app()
