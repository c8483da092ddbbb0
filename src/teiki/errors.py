"""Errors a user can act on. The CLI prints them as one paragraph, not a traceback."""

from __future__ import annotations

from dataclasses import dataclass, field

from teiki.messages import say


class TeikiError(Exception):
    """Base class: ``render(lang)`` gives the user-facing text."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str | None = None) -> str:
        return say(self.key, lang, **self.params)


class StoreError(TeikiError):
    """The database file cannot be opened or upgraded."""


class InputError(TeikiError):
    """A file or mapping cannot be read at all (before any row is looked at)."""

    def __init__(self, file: str, key: str, **params: object) -> None:
        self.file = file
        super().__init__(key, **params)

    def render(self, lang: str | None = None) -> str:
        text = say(self.key, lang, **self.params)
        return say("problem_at", lang, file=self.file, text=text) + " " + say("nothing_imported", lang)


@dataclass
class Problem:
    """One failed check: which file, which column, how many rows, the first offending values.

    ``examples`` holds (row, value) pairs; ``row`` is the spreadsheet row number
    (the header is row 1, the first data row is row 2), a text such as "3, 7"
    when a problem spans rows, or None when it has no row; ``value`` is None
    when the row says it all (an empty cell).
    """

    file: str
    check: str
    column: str
    count: int
    examples: list[tuple[object, object]] = field(default_factory=list)
    params: dict[str, object] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        examples = ", ".join(_example(row, value, lang) for row, value in self.examples)
        text = say(self.check, lang, column=self.column, count=self.count, examples=examples, **self.params)
        return say("problem_at", lang, file=self.file, text=text)


def _example(row: object, value: object, lang: str | None) -> str:
    if row is None:
        return _shown(value)
    if value is None:
        return say("row_only", lang, row=row)
    if isinstance(row, str):
        return say("rows_example", lang, value=_shown(value), rows=row)
    return say("row_example", lang, row=row, value=_shown(value))


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


class DataError(TeikiError):
    """Rows that fail validation. Nothing was imported."""

    MAX_SHOWN = 8

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("nothing_imported")

    def render(self, lang: str | None = None) -> str:
        shown = [p.render(lang) for p in self.problems[: self.MAX_SHOWN]]
        if len(self.problems) > self.MAX_SHOWN:
            shown.append(say("more_problems", lang, count=len(self.problems) - self.MAX_SHOWN))
        return " ".join(shown + [say("nothing_imported", lang)])
