"""The dashboard in a real browser: Debian's Chromium driven by Playwright against a live uvicorn server.

What a user sees: every page draws its charts without a console error and without
reaching for the network, the language switch, the CPM map and migration matrix
leading to the right customer lists, the CSV download, uploads (refused and
accepted) and the password login. Full-page screenshots go to
``test-output/screenshots/`` for a person to look at.

Playwright cannot download a browser here, so the tests drive ``/usr/bin/chromium``;
without it they are skipped, except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import uvicorn
from conftest import copy_db, write_csv
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

import teiki
from teiki.web.app import create_app
from teiki.web.security import Access

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-output" / "screenshots"
HOST = "127.0.0.1"
PASSWORD = "s3cret-pass"
PAGES = {"overview": "/", "retention": "/retention", "ltv": "/ltv", "portfolio": "/portfolio",
         "cancellations": "/cancellations", "forecast": "/forecast?cpa=5000", "customers": "/customers",
         "data": "/data", "calls": "/calls", "risk": "/risk", "cross_sell": "/cross-sell", "offers": "/offers",
         "winback": "/winback", "campaigns": "/campaigns", "simulate": "/simulate?from_data=true"}
NO_CHART = ("customers", "data", "calls", "offers", "campaigns")
JA_ORDER_HEADER = ["受注番号", "顧客番号", "受注日時", "商品コード", "数量", "金額"]
TIMEOUT_MS = 20_000


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def serve(db: Path, access: Access) -> Iterator[str]:
    """The dashboard over ``db`` served by uvicorn in a daemon thread; yields its base URL."""
    app = create_app(db, access=access)
    server = uvicorn.Server(uvicorn.Config(app, host=HOST, port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True, name="teiki-test-server")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://{HOST}:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        app.state.shop.close()


@pytest.fixture(scope="module")
def open_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo shop (a private copy) served without a password, loopback host names only."""
    db = copy_db(demo_db, tmp_path_factory.mktemp("browser-open"))
    with serve(db, Access(allowed_hosts=(HOST, "localhost"))) as url:
        yield url


@pytest.fixture(scope="module")
def locked_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo shop (a private copy) served behind a password."""
    db = copy_db(demo_db, tmp_path_factory.mktemp("browser-locked"))
    with serve(db, Access(password=PASSWORD)) as url:
        yield url


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; missing is a skip on a workstation and a failure in CI."""
    if not CHROMIUM.exists():
        message = f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def context_for(browser: Browser, base_url: str, lang: str | None = None) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) at ``base_url``, the ``lang`` cookie preset when given."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900}, locale="ja-JP",
                                  accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    if lang:
        context.add_cookies([{"name": "lang", "value": lang, "url": base_url}])
    try:
        yield context
    finally:
        context.close()


