"""The dashboard's action pages and their JSON API (teiki.web.actions_pages, teiki.web.actions_api): every page
in Japanese and English, the lists equal to the Shop methods behind them, downloads with every row, seed 003's
table on the call-economics page, a campaign's page, and personal data only behind the login."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest
from conftest import copy_db
from fastapi.testclient import TestClient

import teiki
from teiki.web.app import create_app
from teiki.web.security import Access

PAGES = ("/calls", "/risk", "/cross-sell", "/offers", "/winback", "/campaigns", "/simulate")
LISTS = ("/api/calls", "/api/runout", "/api/risk", "/api/associations", "/api/next-products", "/api/cross-sell",
         "/api/cross-sell/timing", "/api/upsell", "/api/save-offers", "/api/winback", "/api/winback?by=segment",
         "/api/campaigns")
DOWNLOADS = ("/api/calls/download", "/api/risk/download", "/api/cross-sell/download", "/api/upsell/download",
             "/api/winback/download")
CAMPAIGN = "F2フォロー 6月"
SLASHED = "春/夏 2026"  # a name with "/" opens too


@pytest.fixture(scope="module")
def shop_db(demo_db, tmp_path_factory):
    """A copy of the demo shop with one campaign on the first-purchase segment."""
    db = copy_db(demo_db, tmp_path_factory.mktemp("actions_web"))
    with teiki.open(db) as shop:
        shop.create_campaign(CAMPAIGN, segment="first", as_of="2026-06-30", seed=5, why="二回目の購入", what="電話")
        shop.create_campaign(SLASHED, segment="loyal", as_of="2026-06-30", seed=6)
    return db


@pytest.fixture(scope="module")
def client(shop_db):
    with TestClient(create_app(shop_db)) as c:
        yield c


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_action_page_renders_with_labels(client, path, lang):
    client.cookies.set("lang", lang)
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    assert 'id="actions-nav"' in page.text and 'class="active">' + ("アクション" if lang == "ja" else "Actions") in page.text
    assert "acol_" not in page.text and "ap_" not in page.text  # every label found
    if lang == "en":
        assert "アクション" not in page.text


def test_action_lists_answer_json_with_totals(client):
    for url in LISTS:
        body = client.get(url).json()
        assert body["total"] >= len(body["rows"]), url
        assert body["columns"] == (list(body["rows"][0]) if body["rows"] else body["columns"]), url
    assert client.get("/api/calls?limit=3").json()["rows"].__len__() <= 3


def test_call_list_is_the_shop_method(client, shop_db):
    body = client.get("/api/calls?lead_days=5&recent_days=14&limit=100000").json()
    with teiki.open(shop_db, read_only=True) as shop:
        direct = shop.calls(lead_days=5, recent_days=14, personal=True, output="pyarrow")
    assert body["total"] == direct.num_rows > 0
    assert [r["customer_id"] for r in body["rows"]] == direct.column("customer_id").to_pylist()
    assert "phone" in body["columns"]  # the owner on loopback sees the contact details of a call list


def test_risk_api_carries_both_aucs(client):
    model = client.get("/api/risk?limit=1").json()["model"]
    assert model["auc_model"] is not None and model["auc_rule"] is not None
    page = client.get("/risk").text
    assert 'id="auc-model"' in page and f"{model['auc_model']:.3f}"[:4] in page


@pytest.mark.parametrize("url", DOWNLOADS)
def test_downloads_have_every_row(client, url):
    listed = client.get(url.replace("/download", "")).json()["total"]
    got = client.get(url + "?format=csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert len(rows) - 1 == listed
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_simulate_page_and_api_give_seed_003_table(client):
    body = client.get("/api/simulate/calls?requests=2000&cost_per_call=300&unit_price=5000"
                      "&save_rate=0.05&save_rate=0.15").json()
    assert [r["net"] for r in body["rows"]] == [-100_000, 900_000]
    assert (body["gap_month"], body["gap_year"]) == (1_000_000, 12_000_000)
    client.cookies.set("lang", "ja")
    page = client.get("/simulate?requests=2000&cost_per_call=300&unit_price=5000&save_rates=5%25+15%25").text
    assert "¥1,000,000" in page and "¥12,000,000" in page and "−¥100,000" in page and "¥900,000" in page


def test_simulate_from_data_states_its_assumptions(client):
    body = client.get("/api/simulate/calls?from_data=true").json()
    assert body["basis"] == "data" and body["assumptions"]
    assert body["rows"][0]["value_per_save"] != 5000
    assert 'id="sim-assumptions"' in client.get("/simulate?from_data=true").text


def test_bad_save_rates_get_a_readable_error(client):
    page = client.get("/simulate?save_rates=abc")
    assert page.status_code == 400 and "save_rates" in page.text
    assert client.get("/api/simulate/calls?save_rate=2").status_code == 422


def test_campaign_pages_and_contact_list(client, shop_db):
    listed = client.get("/campaigns").text
    assert CAMPAIGN in listed and f'/campaigns/{quote(CAMPAIGN)}' in listed
    page = client.get(f"/campaigns/{quote(CAMPAIGN)}")
    assert page.status_code == 200 and 'id="campaign-effect"' in page.text
    report = client.get(f"/api/campaigns/{quote(CAMPAIGN)}").json()
    assert [m["metric"] for m in report["metrics"]] == ["f2", "retention", "moved_up", "moved_down"]
    members = client.get(f"/api/campaigns/{quote(CAMPAIGN)}/download?format=csv")
    rows = list(csv.DictReader(io.StringIO(members.content.decode("utf-8-sig"))))
    assert len(rows) == report["groups"]["treatment"] and {r["group"] for r in rows} == {"treatment"}
    assert client.get("/campaigns/nope").status_code == 400


def test_a_campaign_whose_name_holds_a_slash_opens(client):
    listed = client.get("/campaigns").text
    link = f'/campaigns/{quote(SLASHED, safe="")}'
    assert f'href="{link}"' in listed
    page = client.get(link)
    assert page.status_code == 200 and 'id="campaign-effect"' in page.text and SLASHED in page.text
    download = f'/api/campaigns/{quote(SLASHED, safe="")}/download'
    assert f'href="{download}?format=csv"' in page.text
    assert client.get(f"/campaigns/{quote(SLASHED)}").status_code == 200  # "/" left as it is also works
    report = client.get(f'/api/campaigns/{quote(SLASHED, safe="")}')
    assert report.status_code == 200 and report.json()["campaign"]["name"] == SLASHED
    members = client.get(download + "?format=csv")
    assert members.status_code == 200 and "attachment" in members.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(members.content.decode("utf-8-sig"))))
    assert len(rows) == report.json()["groups"]["treatment"]


def test_unknown_customer_or_product_is_a_clear_error(client):
    got = client.get("/api/cross-sell?customer=NOBODY")
    assert got.status_code == 400 and "NOBODY" in got.json()["detail"]


def test_action_lists_need_the_login_when_a_password_is_set(shop_db, tmp_path):
    db = copy_db(shop_db, tmp_path)
    with TestClient(create_app(db, access=Access(password="pw"))) as c:
        assert c.get("/api/calls").status_code == 401
        assert c.get("/api/calls/download").status_code == 401
        assert c.get("/calls", follow_redirects=False).status_code == 303


def test_winback_lists_are_the_shop_methods(client, shop_db):
    customers = client.get("/api/winback?limit=100000").json()
    segments = client.get("/api/winback?by=segment").json()
    with teiki.open(shop_db, read_only=True) as shop:
        direct = shop.winback(personal=True, output="pyarrow")
        by_segment = shop.winback(by="segment", output="pyarrow")
    assert [r["customer_id"] for r in customers["rows"]] == direct.column("customer_id").to_pylist()
    assert [r["segment"] for r in segments["rows"]] == by_segment.column("segment").to_pylist()
    assert customers["total"] == direct.num_rows > 0
