"""The dashboard's pages and JSON endpoints, each declared once, where it is written.

A route module makes a :class:`Section` and declares with its decorators

- ``@section.page(path, template, title=..., nav=...)``: a page. The function's parameters after the first
  (a :class:`Visit`) are the page's query; it returns the template's context. With ``data=`` (a page-data
  function of :mod:`teiki.report.pagedata`: ``data(shop, **query) -> dict``) the template also gets that
  data as ``d``, computed once per query through the served shop's cache, served as JSON at ``/api<api>``
  and computed with the query's defaults when the server starts (:func:`warm`).
- ``@section.api(path, summary=...)``: a JSON endpoint at ``/api<path>``; the function (a FastAPI endpoint)
  returns the payload.
- ``@section.download(path, summary=..., sheet=...)``: a whole list as a CSV or Excel file (``?format=``);
  the function (a FastAPI endpoint) returns the table and the file's name.

:func:`teiki.web.app.create_app` mounts the sections and builds the top menu (:class:`Menu`) from their pages.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from teiki.report.export import to_json
from teiki.shop import Shop
from teiki.web.downloads import file_response, visible
from teiki.web.rendering import render, request_lang
from teiki.web.state import ServedShop, served

AsOf = Annotated[dt.date | None, Query(description="as-of date YYYY-MM-DD; default: the last order date")]
Format = Literal["csv", "xlsx"]
PageData = Callable[..., dict]

REQUEST = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
FORMAT = inspect.Parameter("format", inspect.Parameter.POSITIONAL_OR_KEYWORD, default="csv", annotation=Format)


def as_json(payload: object) -> JSONResponse:
    """``payload`` encoded as the CLI encodes ``--format json`` (dates and other values as text, no NaN)."""
    return JSONResponse(json.loads(to_json(payload)))


def has_orders(request: Request) -> bool:
    """Whether the served shop has orders to show (else a page shows how to import them)."""
    return served(request).call(Shop.as_of) is not None


def page_data(shop: ServedShop, data: PageData, params: dict) -> dict:
    """``data(shop, **params)``, cached per parameters (the page and its JSON twin share it)."""
    return shop.cached((data.__name__, *sorted(params.items())), lambda memo: data(memo, **params))


@dataclass(frozen=True)
class Visit:
    """One request of a page: the request, the page's name and its data (None for a page without ``data``)."""

    request: Request
    name: str
    d: dict | None = None

    @property
    def lang(self) -> str:
        return request_lang(self.request)

    @property
    def served(self) -> ServedShop:
        return served(self.request)


@dataclass(frozen=True)
class Page:
    """A declared page: its path, heading, top-menu label (None: not in the top menu) and whether its
    section's sub-menu lists it."""

    path: str
    title: str
    nav: str | None
    listed: bool


def _parameters(function: Callable[..., object], skip: int = 0) -> list[inspect.Parameter]:
    """``function``'s parameters after the first ``skip``, their annotations evaluated (FastAPI reads them)."""
    return list(inspect.signature(function, eval_str=True).parameters.values())[skip:]


def _endpoint(call: Callable[..., object], parameters: Iterable[inspect.Parameter]) -> Callable[..., object]:
    """``call(**values)`` as FastAPI sees it: taking ``parameters`` from the request."""
    call.__signature__ = inspect.Signature(list(parameters))  # type: ignore[attr-defined]
    return call


