"""The one read model: the claim page, the API and the exports tell the same story about a claim, by one set of
rules (latest verdict, active sources, the capture that represents a source), in a bounded number of queries."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, insert, select
from sqlmodel import Session

from factcheck.exports.tabular import READS, claim_json, claimreview_chunks, csv_rows, json_chunks
from factcheck.models import Capture, Claim, Source
from factcheck.services import claim_views, review, sources
from factcheck.services import settings as newsroom
from factcheck.services import tokens as token_service
from tests.api.conftest import Api
from tests.exports.conftest import BASE_URL, Desk, bulk_published

FIRST_SHA, CITED_SHA = "a1" * 32, "b2" * 32
WHEN = datetime(2025, 5, 4, 9, 30, tzinfo=timezone.utc)


def _archive(session, source_id: int, sha: str) -> Capture:
    """Mark the source's newest capture archived with the given hash."""
    cap = session.scalars(select(Capture).where(Capture.source_id == source_id).order_by(Capture.id.desc())).first()
    cap.state, cap.sha256, cap.final_url, cap.warc_path, cap.captured_at = "done", sha, "https://x/", "w.warc", WHEN
    session.add(cap)
    session.commit()
    return cap


@pytest.fixture
def story(session, people):
    """A published claim whose checker proposed twice, whose source changed address after its first capture and
    was re-checked since (the re-check failed), and which had a second source, removed."""
    desk, carl, eve = Desk(session, people), people["carl"], people["eve"]
    claim = desk.claim()
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=claim.version)
    src = sources.add_source(session, claim=claim, url="https://stats.example.org/old", title="Ferry stats",
                             stance="supports", note="Table 3", actor=carl)
    dropped = sources.add_source(session, claim=claim, url="https://blog.example.org/", actor=carl)
    session.commit()
    _archive(session, src.id, FIRST_SHA)
    sources.update_source(session, source=src, claim=claim, actor=carl, expected_version=src.version,
                          url="https://stats.example.org/ferry", title="Ferry stats", stance="supports", note="Table 3")
    sources.remove_source(session, source=dropped, claim=claim, actor=carl, expected_version=dropped.version)
    session.commit()
    cited = _archive(session, src.id, CITED_SHA)
    session.add(Capture(source_id=src.id, purpose="recheck", state="failed", reason="404 Not Found"))
    for rationale in ("FIRST-RATIONALE", "LATEST-RATIONALE"):
        review.propose_verdict(session, claim=claim, rating="Mostly true", rationale=rationale, actor=carl,
                               expected_version=claim.version)
        session.commit()
    review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=claim.version)
    review.transition(session, claim=claim, to="published", actor=eve, expected_version=claim.version)
    session.commit()
    return claim, src, cited


def test_the_rules(session, story):
    claim, src, cited = story
    view = next(claim_views.claim_views(session, claim_ids=[claim.id]))
    assert view.verdict.rationale == "LATEST-RATIONALE" and view.checker.username == "carl"
    assert view.signed_off_by.username == "eve" and view.signed_off_at is not None
    assert [sv.source.id for sv in view.sources] == [src.id]           # the removed source is not evidence
    assert view.sources[0].capture.id == cited.id                      # the current address's capture...
    assert view.sources[0].capture.sha256 == CITED_SHA                 # ...not the old address's, nor the re-check
    desk = claim_views.desk_view(session, claim=claim, article=view.article)
    assert (desk.verdict.id, desk.sources[0].capture.id) == (view.verdict.id, cited.id)
    assert review.latest_verdict(session, claim_id=claim.id).id == view.verdict.id


def test_claim_page_api_and_exports_say_the_same(app, session, people, as_user, story):
    claim, src, cited = story
    page = as_user("eve").get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "LATEST-RATIONALE" in page and "FIRST-RATIONALE" not in page
    assert CITED_SHA in page and FIRST_SHA not in page and "blog.example.org" not in page.split("History")[0]
    live = as_user("eve").get(f"/claims/{claim.id}/captures.json").get_json()["sources"]
    assert [(s["source_id"], s["capture"]["sha256"], s["label"]) for s in live] == [(src.id, CITED_SHA, "archived")]

    token = token_service.create_token(session, user=people["eve"], name="read model")[1]
    session.commit()
    api = Api(app.test_client(), token)
    assert api.get(f"/api/v1/claims/{claim.id}").get_json()["verdict"]["rationale"] == "LATEST-RATIONALE"
    assert api.get(f"/api/v1/sources/{src.id}").get_json()["capture"]["sha256"] == CITED_SHA

    views = list(claim_views.claim_views(session, claim_ids=[claim.id], with_history=True))
    item = claim_json(views[0], base_url=BASE_URL)
    assert item["verdict"]["rationale"] == "LATEST-RATIONALE"
    assert [(s["id"], s["capture"]["id"], s["capture"]["sha256"]) for s in item["sources"]] == \
        [(src.id, cited.id, CITED_SHA)]
    row = next(csv.DictReader(io.StringIO("".join(csv_rows(views, base_url=BASE_URL)))))
    assert (row["rationale"], row["sources"], row["source_urls"]) == ("LATEST-RATIONALE", "1",
                                                                     "https://stats.example.org/ferry")
    json.dumps(item)  # plain data all the way down


