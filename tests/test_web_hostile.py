"""The dashboard stays up through hostile uploads (issue 16): each file of ``tests/hostile/cases.py`` uploaded in
turn on the Data page; a refused one answers 400 with the message naming the file, an accepted one 200, never a
5xx — and after each, every page still answers 200."""

from __future__ import annotations

import pytest
from conftest import copy_db
from fastapi.testclient import TestClient
from hostile.cases import CASES, generate

from teiki.web.app import SECTIONS, create_app
from teiki.web.security import Access

# cases that need a mapping file or a folder cannot be uploaded: the upload form takes one file
UPLOADABLE = [c for c in CASES if not c.shown and "--mapping" not in c.args and not c.name.endswith("_dir.csv")]


def pages() -> list[str]:
    """Every page of the dashboard, as the sections declare them (those without path parameters)."""
    return [p.path for section in SECTIONS for p in section.pages if "{" not in p.path and p.path != "/login"]


@pytest.fixture(scope="module")
def served(demo_db, tmp_path_factory):
    db = copy_db(demo_db, tmp_path_factory.mktemp("hostile_web"))
    app = create_app(db, access=Access(max_upload_bytes=64 << 20))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c, pages()


def test_the_page_list_is_the_dashboard(served):
    _, urls = served
    assert {"/", "/data", "/forecast", "/customers", "/calls", "/campaigns"} <= set(urls)


def test_every_page_stays_up_after_each_hostile_upload(served, tmp_path):
    c, urls = served
    files = generate(tmp_path / "files")
    for case in UPLOADABLE:
        token = c.get("/data").text.split('name="csrf" value="')[1].split('"')[0]
        table = case.args[1] if case.args[:1] == ("--table",) else ""
        with files[case.name].open("rb") as fh:
            r = c.post("/data/upload", data={"csrf": token, "table": table}, files={"file": (case.name, fh)})
        if case.accepted:
            assert r.status_code == 200, (case.name, r.text[:500])
        else:
            assert r.status_code == 400, (case.name, r.status_code)
            assert 'id="upload-error"' in r.text and case.name in r.text, case.name
        for url in urls:
            page = c.get(url)
            assert page.status_code == 200, (case.name, url, page.status_code)
