"""The dashboard in process (FastAPI's TestClient): every JSON endpoint and page, bad parameters (a clear
4xx, never a 500), the objects of ``teiki kpi`` / ``teiki cpm``, access control, CSRF and uploads; the shop held
by another process; and real ``teiki serve`` processes, killed or stopped, for the upload folders they leave."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import httpx2 as httpx
import pytest
from conftest import assert_same, copy_db
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import teiki
from teiki.cli.main import app as cli
from teiki.segments.cpm import KEYS
from teiki.web.app import create_app
from teiki.web.data import safe_upload_name
from teiki.web.security import Access, is_loopback, safe_next

PAGES = ("/", "/retention", "/ltv", "/portfolio", "/cancellations", "/forecast", "/customers", "/data")
ENDPOINTS = ("/api/kpi", "/api/kpi/by?by=channel", "/api/cpm", "/api/cpm/history", "/api/cpm/migration?start=2026-06-30",
             "/api/cpm/rfm", "/api/overview", "/api/retention", "/api/ltv", "/api/portfolio", "/api/cancellations",
             "/api/customers", "/api/status", "/api/forecast", "/api/forecast?by=cohort&cpa=4000")
PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def client(demo_db):
    with TestClient(create_app(demo_db)) as c:
        yield c


def cli_json(db, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["--db", str(db), *args, "--format", "json"], env={"TEIKI_LANG": "ja"})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("as_of", [None, "2025-12-31"])
def test_api_kpi_is_exactly_teiki_kpi_json(client, demo_db, as_of):
    """The same object: same keys, same order of lists, same values. Sums of fractional yen (monthly
    equivalents) may differ in the 16th digit between any two runs, the CLI's included, because the
    engine adds in parallel: floats are compared to 1e-9 relative."""
    extra = ["--as-of", as_of] if as_of else []
    got = client.get("/api/kpi", params={"as_of": as_of} if as_of else {})
    assert got.status_code == 200
    expected = cli_json(demo_db, "kpi", *extra)
    assert json.dumps(got.json(), sort_keys=False).count(":") == json.dumps(expected).count(":")
    assert list(got.json()) == list(expected)
    assert_same(got.json(), expected)


@pytest.mark.parametrize("as_of", [None, "2025-12-31"])
def test_api_cpm_is_exactly_teiki_cpm_json(client, demo_db, as_of):
    extra = ["--as-of", as_of] if as_of else []
    got = client.get("/api/cpm", params={"as_of": as_of} if as_of else {})
    assert got.status_code == 200
    assert got.json() == cli_json(demo_db, "cpm", *extra)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_answers_json(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()


@pytest.mark.parametrize("url", [
    "/api/kpi?as_of=2026-13-01", "/api/kpi?as_of=yesterday", "/api/kpi?window_days=0", "/api/kpi/by?by=planet",
    "/api/kpi/by", "/api/cpm?as_of=2026-02-30", "/api/cpm/migration", "/api/cpm/migration?start=2027-01-01",
    "/api/cpm/history?start=2026-10-01&end=2026-01-01", "/api/overview?compare=week", "/api/retention?by=colour",
    "/api/customers?segment=vip", "/api/customers?page=0", "/api/customers?per_page=100000",
    "/api/customers?sort=password", "/api/customers?from_segment=loyal", "/api/customers/download?format=pdf",
    "/api/portfolio?since=2027-01-01", "/api/forecast?by=planet", "/api/forecast?horizon=0", "/api/forecast?cpa=-1",
])
def test_bad_parameters_get_a_readable_4xx(client, url):
    r = client.get(url)
    assert 400 <= r.status_code < 500, (url, r.status_code, r.text)
    detail = r.json()["detail"]
    assert isinstance(detail, str) and len(detail) > 10


@pytest.mark.parametrize("url", ["/?as_of=2026-13-01", "/retention?by=colour", "/customers?sort=nope",
                                 "/portfolio?since=2030-01-01"])
def test_bad_parameters_on_pages_show_an_error_page(client, url):
    r = client.get(url)
    assert r.status_code == 400
    assert 'id="error-message"' in r.text


@pytest.mark.parametrize("url", ["/?as_of=&by=", "/retention?as_of=&by=", "/customers?segment=&sort=&q=&page=",
                                 "/forecast?as_of=&by=&cpa=", "/risk?as_of=&limit=", "/api/kpi?as_of=",
                                 "/simulate?cost_per_call=&from_data=&requests=&save_rates=&unit_price="])
def test_a_form_sent_with_blank_fields_gets_the_defaults(client, url):
    """A cleared field means "not given", as the page's controls send it: the default applies, no error."""
    assert client.get(url).status_code == 200, url


