"""CSV, JSON and ClaimReview exports, read back with the standard parsers, and their memory kept flat."""
from __future__ import annotations

import csv
import io
import json
import tracemalloc
from types import GeneratorType

import pytest
from sqlmodel import Session

from factcheck.exports.claimreview import claim_review
from factcheck.services.claim_views import claim_views
from factcheck.exports.tabular import CSV_COLUMNS, claimreview_chunks, csv_rows, json_chunks, neutralise
from factcheck.services import settings as newsroom
from tests.exports.conftest import ARTICLE_URL, BASE_URL, bulk_published

VERDICT_COLUMNS = ["claim_reviewed", "rating", "rationale", "checker", "signed_off_by", "signed_off_at",
                   "published_at"]


def read_csv(chunks) -> list[dict]:
    return list(csv.DictReader(io.StringIO("".join(chunks), newline="")))


def test_csv_has_every_column_and_hides_unpublished_verdicts(desk, published_claim, in_review_claim):
    chunks = csv_rows(desk.views([published_claim, in_review_claim]), base_url=BASE_URL)
    assert isinstance(chunks, GeneratorType)
    text = "".join(chunks)
    assert next(csv.reader(io.StringIO(text))) == CSV_COLUMNS
    pub, open_ = read_csv([text])
    assert pub["claim_id"] == str(published_claim.id) and pub["status"] == "published"
    assert (pub["article_title"], pub["article_url"]) == ("Ferry terminal opens", ARTICLE_URL)
    assert pub["claim_text"] == published_claim.text
    assert (pub["claim_reviewed"], pub["rating"], pub["rationale"]) == \
        ("The terminal cost $31 million.", "Mostly true", "The council's table 3 agrees.")
    assert (pub["checker"], pub["signed_off_by"]) == ("Carl", "Eve")
    assert pub["signed_off_at"] and pub["published_at"].startswith(published_claim.published_at.date().isoformat())
    assert float(pub["score"]) == pytest.approx(published_claim.score)
    assert (pub["sources"], pub["source_urls"], pub["corrections"]) == ("1", "https://stats.example.org/ferry", "")
    assert open_["status"] == "in_review" and open_["sources"] == "1"
    assert all(open_[c] == "" for c in VERDICT_COLUMNS)
    assert "SECRET" not in text


def test_csv_joins_several_sources_and_corrections(session, desk, people):
    from factcheck.services import review, sources

    c = desk.publish()
    review.transition(session, claim=c, to="in_progress", actor=people["eve"], expected_version=c.version,
                      comment="The council revised the figure.")
    sources.add_source(session, claim=c, url="https://council.example.org/minutes", actor=people["carl"])
    review.transition(session, claim=c, to="in_review", actor=people["carl"], expected_version=c.version)
    review.transition(session, claim=c, to="published", actor=people["eve"], expected_version=c.version)
    session.commit()
    [row] = read_csv(csv_rows(desk.views([c]), base_url=BASE_URL))
    assert row["sources"] == "2"
    assert row["source_urls"] == "https://stats.example.org/ferry | https://council.example.org/minutes"
    assert row["corrections"] == "The council revised the figure."


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "=1+2;cmd|' /C calc'!A0"])
def test_csv_neutralises_formulas(session, desk, hostile):
    c = desk.publish(desk.claim(text=hostile), claim_reviewed=hostile, rationale=hostile)
    [row] = read_csv(csv_rows(desk.views([c]), base_url=BASE_URL))
    assert c.text == hostile
    for column in ("claim_text", "claim_reviewed", "rationale"):
        assert row[column] == "'" + hostile


