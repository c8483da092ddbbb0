"""User-facing text in Japanese (default) and English: one catalogue per area, found by :func:`say`.

Code, logs and API keys stay English; whatever a person reads goes through
:func:`say`, so every message exists in both languages. Each module of this
package holds one area's ``{key: (ja, en)}`` table. They are loaded in the
order of :data:`AREAS`, only as far as a key needs: an import or database
error (``errors``) loads one table, not the dashboard's labels. A key defined
in two areas would silently change a label, so loading a table that repeats a
key is an error (``tests/test_architecture.py`` loads them all).

This package imports nothing of teiki: every layer may render a message
(errors render themselves, the action lists carry their reasons in ja / en).
"""

from __future__ import annotations

import importlib
import os

LANGS = ("ja", "en")

# (module, the name of its table); the order a key is looked for in
AREAS = (("errors", "ERRORS"), ("cli", "CLI"), ("kpis", "KPIS"), ("pages", "PAGES"), ("forecast", "FORECAST"),
         ("action_pages", "ACTION_PAGES"), ("calls", "CALLS"), ("risk", "RISK"), ("offers", "OFFERS"),
         ("campaigns", "CAMPAIGNS"))

_loaded: dict[str, tuple[str, str]] = {}
_next_area = 0


def _load_next() -> bool:
    """Load the next area's table into the lookup; False when every table is loaded."""
    global _next_area
    if _next_area >= len(AREAS):
        return False
    module, name = AREAS[_next_area]
    table: dict[str, tuple[str, str]] = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    clash = _loaded.keys() & table.keys()
    if clash:
        raise RuntimeError(f"message keys defined twice: {', '.join(sorted(clash))}")
    _loaded.update(table)
    _next_area += 1
    return True


def _lookup(key: str) -> tuple[str, str] | None:
    while key not in _loaded:
        if not _load_next():
            return None
    return _loaded[key]


def load_all() -> dict[str, tuple[str, str]]:
    """Every area's messages (checking that no key is defined twice)."""
    while _load_next():
        pass
    return _loaded


def default_lang() -> str:
    """The language from TEIKI_LANG, else Japanese."""
    lang = os.environ.get("TEIKI_LANG", "ja").lower()
    return lang if lang in LANGS else "ja"


def has(key: str) -> bool:
    """Whether a catalogue holds a message ``key`` (for labels looked up by a code, such as ``stage_<name>``)."""
    return _lookup(key) is not None


def say(key: str, lang: str | None = None, **params: object) -> str:
    """The message ``key`` in ``lang`` (ja / en) with ``params`` filled in."""
    found = _lookup(key)
    if found is None:
        raise KeyError(key)
    ja, en = found
    template = en if (lang or default_lang()) == "en" else ja
    return template.format(**params)