@dataclass
class Watched:
    """A page and what went wrong on it: console errors, uncaught exceptions, requests leaving the machine."""

    page: Page
    problems: list[str] = field(default_factory=list)
    refused_paths: set[str] = field(default_factory=set)  # pages answered with an intended 4xx

    def expect_refusal(self, path: str) -> None:
        """``path`` will answer 4xx on purpose: Chromium's "Failed to load resource" for it is no error."""
        self.refused_paths.add(path)

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def watched_page(context: BrowserContext) -> Watched:
    page = context.new_page()
    watched = Watched(page)

    def on_console(message) -> None:
        if message.type != "error":
            return
        refused = urlparse(message.location.get("url", "")).path in watched.refused_paths
        if not (refused and message.text.startswith("Failed to load resource")):
            watched.problems.append(f"console error: {message.text} ({message.location})")

    def on_request(request) -> None:
        url = urlparse(request.url)
        if url.scheme not in ("data", "blob") and url.hostname != HOST:
            watched.problems.append(f"request to another host: {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.problems.append(f"page error: {error}"))
    page.on("request", on_request)
    return watched


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


# --------------------------------------------------------------------------- reading pages

CHARTS_JS = """
() => Array.from(document.querySelectorAll("div.chart")).map(el => {
  const values = t => t.type === "pie" ? t.values : t.type === "heatmap" ? t.z
                   : t.orientation === "h" ? t.x : t.y;
  const points = t => (values(t) || []).flat(2).filter(v => v !== null && v !== undefined).length;
  return {id: el.id, plotted: el.classList.contains("js-plotly-plot") && !!el._fullLayout,
          points: (el.data || []).map(points)};
})
"""


def charts_on(page: Page) -> list[dict]:
    """Every ``div.chart`` of the page: whether Plotly drew it, and the points of each of its traces.

    Waits (a while) for Plotly to draw them all; a chart that is never drawn shows as ``plotted: False``."""
    try:
        page.wait_for_function("() => Array.from(document.querySelectorAll('div.chart'))"
                               ".every(el => el.classList.contains('js-plotly-plot') && el._fullLayout)",
                               timeout=10_000)
    except PlaywrightTimeoutError:
        pass
    return page.evaluate(CHARTS_JS)


def list_total(page: Page) -> int:
    """The list's total from ``#list-count`` ("1,234 人中 1–50 人目" or "1–50 of 1,234")."""
    text = page.locator("#list-count").inner_text()
    found = re.search(r"([\d,]+) 人中", text) or re.search(r"of ([\d,]+)", text)
    assert found, f"no total in #list-count: {text!r}"
    return int(found.group(1).replace(",", ""))


def api_json(page: Page, url: str) -> dict:
    response = page.request.get(url)
    assert response.status == 200, (url, response.status, response.text())
    return response.json()


def api_customer_ids(page: Page, **query: str) -> list[str]:
    """The customer_ids of a whole list from ``/api/customers``, page by page."""
    ids: list[str] = []
    number = 1
    while True:
        params = "&".join(f"{k}={v}" for k, v in {**query, "per_page": 1000, "page": number}.items())
        body = api_json(page, f"/api/customers?{params}")
        ids += [row["customer_id"] for row in body["rows"]]
        if body["page"] >= body["pages"]:
            return ids
        number += 1


def table_counts(page: Page) -> dict[str, int]:
    return {row["table"]: row["rows"] for row in api_json(page, "/api/status")["tables"]}


# --------------------------------------------------------------------------- 1. every page, both languages


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_cleanly_and_draws_its_charts(browser, open_server, name, lang):
    """200, no console or page error, nothing fetched from elsewhere, every chart drawn with data."""
    with context_for(browser, open_server, lang) as context:
        watched = watched_page(context)
        page = watched.page
        response = page.goto(PAGES[name], wait_until="load")
        assert response is not None and response.status == 200, response and response.status
        assert page.locator("html").get_attribute("lang") == lang
        charts = charts_on(page)
        if name not in NO_CHART:
            assert charts, f"{name} has no chart"
        for chart in charts:
            assert chart["plotted"], f"{chart['id']} was not drawn by Plotly; {watched.problems}"
            assert any(n > 0 for n in chart["points"]), f"{chart['id']} has no data point: {chart['points']}"
        page.wait_for_timeout(300)  # let Plotly's responsive resize settle before the screenshot
        screenshot(page, f"{name}_{lang}.png")
        watched.assert_clean()


# --------------------------------------------------------------------------- 2. language switch


def test_japanese_by_default_and_the_switch_goes_both_ways(browser, open_server):
    with context_for(browser, open_server) as context:
        watched = watched_page(context)
        page = watched.page
        page.goto("/retention?by=cohort")
        assert page.locator("html").get_attribute("lang") == "ja"
        assert page.locator("header nav").inner_text().split()[0] == "概要"

        page.click("#lang-switch")
        page.wait_for_function("document.documentElement.lang === 'en'")
        url = urlparse(page.url)
        assert (url.path, parse_qs(url.query)) == ("/retention", {"by": ["cohort"]})
        assert "Overview" in page.locator("header nav").inner_text()
        assert "概要" not in page.locator("header nav").inner_text()

        page.click("#lang-switch")
        page.wait_for_function("document.documentElement.lang === 'ja'")
        assert urlparse(page.url).path == "/retention"
        assert "概要" in page.locator("header nav").inner_text()
        watched.assert_clean()


# --------------------------------------------------------------------------- 3. map and matrix → lists


def test_cpm_map_cell_opens_that_segments_list(browser, open_server):
    with context_for(browser, open_server) as context:
        watched = watched_page(context)
        page = watched.page
        page.goto("/portfolio")
        page.click("#cpm-map a.cpm-cell[data-segment=loyal]")
        page.wait_for_url(re.compile(r"/customers\?segment=loyal"))
        as_of = parse_qs(urlparse(page.url).query)["as_of"][0]
        loyal = next(s for s in api_json(page, f"/api/cpm?as_of={as_of}")["segments"] if s["key"] == "loyal")
        heading = page.locator("#list-heading").inner_text()
        assert loyal["label_ja"] in heading and as_of in heading
        assert loyal["customers"] > 0
        assert list_total(page) == loyal["customers"]
        assert page.locator("#customer-list tbody tr").count() == min(50, loyal["customers"])
        watched.assert_clean()


def test_migration_cell_opens_a_list_of_that_size(browser, open_server):
    with context_for(browser, open_server) as context:
        watched = watched_page(context)
        page = watched.page
        page.goto("/portfolio")
        cells = page.locator("#migration a[data-from][data-to]")
        pairs = cells.evaluate_all("els => els.map(a => [a.dataset.from, a.dataset.to])")
        moved = [i for i, (source, target) in enumerate(pairs) if source != target]
        assert moved, "no customer changed segment in the migration matrix"
        cell = cells.nth(moved[0])
        source, target = pairs[moved[0]]
        expected = int(cell.inner_text().replace(",", ""))
        assert expected > 0
        cell.click()
        page.wait_for_url(re.compile(r"/customers\?"))
        query = parse_qs(urlparse(page.url).query)
        assert (query["segment"], query["from_segment"]) == ([target], [source])
        assert "→" in page.locator("#list-heading").inner_text()
        assert list_total(page) == expected
        watched.assert_clean()


# --------------------------------------------------------------------------- 4. CSV download


@pytest.mark.parametrize("segment", ["loyal", "all"])
def test_csv_download_is_the_whole_list(browser, open_server, segment):
    """UTF-8 with BOM, one header row, then every customer of the list in the list's order."""
    with context_for(browser, open_server) as context:
        watched = watched_page(context)
        page = watched.page
        page.goto(f"/customers?segment={segment}")
        total = list_total(page)
        with page.expect_download() as info:
            page.click("#download-csv")
        raw = Path(info.value.path()).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), raw[:20]
        records = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        header, body = records[0], records[1:]
        assert "customer_id" in header and len(body) == total
        column = header.index("customer_id")
        assert [r[column] for r in body] == api_customer_ids(page, segment=segment)
        watched.assert_clean()


