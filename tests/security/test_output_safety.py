"""Issue 15: output that stays safe wherever it is pasted.

ClaimReview and JSON exports carry `<`, `>` and `&` as JSON escapes (newsrooms paste ClaimReview into
`<script type="application/ld+json">`), CSV cells show bidirectional controls as visible marks, pages
isolate user text that carries them, and downloads name their charset once."""
from __future__ import annotations

import csv
import io
import json

import pytest
from sqlmodel import select

from factcheck.models import Article, Claim, Verdict
from factcheck.services import review

HOSTILE = '</script><img src=x onerror=alert(1)> & "Harbour" \u202egnp.exe'


@pytest.fixture
def published(world, session, people):
    """The world's claim, its text and headline hostile, signed off by eve and published."""
    claim = session.get(Claim, world.claim_id)
    claim.text = "Ferry traffic rose 12% " + HOSTILE
    article = session.get(Article, world.article_id)
    article.title = "Ferry " + HOSTILE
    verdict = session.exec(select(Verdict).where(Verdict.claim_id == claim.id)).first()
    verdict.claim_reviewed = "Restated: " + HOSTILE
    session.add_all([claim, article, verdict])
    session.commit()
    review.transition(session, claim=claim, to="in_review", actor=people["carl"], expected_version=claim.version)
    session.commit()
    review.transition(session, claim=claim, to="published", actor=people["eve"], expected_version=claim.version)
    session.commit()
    return world


def export(app, world, fmt: str):
    return app.test_client().get(f"/api/v1/claims/export?format={fmt}&status=all",
                                 headers={"Authorization": f"Bearer {world.tokens['eve']}"})


@pytest.mark.parametrize("fmt", ["claimreview", "json"])
def test_json_exports_escape_markup_characters(app, published, fmt):
    resp = export(app, published, fmt)
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003c/script\\u003e" in text and "\\u0026" in text
    parsed = json.loads(text)  # still the same data once parsed

    def strings(value):
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return [value] if isinstance(value, str) else []
    assert any(HOSTILE in s for s in strings(parsed))


def test_csv_marks_bidirectional_controls(app, published):
    resp = export(app, published, "csv")
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    cell = next(r["claim_text"] for r in rows if "Ferry traffic" in r["claim_text"])
    assert "\u202e" not in cell and "[U+202E]gnp.exe" in cell


def test_downloads_name_one_charset(app, published, browser):
    for resp in (export(app, published, "csv"), export(app, published, "json"),
                 browser("eve").get(f"/captures/{published.capture_id}/text")):
        assert resp.status_code == 200
        kind = resp.headers["Content-Type"].lower()
        assert kind.count("charset") == (1 if kind.startswith("text/") else 0), kind


def test_pages_isolate_text_with_bidi_controls(app, published, browser):
    eve = browser("eve")
    for url in (f"/claims/{published.claim_id}", f"/articles/{published.article_id}", "/queue?status=all",
                "/articles/"):
        page = eve.get(url).get_data(as_text=True)
        assert "\u202e" in page, url
        for line in (ln for ln in page.splitlines() if "\u202e" in ln and "<title>" not in ln):
            before = line[:line.index("\u202e")]
            assert before.rfind("<bdi>") > before.rfind("</bdi>") or 'dir="auto"' in before, (url, line.strip())
