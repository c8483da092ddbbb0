"""The dashboard application: ``create_app(db)`` gives a FastAPI app serving the pages and the JSON API.

    teiki serve --db teiki.duckdb            # http://127.0.0.1:8000
    uvicorn's app: teiki.web.app.create_app(Path("teiki.duckdb"))

Run it under uvicorn with ``proxy_headers=False`` (as ``teiki serve`` does): the app reads ``X-Forwarded-*``
itself, and only from the proxies of ``Access.forwarded_allow_ips``.
Pages are rendered on the server (Jinja2); charts are Plotly figures drawn by
Plotly.js served from the installed ``plotly`` package, so nothing is fetched
from the network. ``/docs`` documents the API (Swagger UI from the fastapi-offline package, no CDN).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import re
import threading
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from teiki.errors import TeikiError
from teiki.messages import LANGS, default_lang, say
from teiki.web import account, actions_api, actions_pages, analytics, api, customers, data
from teiki.web.limits import FORM_OVERHEAD, BodyLimit
from teiki.web.registry import Menu
from teiki.web.registry import warm as warm_pages
from teiki.web.rendering import render, request_lang, wants_html
from teiki.web.security import SESSION_HOURS, Access, SecureCookies, login_url, needs_login
from teiki.web.state import ServedShop

HERE = Path(__file__).parent
PLOTLY_JS = files("plotly") / "package_data" / "plotly.min.js"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters other than tab and line ends
# the route modules' sections in the order of the top menu, the actions' JSON API last (as /docs lists it)
SECTIONS = (api.section, analytics.section, customers.section, actions_pages.section, data.section, account.section,
            actions_api.section)


@functools.cache
def plotly_gzip() -> bytes:
    """plotly.min.js (4.8 MB), gzip-compressed (~1.4 MB) once per process."""
    return gzip.compress(PLOTLY_JS.read_bytes(), compresslevel=6)


def create_app(db: Path, *, access: Access | None = None, lang: str | None = None, warm: bool = False) -> FastAPI:
    """The dashboard over the shop database ``db`` (created empty when missing); ``warm`` computes the
    pages' default data in a background thread at start-up."""
    access = access or Access()

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        data.remove_uploads(ours=True)  # a stopped server leaves no customer data in the temp folder

    app = FastAPIOffline(static_url="/static-docs", redoc_url=None, title="teiki", version="1", lifespan=lifespan,
                         summary="CRM analytics for subscription D2C shops: the dashboard's data as JSON. Query "
                                 "dates are YYYY-MM-DD; errors are 4xx with a readable `detail`.")
    data.remove_uploads()  # what a killed server left behind
    app.state.shop = ServedShop(db)
    app.state.access = access
    app.state.lang = lang if lang in LANGS else default_lang()
    app.state.menu = Menu.of(SECTIONS)

    @app.middleware("http")
    async def require_login(request: Request, call_next):
        # a field a form sends empty (a cleared date box) means "not given": the parameter's default applies
        pairs = parse_qsl(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if any(not v.strip() for _, v in pairs):
            request.scope["query_string"] = urlencode([(k, v) for k, v in pairs if v.strip()]).encode("ascii")
        if needs_login(request, access):
            if wants_html(request):
                return RedirectResponse(login_url(request), status_code=303)
            return JSONResponse({"detail": say("login_required", "en")}, status_code=401)
        bad = next((name for name, value in request.query_params.multi_items() if CONTROL.search(value)), None)
        if bad is not None:  # a NUL would end up inside an SQL literal; no parameter has any use for them
            message = say("bad_parameter_control", request_lang(request) if wants_html(request) else "en", name=bad)
            if wants_html(request):
                return render(request, "error.html", 400, message=message)
            return JSONResponse({"detail": message}, status_code=400)
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    # added last = outermost: the session exists before require_login runs
    app.add_middleware(SessionMiddleware, secret_key=access.secret, session_cookie="teiki_session",
                       max_age=SESSION_HOURS * 3600, same_site="strict")
    app.add_middleware(SecureCookies, always=access.secure_cookies)
    if access.allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(access.allowed_hosts))
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(BodyLimit, limit=access.max_upload_bytes + FORM_OVERHEAD, shown_limit=access.max_upload_bytes)
    if access.forwarded_allow_ips:  # only a named proxy may say who the client is and whether it came over HTTPS
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(access.forwarded_allow_ips))

    @app.exception_handler(TeikiError)
    async def teiki_error(request: Request, exc: TeikiError):
        if wants_html(request):
            return render(request, "error.html", 400, message=exc.render(request_lang(request)))
        return JSONResponse({"detail": exc.render("en")}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError):
        def name(e: dict) -> str:
            return ".".join(str(p) for p in e["loc"] if p != "query")

        if wants_html(request):  # the reader's language, the value they gave and what would be allowed
            lang = request_lang(request)
            message = " ".join(
                say("bad_parameter_missing" if e["type"] == "missing" else "bad_parameter_value", lang, name=name(e),
                    value=str(e.get("input"))[:40])
                + (say("bad_parameter_allowed", lang, expected=e["ctx"]["expected"].replace(" or ", ", ")) if "expected" in e.get("ctx", {})
                   else "")
                for e in exc.errors())
            return render(request, "error.html", 400, message=message)
        detail = "; ".join(f"{name(e)}: {e['msg']}" for e in exc.errors())
        return JSONResponse({"detail": detail, "errors": exc.errors()}, status_code=422)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js(request: Request) -> Response:
        headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):  # compressed once, not per request
            return Response(plotly_gzip(), media_type="text/javascript",
                            headers={**headers, "Content-Encoding": "gzip"})
        return FileResponse(str(PLOTLY_JS), media_type="text/javascript", headers=headers)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for section in SECTIONS:
        app.include_router(section.json)
        app.include_router(section.html)
    if warm:
        threading.Thread(target=warm_pages, args=(app.state.shop, SECTIONS), name="teiki-warm", daemon=True).start()
    return app
