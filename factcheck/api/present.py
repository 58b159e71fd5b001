"""Rows to response bodies, with the related rows a page needs fetched in a bounded number of queries."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from sqlalchemy import select
from sqlmodel import Session

from factcheck.text.furniture import furniture_kind
from factcheck.api.schemas import (ArticleOut, CaptureOut, ClaimOut, CommentOut, EventOut, SourceHealth, SourceOut,
                                   TimestampOut, VerdictOut)
from factcheck.models import Article, Capture, Claim, Comment, Event, Source, User
from factcheck.services import claim_views


def utc(value: datetime | None) -> datetime | None:
    """Timestamps are stored as UTC; a driver that hands them back naive still means UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def latest_verdicts(session: Session, claim_ids: Iterable[int]) -> dict[int, VerdictOut]:
    """The latest verdict of each claim (the read model's rule), with its proposer's username, in one query."""
    return {cid: VerdictOut(rating=v.rating, rationale=v.rationale, claim_reviewed=v.claim_reviewed,
                            proposed_by=v.proposer.username if v.proposer else None)
            for cid, v in claim_views.latest_verdicts(session, claim_ids).items()}


def usernames(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return {}
    return {uid: name for uid, name in session.execute(select(User.id, User.username).where(User.id.in_(ids))).all()}


def claim_out(claim: Claim, *, assignee: str | None, verdict: VerdictOut | None) -> ClaimOut:
    return ClaimOut(id=claim.id, article_id=claim.article_id, text=claim.text, original_text=claim.original_text,
                    start=claim.start, end=claim.end, score=claim.score, checkworthy=claim.checkworthy,
                    reasons=[str(r) for r in claim.reasons or []], status=claim.status, assignee=assignee,
                    due=utc(claim.due_at), claimant=claim.claimant or "", claimant_kind=claim.claimant_kind or "",
                    alike_id=claim.alike_id, version=claim.version, verdict=verdict)


def claims_out(session: Session, claims: list[Claim], *, assignees: dict[int, str] | None = None) -> list[ClaimOut]:
    """Several claims: one query for the assignees' names (unless given), one for the verdicts."""
    if assignees is None:
        assignees = usernames(session, (c.assignee_id for c in claims))
    verdicts = latest_verdicts(session, (c.id for c in claims))
    return [claim_out(c, assignee=assignees.get(c.assignee_id) if c.assignee_id else None,
                      verdict=verdicts.get(c.id)) for c in claims]


def one_claim(session: Session, claim: Claim) -> ClaimOut:
    return claims_out(session, [claim])[0]


def article_out(session: Session, article: Article, claims: list[Claim]) -> ArticleOut:
    return ArticleOut(id=article.id, title=article.title, url=article.url, byline=article.byline,
                      outlet=article.outlet or "", published_at=article.published_on, created_at=utc(article.created_at),
                      language=article.language or "",
                      scores="trained for this language" if article.language in ("", "en") else "English model",
                      furniture=[{"text": line, "kind": furniture_kind(line) or "set aside"}
                                 for line in article.boilerplate],
                      claims=claims_out(session, claims))


def capture_out(capture: Capture | None, stamp=None) -> CaptureOut | None:
    from factcheck.http import capture_urls

    if capture is None:
        return None
    return CaptureOut(id=capture.id, state=capture.state, reason=capture.reason, attempts=capture.attempts,
                      final_url=capture.final_url, http_status=capture.http_status,
                      content_type=capture.content_type, sha256=capture.sha256, size=capture.size,
                      title=capture.title, captured_at=utc(capture.captured_at), **capture_urls(capture, api=True),
                      timestamp=timestamp_out(stamp))


def timestamp_out(stamp) -> TimestampOut | None:
    """A capture's models.Timestamp as the API shows it."""
    from factcheck.http import absolute_url

    if stamp is None:
        return None
    return TimestampOut(state=stamp.state, reason=stamp.reason, authority=stamp.tsa_name,
                        stamped_at=utc(stamp.stamped_at), sha256=stamp.digest,
                        token_url=absolute_url("api.capture_timestamp", capture_id=stamp.subject_id)
                        if stamp.token else None)


def source_out(session: Session, source: Source) -> SourceOut:
    from factcheck.services import timestamps

    capture = claim_views.representative_captures(session, [source.id]).get(source.id)
    stamp = timestamps.for_captures(session, [capture.id]).get(capture.id) if capture is not None else None
    return SourceOut(id=source.id, claim_id=source.claim_id, url=source.url, title=source.title,
                     stance=source.stance, note=source.note, version=source.version,
                     created_at=utc(source.created_at), capture=capture_out(capture, stamp),
                     health=SourceHealth(state=source.health, reason=source.health_reason))


def event_out(event: Event, user: User | None) -> EventOut:
    return EventOut(id=event.id, kind=event.kind, field=event.field, old=event.old, new=event.new,
                    actor=user.username if user else None, at=utc(event.created_at), detail=event.detail or {})


def comment_out(comment: Comment, author: User | None) -> CommentOut:
    return CommentOut(id=comment.id, claim_id=comment.claim_id, kind=comment.kind, body=comment.body,
                      author=author.username if author else None, created_at=utc(comment.created_at))
