"""Pages as HTML: the Jinja2 templates, the reader's language and :func:`render`, which every page goes through.

The navigation comes from ``app.state.menu`` (a :class:`teiki.web.registry.Menu`, built by
:func:`teiki.web.app.create_app` from the pages the route modules declare).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from teiki.messages import LANGS, say
from teiki.report.formatting import fmt, fmt_change
from teiki.web.security import Access, csrf_token, logged_in

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["fmt"] = fmt
templates.env.filters["fmt_change"] = fmt_change
templates.env.filters["pathpart"] = lambda value: quote(str(value), safe="")  # one path segment: "/" as %2F


def request_lang(request: Request) -> str:
    """The reader's language: the ``lang`` cookie set by the switch, else the server's default."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in LANGS else request.app.state.lang


def render(request: Request, template: str, status: int = 200, **context: object) -> Response:
    """A page: ``context`` plus the language, the labels, the navigation and the login state."""
    lang = request_lang(request)
    access: Access = request.app.state.access
    menu = request.app.state.menu
    path = request.url.path
    base = {"lang": lang, "t": lambda key, **p: say(key, lang, **p), "nav": menu.entries, "path": path,
            "active": menu.active(path), "logged_in": logged_in(request, access),
            "login_required": access.login_required, "csrf": csrf_token(request), "query": dict(request.query_params)}
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status)


def wants_html(request: Request) -> bool:
    """Whether the answer to ``request`` is a page (else JSON: the API and its schema)."""
    return not request.url.path.startswith("/api/") and request.url.path != "/openapi.json"
