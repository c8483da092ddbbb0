"""The ``teiki`` command line: demo, import, status, kpi, cpm, segment list, forecast, report, serve.

Global options come before the command: ``teiki --db shop.duckdb --lang en import orders.csv``.
Errors print as one paragraph; ``--debug`` shows the traceback as well.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from teiki.errors import TeikiError
from teiki.messages import LANGS, default_lang, say
from teiki.store.db import default_path
from teiki.store.migrations import read_meta, write_meta
from teiki.store.schema import TABLES

HELP_LANG = default_lang()  # help is rendered before any option is read: see teiki.cli.run


def _help(key: str, **params: object) -> str:
    return say(key, HELP_LANG, **params)


app = typer.Typer(add_completion=False, no_args_is_help=True, help=_help("help_app"), pretty_exceptions_enable=False)

DEMO_DIR = Path("demo_shop")
DEMO_ORIGIN = "demo"


@dataclass
class Context:
    db: Path
    lang: str
    debug: bool
    quiet: bool
    console: Console
    errors: Console


def _ctx(ctx: typer.Context) -> Context:
    return ctx.obj


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[Optional[Path], typer.Option("--db", help=_help("help_db"))] = None,
    lang: Annotated[str, typer.Option("--lang", help=_help("help_lang"))] = "",
    debug: Annotated[bool, typer.Option("--debug", help=_help("help_debug"))] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_help("help_quiet"))] = False,
) -> None:
    chosen = (lang or default_lang()).lower()
    if chosen not in LANGS:
        raise typer.BadParameter(f"--lang must be one of {', '.join(LANGS)}")
    ctx.obj = Context(db or default_path(), chosen, debug, quiet, Console(), Console(stderr=True))


def _fail(c: Context, exc: TeikiError) -> None:
    if c.debug:
        c.errors.print_exception()
    c.errors.print(f"[bold red]teiki:[/] {escape(exc.render(c.lang))}", highlight=False)
    raise typer.Exit(1)


def _open_shop(c: Context, *, create: bool = True):
    import teiki

    if not create and not c.db.exists():
        c.errors.print(say("no_database", c.lang, path=c.db))
        raise typer.Exit(1)
    shop = teiki.open(c.db, read_only=not create)
    if shop.store.upgraded_from:
        c.errors.print(say("upgraded", c.lang, old=shop.store.upgraded_from))  # stderr: keeps JSON on stdout clean
    return shop


@app.command("import", help=_help("help_import"))
def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help=_help("help_paths"))],
    table: Annotated[Optional[str], typer.Option("--table", "-t", help=_help("help_table", tables=", ".join(TABLES)))] = None,
    preset: Annotated[Optional[str], typer.Option("--preset", "-p", help=_help("help_preset"))] = None,
    mapping: Annotated[Optional[Path], typer.Option("--mapping", "-m", help=_help("help_mapping"))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_help("help_dry_run"))] = False,
) -> None:
    """Import files into the store (see teiki.io.importer)."""
    from teiki.cli.render import import_summary, progress_bar

    c = _ctx(ctx)
    if table is not None and table not in TABLES:
        raise typer.BadParameter(f"--table must be one of {', '.join(TABLES)}")
    if preset and mapping:
        raise typer.BadParameter("give --preset or --mapping, not both")
    started = time.perf_counter()
    try:
        with _open_shop(c) as shop, progress_bar(c.console, c.lang, c.quiet) as bar:
            result = shop.import_files(paths, table=table, preset=preset, mapping=mapping, progress=bar,
                                       dry_run=dry_run)
    except TeikiError as exc:
        _fail(c, exc)
    import_summary(c.console, result, c.lang)
    done = "dry_run_done" if dry_run else "import_done"
    c.console.print(say(done, c.lang, seconds=time.perf_counter() - started))


@app.command(help=_help("help_status"))
def status(ctx: typer.Context) -> None:
    """Print what is stored."""
    from teiki.cli.render import status_table

    c = _ctx(ctx)
    try:
        with _open_shop(c, create=False) as shop:
            status_table(c.console, shop.status(), c.lang)
    except TeikiError as exc:
        _fail(c, exc)


@app.command(help=_help("help_kpi"))
def kpi(
    ctx: typer.Context,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help=_help("help_as_of"))] = None,
    by: Annotated[Optional[str], typer.Option("--by", help=_help("help_by"))] = None,
    format_: Annotated[str, typer.Option("--format", "-f", help=_help("help_format"))] = "table",
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help=_help("help_kpi_out"))] = None,
    window_days: Annotated[int, typer.Option("--window-days", min=1, help=_help("help_window"))] = 365,
    reasons: Annotated[Optional[Path], typer.Option("--reasons", help=_help("help_reasons"))] = None,
    engine: Annotated[str, typer.Option("--engine", help=_help("help_engine"))] = "duckdb",
    parquet: Annotated[Optional[Path], typer.Option("--parquet", help=_help("help_parquet"))] = None,
) -> None:
    """Print or write the KPI set (docs/kpi.md)."""
    from teiki.cli import kpi as kpi_face
    from teiki.metrics.view import by_columns

    c = _ctx(ctx)
    _check_output(c, format_, out, engine)
    try:
        with _engine_shop(c, engine, parquet) as shop:
            if by is None:
                result = shop.kpis(as_of, window_days=window_days, reasons=reasons)
                records = None
            else:
                result = None
                records = shop.kpi_by(by, as_of, window_days=window_days, output="pyarrow").to_pylist()
    except TeikiError as exc:
        _fail(c, exc)
    if format_ == "table":
        if result is not None:
            kpi_face.print_table(c.console, result, c.lang)
        else:
            kpi_face.print_breakdown(c.console, records, by_columns(by)[0], c.lang)
        return
    kpi_face.write(result, records, format_, out, c.lang, c.console)


@contextmanager
def _engine_shop(c: Context, engine: str, parquet: Path | None):
    """The shop to compute on: the DuckDB store, or its tables on Spark (exported to Parquet first)."""
    import teiki

    if engine == "duckdb":
        with _open_shop(c, create=False) as shop:
            yield shop
        return
    from teiki.store import spark

    with tempfile.TemporaryDirectory(prefix="teiki-spark-") as tmp:
        if parquet is None:
            with _open_shop(c, create=False) as shop:
                spark.export_parquet(shop.store, Path(tmp))
            parquet = Path(tmp)
        backend, tables = spark.connect_parquet(parquet)
        yield teiki.Shop(None, backend=backend, tables=tables)


FORMATS = ("table", "json", "csv", "xlsx")


def _check_output(c: Context, format_: str, out: Path | None, engine: str = "duckdb") -> None:
    if format_ not in FORMATS:
        raise typer.BadParameter("--format must be one of " + ", ".join(FORMATS))
    if engine not in ("duckdb", "spark"):
        raise typer.BadParameter("--engine must be duckdb or spark")
    if format_ in ("csv", "xlsx") and out is None:
        c.errors.print(say("out_required", c.lang, format=format_))
        raise typer.Exit(2)


def _thresholds(shop, spec: str, as_of: str | None, values: dict):
    """The thresholds ``spec`` resolved on ``shop``, with any values given as flags."""
    t = shop.thresholds(spec, as_of)
    return t.with_values(mode="custom" if t.mode == "default" else t.mode + "+flags", **values)


@app.command(help=_help("help_cpm"))
def cpm(
    ctx: typer.Context,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help=_help("help_as_of"))] = None,
    thresholds: Annotated[str, typer.Option("--thresholds", help=_help("help_thresholds"))] = "default",
    amount: Annotated[Optional[float], typer.Option("--amount", min=0, help=_help("help_amount"))] = None,
    tenure_short: Annotated[Optional[int], typer.Option("--tenure-short", min=0, help=_help("help_t1"))] = None,
    tenure_long: Annotated[Optional[int], typer.Option("--tenure-long", min=0, help=_help("help_t2"))] = None,
    lapse: Annotated[Optional[int], typer.Option("--lapse", min=0, help=_help("help_lapse"))] = None,
    history: Annotated[Optional[tuple[str, str]], typer.Option("--history", help=_help("help_history"))] = None,
    migration: Annotated[Optional[tuple[str, str]], typer.Option("--migration", help=_help("help_migration"))] = None,
    rfm: Annotated[bool, typer.Option("--rfm", help=_help("help_rfm"))] = False,
    format_: Annotated[str, typer.Option("--format", "-f", help=_help("help_format"))] = "table",
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help=_help("help_kpi_out"))] = None,
    engine: Annotated[str, typer.Option("--engine", help=_help("help_engine"))] = "duckdb",
    parquet: Annotated[Optional[Path], typer.Option("--parquet", help=_help("help_parquet"))] = None,
) -> None:
    """The CPM portfolio (SPEC §4): ten segments, history, migration, RFM."""
    from teiki.cli import cpm as face
    from teiki.cli.output import write_report

    c = _ctx(ctx)
    _check_output(c, format_, out, engine)
    if sum(x is not None and x is not False for x in (history, migration, rfm or None)) > 1:
        raise typer.BadParameter("choose one of --history, --migration, --rfm")
    values = {"amount": amount, "tenure_short_days": tenure_short, "tenure_long_days": tenure_long,
              "lapse_days": lapse}
    try:
        with _engine_shop(c, engine, parquet) as shop:
            if rfm:
                report = shop.rfm_report(as_of)
            elif history is not None:
                t = _thresholds(shop, thresholds, history[1], values)
                report = shop.portfolio_history(history[0], history[1], t)
            elif migration is not None:
                t = _thresholds(shop, thresholds, migration[1], values)
                report = shop.portfolio_migration(migration[0], migration[1], t)
            else:
                report = shop.portfolio(as_of, _thresholds(shop, thresholds, as_of, values))
    except TeikiError as exc:
        _fail(c, exc)
    printer, sheets = {
        "Portfolio": (face.print_portfolio, lambda r: face.portfolio_sheets(r)),
        "History": (face.print_history, lambda r: {"history": r.records()}),
        "Migration": (face.print_migration, lambda r: {"migration": r.records(), "moves": r.cells}),
        "RFM": (face.print_rfm, lambda r: {"rfm": r.records()}),
    }[type(report).__name__]
    if format_ == "table":
        printer(c.console, report, c.lang)
        return
    write_report(report.to_dict(), sheets(report), format_, out, c.lang, c.console)


segment_app = typer.Typer(no_args_is_help=True, help=_help("help_segment"))
app.add_typer(segment_app, name="segment")


@segment_app.command("list", help=_help("help_segment_list"))
def segment_list(
    ctx: typer.Context,
    segment: Annotated[str, typer.Argument(help=_help("help_segment_name"))],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help=_help("help_as_of"))] = None,
    thresholds: Annotated[str, typer.Option("--thresholds", help=_help("help_thresholds"))] = "default",
    since: Annotated[Optional[str], typer.Option("--since", help=_help("help_since"))] = None,
    from_: Annotated[Optional[str], typer.Option("--from", help=_help("help_from_segment"))] = None,
    format_: Annotated[str, typer.Option("--format", "-f", help=_help("help_format"))] = "",
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help=_help("help_list_out"))] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help=_help("help_limit"))] = 20,
    scores: Annotated[bool, typer.Option("--scores", help=_help("help_scores"))] = False,
) -> None:
    """Customers of one segment (or migration cell), with their axes and contact columns."""
    from teiki.cli import cpm as face
    from teiki.cli.output import write_report

    c = _ctx(ctx)
    if not format_:
        format_ = out.suffix.lstrip(".").lower() if out is not None and out.suffix else "table"
    _check_output(c, format_, out)
    if from_ is not None and since is None:
        raise typer.BadParameter("--from needs --since")
    try:
        with _open_shop(c, create=False) as shop:
            t = shop.thresholds(thresholds, as_of)
            table = shop.segment_customers(None if segment == "all" else segment, as_of, t, since=since,
                                           since_segment=from_, scores=scores, output="pyarrow")
    except TeikiError as exc:
        _fail(c, exc)
    if format_ == "table":
        face.print_list(c.console, table.slice(0, limit).to_pylist(), table.num_rows, c.lang)
        return
    records = table.to_pylist()
    write_report(records, {"customers": records}, format_, out, c.lang, c.console)


@app.command(help=_help("help_forecast"))
def forecast(
    ctx: typer.Context,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help=_help("help_as_of"))] = None,
    by: Annotated[Optional[str], typer.Option("--by", help=_help("help_forecast_by"))] = None,
    horizon: Annotated[int, typer.Option("--horizon", min=1, max=60, help=_help("help_horizon"))] = 12,
    cpa: Annotated[Optional[float], typer.Option("--cpa", min=0, help=_help("help_cpa"))] = None,
    backtest: Annotated[bool, typer.Option("--backtest", help=_help("help_backtest"))] = False,
    customers: Annotated[bool, typer.Option("--customers", help=_help("help_score_customers"))] = False,
    format_: Annotated[str, typer.Option("--format", "-f", help=_help("help_format"))] = "table",
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help=_help("help_kpi_out"))] = None,
) -> None:
    """Forecasts (SPEC §5): per group, the backtest, or the per-customer scores."""
    from teiki.cli import forecast as face
    from teiki.cli.output import write_report

    c = _ctx(ctx)
    _check_output(c, format_, out)
    if by is not None and by not in ("cohort", "channel", "first_product"):
        raise typer.BadParameter("--by must be cohort, channel or first_product")
    if backtest and as_of is None:
        c.errors.print(say("backtest_needs_as_of", c.lang))
        raise typer.Exit(2)
    try:
        with _open_shop(c, create=False) as shop:
            if customers:
                table = shop.customer_scores(as_of, output="pyarrow")
            elif backtest:
                report = shop.forecast_backtest(as_of, by, horizon=horizon)
            else:
                report = shop.forecast(as_of, by, horizon=horizon, cpa=cpa)
    except TeikiError as exc:
        _fail(c, exc)
    if customers:
        if format_ == "table":
            format_ = "csv" if out is not None else "json"
        records = table.to_pylist()
        write_report(records, {"scores": records}, format_, out, c.lang, c.console)
        return
    if format_ == "table":
        (face.print_backtest if backtest else face.print_forecast)(c.console, report, c.lang)
        return
    sheets = {"forecast": report.records()}
    if not backtest:
        sheets["retention"] = [{"group": g["group"], **r} for g in report.groups for r in g["retention"]]
        sheets["monthly"] = [{"group": g["group"], **m} for g in report.groups for m in g["monthly"]]
    write_report(report.to_dict(), sheets, format_, out, c.lang, c.console)


@app.command(help=_help("help_serve"))
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help=_help("help_host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help=_help("help_port"))] = 8000,
    password: Annotated[Optional[str], typer.Option("--password", envvar="TEIKI_PASSWORD", show_default=False,
                                                    help=_help("help_password"))] = None,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", min=1, help=_help("help_max_upload"))] = 200,
) -> None:
    """Serve the dashboard (teiki.web) until Ctrl+C."""
    from teiki.web.security import Access, is_loopback

    c = _ctx(ctx)
    if not is_loopback(host) and not password:
        c.errors.print(say("serve_needs_password", c.lang, host=host))
        raise typer.Exit(2)
    access = Access(password=password or None, max_upload_bytes=max_upload_mb * 1024 * 1024,
                    allowed_hosts=LOOPBACK_HOSTS if is_loopback(host) else None)
    import uvicorn

    from teiki.web.app import create_app

    try:
        web = create_app(c.db, access=access, lang=c.lang, warm=True)
    except TeikiError as exc:
        _fail(c, exc)
    shown = f"[{host}]" if ":" in host else host
    c.console.print(say("serve_address", c.lang, url=f"http://{shown}:{port}/"), highlight=False)
    uvicorn.run(web, host=host, port=port, log_level="warning")


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


@app.command(help=_help("help_report"))
def report(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help=_help("help_report_out"))],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help=_help("help_as_of"))] = None,
) -> None:
    """Write the Excel or HTML report (teiki.report)."""
    c = _ctx(ctx)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".html", ".htm"):
        c.errors.print(say("report_bad_suffix", c.lang, path=out))
        raise typer.Exit(2)
    try:
        with _open_shop(c, create=False) as shop:
            if suffix == ".xlsx":
                from teiki.report.workbook import write_workbook

                write_workbook(shop, out, as_of, c.lang)
            else:
                from teiki.report.htmlfile import write_html

                write_html(shop, out, as_of, c.lang)
    except TeikiError as exc:
        _fail(c, exc)
    c.console.print(say("report_written", c.lang, path=out))


def _clear_demo_db(c: Context) -> None:
    """Remove an earlier demo database; refuse to touch one holding a shop's own data."""
    if not c.db.exists():
        return
    import teiki

    with teiki.open(c.db) as shop:
        rows = sum(shop.store.count(name) for name in TABLES)
        origin = read_meta(shop.store.con, "origin")
    if rows and origin != DEMO_ORIGIN:
        c.errors.print(say("demo_refuses", c.lang, path=c.db))
        raise typer.Exit(1)
    for path in (c.db, c.db.with_name(c.db.name + ".wal")):
        path.unlink(missing_ok=True)