def test_a_bad_value_on_a_page_is_told_in_the_readers_language(client):
    r = client.get("/retention?by=colour")
    assert r.status_code == 400
    assert "by の値 'colour' を読めません。 使える値: 'cohort', 'channel', 'first_product'。" in r.text.replace("&#39;", "'")


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_in_japanese_and_english(client, url):
    ja = client.get(url)
    assert ja.status_code == 200 and '<html lang="ja">' in ja.text and "概要" in ja.text
    client.cookies.set("lang", "en")
    try:
        en = client.get(url)
    finally:
        client.cookies.delete("lang")
    assert en.status_code == 200 and '<html lang="en">' in en.text and "Overview" in en.text
    for text in (ja.text, en.text):
        assert "http://" not in text.replace('http://www.w3.org', '') and "https://" not in text  # nothing remote


def test_charts_carry_figures_with_data(client):
    page = client.get("/retention").text
    figures = page.split('<script type="application/json" id="figure-')[1:]
    assert len(figures) == 3
    for chunk in figures:
        figure = json.loads(chunk.split(">", 1)[1].split("</script>", 1)[0])
        assert figure["data"] and any(len(trace.get("y") or trace.get("z") or []) for trace in figure["data"])


def test_numbers_are_formatted_as_yen_and_percent(client):
    d = client.get("/api/overview").json()
    revenue = next(i for i in d["headline"] if i["key"] == "revenue")["value"]
    f2 = next(i for i in d["headline"] if i["key"] == "f2_conversion")["value"]
    page = client.get("/").text
    assert f"¥{revenue:,.0f}" in page and f"{f2 * 100:.1f}%" in page


def test_overview_change_is_against_the_previous_month(client):
    d = client.get("/api/overview?as_of=2026-06-15").json()
    assert d["previous_as_of"] == "2026-05-15"
    before = client.get("/api/kpi?as_of=2026-05-15").json()
    customers = next(i for i in d["headline"] if i["key"] == "customers")
    assert customers["previous"] == before["customers"]
    assert customers["change"] == customers["value"] - before["customers"]
    assert client.get("/api/overview?as_of=2026-03-31&compare=year").json()["previous_as_of"] == "2025-03-31"


def test_portfolio_page_links_every_segment_and_cell(client):
    d = client.get("/api/portfolio").json()
    page = client.get("/portfolio").text
    for key in KEYS:
        assert f'href="/customers?segment={key}&amp;as_of={d["as_of"]}"' in page
    cell = next(c for c in d["migration"]["cells"] if c["customers"])
    assert (f'href="/customers?segment={cell["to"]}&amp;as_of={d["as_of"]}&amp;since={d["since"]}'
            f'&amp;from_segment={cell["from"]}"') in page


def test_customer_list_pages_sort_and_match_the_segment(client):
    cpm = {s["key"]: s["customers"] for s in client.get("/api/cpm").json()["segments"]}
    first = client.get("/api/customers?segment=first&per_page=7&page=2&sort=customer_id&desc=false").json()
    assert first["total"] == cpm["first"] and len(first["rows"]) == 7 and first["first"] == 8
    ids = [r["customer_id"] for r in first["rows"]]
    assert ids == sorted(ids)
    everyone = client.get("/api/customers?segment=first&per_page=1000&sort=customer_id&desc=false").json()
    assert [r["customer_id"] for r in everyone["rows"][7:14]] == ids
    amounts = [r["cumulative_amount"] for r in client.get("/api/customers?segment=loyal").json()["rows"]]
    assert amounts == sorted(amounts, reverse=True)


