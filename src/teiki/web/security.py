"""Who may see what: the password login, the session cookie, CSRF tokens and the serve-address rule.

- Bound to a loopback address with no password, the person at the machine is
  the owner: everything is shown, and the Host header must name the loopback
  address (so a web page elsewhere cannot reach the dashboard by DNS rebinding).
- Any other address needs a password (``TEIKI_PASSWORD`` / ``--password``); then
  every page and API call needs a login. The signed session cookie carries a
  session id that counts only while the server holds it (:class:`Sessions`):
  logging out ends it, so a copied cookie is refused afterwards.
- Every form carries a CSRF token tied to the session and checked on POST.
- Failed logins are throttled per client address (:class:`LoginThrottle`): the
  socket's peer, or the address a trusted proxy (``forwarded_allow_ips``) names
  in ``X-Forwarded-For``; headers from anyone else are ignored.
- Cookies are ``Secure`` with ``secure_cookies`` or when a trusted proxy says
  the visitor came over HTTPS (:class:`SecureCookies`).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_NAMES = ("localhost",)
SESSION_HOURS = 12
OPEN_PATHS = ("/login", "/static/", "/lang")  # reachable before logging in


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1``, ``localhost``: addresses other machines cannot reach."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class LoginThrottle:
    """At most ``limit`` failed logins per client address within ``window`` seconds; then the address waits
    until the oldest failure leaves the window (a password cannot be guessed at machine speed)."""

    limit: int = 5
    window: float = 600.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)

    def _recent(self, who: str) -> list[float]:
        now = self.clock()
        recent = [t for t in self._failures.get(who, []) if now - t < self.window]
        self._failures[who] = recent
        return recent

    def wait_seconds(self, who: str) -> float:
        """0 when ``who`` may try; else how long until it may."""
        recent = self._recent(who)
        return 0.0 if len(recent) < self.limit else self.window - (self.clock() - recent[0])

    def failed(self, who: str) -> None:
        self._recent(who).append(self.clock())

    def succeeded(self, who: str) -> None:
        self._failures.pop(who, None)


@dataclass
class Sessions:
    """The logins this server knows: a session cookie counts only while its id is here, and at most ``hours``
    after the login (the cookie's own age is renewed by every answer)."""

    hours: float = SESSION_HOURS
    clock: Callable[[], float] = time.monotonic
    _started: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)  # logins arrive on several threads

    def start(self) -> str:
        """A new session's id (and the expired ones forgotten)."""
        sid = secrets.token_urlsafe(32)
        with self._lock:
            now = self.clock()
            self._started = {s: t for s, t in self._started.items() if now - t < self.hours * 3600}
            self._started[sid] = now
        return sid

    def valid(self, sid: object) -> bool:
        started = self._started.get(sid) if isinstance(sid, str) else None
        return started is not None and self.clock() - started < self.hours * 3600

    def end(self, sid: object) -> None:
        if isinstance(sid, str):
            with self._lock:
                self._started.pop(sid, None)


@dataclass
class Access:
    """The access settings of one server."""

    password: str | None = None
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))  # signs session cookies
    max_upload_bytes: int = 200 * 1024 * 1024
    allowed_hosts: tuple[str, ...] | None = None  # Host header values accepted; None = any
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    sessions: Sessions = field(default_factory=Sessions)
    # proxies whose X-Forwarded-For / -Proto are believed (addresses, networks, "*"); () = none, the socket's peer
    forwarded_allow_ips: tuple[str, ...] = ()
    secure_cookies: bool = False  # cookies only over HTTPS (behind a TLS proxy)

    @property
    def login_required(self) -> bool:
        return bool(self.password)

    def check_password(self, given: str) -> bool:
        return bool(self.password) and hmac.compare_digest(given.encode(), self.password.encode())


def logged_in(request: Request, access: Access) -> bool:
    """Whether this request may see everything, customers' personal data included."""
    return not access.login_required or access.sessions.valid(request.session.get("sid"))


def log_in(request: Request, access: Access) -> None:
    """Start a new session for this visitor (nothing of the session before the login is kept)."""
    request.session.clear()
    request.session["sid"] = access.sessions.start()


def log_out(request: Request, access: Access) -> None:
    """End this visitor's session on the server too: its cookie, wherever copied, no longer logs in."""
    access.sessions.end(request.session.get("sid"))
    request.session.clear()


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, given: str | None) -> bool:
    expected = request.session.get("csrf")
    # as bytes: compare_digest refuses str holding anything but ASCII (a form may send any text)
    return bool(expected and given) and hmac.compare_digest(str(given).encode(), str(expected).encode())


def needs_login(request: Request, access: Access) -> bool:
    return not logged_in(request, access) and not request.url.path.startswith(OPEN_PATHS)


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(target, safe="")


def safe_next(target: str | None) -> str:
    """A redirect target inside this site ("/..."), never another host ("//evil", "https://...")."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


class SecureCookies:
    """Mark every cookie the app sets ``Secure`` when ``always`` or when the request came over HTTPS (the scheme
    a trusted proxy's ``X-Forwarded-Proto`` set), so the browser never sends the session over plain HTTP."""

    def __init__(self, app: ASGIApp, always: bool = False) -> None:
        self.app = app
        self.always = always

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (self.always or scope.get("scheme") == "https"):
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [(name, value + b"; Secure" if name.lower() == b"set-cookie"
                                       and b"; secure" not in value.lower() else value)
                                      for name, value in message["headers"]]
            await send(message)

        await self.app(scope, receive, secured)