@app.command(help=_help("help_demo"))
def demo(
    ctx: typer.Context,
    customers: Annotated[int, typer.Option(help=_help("help_customers"), min=1)] = 20_000,
    seed: Annotated[int, typer.Option(help=_help("help_seed"))] = 7,
    out: Annotated[Path, typer.Option(help=_help("help_out"))] = DEMO_DIR,
) -> None:
    """Build the demo shop, import it and print what is stored."""
    from teiki.cli.render import import_summary, progress_bar, status_table
    from teiki.demo import generate

    c = _ctx(ctx)
    try:
        _clear_demo_db(c)
        with progress_bar(c.console, c.lang, c.quiet) as bar:
            files = generate(out, customers=customers, seed=seed, progress=bar)
        c.console.print(say("demo_files", c.lang, path=out))
        with _open_shop(c) as shop:
            with progress_bar(c.console, c.lang, c.quiet) as bar:
                result = shop.import_files(list(files.values()), progress=bar)
            write_meta(shop.store.con, "origin", DEMO_ORIGIN)
            import_summary(c.console, result, c.lang)
            status_table(c.console, shop.status(), c.lang)
        c.console.print(say("demo_next", c.lang))
    except TeikiError as exc:
        _fail(c, exc)



def _register_actions() -> None:
    """The actions' commands (SPEC §6) live in their own modules (teiki.cli.calls, risk, offers, campaigns)."""
    from teiki.cli import calls, campaigns, offers, risk

    for area in (calls, risk, offers, campaigns):
        area.register(app)


_register_actions()


if __name__ == "__main__":
    app()
