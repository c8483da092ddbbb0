"""The dashboard application: ``create_app(db)`` gives a FastAPI app serving the pages and the JSON API.

    teiki serve --db teiki.duckdb            # http://127.0.0.1:8000
    uvicorn's app: teiki.web.app.create_app(Path("teiki.duckdb"))

Pages are rendered on the server (Jinja2); charts are Plotly figures drawn by
Plotly.js served from the installed ``plotly`` package, so nothing is fetched
from the network. ``/docs`` documents the API (Swagger UI from the fastapi-offline package, no CDN).
"""

from __future__ import annotations

import functools
import gzip
import threading
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from teiki.errors import TeikiError
from teiki.messages import LANGS, default_lang, say
from teiki.report.formatting import fmt, fmt_change
from teiki.web.limits import FORM_OVERHEAD, BodyLimit
from teiki.web.security import Access, csrf_token, logged_in, login_url, needs_login
from teiki.web.state import ServedShop

HERE = Path(__file__).parent
PLOTLY_JS = files("plotly") / "package_data" / "plotly.min.js"
NAV = (("/", "page_overview"), ("/retention", "page_retention"), ("/ltv", "page_ltv"),
       ("/portfolio", "page_portfolio"), ("/cancellations", "page_cancellations"), ("/forecast", "page_forecast"),
       ("/customers", "page_customers"), ("/calls", "page_actions"), ("/data", "page_data"))
ACTION_PATHS = ("/calls", "/risk", "/cross-sell", "/offers", "/winback", "/campaigns", "/simulate")
SESSION_HOURS = 12

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["fmt"] = fmt
templates.env.filters["fmt_change"] = fmt_change


@functools.cache
def plotly_gzip() -> bytes:
    """plotly.min.js (4.8 MB), gzip-compressed (~1.4 MB) once per process."""
    return gzip.compress(PLOTLY_JS.read_bytes(), compresslevel=6)


def request_lang(request: Request) -> str:
    """The reader's language: the ``lang`` cookie set by the switch, else the server's default."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in LANGS else request.app.state.lang


def render(request: Request, template: str, status: int = 200, **context: object) -> Response:
    """A page: ``context`` plus the language, the labels, the navigation and the login state."""
    lang = request_lang(request)
    access: Access = request.app.state.access
    path = request.url.path
    active = "/calls" if path.startswith(ACTION_PATHS) else path  # the action pages share one menu entry
    base = {"lang": lang, "t": lambda key, **p: say(key, lang, **p), "nav": NAV, "path": path, "active": active,
            "logged_in": logged_in(request, access), "login_required": access.login_required,
            "csrf": csrf_token(request), "query": dict(request.query_params)}
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status)


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.url.path != "/openapi.json"


def create_app(db: Path, *, access: Access | None = None, lang: str | None = None, warm: bool = False) -> FastAPI:
    """The dashboard over the shop database ``db`` (created empty when missing); ``warm`` computes the
    pages' default data in a background thread at start-up."""
    from teiki.web import actions_api, actions_pages, api, pages

    access = access or Access()
    app = FastAPIOffline(static_url="/static-docs", redoc_url=None, title="teiki", version="1", summary="CRM analytics for subscription D2C shops: the dashboard's "
                  "data as JSON. Query dates are YYYY-MM-DD; errors are 4xx with a readable `detail`.")
    app.state.shop = ServedShop(db)
    app.state.access = access
    app.state.lang = lang if lang in LANGS else default_lang()

    @app.middleware("http")
    async def require_login(request: Request, call_next):
        if needs_login(request, access):
            if wants_html(request):
                return RedirectResponse(login_url(request), status_code=303)
            return JSONResponse({"detail": say("login_required", "en")}, status_code=401)
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    # added last = outermost: the session exists before require_login runs
    app.add_middleware(SessionMiddleware, secret_key=access.secret, session_cookie="teiki_session",
                       max_age=SESSION_HOURS * 3600, same_site="strict")
    if access.allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(access.allowed_hosts))
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(BodyLimit, limit=access.max_upload_bytes + FORM_OVERHEAD)

    @app.exception_handler(TeikiError)
    async def teiki_error(request: Request, exc: TeikiError):
        if wants_html(request):
            return render(request, "error.html", 400, message=exc.render(request_lang(request)))
        return JSONResponse({"detail": exc.render("en")}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError):
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'] if p != 'query')}: {e['msg']}" for e in exc.errors())
        if wants_html(request):
            return render(request, "error.html", 400, message=detail)
        return JSONResponse({"detail": detail, "errors": exc.errors()}, status_code=422)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js(request: Request) -> Response:
        headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):  # compressed once, not per request
            return Response(plotly_gzip(), media_type="text/javascript",
                            headers={**headers, "Content-Encoding": "gzip"})
        return FileResponse(str(PLOTLY_JS), media_type="text/javascript", headers=headers)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(actions_api.router)
    app.include_router(pages.router)
    app.include_router(actions_pages.router)
    if warm:
        threading.Thread(target=api.warm, args=(app.state.shop,), name="teiki-warm", daemon=True).start()
    return app
