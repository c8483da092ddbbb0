"""Sessions end on the server (a logout, 12 hours after the login), the login throttle counts the socket's peer
unless a trusted proxy names the client, and cookies are Secure behind TLS (``--secure-cookies``, or a trusted
proxy's ``X-Forwarded-Proto: https``)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from teiki.cli.main import app as cli
from teiki.web.app import create_app
from teiki.web.security import Access, LoginThrottle, Sessions

PASSWORD = "correct horse"


def token(c: TestClient, url: str = "/login", **headers: str) -> str:
    return c.get(url, headers=headers).text.split('name="csrf" value="')[1].split('"')[0]


def login(c: TestClient, password: str = PASSWORD, **headers: str):
    return c.post("/login", data={"password": password, "csrf": token(c, **headers)}, headers=headers,
                  follow_redirects=False)


def logout(c: TestClient) -> None:
    assert c.post("/logout", data={"csrf": token(c, "/")}, follow_redirects=False).status_code == 303


@pytest.fixture
def app(seeded_db):
    return create_app(seeded_db, access=Access(password=PASSWORD))


def test_a_copied_cookie_is_refused_after_logout(app):
    with TestClient(app) as owner, TestClient(app) as thief:
        assert login(owner).status_code == 303
        thief.cookies.set("teiki_session", owner.cookies["teiki_session"])
        assert thief.get("/api/customers").status_code == 200  # a copy works while the session lasts
        logout(owner)
        assert thief.get("/api/customers").status_code == 401
        page = thief.get("/customers", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_a_logout_ends_only_its_own_session(app):
    with TestClient(app) as one, TestClient(app) as other:
        assert login(one).status_code == 303 and login(other).status_code == 303
        logout(one)
        assert one.get("/api/customers").status_code == 401
        assert other.get("/api/customers").status_code == 200


def test_a_session_ends_12_hours_after_its_login_however_much_it_is_used(seeded_db):
    now = [0.0]
    access = Access(password=PASSWORD, sessions=Sessions(clock=lambda: now[0]))
    with TestClient(create_app(seeded_db, access=access)) as c:
        assert login(c).status_code == 303
        now[0] += 11 * 3600
        assert c.get("/api/customers").status_code == 200  # renews the cookie, not the session
        now[0] += 3600
        assert c.get("/api/customers").status_code == 401


@pytest.mark.parametrize("proxies", [(), ("10.0.0.1",)])
def test_without_a_trusted_proxy_x_forwarded_for_is_ignored_by_the_throttle(seeded_db, proxies):
    access = Access(password=PASSWORD, forwarded_allow_ips=proxies)
    with TestClient(create_app(seeded_db, access=access)) as c:
        guesses = [login(c, f"guess {i}", **{"X-Forwarded-For": f"198.51.100.{i}"}).status_code for i in range(12)]
    assert guesses == [401] * 5 + [429] * 7


def test_behind_a_trusted_proxy_each_forwarded_client_is_throttled_on_its_own(seeded_db):
    access = Access(password=PASSWORD, forwarded_allow_ips=("testclient",), throttle=LoginThrottle(limit=3))
    with TestClient(create_app(seeded_db, access=access)) as c:
        attacker, owner = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}
        assert [login(c, "guess", **attacker).status_code for _ in range(4)] == [401, 401, 401, 429]
        assert login(c, **owner).status_code == 303  # the owner is not locked out by the attacker
        assert access.throttle.wait_seconds("203.0.113.7") > 0 and access.throttle.wait_seconds("203.0.113.9") == 0
        assert login(c, "guess").status_code == 401  # the proxy's own requests count as the proxy's


def secure(response, name: str = "teiki_session") -> bool:
    cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith(name + "="))
    return "secure" in [part.strip().lower() for part in cookie.split(";")]


@pytest.mark.parametrize(("access", "headers", "expected"), [
    (Access(), {}, False),
    (Access(), {"X-Forwarded-Proto": "https"}, False),  # anyone may send the header
    (Access(secure_cookies=True), {}, True),
    (Access(forwarded_allow_ips=("testclient",)), {}, False),
    (Access(forwarded_allow_ips=("testclient",)), {"X-Forwarded-Proto": "https"}, True),
    (Access(forwarded_allow_ips=("10.0.0.1",)), {"X-Forwarded-Proto": "https"}, False),
])
def test_cookies_are_secure_behind_tls(seeded_db, access, headers, expected):
    with TestClient(create_app(seeded_db, access=access)) as c:
        assert secure(c.get("/login", headers=headers)) is expected  # the session cookie, with its CSRF token
        switched = c.get("/lang?to=en", headers=headers, follow_redirects=False)
        assert secure(switched, "lang") is expected


def test_serve_passes_the_proxy_and_cookie_options_and_leaves_proxy_headers_to_the_app(seeded_db, monkeypatch):
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.append((app.state.access, options)))
    args = ["--db", str(seeded_db), "serve"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert CliRunner().invoke(cli, [*args, "--forwarded-allow-ips", "10.0.0.1, 10.0.1.0/24",
                                    "--secure-cookies"]).exit_code == 0
    (plain, plain_options), (proxied, proxied_options) = started
    assert plain.forwarded_allow_ips == () and not plain.secure_cookies
    assert proxied.forwarded_allow_ips == ("10.0.0.1", "10.0.1.0/24") and proxied.secure_cookies
    assert plain_options["proxy_headers"] is False and proxied_options["proxy_headers"] is False
