"""Builders for the export tests: claims driven through the services, and bulk rows for volume."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert
from sqlmodel import select

from factcheck.services.claim_views import claim_views
from factcheck.models import Article, Capture, Claim, Event, Verdict
from factcheck.services import claims as shaping
from factcheck.services import review, sources
from tests.builders import article, claims_of

BASE_URL = "https://desk.example.org"
ARTICLE_URL = "https://news.example.org/2025/05/ferry-terminal"


class Desk:
    """The newsroom at work: an article with a URL and byline, and claims taken through review."""

    def __init__(self, session, people):
        self.session, self.people = session, people
        self.article = article(session, by=people["eve"])
        self.article.url, self.article.byline, self.article.outlet = ARTICLE_URL, "Jane Doe", "Port Alder Gazette"
        self.article.published_on = date(2025, 5, 3)
        session.add(self.article)
        session.commit()
        self._open = [c for c in claims_of(session, self.article) if c.status == "new"]

    def claim(self, *, text: str | None = None):
        c = self._open.pop(0)
        if text is not None:
            shaping.edit_wording(self.session, claim=c, text=text, actor=self.people["eve"],
                                 expected_version=c.version)
            self.session.commit()
        return c

    def work(self, c, *, rating="Mostly true", rationale="The council's table 3 agrees.", claim_reviewed="",
             url="https://stats.example.org/ferry", archived=True):
        """Assign to carl, cite a source (archived), propose a verdict and submit: in review."""
        s, carl = self.session, self.people["carl"]
        review.assign(s, claim=c, assignee=carl, actor=self.people["eve"], expected_version=c.version)
        src = sources.add_source(s, claim=c, url=url, title="Ferry stats", stance="supports", note="Table 3",
                                 actor=carl)
        s.flush()
        if archived:
            cap = s.exec(select(Capture).where(Capture.source_id == src.id)).one()
            cap.state, cap.final_url, cap.sha256 = "done", url + "?final", "ab" * 32
            cap.warc_path, cap.text_path, cap.screenshot_path = "w/1.warc.gz", "t/1.txt", None
            cap.captured_at = datetime(2025, 5, 4, 9, 30, tzinfo=timezone.utc)
            s.add(cap)
        review.propose_verdict(s, claim=c, rating=rating, rationale=rationale, claim_reviewed=claim_reviewed,
                               actor=carl, expected_version=c.version)
        review.transition(s, claim=c, to="in_review", actor=carl, expected_version=c.version)
        s.commit()
        return c

    def publish(self, c=None, **kw):
        c = self.work(c or self.claim(), **kw)
        review.transition(self.session, claim=c, to="published", actor=self.people["eve"],  # four eyes: not carl
                          expected_version=c.version)
        self.session.commit()
        return c

    def views(self, claims, *, with_history=False):
        return list(claim_views(self.session, claim_ids=[c.id for c in claims], with_history=with_history))


@pytest.fixture
def desk(session, people):
    return Desk(session, people)


@pytest.fixture
def published_claim(desk):
    return desk.publish(claim_reviewed="The terminal cost $31 million.")


@pytest.fixture
def in_review_claim(desk):
    return desk.work(desk.claim(), rating="False", rationale="SECRET draft rationale")


@pytest.fixture
def new_claim(desk):
    return desk.claim()


def bulk_published(engine, n: int, *, checker_id: int, editor_id: int, article_id: int | None = None) -> list[int]:
    """n published claims with a verdict and a sign-off event each, by SQLAlchemy Core inserts (fast)."""
    now = datetime(2025, 5, 5, 12, tzinfo=timezone.utc)
    with engine.begin() as conn:
        if article_id is None:
            article_id = conn.execute(insert(Article.__table__).values(
                title="Bulk article", url="https://news.example.org/bulk", byline="By Bulk Reporter",
                published_on=date(2025, 5, 1), body="x", boilerplate=[], threshold=0.5, created_at=now,
            ).returning(Article.__table__.c.id)).scalar_one()
        first = conn.execute(select(Claim.__table__.c.id).order_by(Claim.__table__.c.id.desc()).limit(1)).scalar()
        claims = [dict(article_id=article_id, start=i, end=i + 1,
                       original_text=f"Claim {i}: the port handled {i * 7} ships in 2024.",
                       text=f"Claim {i}: the port handled {i * 7} ships in 2024.", score=0.8, reasons=[],
                       checkworthy=True, status="published", status_reason="", priority=0, version=5,
                       published_at=now + timedelta(seconds=i), created_at=now, updated_at=now)
                  for i in range(n)]
        conn.execute(insert(Claim.__table__), claims)
        ids = list(conn.execute(select(Claim.__table__.c.id).where(Claim.__table__.c.id > (first or 0))
                                .order_by(Claim.__table__.c.id)).scalars())
        conn.execute(insert(Verdict.__table__), [
            dict(claim_id=cid, rating="Mostly false", rationale=f"Port records show fewer ships ({cid}). " * 3,
                 claim_reviewed=f"The port handled many ships ({cid}).", proposed_by_id=checker_id, created_at=now)
            for cid in ids])
        conn.execute(insert(Event.__table__), [
            dict(article_id=article_id, claim_id=cid, actor_id=editor_id, kind="status", field="status",
                 old="in_review", new="published", detail={}, created_at=now) for cid in ids])
    return ids