def test_each_export_reads_what_it_renders_and_renders_the_same(session, story):
    claim, _, _ = story
    pub, scale = newsroom.publication(session), newsroom.rating_scale(session)
    render = {"csv": lambda views: "".join(csv_rows(views, base_url=BASE_URL)),
              "json": lambda views: "".join(json_chunks(views, base_url=BASE_URL)),
              "claimreview": lambda views: "".join(claimreview_chunks(views, publication=pub, scale=scale))}
    everything = list(claim_views.claim_views(session, claim_ids=[claim.id], with_history=True))
    for fmt, reads in READS.items():
        lean = list(claim_views.claim_views(session, claim_ids=[claim.id], **reads))
        assert render[fmt](lean) == render[fmt](everything), fmt
    assert next(claim_views.claim_views(session, claim_ids=[claim.id], **READS["claimreview"])).sources == []


def test_drafts_stay_on_the_desk(session, people):
    desk = Desk(session, people)
    claim = desk.work(desk.claim(), rationale="DRAFT")  # in review: a verdict proposed, not signed off
    view = next(claim_views.claim_views(session, claim_ids=[claim.id]))
    assert view.verdict is None and view.checker is None and view.signed_off_by is None
    assert claim_views.desk_view(session, claim=claim, article=view.article).verdict.rationale == "DRAFT"


def _with_evidence(engine, ids: list[int]) -> None:
    """Two sources per claim, each with an old and a current `cite` capture, by Core inserts."""
    now = WHEN
    with engine.begin() as conn:
        rows = conn.execute(select(Claim.__table__.c.id, Claim.__table__.c.article_id)
                            .where(Claim.__table__.c.id.in_(ids))).all()
        conn.execute(insert(Source.__table__), [
            {"article_id": aid, "claim_id": cid, "url": f"https://s.example.org/{cid}/{k}", "title": "", "note": "",
             "position": k, "version": 1, "health": "", "health_reason": "", "created_at": now, "updated_at": now}
            for cid, aid in rows for k in range(2)])
        sids = list(conn.execute(select(Source.__table__.c.id).where(Source.__table__.c.claim_id.in_(ids))).scalars())
        conn.execute(insert(Capture.__table__), [
            {"source_id": sid, "purpose": "cite", "state": "done", "reason": "", "attempts": 1, "headers": {},
             "sha256": f"{sid:064x}", "created_at": now, "updated_at": now} for sid in sids for _ in range(2)])


def _statements(engine, fn) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_statements_do_not_grow_with_claims_sources_or_captures(engine, people):
    few = bulk_published(engine, 5, checker_id=people["carl"].id, editor_id=people["eve"].id)
    many = bulk_published(engine, 400, checker_id=people["carl"].id, editor_id=people["eve"].id)
    _with_evidence(engine, few + many)

    def read(ids, **kw):
        def go():
            with Session(engine) as s:
                views = list(claim_views.claim_views(s, claim_ids=ids, with_history=True, **kw))
                assert len(views) == len(ids) and all(len(v.sources) == 2 and v.verdict for v in views)
        return go

    one_page = _statements(engine, read(few))
    assert _statements(engine, read(many)) == one_page <= 10
    assert _statements(engine, read(many, chunk=100)) <= 4 * one_page  # a page of statements per 100 claims


def test_the_claim_page_statements_do_not_grow_with_its_sources(session, people, as_user, engine):
    desk, carl = Desk(session, people), people["carl"]
    claim = desk.claim()
    review.assign(session, claim=claim, assignee=carl, actor=people["eve"], expected_version=claim.version)
    sources.add_source(session, claim=claim, url="https://more.example.org/0", actor=carl)
    session.commit()
    eve = as_user("eve")
    eve.get(f"/claims/{claim.id}")  # the first request warms caches
    one = _statements(engine, lambda: eve.get(f"/claims/{claim.id}"))
    for k in range(1, 5):
        sources.add_source(session, claim=claim, url=f"https://more.example.org/{k}", actor=carl)
    session.commit()
    page = eve.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert all(f"https://more.example.org/{k}" in page for k in range(5))
    assert _statements(engine, lambda: eve.get(f"/claims/{claim.id}")) == one
