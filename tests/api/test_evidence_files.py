"""Archived evidence over the API: every file a capture answer links to downloads with the bearer token, and every
absolute link starts with the configured base URL whatever Host header the request carried."""
from __future__ import annotations

import gzip

import pytest
from sqlmodel import select

from factcheck.archive.storage import LocalArchiveStore
from factcheck.config import Settings
from factcheck.models import Capture
from factcheck.services import review, sources
from tests import builders
from tests.conftest import Client

BASE = "https://desk.example.org/checks"   # mounted under a prefix, as behind a newsroom's proxy
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
HOSTILE = "<!doctype html><html><body><script>alert(document.cookie)</script><h1>Archived</h1></body></html>"
FILES = {"warc": "application/warc", "text": "text/plain; charset=utf-8", "screenshot": "image/png"}


@pytest.fixture
def settings(tmp_path, database_url):
    return Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_RUN_JOBS": "0",
                              "FACTCHECK_BASE_URL": BASE + "/"}, instance_dir=tmp_path / "instance")


@pytest.fixture
def archived(session, people, settings):
    """A source whose capture is archived: a WARC, readable text that is really HTML, and a screenshot."""
    eve = people["eve"]
    claim = next(c for c in builders.claims_of(session, builders.article(session, by=eve)) if c.status == "new")
    review.assign(session, claim=claim, assignee=eve, actor=eve, expected_version=claim.version)
    source = sources.add_source(session, claim=claim, url="https://stats.example.org/ferry", actor=eve)
    session.commit()
    cap = session.exec(select(Capture).where(Capture.source_id == source.id)).one()
    store = LocalArchiveStore(settings.archive_dir)
    cap.warc_path = store.put_bytes(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n\r\n"), suffix=".warc.gz")[1]
    cap.text_path = store.put_bytes(HOSTILE.encode(), suffix=".txt")[1]
    cap.screenshot_path = store.put_bytes(PNG, suffix=".png")[1]
    cap.state = "done"
    session.add(cap)
    session.commit()
    return source.id, cap.id, {"warc": store.open(cap.warc_path).read(), "text": HOSTILE.encode(), "screenshot": PNG}


def test_a_capture_answer_links_to_api_routes_that_the_token_downloads(api, archived):
    source_id, capture_id, stored = archived
    capture = api("carl").get(f"/api/v1/sources/{source_id}").get_json()["capture"]
    assert capture["id"] == capture_id
    for kind, mimetype in FILES.items():
        url = capture[f"{kind}_url"]
        assert url == f"{BASE}/api/v1/captures/{capture_id}/{kind}"
        resp = api("carl").get(url.removeprefix(BASE))
        assert resp.status_code == 200, resp.get_data()[:300]
        assert resp.get_data() == stored[kind]
        assert resp.headers["Content-Type"] == mimetype
        # the web route's safe headers: archived content never runs as a live page of the desk
        assert resp.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Cache-Control"] == "private, no-store"
    warc = api("carl").get(f"/api/v1/captures/{capture_id}/warc")
    assert warc.headers["Content-Disposition"] == f"attachment; filename=capture-{capture_id}.warc.gz"


def test_archived_html_is_served_as_plain_text_even_when_asked_for_html(api, archived):
    _, capture_id, _ = archived
    resp = api("cora").get(f"/api/v1/captures/{capture_id}/text", headers={"Accept": "text/html"})
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain" and "sandbox" in resp.headers["Content-Security-Policy"]


def test_the_api_and_the_pages_serve_the_same_bytes(api, as_user, archived):
    _, capture_id, _ = archived
    page = as_user("cora")
    for kind in FILES:
        web, token = page.get(f"/captures/{capture_id}/{kind}"), api("cora").get(f"/api/v1/captures/{capture_id}/{kind}")
        assert web.status_code == token.status_code == 200
        assert web.get_data() == token.get_data()
        assert {h: web.headers[h] for h in ("Content-Type", "Content-Security-Policy", "X-Content-Type-Options")} == \
            {h: token.headers[h] for h in ("Content-Type", "Content-Security-Policy", "X-Content-Type-Options")}


def test_a_download_resumes_and_an_unchanged_file_is_not_sent_again(api, archived):
    _, capture_id, stored = archived
    url = f"/api/v1/captures/{capture_id}/warc"
    resp = api("eve").get(url, headers={"Range": "bytes=4-9"})
    assert resp.status_code == 206 and resp.get_data() == stored["warc"][4:10]
    assert resp.headers["Content-Range"] == f"bytes 4-9/{len(stored['warc'])}"
    etag = api("eve").get(url).headers["ETag"]
    assert api("eve").get(url, headers={"If-None-Match": etag}).status_code == 304
    refused = api("eve").get(url, headers={"Range": f"bytes={len(stored['warc']) + 10}-"})
    assert refused.status_code == 416 and refused.get_json()["error"]["code"] == "http_416"


def test_without_a_token_or_a_file_the_answer_is_a_json_error(api, archived, session):
    _, capture_id, _ = archived
    resp = api(None).get(f"/api/v1/captures/{capture_id}/warc")
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "unauthorized"
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="factcheck"'
    assert api("eve").get(f"/api/v1/captures/{capture_id + 1000}/text").get_json()["error"]["code"] == "not_found"
    cap = session.get(Capture, capture_id)
    cap.screenshot_path = None
    session.add(cap)
    session.commit()
    missing = api("eve").get(f"/api/v1/captures/{capture_id}/screenshot")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert api("eve").get(f"/api/v1/sources/{archived[0]}").get_json()["capture"]["screenshot_url"] is None


def test_the_openapi_document_describes_the_files_as_binary(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    for kind, mimetype in FILES.items():
        operation = doc["paths"][f"/api/v1/captures/{{capture_id}}/{kind}"]["get"]
        assert operation["tags"] == ["evidence"]
        assert operation["responses"]["200"]["content"] == {
            mimetype.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}}
        assert {"401", "404"} <= set(operation["responses"])
        assert [p["name"] for p in operation["parameters"]] == ["capture_id"]


# --- absolute links come from FACTCHECK_BASE_URL, never from the Host header --------------------------------------

def test_a_forged_host_header_does_not_reach_the_links(api, archived):
    source_id, capture_id, _ = archived
    for headers in ({"Host": "evil.example"}, {"Host": "evil.example", "X-Forwarded-Host": "evil.example",
                                               "X-Forwarded-Proto": "http"}):
        resp = api("carl").get(f"/api/v1/sources/{source_id}", headers=headers)
        assert resp.status_code == 200
        capture = resp.get_json()["capture"]
        for kind in FILES:
            assert capture[f"{kind}_url"] == f"{BASE}/api/v1/captures/{capture_id}/{kind}"
        assert "evil.example" not in resp.get_data(as_text=True)


def test_the_claims_export_links_to_the_configured_address(api, archived):
    _, capture_id, _ = archived
    resp = api("eve").get("/api/v1/claims/export?format=json", headers={"Host": "evil.example"})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "evil.example" not in body
    assert f"{BASE}/captures/{capture_id}/warc" in body


def test_a_reset_link_is_built_on_the_configured_address(app, people):
    admin = Client(app.test_client())
    admin.http.environ_base["HTTP_HOST"] = "evil.example"  # every request of this browser, sign-in included
    assert admin.login("ada").status_code == 302
    admin.get("/admin/users")
    resp = admin.post(f"/admin/users/{people['cora'].id}/reset-link", {})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    page = resp.get_data(as_text=True)
    assert f"{BASE}/reset/" in page and "evil.example" not in page