def test_migration_cell_list_matches_the_matrix(client):
    d = client.get("/api/cpm/migration?start=2026-04-30").json()
    cell = max(d["cells"], key=lambda c: c["customers"] if c["from"] != c["to"] else 0)
    got = client.get("/api/customers", params={"segment": cell["to"], "since": "2026-04-30",
                                               "from_segment": cell["from"]}).json()
    assert got["total"] == cell["customers"]
    assert {r["segment_before"] for r in got["rows"]} == {cell["from"]}


def test_download_csv_and_excel_have_every_row(client):
    total = client.get("/api/customers?segment=steady").json()["total"]
    r = client.get("/api/customers/download?segment=steady&format=csv")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == total and {row["segment"] for row in rows} == {"steady"}
    x = client.get("/api/customers/download?segment=steady&format=xlsx")
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(x.content)).active
    assert sheet.max_row == total + 1


def test_openapi_documents_the_api_offline(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/kpi", "/api/cpm", "/api/customers", "/api/retention"} <= set(spec["paths"])
    docs = client.get("/docs").text
    assert "/static-docs/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static-docs/swagger-ui-bundle.js").status_code == 200


def test_plotly_is_served_from_the_package(client):
    r = client.get("/static/plotly.min.js")
    assert r.status_code == 200 and b"plotly" in r.content[:2000].lower() and len(r.content) > 1_000_000


# ------------------------------------------------------------------ access


@pytest.fixture(scope="module")
def locked(demo_db, tmp_path_factory):
    db = copy_db(demo_db, tmp_path_factory.mktemp("locked"))
    with TestClient(create_app(db, access=Access(password=PASSWORD))) as c:
        yield c


def login(c: TestClient, password: str = PASSWORD):
    form = c.get("/login").text
    token = form.split('name="csrf" value="')[1].split('"')[0]
    return c.post("/login", data={"password": password, "csrf": token, "next": "/customers?segment=loyal"},
                  follow_redirects=False)


def test_with_a_password_everything_needs_login(locked):
    locked.cookies.clear()
    for url in PAGES + ("/docs",):
        r = locked.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), url
    for url in ENDPOINTS + ("/openapi.json", "/api/customers/download?segment=loyal"):
        assert locked.get(url).status_code == 401, url
    assert login(locked, "wrong").status_code == 401
    ok = login(locked)
    assert ok.status_code == 303 and ok.headers["location"] == "/customers?segment=loyal"
    listing = locked.get("/api/customers?segment=loyal").json()
    assert {"name", "phone", "email"} <= set(listing["columns"])
    assert locked.get("/api/kpi").status_code == 200
    token = locked.get("/").text.split('name="csrf" value="')[1].split('"')[0]
    locked.post("/logout", data={"csrf": token})
    assert locked.get("/api/kpi").status_code == 401
    locked.cookies.clear()


def test_failed_logins_are_throttled_per_address(demo_db):
    from teiki.web.security import LoginThrottle

    now = [1000.0]
    throttle = LoginThrottle(limit=3, window=600, clock=lambda: now[0])
    with TestClient(create_app(demo_db, access=Access(password=PASSWORD, throttle=throttle))) as c:
        assert [login(c, "guess").status_code for _ in range(3)] == [401, 401, 401]
        refused = login(c)  # even the right password waits now
        assert refused.status_code == 429 and "10" in refused.text
        now[0] += 601
        assert login(c).status_code == 303
    assert throttle.wait_seconds("elsewhere") == 0


