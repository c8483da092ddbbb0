"""The reader's language switch, and the password login and logout (see :mod:`teiki.web.security`).

The throttle counts failures per ``request.client``: the socket's peer, or the client a trusted proxy names
(``ProxyHeadersMiddleware``, added by :func:`teiki.web.app.create_app` only for ``forwarded_allow_ips``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from teiki.messages import LANGS, say
from teiki.web.registry import Section, Visit
from teiki.web.rendering import render, request_lang
from teiki.web.security import csrf_ok, log_in, log_out, safe_next

section = Section()


@section.html.get("/lang")
def switch_language(to: str, next: str = "/"):
    response = RedirectResponse(safe_next(next), status_code=303)
    if to in LANGS:
        response.set_cookie("lang", to, max_age=365 * 86400, samesite="lax")
    return response


@section.page("/login", "login.html", title="page_login")
def login_form(visit: Visit, next: str = "/") -> dict:
    return {"next": safe_next(next)}


def _refused(request: Request, status: int, next: str, error: str, **params: object) -> Response:
    """The login form again, with ``error`` said in the reader's language."""
    return render(request, "login.html", status, title="page_login", next=safe_next(next),
                  error=say(error, request_lang(request), **params))


@section.html.post("/login")
def login(request: Request, password: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/"):
    access = request.app.state.access
    if not csrf_ok(request, csrf):
        return _refused(request, 403, next, "csrf_failed")
    who = request.client.host if request.client else "?"
    wait = access.throttle.wait_seconds(who)
    if wait > 0:
        return _refused(request, 429, next, "login_throttled", minutes=max(1, round(wait / 60)))
    if not access.check_password(password):
        access.throttle.failed(who)
        return _refused(request, 401, next, "login_failed")
    access.throttle.succeeded(who)
    log_in(request, access)
    return RedirectResponse(safe_next(next), status_code=303)


@section.html.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = ""):
    access = request.app.state.access
    if csrf_ok(request, csrf):
        log_out(request, access)
    return RedirectResponse("/login" if access.login_required else "/", status_code=303)