@pytest.mark.parametrize("value, expected", [
    ("\tx", "'\tx"), ("\r=1", "'\r=1"), ("=1", "'=1"), ("a=1", "a=1"), ("", ""), (None, ""), (0.5, "0.5"),
    ("'=1", "'=1"), (" =1", " =1"),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_json_parses_with_article_verdict_sources_corrections_history(desk, people, published_claim,
                                                                      in_review_claim):
    chunks = json_chunks(desk.views([published_claim, in_review_claim], with_history=True), base_url=BASE_URL)
    assert isinstance(chunks, GeneratorType)
    doc = json.loads("".join(chunks))
    pub, open_ = doc["claims"]
    assert pub["id"] == published_claim.id and pub["status"] == "published"
    assert pub["article"] == {"id": desk.article.id, "title": "Ferry terminal opens", "url": ARTICLE_URL,
                              "byline": "Jane Doe", "outlet": "Port Alder Gazette",
                              "published_on": "2025-05-03"}
    v = pub["verdict"]
    assert (v["rating"], v["claim_reviewed"], v["rationale"]) == \
        ("Mostly true", "The terminal cost $31 million.", "The council's table 3 agrees.")
    assert v["checker"]["username"] == "carl" and v["signed_off_by"]["username"] == "eve"
    assert v["published_at"] and v["signed_off_at"]
    [src] = pub["sources"]
    assert (src["url"], src["stance"], src["note"]) == ("https://stats.example.org/ferry", "supports", "Table 3")
    cap = src["capture"]
    assert (cap["state"], cap["final_url"], cap["sha256"]) == \
        ("done", "https://stats.example.org/ferry?final", "ab" * 32)
    assert cap["captured_at"].startswith("2025-05-04T09:30")
    assert cap["warc_url"] == f"{BASE_URL}/captures/{cap['id']}/warc"
    assert cap["text_url"] == f"{BASE_URL}/captures/{cap['id']}/text"
    assert cap["screenshot_url"] is None
    assert pub["corrections"] == []
    statuses = [(e["old"], e["new"], e["actor_id"]) for e in pub["history"] if e["field"] == "status"]
    assert statuses[-1] == ("in_review", "published", people["eve"].id)
    assert {"kind", "field", "old", "new", "actor_id", "at"} <= set(pub["history"][0])
    assert "verdict" not in open_ and open_["status"] == "in_review"
    assert "SECRET" not in json.dumps(doc)


def test_json_capture_urls_follow_base_url(desk, published_claim):
    doc = json.loads("".join(json_chunks(desk.views([published_claim]), base_url="http://localhost:5000/")))
    assert doc["claims"][0]["sources"][0]["capture"]["warc_url"].startswith("http://localhost:5000/captures/")


def test_claimreview_chunks_stream_a_json_array(session, desk, published_claim, in_review_claim, new_claim):
    kw = {"publication": newsroom.publication(session), "scale": newsroom.rating_scale(session)}
    views = desk.views([new_claim, published_claim, in_review_claim])
    reviews = json.loads("".join(claimreview_chunks(iter(views), **kw)))
    assert reviews == [claim_review(views[1], **kw)]


def test_empty_exports_are_valid(session):
    assert read_csv(csv_rows([], base_url=BASE_URL)) == []
    assert json.loads("".join(json_chunks([], base_url=BASE_URL))) == {"claims": []}
    assert json.loads("".join(claimreview_chunks([], publication=newsroom.publication(session),
                                                 scale=newsroom.rating_scale(session)))) == []


def test_one_chunk_per_claim_and_lazily(engine, people):
    ids = bulk_published(engine, 30, checker_id=people["carl"].id, editor_id=people["eve"].id)
    consumed = []

    def views():
        with Session(engine) as s:
            for v in claim_views(s, claim_ids=ids, chunk=10):
                consumed.append(v.claim.id)
                yield v

    stream = csv_rows(views(), base_url=BASE_URL)
    assert next(stream).startswith("claim_id,") and consumed == []   # the header goes out before any query
    assert next(stream).startswith(f"{ids[0]},") and consumed == ids[:1]  # one view taken per row, no more
    assert len(list(stream)) == 29
    stream = json_chunks(views(), base_url=BASE_URL)
    assert len(list(stream)) == 32


def _peak(engine, ids, export) -> tuple[int, int]:
    """Peak traced memory while streaming the export to nowhere, and the bytes it produced."""
    with Session(engine) as s:
        tracemalloc.start()
        try:
            size = 0
            for chunk in export(claim_views(s, claim_ids=ids)):
                size += len(chunk)
            return tracemalloc.get_traced_memory()[1], size
        finally:
            tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_memory_stays_flat(engine, people, fmt):
    ids = bulk_published(engine, 3000, checker_id=people["carl"].id, editor_id=people["eve"].id)
    export = {"csv": lambda views: csv_rows(views, base_url=BASE_URL),
              "json": lambda views: json_chunks(views, base_url=BASE_URL)}[fmt]
    _peak(engine, ids[:500], export)  # warm caches (compiled statements, imports) first
    small, _ = _peak(engine, ids[:500], export)
    large, size = _peak(engine, ids, export)
    assert size > 1_000_000  # what accumulating the output alone would hold
    assert large / small < 2, (small, large)
    hoarded, _ = _peak(engine, ids, lambda views: list(export(views)))
    assert hoarded > large + size // 2  # the measurement would see rows being kept
