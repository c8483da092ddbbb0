"""Who may see what: the password login, the session cookie, CSRF tokens and the serve-address rule.

- Bound to a loopback address with no password, the person at the machine is
  the owner: everything is shown, and the Host header must name the loopback
  address (so a web page elsewhere cannot reach the dashboard by DNS rebinding).
- Any other address needs a password (``TEIKI_PASSWORD`` / ``--password``); then
  every page and API call needs a login, kept in a signed session cookie.
- Every form carries a CSRF token tied to the session and checked on POST.
- Failed logins are throttled per client address (:class:`LoginThrottle`).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from starlette.requests import Request

LOOPBACK_NAMES = ("localhost",)
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
class Access:
    """The access settings of one server."""

    password: str | None = None
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))  # signs session cookies
    max_upload_bytes: int = 200 * 1024 * 1024
    allowed_hosts: tuple[str, ...] | None = None  # Host header values accepted; None = any
    throttle: LoginThrottle = field(default_factory=LoginThrottle)

    @property
    def login_required(self) -> bool:
        return bool(self.password)

    def check_password(self, given: str) -> bool:
        return bool(self.password) and hmac.compare_digest(given.encode(), self.password.encode())


def logged_in(request: Request, access: Access) -> bool:
    """Whether this request may see everything, customers' personal data included."""
    return not access.login_required or bool(request.session.get("user"))


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, given: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and given) and hmac.compare_digest(str(given), str(expected))


def needs_login(request: Request, access: Access) -> bool:
    path = request.url.path
    return access.login_required and not request.session.get("user") and not path.startswith(OPEN_PATHS)


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(target, safe="")


def safe_next(target: str | None) -> str:
    """A redirect target inside this site ("/..."), never another host ("//evil", "https://...")."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
