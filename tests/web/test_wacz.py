"""WACZ downloads on the desk's pages: a capture's on request, an article's as a background export."""
from __future__ import annotations

import pytest
from sqlmodel import select

from factcheck import jobs
from factcheck.models import Capture
from factcheck.services import sources
from tests.archive.warcs import archived_source, read_wacz, wacz_validate
from tests.builders import article, claims_of, job_table

URL = "https://stats.example.org/ferry"
OTHER = "https://council.example.org/minutes"


@pytest.fixture
def evidence(app, session, people):
    """An article whose first claim cites two archived sources and whose second cites one still queued."""
    store = app.extensions["factcheck.archive"]
    a = article(session, by=people["eve"])
    first, second = [c for c in claims_of(session, a) if c.status == "new"][:2]
    caps = [archived_source(session, store, claim=first, actor=people["eve"], url=u, title=t)
            for u, t in ((URL, "Ferry figures"), (OTHER, "Council minutes"))]
    queued = sources.add_source(session, claim=second, url="https://slow.example.org/", actor=people["eve"])
    session.commit()
    pending = session.exec(select(Capture).where(Capture.source_id == queued.id)).one()
    return a, first, caps, pending


def test_the_claim_page_offers_the_wacz_beside_the_warc(as_user, evidence):
    _, claim, caps, _ = evidence
    page = as_user("carl").get(f"/claims/{claim.id}").get_data(as_text=True)
    warc_link = f'href="/captures/{caps[0].id}/warc">Download WARC</a>'
    assert warc_link in page and f'href="/captures/{caps[0].id}/wacz"' in page
    assert page.index(f"/captures/{caps[0].id}/wacz") > page.index(warc_link)


def test_a_capture_downloads_as_a_valid_wacz(as_user, evidence, tmp_path):
    _, _, caps, _ = evidence
    resp = as_user("carl").get(f"/captures/{caps[0].id}/wacz")
    assert resp.status_code == 200 and resp.mimetype == "application/wacz"
    body = resp.get_data()
    assert resp.headers["Content-Length"] == str(len(body)) and resp.headers["Accept-Ranges"] == "bytes"
    assert f'filename=capture-{caps[0].id}.wacz' in resp.headers["Content-Disposition"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in resp.headers["Content-Security-Policy"]
    path = tmp_path / "capture.wacz"
    path.write_bytes(body)
    wacz_validate(path)
    w = read_wacz(body)
    assert [f["url"] for _, _, f in w.cdxj] == [URL] and [p["url"] for p in w.pages[1:]] == [URL]
    assert w.pages[1]["title"] == "Ferry figures"


def test_a_wacz_answers_byte_ranges(as_user, evidence):
    _, _, caps, _ = evidence
    whole = as_user("carl").get(f"/captures/{caps[0].id}/wacz").get_data()
    part = as_user("carl").get(f"/captures/{caps[0].id}/wacz", headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.get_data() == b"PK\x03\x04"
    assert part.headers["Content-Range"].startswith("bytes 0-3/")


def test_a_capture_without_a_warc_says_why(as_user, evidence, app, session):
    _, _, caps, pending = evidence
    carl = as_user("carl")
    resp = carl.get(f"/captures/{pending.id}/wacz")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 404 and f"Capture #{pending.id} has no WARC to package as WACZ" in text
    assert "once the source is archived" in text
    app.extensions["factcheck.archive"].delete(caps[1].warc_path)   # the file lost from the store
    resp = carl.get(f"/captures/{caps[1].id}/wacz")
    assert resp.status_code == 404 and "missing from the archive store" in resp.get_data(as_text=True)
    assert carl.get("/captures/999999/wacz").status_code == 404


def test_an_articles_wacz_is_built_in_the_background_then_downloaded(app, as_user, evidence, tmp_path):
    a, _, caps, _ = evidence
    eve = as_user("eve")
    assert "Evidence as WACZ" in eve.get(f"/articles/{a.id}").get_data(as_text=True)
    resp = eve.post("/exports/", {"article_id": str(a.id), "format": "wacz"})
    export_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    tasks = job_table(app.extensions["factcheck.engine"], app.extensions["factcheck.settings"])
    assert tasks[jobs.BUILD_EXPORT](export_id) == "done"
    status = eve.get(f"/exports/{export_id}.json").get_json()
    download = eve.get(status["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/wacz"
    assert download.headers["Content-Disposition"].endswith("-evidence.wacz")
    body = download.get_data()
    assert download.headers["Content-Length"] == str(len(body))
    path = tmp_path / "article.wacz"
    path.write_bytes(body)
    wacz_validate(path)
    w = read_wacz(body)
    assert sorted(f["url"] for _, _, f in w.cdxj) == sorted([URL, OTHER])
    assert [p["url"] for p in w.pages[1:]] == [URL, OTHER]
    assert sorted(n for n in w.names if n.startswith("archive/")) == sorted(
        f"archive/capture-{c.id}.warc.gz" for c in caps)


def test_an_article_with_nothing_archived_fails_its_export_with_the_reason(app, as_user, session, people):
    a = article(session, by=people["eve"])
    eve = as_user("eve")
    resp = eve.post("/exports/", {"article_id": str(a.id), "format": "wacz"})
    export_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    tasks = job_table(app.extensions["factcheck.engine"], app.extensions["factcheck.settings"])
    assert tasks[jobs.BUILD_EXPORT](export_id) == "failed"
    status = eve.get(f"/exports/{export_id}.json").get_json()
    assert "has no archived sources yet" in status["reason"]
