"""Cancellation reasons (seeds 002, 003): free text mapped to categories by an editable dictionary.

The dictionary (``cancel_reasons.toml`` shipped with teiki, or a user's copy)
lists categories in order, each with keywords and exact values. A reason
belongs to the first category with a keyword contained in it (case-
insensitive) or an exact value equal to it; other reasons are ``その他``,
empty ones ``未回答``. :func:`categorize` (Python) and :func:`category`
(an Ibis expression, any engine) apply the same rule.

Example: "まだ残っているため" → 余っている; "価格が高い" → 価格・経済的理由.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import ibis
import ibis.expr.types as ir

from teiki.errors import InputError
from teiki.metrics.ratio import rate

OTHER = "その他"
UNANSWERED = "未回答"
REASONS_ENV = "TEIKI_REASONS"


@dataclass(frozen=True)
class Category:
    name: str
    en: str
    keywords: tuple[str, ...]
    exact: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dictionary:
    categories: tuple[Category, ...]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Dictionary:
        """The dictionary at ``path`` (default: ``$TEIKI_REASONS`` or the one shipped with teiki)."""
        path = path or os.environ.get(REASONS_ENV)
        if path is None:
            return _default()
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            return cls._parse(data)
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
            raise InputError(str(path), "bad_reasons_file", detail=str(exc)) from None

    @classmethod
    def _parse(cls, data: dict) -> Dictionary:
        return cls(tuple(
            Category(str(c["name"]), str(c.get("en", c["name"])),
                     tuple(str(k).lower() for k in c.get("keywords", ())),
                     tuple(str(e).lower() for e in c.get("exact", ())))
            for c in data["category"]
        ))

    def labels(self, lang: str) -> dict[str, str]:
        """Category name → its label in ``lang`` (the name itself in Japanese)."""
        extra = {OTHER: "Other", UNANSWERED: "No reason given"}
        if lang != "en":
            return {c.name: c.name for c in self.categories} | {k: k for k in extra}
        return {c.name: c.en for c in self.categories} | extra


@cache
def _default() -> Dictionary:
    text = resources.files("teiki.metrics").joinpath("cancel_reasons.toml").read_text(encoding="utf-8")
    return Dictionary._parse(tomllib.loads(text))


def categorize(text: str | None, dictionary: Dictionary | None = None) -> str:
    """The category of one reason text (plain Python, the same rule as :func:`category`)."""
    dictionary = dictionary or _default()
    clean = (text or "").strip().lower()
    if not clean:
        return UNANSWERED
    for c in dictionary.categories:
        if clean in c.exact or any(k in clean for k in c.keywords):
            return c.name
    return OTHER


def category(reason: ir.StringValue, dictionary: Dictionary | None = None) -> ir.StringValue:
    """The category of a reason column, as an Ibis expression."""
    dictionary = dictionary or _default()
    clean = ibis.coalesce(reason, "").strip().lower()
    branches = [(clean == "", UNANSWERED)]
    for c in dictionary.categories:
        hit = ibis.literal(False)
        for k in c.keywords:
            hit = hit | clean.contains(k)
        for e in c.exact:
            hit = hit | (clean == e)
        branches.append((hit, c.name))
    return ibis.cases(*branches, else_=OTHER)


def cancel_reasons(s: ir.Table, by: Sequence[str] = (), dictionary: Dictionary | None = None) -> ir.Table:
    """Cancelled subscriptions per reason category (and group): count and share of the group's cancellations.

    ``by`` may be any subscription column, e.g. ``reached`` (the delivery
    number at cancellation), ``product_id`` or ``cohort``.
    Example: 10 cancellations, 4 "まだ残っているため" → 余っている: 4, 0.4.
    """
    cancelled = s.filter(s.cancelled)
    texts = cancelled.group_by([*by, "cancel_reason"]).aggregate(n=cancelled.count())  # map each text once
    texts = texts.mutate(reason=category(texts.cancel_reason, dictionary))
    counts = texts.group_by([*by, "reason"]).aggregate(count=texts.n.sum())
    total = counts["count"].sum().over(ibis.window(group_by=list(by)))
    return counts.mutate(share=rate(counts["count"], total))