class Section:
    """The pages and JSON endpoints of one route module, mounted by :func:`teiki.web.app.create_app`.

    ``tag`` groups its JSON endpoints in /docs; the pages of a ``grouped`` section share one top-menu entry
    (the page declared with ``nav``) and list themselves in a sub-menu (:attr:`subnav`); ``context`` adds to
    every page's template context.
    """

    def __init__(self, *, tag: str | None = None, grouped: bool = False,
                 context: Callable[[Visit], dict] | None = None) -> None:
        self.html = APIRouter(include_in_schema=False)
        self.json = APIRouter(prefix="/api", tags=[tag] if tag else None)
        self.grouped = grouped
        self.context = context
        self.pages: list[Page] = []
        self.defaults: list[tuple[PageData, dict]] = []  # each page's data with its default query

    @property
    def subnav(self) -> tuple[tuple[str, str], ...]:
        """(path, title) of the listed pages, in the order they were declared."""
        return tuple((p.path, p.title) for p in self.pages if p.listed)

    def page(self, path: str, template: str, *, title: str, nav: str | None = None, listed: bool = True,
             needs_orders: bool = False, data: PageData | None = None, api: str | None = None,
             summary: str | None = None, fixed: dict | None = None):
        """Declare the decorated ``view(visit, **query) -> dict`` as the page at ``path`` (see the module).

        ``needs_orders``: an empty shop shows how to import instead; ``fixed``: query values the page sets
        itself (its JSON twin takes them as parameters).
        """
        fixed = fixed or {}

        def register(view: Callable[..., dict]) -> Callable[..., dict]:
            query = _parameters(view, skip=1)

            def show(request: Request, **values: object) -> Response:
                if needs_orders and not has_orders(request):
                    return render(request, "empty.html", title=title)
                d = page_data(served(request), data, values | fixed) if data else None
                visit = Visit(request, view.__name__, d)
                context = {"d": d} if data else {}
                context |= self.context(visit) if self.context else {}
                return render(request, template, title=title, **context, **view(visit, **values))

            shown = [p for p in query if p.name not in fixed]
            self.html.add_api_route(path, _endpoint(show, [REQUEST, *shown]), methods=["GET"], name=view.__name__)
            self.pages.append(Page(path, title, nav, listed))
            if data is not None:
                self.defaults.append((data, {p.name: p.default for p in query} | fixed))
            if api is not None:
                def answer(request: Request, **values: object) -> JSONResponse:
                    return as_json(page_data(served(request), data, values))

                self._json(api, _endpoint(answer, [REQUEST, *query]), view.__name__, summary)
            return view

        return register

    def api(self, path: str, *, summary: str):
        """Declare the decorated FastAPI endpoint, which returns a JSON-able payload, at ``/api<path>``."""
        def register(function: Callable[..., object]) -> Callable[..., object]:
            def answer(**values: object) -> JSONResponse:
                return as_json(function(**values))

            self._json(path, _endpoint(answer, _parameters(function)), function.__name__, summary)
            return function

        return register

    def download(self, path: str, *, summary: str, sheet: str):
        """Declare the decorated FastAPI endpoint, which returns ``(table, file name)``, at ``/api<path>``: the
        table as the reader may see it, as CSV (UTF-8 with BOM) or Excel (``format``), the sheet named ``sheet``."""
        def register(function: Callable[..., tuple]) -> Callable[..., tuple]:
            def answer(request: Request, format: str, **values: object) -> Response:
                table, name = function(request, **values)
                return file_response(visible(request, table), name, format, sheet)

            self._json(path, _endpoint(answer, [*_parameters(function), FORMAT]), function.__name__, summary)
            return function

        return register

    def _json(self, path: str, endpoint: Callable[..., object], name: str, summary: str | None) -> None:
        self.json.add_api_route(path, endpoint, methods=["GET"], name=name, summary=summary, response_model=None)


@dataclass(frozen=True)
class Menu:
    """The top menu: ``entries`` (path, label key) in order; the entry of a grouped section is active on every
    path under its pages (``groups``: entry path → those pages' paths)."""

    entries: tuple[tuple[str, str], ...]
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def of(cls, sections: Iterable[Section]) -> Menu:
        """The menu of the pages declared with ``nav``, in the order of ``sections``."""
        entries, groups = [], []
        for section in sections:
            for page in section.pages:
                if page.nav is not None:
                    entries.append((page.path, page.nav))
                    if section.grouped:
                        groups.append((page.path, tuple(path for path, _ in section.subnav)))
        return cls(tuple(entries), tuple(groups))

    def active(self, path: str) -> str:
        """The entry to highlight on ``path``: a group's entry, else ``path`` itself."""
        return next((entry for entry, paths in self.groups if path.startswith(paths)), path)


def warm(shop: ServedShop, sections: Iterable[Section]) -> None:
    """Compute every page's data with its default query (the pages as first opened), so the first visitor
    waits less."""
    for section in sections:
        for data, params in section.defaults:
            try:
                page_data(shop, data, params)
            except Exception:  # noqa: BLE001 - an empty or odd shop shows its error when the page is opened
                return
