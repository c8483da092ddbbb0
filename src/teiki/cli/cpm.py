"""``teiki cpm`` and ``teiki segment list``: the portfolio, its history, migration and RFM as tables or files."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from teiki.messages import say
from teiki.report.formatting import fmt
from teiki.segments.cpm import BY_KEY, KEYS
from teiki.segments.movement import MOVE_LABELS, NEW
from teiki.segments.portfolio import RFM, History, Migration, Portfolio
from teiki.segments.thresholds import rule_text


def segment_label(key: str, lang: str) -> str:
    if key == NEW:
        return say("cpm_new", lang)
    return BY_KEY[key].label(lang)


def thresholds_lines(t: dict, lang: str) -> list[str]:
    """One line per threshold: its value and the rule that chose it."""
    names = {"amount": ("cpm_amount", "yen"), "tenure_short_days": ("cpm_t1", "days"),
             "tenure_long_days": ("cpm_t2", "days"), "lapse_days": ("cpm_lapse", "days")}
    lines = [say("cpm_thresholds_mode", lang, mode=t["mode"])]
    for key, (label, kind) in names.items():
        value = f"¥{t[key]:,.0f}" if kind == "yen" else say("cpm_days", lang, n=t[key])
        rule = t["rules"].get(key)
        lines.append(f"  {say(label, lang)}: {value}" + (f"  ({rule_text(rule, lang)})" if rule else ""))
    return lines


def _groups_table(console: Console, title: str, first_column: str, groups: list[tuple[str, dict]],
                  lang: str) -> None:
    """Customers, their share, revenue in the last 365 days, its share and the mean total per group
    (the CPM segments or the RFM groups)."""
    table = Table(title=title, title_justify="left")
    for key, justify in ((first_column, "left"), ("cpm_col_customers", "right"), ("col_share", "right"),
                         ("cpm_col_revenue", "right"), ("cpm_col_revenue_share", "right"),
                         ("cpm_col_mean_amount", "right")):
        table.add_column(say(key, lang), justify=justify, no_wrap=justify == "right")
    for label, g in groups:
        table.add_row(label, fmt(g["customers"], "int"), fmt(g["customer_share"], "pct"),
                      fmt(g["revenue_365d"], "yen"), fmt(g["revenue_share"], "pct"),
                      fmt(g["mean_cumulative_amount"], "yen"))
    console.print(table)


def print_portfolio(console: Console, p: Portfolio, lang: str) -> None:
    _groups_table(console, say("cpm_title", lang, as_of=p.as_of or "—"), "cpm_col_segment",
                  [(segment_label(s["key"], lang), s) for s in p.segments], lang)
    verdict = {True: say("cpm_healthy", lang), False: say("cpm_unhealthy", lang), None: "—"}[p.healthy]
    console.print(say("cpm_core_share", lang, share=fmt(p.core_revenue_share, "pct"), verdict=verdict))
    for line in thresholds_lines(p.thresholds, lang):
        console.print(line, highlight=False)


def _by_state(console: Console, title: str, first_column: str, rows: list[tuple[str, dict[str, str]]],
              lang: str) -> None:
    """One table for the active segments and one for the lapsed (ten columns do not fit a terminal)."""
    for active in (True, False):
        keys = [k for k in KEYS if BY_KEY[k].active is active]
        state = say("cpm_active" if active else "cpm_lapsed", lang)
        table = Table(title=f"{title} — {state}", title_justify="left")
        table.add_column(first_column, no_wrap=True)
        for key in keys:  # the title says active or lapsed: the columns name the base segment
            table.add_column(segment_label(BY_KEY[key].base, lang), justify="right", no_wrap=True)
        for label, cells in rows:
            table.add_row(label, *(cells[k] for k in keys))
        console.print(table)


def print_history(console: Console, h: History, lang: str) -> None:
    rows = [(s["month"] + (f" ({s['as_of'][-2:]})" if s["partial"] else ""),
             {k: fmt(s["counts"][k], "int") for k in KEYS}) for s in h.snapshots]
    _by_state(console, say("cpm_history_title", lang, start=h.start, end=h.end), say("cpm_col_month", lang),
              rows, lang)


def print_migration(console: Console, m: Migration, lang: str) -> None:
    rows = [(segment_label(src, lang), {k: fmt(row[k], "int") if row[k] else "·" for k in KEYS})
            for src, row in m.matrix.items()]
    _by_state(console, say("cpm_migration_title", lang, start=m.start, end=m.end), say("cpm_col_from", lang),
              rows, lang)
    moves = Table(title=say("cpm_moves_title", lang), title_justify="left")
    moves.add_column(say("cpm_col_move", lang))
    moves.add_column(say("cpm_col_customers", lang), justify="right")
    for name, n in m.moves.items():
        ja, en = MOVE_LABELS[name]
        moves.add_row(en if lang == "en" else ja, fmt(n, "int"))
    console.print(moves)


def print_rfm(console: Console, r: RFM, lang: str) -> None:
    _groups_table(console, say("rfm_title", lang, as_of=r.as_of or "—"), "rfm_col_group",
                  [(g["label_en"] if lang == "en" else g["label_ja"], g) for g in r.groups], lang)


def portfolio_sheets(p: Portfolio) -> dict[str, list[dict]]:
    t = p.thresholds
    return {
        "segments": p.records(),
        "thresholds": [{"threshold": k, "value": t[k], "rule": (t["rules"].get(k) or {}).get("text")} for k in
                       ("amount", "tenure_short_days", "tenure_long_days", "lapse_days")],
        "health": [{"as_of": p.as_of, "core_revenue_share": p.core_revenue_share, "healthy": p.healthy}],
    }


LIST_COLUMNS = {  # column → (label key, kind)
    "customer_id": ("list_customer", "text"), "segment": ("cpm_col_segment", "segment"),
    "segment_before": ("list_before", "segment"), "purchases": ("list_purchases", "int"),
    "cumulative_amount": ("list_amount", "yen"), "tenure_days": ("list_tenure", "int"),
    "lapse_days": ("list_lapse", "int"),
}


def print_list(console: Console, records: list[dict], total: int, lang: str) -> None:
    """The first rows of a segment list (files carry every column, contact columns included)."""
    columns = [c for c in LIST_COLUMNS if records and c in records[0]]
    table = Table(title=say("list_title", lang, shown=len(records), total=total), title_justify="left")
    for c in columns:
        kind = LIST_COLUMNS[c][1]
        table.add_column(say(LIST_COLUMNS[c][0], lang), justify="right" if kind in ("int", "yen") else "left",
                         no_wrap=True)
    for r in records:
        cells = []
        for c in columns:
            kind = LIST_COLUMNS[c][1]
            v = r[c]
            cells.append(segment_label(v, lang) if kind == "segment" else fmt(v, kind) if kind != "text" else str(v))
        table.add_row(*cells)
    console.print(table)