# --------------------------------------------------------------------------- 5. uploads


def upload(page: Page, path: Path) -> int:
    """Send ``path`` through the Data page's form; the HTTP status of the page that answers."""
    page.goto("/data")
    page.set_input_files("#upload-form input[name=file]", str(path))
    with page.expect_navigation() as navigation:
        page.click("#upload-form button[type=submit]")
    return navigation.value.status


def test_upload_refused_changes_nothing_and_accepted_refreshes(browser, demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path)
    bad = write_csv(tmp_path / "bad_orders.csv", JA_ORDER_HEADER, [["UP-1", "CUP0001", "not-a-date", "T01", 1, 1980]])
    good = write_csv(tmp_path / "new_order.csv", JA_ORDER_HEADER,
                     [["UP-2", "CUP0002", "2026/10/31 12:00:00", "T01", 1, 1980]])
    with serve(db, Access(allowed_hosts=(HOST,))) as url, context_for(browser, url) as context:
        watched = watched_page(context)
        page = watched.page
        before = table_counts(page)
        cpm_before = api_json(page, "/api/cpm")  # cached now: the good upload must make it stale

        watched.expect_refusal("/data/upload")
        assert upload(page, bad) == 400
        error = page.locator("#upload-error")
        assert error.is_visible()
        detail = error.locator("pre").inner_text()
        assert "bad_orders.csv" in detail and "受注日時" in detail and "not-a-date" in detail, detail
        screenshot(page, "upload_error_ja.png")
        assert table_counts(page) == before

        assert upload(page, good) == 200
        assert "orders: +1" in page.locator("#upload-message").inner_text()
        after = table_counts(page)
        assert after == {**before, "orders": before["orders"] + 1}
        cpm_after = api_json(page, "/api/cpm")
        assert cpm_after["customers"] == cpm_before["customers"] + 1
        watched.assert_clean()
    with teiki.open(db, read_only=True) as shop:  # the server is stopped: read the file itself
        assert shop.store.count("orders") == after["orders"]


# --------------------------------------------------------------------------- 6. login


def log_in(page: Page, password: str) -> int:
    """Submit the login form; the HTTP status of the page that answers (after redirects)."""
    page.fill("#login-form input[name=password]", password)
    with page.expect_navigation() as navigation:
        page.click("#login-form button[type=submit]")
    return navigation.value.status


def test_login_is_enforced_and_shows_personal_columns(browser, locked_server):
    with context_for(browser, locked_server) as context:
        watched = watched_page(context)
        page = watched.page
        page.goto("/portfolio")
        assert urlparse(page.url).path == "/login"
        assert parse_qs(urlparse(page.url).query)["next"] == ["/portfolio"]
        assert page.request.get("/api/kpi").status == 401

        watched.expect_refusal("/login")
        assert log_in(page, "wrong-password") == 401
        assert page.locator("#login-error").is_visible()
        assert urlparse(page.url).path == "/login"
        screenshot(page, "login_ja.png")

        assert log_in(page, PASSWORD) == 200
        assert urlparse(page.url).path == "/portfolio"
        assert page.locator("#cpm-map").is_visible()
        assert page.request.get("/api/kpi").status == 200

        page.goto("/customers?segment=loyal")
        columns = page.locator("#customer-list thead a[data-column]").evaluate_all(
            "els => els.map(a => a.dataset.column)")
        assert {"name", "phone", "email"} <= set(columns), columns
        screenshot(page, "customers_loggedin_ja.png")

        with page.expect_navigation():
            page.click("header form[action='/logout'] button")
        assert urlparse(page.url).path == "/login"
        page.goto("/customers?segment=loyal")
        assert urlparse(page.url).path == "/login"
        assert page.request.get("/api/kpi").status == 401
        watched.assert_clean()
