"""Every route of the dashboard with hostile parameters (hypothesis): dates at the ends of the calendar and
malformed, huge and non-finite numbers, NUL and control characters, emoji, right-to-left and combining text,
very long strings and repeated keys. Whatever comes in, the answer is never a 5xx; an API answer is JSON
without NaN or Infinity (a download's file aside).

The routes are those the route modules declare (``teiki.web.app.SECTIONS``), their parameters read from the
endpoints' signatures, so a new page or endpoint is fuzzed without being listed here.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import types
from typing import Annotated, Literal, Union, get_args, get_origin
from urllib.parse import quote, urlencode

import pytest
from conftest import copy_db
from fastapi import Request, UploadFile
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import teiki
from teiki.web.app import SECTIONS, create_app
from teiki.web.security import Access, LoginThrottle

EXAMPLES = 30  # per API endpoint
PAGE_EXAMPLES = 10  # per page: most show their JSON twin's data, fuzzed with the API
# each new valid query of these refits the forecast models and their bootstrap (seconds each)
COSTLY = {"/api/forecast": 10, "/forecast": 4}
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CAMPAIGNS = ("春/夏 2026", "F2 follow-up")
DATES = ("0001-01-01", "9999-12-31", "1989-12-31", "3000-01-01", "24/10/01", "2026-02-30", "2026-13-01",
         "2026-06-30", "2025-01-31", "today", "yesterday", "-2026-01-01", "20260630", "2026-06-30T00:00:00")
NUMBERS = ("1e308", "-1e308", "1e309", "inf", "-inf", "Infinity", "nan", "NaN", "-0", "0", "-1", str(10**30),
           str(-(10**30)), "0x10", "1_000", "½", "١٢", "12", "0.5", "")
TEXTS = ("\x00", "a\x00b", "\x1b[2J", "\r\n", "\t", "\x7f", "😀👍🏽", "\u202eabc", "שלום", "e\u0301\u0301", "ﷺ", "\ufeff",
         "'; DROP TABLE orders; --", "%00", "%2F", "..", "/", "//evil.example", "\\", "{name}", "null", "true")
LONG = ("x" * 20_000, "9" * 5000, "2026-06-30" * 500)
HOSTILE = st.one_of(st.sampled_from(DATES + NUMBERS + TEXTS + LONG), st.text(max_size=40),
                    st.text(min_size=1, max_size=3).map(lambda s: s * 500))
URL_BUDGET = 60_000  # characters of an encoded query the test client sends (its limit: 65,536)


def bare(annotation: object) -> object:
    """The type under ``Annotated[...]`` and ``... | None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def plausible(kind: object) -> st.SearchStrategy[str]:
    """Values of the parameter's own type, so that fuzzing also reaches past validation into the computing (a
    few of each, so that results are cached and the test stays quick; the hostile values bring the rest)."""
    if get_origin(kind) is Literal:
        return st.sampled_from([str(c) for c in get_args(kind)])
    if kind is dt.date:
        return st.sampled_from(("2026-06-30", "2025-12-31", "2026-10-31", "2024-11-01"))
    if kind is bool:
        return st.sampled_from(("true", "false", "1", "0", "yes", "off"))
    if kind is int:
        return st.sampled_from(("0", "1", "2", "12", "30", "365"))
    if kind is float:
        return st.sampled_from(("0", "0.05", "0.5", "1", "300", "5000", "1e-300", "2.5e3"))
    return st.sampled_from(("M01", "P001", "C000001", "cumulative_amount", "customer_id", "loyal", *CAMPAIGNS))


def parameters(route: APIRoute) -> dict[str, object]:
    """A route's query (and path) parameters and their types; a Pydantic model of parameters spread out."""
    found = {}
    for p in inspect.signature(route.endpoint, eval_str=True).parameters.values():
        kind = bare(p.annotation)
        if kind is Request or kind is UploadFile:
            continue
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            found |= {name: bare(f.annotation) for name, f in kind.model_fields.items()}
        else:
            found[p.name] = kind
    return found


