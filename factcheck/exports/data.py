"""Everything a report or an export says about claims, loaded in a bounded number of queries.

Only published claims carry a verdict in what leaves the desk; the rest are "not yet verified".
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from factcheck.errors import NotFound
from factcheck.models import Article, Capture, Claim, ClaimStatus, Comment, Event, Source, User, Verdict


@dataclass
class SourceView:
    source: Source
    capture: Capture | None          # the first archived capture (the evidence as cited), else the newest


@dataclass
class ClaimView:
    claim: Claim
    article: Article
    verdict: Verdict | None          # only for published claims
    checker: User | None             # who proposed the verdict
    signed_off_by: User | None       # the editor who published
    signed_off_at: datetime | None
    corrections: list[Comment] = field(default_factory=list)
    sources: list[SourceView] = field(default_factory=list)
    history: list[Event] = field(default_factory=list)   # filled only when asked (JSON export)

    @property
    def published(self) -> bool:
        return self.claim.status == ClaimStatus.published


@dataclass
class ArticleReport:
    article: Article
    published: list[ClaimView]
    not_yet_verified: list[Claim]    # open claims: listed apart, never with a verdict
    brought_in_by: User | None


def _views(session: Session, claims: list[Claim], *, with_history: bool = False) -> list[ClaimView]:
    if not claims:
        return []
    ids = [c.id for c in claims]
    articles = {a.id: a for a in session.exec(select(Article).where(Article.id.in_({c.article_id for c in claims})))}
    verdicts: dict[int, Verdict] = {}
    for v in session.exec(select(Verdict).where(Verdict.claim_id.in_(ids)).order_by(Verdict.id)):
        verdicts[v.claim_id] = v
    signoffs: dict[int, Event] = {}
    for e in session.exec(select(Event).where(Event.claim_id.in_(ids), Event.field == "status",
                                              Event.new == ClaimStatus.published.value).order_by(Event.id)):
        signoffs[e.claim_id] = e
    corrections: dict[int, list[Comment]] = {}
    for c in session.exec(select(Comment).where(Comment.claim_id.in_(ids), Comment.kind == "correction")
                          .order_by(Comment.id)):
        corrections.setdefault(c.claim_id, []).append(c)
    sources = list(session.exec(select(Source).where(Source.claim_id.in_(ids), Source.removed_at.is_(None))
                                .order_by(Source.id)))
    captures: dict[int, Capture] = {}
    for cap in session.exec(select(Capture).where(Capture.source_id.in_([s.id for s in sources]))
                            .order_by(Capture.id)) if sources else []:
        kept = captures.get(cap.source_id)
        if kept is None or (kept.state != "done" and cap.state == "done") or \
                (kept.state != "done" and cap.id > kept.id):
            captures[cap.source_id] = cap
    by_claim: dict[int, list[SourceView]] = {}
    for s in sources:
        by_claim.setdefault(s.claim_id, []).append(SourceView(s, captures.get(s.id)))
    history: dict[int, list[Event]] = {}
    if with_history:
        for e in session.exec(select(Event).where(Event.claim_id.in_(ids)).order_by(Event.id)):
            history.setdefault(e.claim_id, []).append(e)
    user_ids = {v.proposed_by_id for v in verdicts.values()} | {e.actor_id for e in signoffs.values()}
    users = {u.id: u for u in session.exec(select(User).where(User.id.in_(user_ids - {None})))} if user_ids else {}
    views = []
    for c in claims:
        published = c.status == ClaimStatus.published
        verdict = verdicts.get(c.id) if published else None
        signoff = signoffs.get(c.id) if published else None
        views.append(ClaimView(
            claim=c, article=articles[c.article_id], verdict=verdict,
            checker=users.get(verdict.proposed_by_id) if verdict else None,
            signed_off_by=users.get(signoff.actor_id) if signoff else None,
            signed_off_at=signoff.created_at if signoff else None,
            corrections=corrections.get(c.id, []), sources=by_claim.get(c.id, []), history=history.get(c.id, []),
        ))
    return views


def article_report(session: Session, *, article_id: int) -> ArticleReport:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"There is no article #{article_id}.")
    claims = list(session.exec(select(Claim).where(Claim.article_id == article_id, Claim.merged_into_id.is_(None))
                               .order_by(Claim.start, Claim.id)))
    published = [c for c in claims if c.status == ClaimStatus.published]
    open_ = [c for c in claims if c.status in (ClaimStatus.new, ClaimStatus.in_progress, ClaimStatus.in_review)]
    return ArticleReport(article=article, published=_views(session, published), not_yet_verified=open_,
                         brought_in_by=session.get(User, article.created_by_id) if article.created_by_id else None)


def claim_views(session: Session, *, claim_ids: list[int], with_history: bool = False,
                chunk: int = 500) -> Iterator[ClaimView]:
    """Claim views in the given order, loaded `chunk` at a time so memory stays flat for any number."""
    for i in range(0, len(claim_ids), chunk):
        part = claim_ids[i:i + chunk]
        rows = {c.id: c for c in session.exec(select(Claim).where(Claim.id.in_(part)))}
        yield from _views(session, [rows[j] for j in part if j in rows], with_history=with_history)
        session.expunge_all()


def claim_ids_for(session: Session, *, filter, actor: User) -> list[int]:
    """Every claim id a queue filter selects, in the queue's order, walking keyset pages."""
    from factcheck.services import queue

    ids, cursor = [], None
    while True:
        page = queue.list_claims(session, filter=filter, actor=actor, limit=200, cursor=cursor)
        ids.extend(row.claim.id for row in page.items)
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor
