"""WACZ over the API with a bearer token: a capture's and an article's, in the OpenAPI document."""
from __future__ import annotations

import pytest

from factcheck.models import Capture
from tests.archive.warcs import archived_source, read_wacz, wacz_validate
from tests.builders import article, claims_of

URL = "https://stats.example.org/ferry"


@pytest.fixture
def archived(app, session, people):
    a = article(session, by=people["eve"])
    claim = [c for c in claims_of(session, a) if c.status == "new"][0]
    cap = archived_source(session, app.extensions["factcheck.archive"], claim=claim, actor=people["eve"], url=URL)
    return a, cap


def test_a_token_downloads_a_captures_wacz(api, archived, tmp_path):
    _, cap = archived
    resp = api("carl").get(f"/api/v1/captures/{cap.id}/wacz")
    assert resp.status_code == 200 and resp.mimetype == "application/wacz"
    body = resp.get_data()
    assert resp.headers["Content-Length"] == str(len(body))
    (tmp_path / "c.wacz").write_bytes(body)
    wacz_validate(tmp_path / "c.wacz")
    assert [f["url"] for _, _, f in read_wacz(body).cdxj] == [URL]


def test_a_token_downloads_an_articles_wacz_streamed(api, archived, tmp_path):
    a, _ = archived
    resp = api("cora").get(f"/api/v1/articles/{a.id}/wacz")
    assert resp.status_code == 200 and resp.mimetype == "application/wacz" and resp.is_streamed
    assert resp.headers["Content-Disposition"].endswith('-evidence.wacz"')
    body = resp.get_data()
    (tmp_path / "a.wacz").write_bytes(body)
    wacz_validate(tmp_path / "a.wacz")
    assert [p["url"] for p in read_wacz(body).pages[1:]] == [URL]


def test_without_a_token_or_a_warc_the_answer_is_a_json_error(api, archived, session):
    a, cap = archived
    assert api(None).get(f"/api/v1/captures/{cap.id}/wacz").status_code == 401
    cap = session.get(Capture, cap.id)
    cap.warc_path, cap.state = None, "failed"
    session.add(cap)
    session.commit()
    resp = api("carl").get(f"/api/v1/captures/{cap.id}/wacz")
    assert resp.status_code == 404 and "has no WARC to package" in resp.get_json()["error"]["message"]
    resp = api("carl").get(f"/api/v1/articles/{a.id}/wacz")
    assert resp.status_code == 404 and "no archived sources yet" in resp.get_json()["error"]["message"]


def test_the_wacz_routes_are_in_the_openapi_document(api):
    paths = api(None).get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/captures/{capture_id}/wacz", "/api/v1/articles/{article_id}/wacz"):
        get = paths[path]["get"]
        assert "application/wacz" in get["responses"]["200"]["content"], path
        assert {"401", "404"} <= set(get["responses"]), path