def query(params: dict[str, object]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Query items: each parameter absent, once or repeated (``?a=1&a=2``), plus now and then an unknown key."""
    def values(kind: object) -> st.SearchStrategy[list[str]]:
        single = bare(get_args(kind)[0]) if get_origin(kind) is list else kind
        return st.lists(plausible(single) | HOSTILE, max_size=3)

    items = st.fixed_dictionaries({name: values(kind) for name, kind in params.items()})
    extra = st.lists(st.tuples(st.sampled_from(["a", "", "as_of[]", "x" * 500]), HOSTILE), max_size=1)
    return st.builds(lambda chosen, more: [(k, v) for k, vs in chosen.items() for v in vs] + more, items, extra)


ROUTES = [route for section in SECTIONS for router in (section.json, section.html) for route in router.routes
          if "GET" in route.methods]
PATH_PARAMETER = re.compile(r"{(\w+)(?::\w+)?}")


@pytest.fixture(scope="module")
def shop_db(tmp_path_factory):
    """A small demo shop (1,000 customers) with two campaigns, one named with a "/"."""
    from teiki.demo import generate

    folder = tmp_path_factory.mktemp("fuzz")
    files = generate(folder / "files", customers=1000, seed=5)
    db = folder / "fuzz.duckdb"
    with teiki.open(db) as shop:
        shop.import_files(list(files.values()))
        for i, name in enumerate(CAMPAIGNS):
            shop.create_campaign(name, segment=("first", "loyal")[i], seed=i)
    return db


@pytest.fixture(scope="module")
def client(shop_db):
    with TestClient(create_app(shop_db), raise_server_exceptions=False) as c:
        yield c


def check(response, path: str) -> None:
    """No 5xx; an API answer (other than a file) is JSON without NaN / Infinity; no traceback anywhere."""
    assert response.status_code < 500, (path, response.status_code, response.text[:500])
    assert "Traceback" not in response.text
    is_file = response.status_code == 200 and "attachment" in response.headers.get("content-disposition", "")
    if path.startswith("/api/") and not is_file:
        assert response.headers["content-type"].startswith("application/json"), (path, response.text[:200])
        json.loads(response.text, parse_constant=lambda token: pytest.fail(f"{path}: {token} in the JSON"))


def test_every_declared_route_is_fuzzed(client):
    declared = {(r.path, m) for r in client.app.routes if isinstance(r, APIRoute) for m in r.methods}
    fuzzed = {(r.path, "GET") for r in ROUTES} | {(p, "POST") for p in ("/login", "/logout", "/data/upload")}
    assert declared - fuzzed <= {("/static/plotly.min.js", "GET"), ("/docs", "GET"),
                                 ("/docs/oauth2-redirect", "GET")}, declared - fuzzed


def fuzz_route(client: TestClient, route: APIRoute, data: st.DataObject) -> None:
    """One request of ``route``: hostile path and query values, some keys repeated."""
    params = parameters(route)
    named = set(PATH_PARAMETER.findall(route.path))
    path = PATH_PARAMETER.sub(lambda m: quote(data.draw(plausible(str) | HOSTILE, label=m[1]), safe=""),
                              route.path)
    items = data.draw(query({k: v for k, v in params.items() if k not in named}), label="query")
    while len(urlencode(items)) > URL_BUDGET:
        items.pop()
    check(client.get(path, params=items, follow_redirects=False), route.path)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.path)
def test_no_parameter_makes_a_server_error(client, route):
    examples = COSTLY.get(route.path, EXAMPLES if route.path.startswith("/api/") else PAGE_EXAMPLES)

    @settings(FUZZ, max_examples=examples)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        fuzz_route(client, route, data)

    fuzz()


def csrf(c: TestClient) -> str:
    return c.get("/login").text.split('name="csrf" value="')[1].split('"')[0]


TOKEN = st.sampled_from(["valid", "valid", ""]) | HOSTILE
PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def locked(shop_db):
    """The shop behind a password, failed logins not throttled (so that every guess is checked)."""
    access = Access(password=PASSWORD, throttle=LoginThrottle(limit=10**9))
    with TestClient(create_app(shop_db, access=access), raise_server_exceptions=False) as c:
        yield c


@FUZZ
@given(password=st.just(PASSWORD) | HOSTILE, token=TOKEN, target=HOSTILE)
def test_no_login_or_logout_form_makes_a_server_error(locked, password, token, target):
    token = csrf(locked) if token == "valid" else token
    check(locked.post("/login", data={"password": password, "csrf": token, "next": target},
                      follow_redirects=False), "/login")
    check(locked.get("/api/kpi"), "/api/kpi")  # 200 when that was the password, else 401
    token = csrf(locked) if token == "valid" else token
    check(locked.post("/logout", data={"csrf": token}, follow_redirects=False), "/logout")


BODIES = (b"", b"\x00\xff\xfe garbage", "受注番号,顧客番号,受注日時,商品コード,数量,金額\n".encode(),
          "受注番号,顧客番号,受注日時,商品コード,数量,金額\nW1,N1,9999-12-31 10:00:00,M01,1e308,nan\n".encode(),
          b"PK\x03\x04 not really a workbook", b"a,b\n" + b"1,2\n" * 1000)


@pytest.fixture(scope="module")
def writable(shop_db, tmp_path_factory):
    db = copy_db(shop_db, tmp_path_factory.mktemp("fuzz_upload"))
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        yield c


@FUZZ
@given(name=HOSTILE, suffix=st.sampled_from(["", ".csv", ".xlsx", ".parquet", ".CSV", ".csv.gz", ".zip"]),
       body=st.sampled_from(BODIES), table=st.sampled_from(["", "orders", "customers"]) | HOSTILE,
       preset=st.sampled_from(["", "ec-force"]) | HOSTILE, token=TOKEN)
def test_no_upload_makes_a_server_error(writable, name, suffix, body, table, preset, token):
    token = csrf(writable) if token == "valid" else token
    response = writable.post("/data/upload", data={"csrf": token, "table": table, "preset": preset},
                             files={"file": (name + suffix, body, "text/csv")})
    check(response, "/data/upload")
