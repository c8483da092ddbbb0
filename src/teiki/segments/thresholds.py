"""CPM thresholds (SPEC §4): the published defaults, a TOML file or flags, and the automatic rule.

``A`` (cumulative amount, yen), ``T1`` / ``T2`` (tenure, days) and ``L``
(lapse, days). The published defaults suit an average order value near
¥10,000 and a monthly cycle: A = ¥70,000, T1 = 90, T2 = 210, L = 240.

The automatic mode (``auto``) reads the shop as of D:

- L = the 90th percentile of the days between a customer's consecutive
  purchases, rounded up to a multiple of 10 days (at least 30);
- A = 7 × the average order value, rounded to the nearest ¥1,000 (at least
  ¥1,000) — about seven orders' worth, as ¥70,000 is for ¥10,000 orders;
- T1 = 3 × and T2 = 7 × the median gap between consecutive purchases, each
  rounded to a multiple of 10 days (at least 10 and T1 + 10) — 90 and 210 days
  for a 30-day cycle.

With no repeat purchase yet, the day thresholds keep their defaults; with no
purchase at all, A does. ``rules`` records, per threshold, how it was chosen:
``{"rule": code, **figures}``, whose text (Japanese or English) is
:func:`rule_text`.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import ibis.expr.types as ir

from teiki.errors import TeikiError
from teiki.messages import say
from teiki.metrics.view import cutoff
from teiki.store import results

FIELDS = ("amount", "tenure_short_days", "tenure_long_days", "lapse_days")
LAPSE_QUANTILE = 0.9
ORDERS_WORTH = 7
SHORT_CYCLES, LONG_CYCLES = 3, 7


@dataclass(frozen=True)
class Thresholds:
    """A (``amount``), T1 (``tenure_short_days``), T2 (``tenure_long_days``), L (``lapse_days``)."""

    amount: float = 70_000
    tenure_short_days: int = 90
    tenure_long_days: int = 210
    lapse_days: int = 240
    mode: str = "default"
    rules: dict[str, dict] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for name in FIELDS:
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0 or math.isnan(value):
                raise TeikiError("bad_threshold", name=name, value=value)
            if name != "amount":  # days are whole days (10.0 is 10; 10.5 is refused)
                if value != int(value):
                    raise TeikiError("bad_threshold_days", name=name, value=value)
                object.__setattr__(self, name, int(value))
        if self.tenure_short_days > self.tenure_long_days:
            raise TeikiError("thresholds_out_of_order", t1=self.tenure_short_days, t2=self.tenure_long_days)

    def to_dict(self) -> dict:
        """mode, the four values, and per value its rule with the English text."""
        out = asdict(self)
        out["rules"] = {k: {**r, "text": rule_text(r, "en")} for k, r in self.rules.items()}
        return {"mode": out.pop("mode"), **out}

    def with_values(self, mode: str = "custom", **values: float | int | None) -> Thresholds:
        """These thresholds with some values replaced (``None`` keeps a value)."""
        given = {k: v for k, v in values.items() if v is not None}
        unknown = set(given) - set(FIELDS)
        if unknown:
            raise TeikiError("unknown_threshold", names=", ".join(sorted(unknown)), choices=", ".join(FIELDS))
        if not given:
            return self
        rules = dict(self.rules) | {k: {"rule": "given"} for k in given}
        return replace(self, mode=mode, rules=rules, **given)


DEFAULT = Thresholds(rules={name: {"rule": "published_default"} for name in FIELDS})


def rule_text(rule: dict, lang: str | None = None) -> str:
    """How a threshold was chosen, in words (``rule``: an entry of :attr:`Thresholds.rules`)."""
    figures = {k: v for k, v in rule.items() if k not in ("rule", "text")}
    return say(f"rule_{rule['rule']}", lang, **figures)


def load(path: str | Path) -> Thresholds:
    """Thresholds from a TOML file with any of ``amount``, ``tenure_short_days``, ``tenure_long_days``,
    ``lapse_days`` at the top level (the others keep their defaults)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TeikiError("bad_thresholds_file", path=str(path), detail=str(exc).splitlines()[0]) from None
    values = data.get("thresholds", data)
    if not isinstance(values, dict):
        raise TeikiError("bad_thresholds_file", path=str(path), detail="expected key = value pairs")
    return DEFAULT.with_values(**{k: values[k] for k in values})


def _round_to(x: float, step: int, up: bool = False) -> int:
    return int(math.ceil(x / step) * step) if up else int(round(x / step) * step)


def _quantile(values: list[int], counts: list[int], q: float) -> int:
    """The smallest value with at least a share ``q`` of the weight at or below it."""
    total, seen = sum(counts), 0
    for v, n in sorted(zip(values, counts, strict=True)):
        seen += n
        if seen >= q * total:
            return v
    raise ValueError("empty distribution")


def gap_distribution(facts: ir.Table, as_of: dt.date) -> ir.Table:
    """Days between a customer's consecutive purchases by D (``gap``) and how often each occurs (``n``).

    ``facts`` are all order facts; a purchase's gap is to its next purchase (next_ordered_at) when that
    falls by D.
    """
    pairs = facts.filter(facts.next_ordered_at < cutoff(as_of))
    pairs = pairs.mutate(gap=pairs.next_ordered_at.date().delta(pairs.order_date, unit="day"))
    return pairs.group_by("gap").aggregate(n=pairs.count())


def auto(facts: ir.Table, as_of: dt.date | None) -> Thresholds:
    """The automatic thresholds of this module's docstring, from the order facts up to ``as_of``."""
    day = as_of or dt.date(1970, 1, 1)
    seen = facts.filter(facts.ordered_at < cutoff(day))
    totals = results.one(seen.aggregate(revenue=seen.amount.sum(), purchases=seen.count()))
    dist = results.arrow(gap_distribution(facts, day)).to_pydict()
    rules: dict[str, dict] = {}
    values: dict[str, float | int] = {}
    if totals["purchases"]:
        aov = float(totals["revenue"] or 0.0) / totals["purchases"]
        values["amount"] = max(1000, _round_to(ORDERS_WORTH * aov, 1000))
        rules["amount"] = {"rule": "orders_worth", "multiple": ORDERS_WORTH, "aov": round(aov, 2)}
    else:
        rules["amount"] = {"rule": "default_no_purchase"}
    gaps = [int(g) for g in dist["gap"]]
    if gaps:
        n = sum(dist["n"])
        p90 = _quantile(gaps, dist["n"], LAPSE_QUANTILE)
        median = _quantile(gaps, dist["n"], 0.5)
        values["lapse_days"] = max(30, _round_to(p90, 10, up=True))
        rules["lapse_days"] = {"rule": "gap_quantile", "percentile": round(LAPSE_QUANTILE * 100), "gaps": n,
                               "days": p90}
        t1 = max(10, _round_to(SHORT_CYCLES * median, 10))
        values["tenure_short_days"] = t1
        values["tenure_long_days"] = max(t1 + 10, _round_to(LONG_CYCLES * median, 10))
        rules["tenure_short_days"] = {"rule": "gap_multiple", "multiple": SHORT_CYCLES, "median": median}
        rules["tenure_long_days"] = {"rule": "gap_multiple", "multiple": LONG_CYCLES, "median": median}
    else:
        for name in ("lapse_days", "tenure_short_days", "tenure_long_days"):
            rules[name] = {"rule": "default_no_repeat"}
    return replace(DEFAULT, mode="auto", rules=rules, **values)
