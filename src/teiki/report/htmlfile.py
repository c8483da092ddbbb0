"""The HTML report (``teiki report --out FILE.html``): one self-contained file that opens offline.

All the areas with their headline cards, notes, tables and the charts of
:mod:`teiki.report.figures` (those of the dashboard's pages). Plotly.js is read from the installed ``plotly``
package and inlined, so the file loads nothing from the network: no CDN, no
external CSS or fonts. The page is rendered by Jinja2 from
``templates/report.html`` with autoescaping on; each figure is embedded as
JSON in a ``<script type="application/json">`` block (``|tojson`` escapes
``<``, ``>``, ``&`` and ``'``) and drawn by a few lines of script at the end.
"""

from __future__ import annotations

import importlib.resources
import math
import re
from pathlib import Path

from teiki.messages import say
from teiki.report import figures, tables
from teiki.report.formatting import fmt, fmt_change

SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)


def plotly_js() -> str:
    """The minified Plotly.js shipped inside the installed plotly package, safe to put in a <script> element."""
    source = importlib.resources.files("plotly") / "package_data" / "plotly.min.js"
    return SCRIPT_END.sub(r"<\\/\1", source.read_text(encoding="utf-8"))


def finite(obj: object) -> object:
    """``obj`` with NaN and ±infinity replaced by None (JSON has no NaN; Plotly draws None as a gap)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(v) for v in obj]
    return obj


def cell_text(value: object, kind: str, lang: str) -> str:
    """A table cell as text: numbers through :func:`fmt` / :func:`fmt_change`, text as it is, None as "—"."""
    if kind == "text" or isinstance(value, str):
        return "—" if value is None else str(value)
    if kind.startswith("+"):
        return fmt_change(value, kind[1:], lang)
    return fmt(value, kind, lang)


def _heat_style(value: object, top: float) -> str:
    """Inline background for a heatmap cell: white to blue by value / top (dark cells get white text)."""
    if not isinstance(value, int | float) or not math.isfinite(value) or top <= 0:
        return ""
    share = max(0.0, min(1.0, value / top))
    colour = "#fff" if share > 0.6 else "inherit"
    return f"background: rgba(33, 113, 181, {share * 0.85:.2f}); color: {colour}"


def html_table(t: tables.Table, lang: str) -> dict:
    """A table for the template: title, columns and rows of {text, number, style}."""
    numbers = [v for row in t.rows for v, kind in row[1:] if kind != "text" and isinstance(v, int | float)]
    rates = any(kind == "pct" for row in t.rows for _, kind in row)
    top = 1.0 if rates else max((v for v in numbers if math.isfinite(v)), default=0)
    rows = [[{"text": cell_text(v, kind, lang), "number": kind != "text",
              "style": _heat_style(v, top) if t.heat and j > 0 else ""} for j, (v, kind) in enumerate(row)]
            for row in t.rows]
    return {"key": t.key, "title": t.title, "columns": t.columns, "rows": rows}


def headline_cards(d: dict, lang: str) -> list[dict]:
    """The overview's headline KPIs as cards: label, value, change against the previous period."""
    return [{"label": tables.headline_label(h["key"], lang, d["churn_month"]),
             "value": fmt(h["value"], h["kind"], lang), "change": fmt_change(h["change"], h["kind"], lang)}
            for h in d["headline"]]


def sections(data: dict[str, dict], lang: str) -> list[dict]:
    """Each area: id, heading, notes, cards (overview only), figures and tables."""
    out = []
    for area in tables.build(data, lang):
        d = data[area.key]
        out.append({"id": area.key, "title": area.title, "notes": area.notes,
                    "cards": headline_cards(d, lang) if area.key == "overview" else [],
                    "figures": [finite(f) for f in figures.draw(area.key, d, lang).values()],
                    "tables": [html_table(t, lang) for t in area.tables.values()]})
    return out


def environment():
    """The Jinja2 environment of the report templates (autoescape on, figure JSON kept readable)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("teiki.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False, "allow_nan": False}
    return env


def render(data: dict[str, dict], lang: str) -> str:
    """The report page as a string."""
    from markupsafe import Markup

    day, before = data["overview"]["as_of"], data["overview"]["previous_as_of"]
    labels = {"contents": say("report_contents", lang), "change_vs": say("change_vs", lang, date=before)}
    return environment().get_template("report.html").render(
        lang="en" if lang == "en" else "ja", title=say("report_title", lang, as_of=day), as_of=day,
        labels=labels, sections=sections(data, lang), plotly_js=Markup(plotly_js()))


def write_html(shop, out: Path, as_of=None, lang: str = "ja") -> Path:
    """The HTML report of ``shop`` as of ``as_of`` (None: the last order date) in ``out``; returns ``out``."""
    out = Path(out)
    out.write_text(render(tables.load(shop, as_of), lang), encoding="utf-8")
    return out