def test_login_needs_the_csrf_token(locked):
    locked.cookies.clear()
    r = locked.post("/login", data={"password": PASSWORD, "csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    assert locked.get("/api/kpi").status_code == 401


def test_open_redirects_are_refused(locked):
    assert safe_next("//evil.example/x") == "/" and safe_next("https://evil.example") == "/"
    assert safe_next("/portfolio?as_of=2026-01-01") == "/portfolio?as_of=2026-01-01"
    r = locked.get("/lang?to=en&next=https://evil.example", follow_redirects=False)
    assert r.headers["location"] == "/"


def test_personal_data_only_on_lists_and_only_to_logged_in_users(client, locked, demo_db):
    with teiki.open(demo_db, read_only=True) as shop:
        people = shop.store.table("customers").select("name", "phone", "email").limit(50).to_pyarrow().to_pylist()
    phones = [p["phone"] for p in people if p["phone"]]
    for url in ("/", "/retention", "/ltv", "/portfolio", "/cancellations", "/data", "/api/kpi", "/api/cpm",
                "/api/portfolio"):
        text = client.get(url).text
        assert not any(p in text for p in phones), url
    assert "phone" in client.get("/api/customers?segment=all&per_page=1000").json()["columns"]  # local owner
    locked.cookies.clear()
    login(locked)
    assert "phone" in locked.get("/api/customers").json()["columns"]
    locked.cookies.clear()


def test_hidden_personal_columns_when_not_logged_in(demo_db):
    from starlette.requests import Request

    from teiki.web.security import logged_in

    request = Request({"type": "http", "session": {}, "headers": []})
    assert not logged_in(request, Access(password="x"))
    assert logged_in(request, Access())


def test_loopback_server_refuses_other_host_headers(demo_db):
    with TestClient(create_app(demo_db, access=Access(allowed_hosts=("127.0.0.1", "localhost")))) as c:
        assert c.get("/api/status", headers={"host": "rebound.example"}).status_code == 400
        assert c.get("/api/status", headers={"host": "127.0.0.1:8000"}).status_code == 200


def test_serve_refuses_a_public_address_without_a_password(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.duckdb"), "serve", "--host", "0.0.0.0"],
                                env={"TEIKI_LANG": "en", "TEIKI_PASSWORD": ""})
    assert result.exit_code == 2
    assert "TEIKI_PASSWORD" in result.output and "0.0.0.0" in result.output
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


# ------------------------------------------------------------------ uploads


@pytest.fixture
def writable(demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path)
    with TestClient(create_app(db, access=Access(max_upload_bytes=4096))) as c:
        yield c, db


def csrf_of(c: TestClient) -> str:
    return c.get("/data").text.split('name="csrf" value="')[1].split('"')[0]


def counts(c: TestClient) -> dict[str, int]:
    return {t["table"]: t["rows"] for t in c.get("/api/status").json()["tables"]}


BAD_ORDERS = "受注番号,顧客番号,受注日時,商品コード,数量,金額\nW1,NEW1,not-a-date,M01,1,3980\n".encode()
GOOD_ORDERS = "受注番号,顧客番号,受注日時,商品コード,数量,金額\nW1,NEW1,2026-10-30 10:00:00,M01,1,3980\n".encode()


def test_upload_of_a_bad_file_shows_the_error_and_changes_nothing(writable):
    c, _ = writable
    before = counts(c)
    r = c.post("/data/upload", data={"csrf": csrf_of(c)}, files={"file": ("受注.csv", BAD_ORDERS, "text/csv")})
    assert r.status_code == 400 and 'id="upload-error"' in r.text
    assert "受注.csv" in r.text and "受注日時" in r.text
    assert counts(c) == before


def test_upload_imports_and_the_cache_follows(writable):
    c, db = writable
    before = counts(c)
    kpi_before = c.get("/api/kpi").json()["customers"]
    r = c.post("/data/upload", data={"csrf": csrf_of(c)}, files={"file": ("new.csv", GOOD_ORDERS, "text/csv")})
    assert r.status_code == 200 and 'id="upload-message"' in r.text, r.text
    assert counts(c)["orders"] == before["orders"] + 1
    assert c.get("/api/kpi").json()["customers"] == kpi_before + 1


def test_upload_names_the_columns_read_and_those_kept(writable):
    c, _ = writable
    c.cookies.set("lang", "en")
    r = c.post("/data/upload", data={"csrf": csrf_of(c)},
               files={"file": ("customers.csv", "customer_id,email\nC0000001,new@example.jp\n".encode())})
    assert r.status_code == 200, r.text
    assert "customers: columns read customer_id, email; not in the file, left as they were: created_at, name, " \
           "phone, prefecture, first_channel" in r.text


def test_upload_limits_csrf_and_file_names(writable):
    c, _ = writable
    before = counts(c)
    token = csrf_of(c)
    big = GOOD_ORDERS + b"W2,NEW2,2026-10-30 10:00:00,M01,1,3980\n" * 200
    assert c.post("/data/upload", data={"csrf": token}, files={"file": ("big.csv", big)}).status_code == 413
    assert c.post("/data/upload", data={"csrf": "forged"}, files={"file": ("a.csv", GOOD_ORDERS)}).status_code == 403
    assert c.post("/data/upload", data={"csrf": token}, files={"file": ("run.sh", GOOD_ORDERS)}).status_code == 400
    assert c.post("/data/upload", data={"csrf": token, "table": "passwords"},
                  files={"file": ("a.csv", GOOD_ORDERS)}).status_code == 400
    assert counts(c) == before


def test_oversized_bodies_are_refused_while_they_arrive(writable):
    from teiki.web.limits import FORM_OVERHEAD

    c, _ = writable
    before = counts(c)
    huge = b"x" * (4096 + FORM_OVERHEAD + 1)
    r = c.post("/data/upload", content=huge, headers={"content-type": "application/octet-stream"})
    assert r.status_code == 413 and "MB" in r.text

    def chunks():  # a multipart upload with no Content-Length: counted as it streams
        yield (b'--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
               b"Content-Type: text/csv\r\n\r\n")
        for _ in range(40):
            yield b"y" * 65536
        yield b"\r\n--XYZ--\r\n"

    streamed = c.post("/data/upload", content=chunks(), headers={"content-type": "multipart/form-data; boundary=XYZ"})
    assert streamed.status_code == 413
    assert counts(c) == before


@pytest.mark.parametrize(("given", "kept"), [
    ("../../etc/passwd.csv", "passwd.csv"), ("..\\..\\x.csv", "x.csv"), ("受注 明細.csv", "受注_明細.csv"),
    (".hidden.parquet", "hidden.parquet"), ("a/b/c.xlsx", "c.xlsx"), ("x;rm -rf.csv", "x_rm_-rf.csv"),
])
def test_upload_file_names_are_reduced_to_a_safe_base_name(given, kept):
    assert safe_upload_name(given) == kept


@pytest.mark.parametrize("given", ["x" * 300 + ".csv", "受注" * 150 + ".XLSX", "a" * 250 + ".parquet"])
def test_long_upload_names_are_cut_keeping_their_suffix(given):
    kept = safe_upload_name(given)
    assert kept.lower().endswith(given.rsplit(".", 1)[1].lower()) and kept[:2] == given[:2]
    assert kept.endswith(given[given.rindex("."):]) and len(kept.encode()) <= 200


def test_a_compound_suffix_is_kept_whole(monkeypatch):
    from teiki.web import data

    monkeypatch.setattr(data, "UPLOAD_SUFFIXES", (*data.UPLOAD_SUFFIXES, ".gz", ".csv.gz"))
    assert safe_upload_name("y" * 300 + ".csv.gz").endswith("y.csv.gz")


def test_a_long_named_upload_is_imported(writable):
    c, _ = writable
    before = counts(c)
    r = c.post("/data/upload", data={"csrf": csrf_of(c)}, files={"file": ("受注" * 100 + ".csv", GOOD_ORDERS)})
    assert r.status_code == 200 and 'id="upload-message"' in r.text, r.text
    assert counts(c)["orders"] == before["orders"] + 1


@pytest.mark.parametrize("given", ["", "noext", "evil.exe", "../..", ".csv.sh"])
def test_upload_file_names_without_a_known_suffix_are_refused(given):
    from teiki.errors import TeikiError

    with pytest.raises(TeikiError):
        safe_upload_name(given)


def test_warm_start_computes_the_default_pages(demo_db):
    import threading

    app = create_app(demo_db, warm=True)
    for thread in threading.enumerate():
        if thread.name == "teiki-warm":
            thread.join(120)
    served = app.state.shop
    for name, params in (("overview", {"as_of": None, "compare": "month"}), ("portfolio", {"as_of": None, "since": None})):
        key = (name, *sorted(params.items()))
        assert served.cached(key, lambda s: pytest.fail(f"{name} was not warmed"))["as_of"]
    served.close()


@pytest.mark.parametrize("url", [
    "/api/kpi?as_of=9999-12-31", "/api/portfolio?since=0001-01-01", "/api/cpm/history?start=0001-01-01",
    "/api/calls?date=9999-12-31", "/api/cross-sell?product=%00", "/api/customers?segment=%01",
    "/api/simulate/calls?requests=2000&cost_per_call=inf&unit_price=5000&save_rates=0.05",
    "/api/simulate/calls?requests=2000&cost_per_call=1e308&unit_price=5000&save_rates=0.05",
])
def test_extreme_dates_control_characters_and_huge_numbers_get_a_readable_400(client, url):
    response = client.get(url)
    assert response.status_code == 400, response.text
    assert response.json()["detail"] and "Traceback" not in response.text


def test_an_infinite_cpa_is_no_500_and_no_nan(client):
    response = client.get("/api/forecast?cpa=inf")
    assert response.status_code == 200 and "NaN" not in response.text and "Infinity" not in response.text


@pytest.mark.parametrize("url", ["/?as_of=9999-12-31", "/cross-sell?product=%00"])
def test_pages_show_those_errors_in_the_readers_language(client, url):
    response = client.get(url)
    assert response.status_code == 400 and "<html" in response.text and "エラー" in response.text


def test_a_killed_servers_uploads_are_removed_when_the_dashboard_starts(demo_db, tmp_path, monkeypatch):
    """Upload folders carry the serving process's id; one whose process is gone (a SIGKILLed server) is removed at
    start-up, one of a running server is kept."""
    import tempfile

    from teiki.web.data import UPLOAD_PREFIX

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"{UPLOAD_PREFIX}{gone.stdout.strip()}-abc"
    (dead / "orders.csv").parent.mkdir()
    (dead / "orders.csv").write_text("customer data")
    alive = tmp_path / f"{UPLOAD_PREFIX}{os.getpid()}-def"
    alive.mkdir()
    create_app(demo_db)
    assert not dead.exists() and alive.exists()


def test_the_413_names_the_upload_limit_that_was_set(demo_db):
    with TestClient(create_app(demo_db, access=Access(max_upload_bytes=1024 * 1024))) as c:
        response = c.post("/data/upload", content=b"x" * (3 * 1024 * 1024),
                          headers={"content-type": "multipart/form-data; boundary=x"})
    assert response.status_code == 413 and "larger than 1 MB" in response.text


# ------------------------------------------------------------------ the store in use by another process; real servers


@contextlib.contextmanager
def held(db, *, read_only: bool):
    """Another process holding the shop open (a ``teiki kpi`` reading it, a ``teiki import`` writing it)."""
    code = (f"import sys, teiki; s = teiki.open(sys.argv[1], read_only={read_only}); print('held', flush=True); "
            "sys.stdin.read()")
    process = subprocess.Popen([sys.executable, "-c", code, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline().strip() == "held"
        yield process
    finally:
        process.kill()
        process.wait()


def says_only_what_to_do(text: str, db) -> None:
    for raw in ("PID", "duckdb", "Conflicting lock", str(db), db.name):
        assert raw not in text, raw


def test_an_upload_while_another_process_reads_the_shop_says_so_in_words(writable):
    c, db = writable
    with held(db, read_only=True):
        r = c.post("/data/upload", data={"csrf": csrf_of(c)}, files={"file": ("new.csv", GOOD_ORDERS, "text/csv")})
    assert r.status_code == 400 and 'id="upload-error"' in r.text
    assert "別の teiki の処理" in r.text
    says_only_what_to_do(r.text, db)
    assert c.get("/api/status").status_code == 200  # still served
    again = c.post("/data/upload", data={"csrf": csrf_of(c)}, files={"file": ("new.csv", GOOD_ORDERS)})
    assert again.status_code == 200  # once the other process is done


def test_serve_while_another_process_imports_says_so_in_words(demo_db, tmp_path, monkeypatch):
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("served a locked shop"))
    db = copy_db(demo_db, tmp_path)
    with held(db, read_only=False):
        result = CliRunner().invoke(cli, ["--db", str(db), "serve"], env={"TEIKI_LANG": "en"})
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert said == ("teiki: another teiki process (teiki import or teiki serve) is using this shop's data; "
                    "try again when it has finished.")
    says_only_what_to_do(said, db)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(db, tmp):
    """A real ``teiki serve`` on a free port, its temp folder ``tmp``; yields the process and its URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "teiki.cli", "--db", str(db), "serve", "--port", str(port)],
                               env={**os.environ, "TMPDIR": str(tmp), "TEIKI_LANG": "en"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(url + "/api/status", timeout=30).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    pytest.fail(f"teiki serve did not start: {process.communicate()[1]}")
                time.sleep(0.1)
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def uploads_in(tmp) -> list:
    return sorted(tmp.glob("teiki-upload-*"))


def test_a_sigkilled_servers_upload_is_removed_when_the_server_starts_again(demo_db, tmp_path):
    """A real server, SIGKILLed while it imports an upload (its folder holds the customer data), leaves the folder;
    the next ``teiki serve`` removes it as it starts."""
    db, tmp = copy_db(demo_db, tmp_path), tmp_path / "tmp"
    tmp.mkdir()
    lines = [GOOD_ORDERS.decode().splitlines()[0]]
    lines += [f"K{i},NEWK{i % 5000},2026-10-30 10:00:00,M01,1,3980" for i in range(200_000)]  # seconds to import
    with serving(db, tmp) as (server, url):
        client = httpx.Client(base_url=url, timeout=120)
        token = client.get("/data").text.split('name="csrf" value="')[1].split('"')[0]
        upload = threading.Thread(target=_post_quietly, args=(client, token, "\n".join(lines).encode()))
        upload.start()
        deadline = time.monotonic() + 60
        while not [f for f in uploads_in(tmp) if any(f.iterdir())] and time.monotonic() < deadline:
            time.sleep(0.01)
        held_folders = uploads_in(tmp)
        server.send_signal(signal.SIGKILL)
        server.wait()
        upload.join(60)
    assert held_folders and all(f.name.startswith(f"teiki-upload-{server.pid}-") for f in held_folders)
    assert uploads_in(tmp) == held_folders  # a killed server removes nothing
    with serving(db, tmp):
        assert uploads_in(tmp) == []


def _post_quietly(client: httpx.Client, token: str, body: bytes) -> None:
    try:
        client.post("/data/upload", data={"csrf": token}, files={"file": ("big.csv", body, "text/csv")})
    except httpx.HTTPError:
        pass  # the server was killed under it


def test_a_stopped_server_removes_its_own_upload_folders(demo_db, tmp_path):
    db, tmp = copy_db(demo_db, tmp_path), tmp_path / "tmp"
    tmp.mkdir()
    with serving(db, tmp) as (server, _):
        left = tmp / f"teiki-upload-{server.pid}-left"
        left.mkdir()
        (left / "orders.csv").write_text("customer data")
        server.send_signal(signal.SIGINT)  # Ctrl+C: uvicorn shuts the app down
        assert server.wait(60) == 0
    assert not left.exists()
