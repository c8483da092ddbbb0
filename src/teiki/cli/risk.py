"""``teiki risk``: churn risk of the active subscribers — both out-of-time AUCs, then the riskiest first."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from teiki.cli.common import AsOf, Format, Out, help_text, output_session
from teiki.cli.output import write_report
from teiki.messages import say
from teiki.report.formatting import fmt

TABLE_ROWS = 20  # rows printed in the terminal without --top; files hold every row
NUMBERS = ("rank", "score", "rule_points", "delivery_no")

app = typer.Typer()


def _decimal(value: float | None, places: int) -> str:
    """An AUC or a Brier score with ``places`` decimals; "—" when there is none."""
    return "—" if value is None else f"{value:.{places}f}"


def _score(value: float, method: str, lang: str) -> str:
    """A probability as a percentage under the model; the rule's points ÷ 135 as a plain 0–1 number."""
    return fmt(value, "pct", lang) if method == "model" else _decimal(value, 3)


def print_evaluation(console: Console, model, lang: str) -> None:
    """Both AUCs (model and rule), which score is used and why, the evaluation and training sizes."""
    d = model.to_dict()
    console.print(say("risk_title", lang, as_of=d["as_of"], horizon=d["horizon_days"]), style="bold")
    used = {"model": "risk_auc_model", "rule": "risk_auc_rule"}[d["method"]]
    for key, value in (("risk_auc_model", d["auc_model"]), ("risk_auc_rule", d["auc_rule"])):
        mark = " ◀" if key == used else ""
        console.print(f"  {say(key, lang)}: {_decimal(value, 3)}{mark}")
    training, evaluation = d["training"], d["evaluation"]
    console.print(say(f"risk_why_{d['reason']}", lang, cancelled=training["cancelled_subscriptions"],
                      minimum=training["min_cancellations"], horizon=d["horizon_days"]))
    if d["evaluation_date"]:
        console.print(say("risk_evaluated_on", lang, date=d["evaluation_date"], rows=f"{evaluation['rows']:,}",
                          positives=f"{evaluation['positives']:,}", horizon=d["horizon_days"]), style="dim")
    if training["snapshots"]:
        console.print(say("risk_trained_on", lang, snapshots=len(training["snapshots"]), rows=f"{training['rows']:,}",
                          cancelled=f"{training['cancelled_subscriptions']:,}"), style="dim")
    if d["brier_model"] is not None:
        console.print(say("risk_brier", lang, brier=_decimal(d["brier_model"], 4)), style="dim")
    if d["calibration"]:
        table = Table(title=say("risk_calibration", lang), title_justify="left")
        for key in ("risk_cal_bin", "risk_cal_rows", "risk_cal_predicted", "risk_cal_observed"):
            table.add_column(say(key, lang), justify="right")
        for b in d["calibration"]:
            table.add_row(str(b["bin"]), fmt(b["rows"], "int", lang), fmt(b["predicted"], "pct", lang),
                          fmt(b["observed"], "pct", lang))
        console.print(table)


def print_scores(console: Console, records: list[dict], total: int, method: str, horizon: int, lang: str) -> None:
    """The riskiest subscriptions: rank, ids, score, points, delivery, reasons (and contact columns if given)."""
    if not total:
        return
    score_key = "risk_col_score_model" if method == "model" else "risk_col_score_rule"
    heads = [("rank", "risk_col_rank"), ("subscription_id", "risk_col_subscription"),
             ("customer_id", "risk_col_customer"), ("score", score_key), ("rule_points", "risk_col_points"),
             ("delivery_no", "risk_col_delivery")]
    if records and "name" in records[0]:
        heads += [("name", "risk_col_name"), ("phone", "risk_col_phone")]
    rows = [[_score(r[c], method, lang) if c == "score" else "—" if r[c] is None else str(r[c]) for c, _ in heads]
            for r in records]
    table = Table(title_justify="left")
    for j, (column, key) in enumerate(heads):
        label = say(key, lang)
        width = max([cell_len(label), *(cell_len(row[j]) for row in rows)])
        table.add_column(label, justify="right" if column in NUMBERS else "left", no_wrap=True, min_width=width)
    table.add_column(say("risk_col_reasons", lang), ratio=1, overflow="fold")
    for r, row in zip(records, rows, strict=True):
        table.add_row(*row, r["reasons"] or "—")
    console.print(table)
    console.print(say("risk_shown", lang, shown=f"{len(records):,}", total=f"{total:,}"), style="dim")
    console.print(say("risk_note", lang, horizon=horizon), style="dim")


@app.command("risk", help=help_text("help_risk"))
def risk(
    ctx: typer.Context,
    as_of: AsOf = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help=help_text("help_risk_top"))] = None,
    personal: Annotated[bool, typer.Option("--personal", help=help_text("help_risk_personal"))] = False,
    horizon: Annotated[int, typer.Option("--horizon-days", min=7, max=365, help=help_text("help_risk_horizon"))] = 60,
    format_: Format = "table",
    out: Out = None,
) -> None:
    """Churn risk (SPEC §6, seed 002): model and rule AUC out-of-time, then each active subscription's score."""
    limit = top if top is not None else (TABLE_ROWS if format_ == "table" else None)
    with output_session(ctx, format_, out) as (c, shop):
        model = shop.churn_model(as_of, horizon_days=horizon, lang=c.lang)
        records = shop.churn_risk_list(model, limit, personal, output="pyarrow").to_pylist()
    if format_ == "table":
        print_evaluation(c.console, model, c.lang)
        if not model.scores.num_rows:
            c.console.print(say("risk_none_active", c.lang, as_of=model.as_of))
        print_scores(c.console, records, model.scores.num_rows, model.method, horizon, c.lang)
        return
    summary = {k: v for k, v in model.to_dict().items() if k not in ("calibration", "training", "evaluation")}
    sheets = {"risk": records, "evaluation": [summary], "calibration": model.calibration}
    write_report({"model": model.to_dict(), "subscriptions": records}, sheets, format_, out, c.lang, c.console)
