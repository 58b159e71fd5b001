"""The one read model of a claim: claim + verdict + sources + captures, for the claim page, the API and exports.

Each rule is written once, here:
- a claim's **latest verdict** is its newest one (highest id), with the person who proposed it;
- a claim's **sources** are those not removed, in the order they were added;
- the **capture that represents a source** is its newest `cite` capture: the archive of the address the source
  cites now (changing the URL makes a new one). Re-checks (`recheck` captures) only set the source's health;
- what **leaves the desk** (exports, reports) carries a verdict only for a published claim, with the editor who
  signed it off (the last change of status to published) and its correction notes.

Rows are read as columns into slotted dataclasses, not as ORM entities (building those cost most of an export's
time), one query per kind of row per page of claims: the number of statements grows with the number of pages,
never with the number of claims. The selects name ORM attributes, so pending changes are flushed first.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import fields
from datetime import datetime

from sqlalchemy import Integer, any_, cast, func, literal, select
from sqlalchemy.dialects import postgresql
from sqlmodel import Session

from factcheck.errors import NotFound
from factcheck.models import Article, Capture, Claim, ClaimStatus, Comment, Event, Source, User, Verdict
from factcheck.models.views import (ArticleRef, ArticleReport, CaptureRow, ClaimRow, ClaimView, CommentRow, EventRow,
                                    SourceRow, SourceView, UserRef, VerdictRow)

PAGE = 500  # claims per page of queries


def _columns(model, row_type) -> list:
    return [getattr(model, f.name) for f in fields(row_type) if f.name in model.__table__.c]


_VERDICT = _columns(Verdict, VerdictRow)
_CAPTURE = _columns(Capture, CaptureRow)
_SOURCE = _columns(Source, SourceRow)
_CLAIM = _columns(Claim, ClaimRow)
_ARTICLE = _columns(Article, ArticleRef)
_COMMENT = _columns(Comment, CommentRow)
_EVENT = _columns(Event, EventRow)
_PUBLISHED = ClaimStatus.published.value


def _user_columns(user) -> list:
    return [user.id, user.username, user.display_name]


def among(session: Session, column, ids: Iterable[int]):
    """`column IN ids` as one bound value whatever the number of ids: an array on PostgreSQL, a JSON list on
    SQLite. (A plain IN binds one parameter per id, and building and parsing those cost more than the query.)"""
    ids = list(ids)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":  # one text parameter cast in SQL: cheaper than the driver dumping a list
        return column == any_(cast(literal("{" + ",".join(map(str, ids)) + "}"), postgresql.ARRAY(Integer)))
    if dialect == "sqlite":
        return column.in_(select(func.json_each(json.dumps(ids)).table_valued("value").c.value))
    return column.in_(ids)


def _rows(session: Session, row_type, stmt) -> list:
    return [row_type(*r) for r in session.execute(stmt)]


class _People:
    """One UserRef per person across the pages of a read."""

    def __init__(self) -> None:
        self.known: dict[int, UserRef] = {}

    def __call__(self, uid: int | None, username: str | None, name: str | None) -> UserRef | None:
        if uid is None:
            return None
        ref = self.known.get(uid)
        if ref is None:
            ref = self.known[uid] = UserRef(uid, username, name)
        return ref


# --- reads for any number of claims, one statement per kind of row ---------------------------------------

def latest_verdicts(session: Session, claim_ids: Iterable[int], *, people: _People | None = None) \
        -> dict[int, VerdictRow]:
    """Claim id -> its latest verdict (the newest), with its proposer, in one query."""
    ids = list(set(claim_ids))
    if not ids:
        return {}
    people, n = people or _People(), len(_VERDICT)
    newest = select(func.max(Verdict.id)).where(among(session, Verdict.claim_id, ids)).group_by(Verdict.claim_id)
    rows = session.execute(select(*_VERDICT, *_user_columns(User)).select_from(Verdict)
                           .outerjoin(User, User.id == Verdict.proposed_by_id).where(Verdict.id.in_(newest)))
    return {r[1]: VerdictRow(*r[:n], people(*r[n:])) for r in rows}


def representative_captures(session: Session, source_ids: Iterable[int]) -> dict[int, CaptureRow]:
    """Source id -> the capture that represents it (its newest `cite` capture), in one query."""
    ids = list(set(source_ids))
    if not ids:
        return {}
    stmt = select(*_CAPTURE).where(among(session, Capture.source_id, ids), Capture.purpose == "cite")
    return {cap.source_id: cap for cap in _rows(session, CaptureRow, stmt.order_by(Capture.id))}  # newest stays


def sources_of(session: Session, claim_ids: Iterable[int], *, captures: bool = True) -> dict[int, list[SourceView]]:
    """Claim id -> its active sources in the order they were added, each with the capture that represents it,
    in two queries (one, and no captures, with captures=False)."""
    ids = list(set(claim_ids))
    if not ids:
        return {}
    rows = _rows(session, SourceRow, select(*_SOURCE).where(among(session, Source.claim_id, ids),
                                                            Source.removed_at.is_(None)).order_by(Source.id))
    archived = representative_captures(session, [s.id for s in rows]) if captures else {}
    found: dict[int, list[SourceView]] = {}
    for s in rows:
        found.setdefault(s.claim_id, []).append(SourceView(s, archived.get(s.id)))
    return found


def signoffs(session: Session, claim_ids: Iterable[int], *, people: _People | None = None) \
        -> dict[int, tuple[UserRef | None, datetime]]:
    """Claim id -> (who, when) of the event that published it last, in one query."""
    ids = list(set(claim_ids))
    if not ids:
        return {}
    people = people or _People()
    rows = session.execute(select(Event.claim_id, Event.created_at, *_user_columns(User)).select_from(Event)
                           .outerjoin(User, User.id == Event.actor_id)
                           .where(among(session, Event.claim_id, ids), Event.field == "status",
                                  Event.new == _PUBLISHED).order_by(Event.id))
    return {r[0]: (people(*r[2:]), r[1]) for r in rows}  # ascending ids: the last sign-off stays


def _by_claim(session: Session, row_type, stmt) -> dict[int, list]:
    found: dict[int, list] = {}
    for r in _rows(session, row_type, stmt):
        found.setdefault(r.claim_id, []).append(r)
    return found


# --- views -----------------------------------------------------------------------------------------

def _page(session: Session, ids: list[int], *, articles: dict, people: _People, with_history: bool,
          sources: bool, captures: bool, corrections: bool) -> list[ClaimView]:
    """Outgoing views of up to a page of claims, in the order of `ids`."""
    claims = {c.id: c for c in _rows(session, ClaimRow, select(*_CLAIM).where(among(session, Claim.id, ids)))}
    missing = {c.article_id for c in claims.values()} - articles.keys()
    if missing:
        stmt = select(*_ARTICLE).where(among(session, Article.id, missing))
        articles.update((a.id, a) for a in _rows(session, ArticleRef, stmt))
    published = [c.id for c in claims.values() if c.status == _PUBLISHED]
    verdicts = latest_verdicts(session, published, people=people)
    signed = signoffs(session, published, people=people)
    evidence = sources_of(session, ids, captures=captures) if sources else {}
    notes = _by_claim(session, CommentRow, select(*_COMMENT).where(
        among(session, Comment.claim_id, published), Comment.kind == "correction").order_by(Comment.id)) \
        if published and corrections else {}
    history = _by_claim(session, EventRow, select(*_EVENT).where(among(session, Event.claim_id, ids))
                        .order_by(Event.id)) if with_history else {}
    views = []
    for cid in ids:
        claim = claims.get(cid)
        if claim is None:
            continue
        verdict = verdicts.get(cid)
        by, at = signed.get(cid, (None, None))
        views.append(ClaimView(claim, articles[claim.article_id], verdict, verdict.proposer if verdict else None,
                               by, at, notes.get(cid, []), evidence.get(cid, []), history.get(cid, [])))
    return views


def claim_views(session: Session, *, claim_ids: list[int], with_history: bool = False, sources: bool = True,
                captures: bool = True, corrections: bool = True, chunk: int = PAGE) -> Iterator[ClaimView]:
    """Outgoing views of the given claims, in their order, a page at a time so memory stays flat.

    A renderer that shows no sources, captures or corrections says so (see exports.tabular.READS), and those rows
    are not read: its views carry none of them (or sources without a capture)."""
    articles: dict[int, ArticleRef] = {}
    people = _People()
    for i in range(0, len(claim_ids), chunk):
        yield from _page(session, claim_ids[i:i + chunk], articles=articles, people=people,
                         with_history=with_history, sources=sources, captures=captures and sources,
                         corrections=corrections)


def desk_view(session: Session, *, claim: Claim, article: Article) -> ClaimView:
    """The claim page's view of one claim: its latest verdict whatever the status (the desk sees drafts), and its
    sources with their captures."""
    verdict = latest_verdicts(session, [claim.id]).get(claim.id)
    return ClaimView(claim=claim, article=article, verdict=verdict, checker=verdict.proposer if verdict else None,
                     sources=sources_of(session, [claim.id]).get(claim.id, []))


def article_report(session: Session, *, article_id: int) -> ArticleReport:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"There is no article #{article_id}.")
    claims = list(session.execute(select(Claim).where(Claim.article_id == article_id, Claim.merged_into_id.is_(None))
                                  .order_by(Claim.start, Claim.id)).scalars())
    published = [c.id for c in claims if c.status == ClaimStatus.published]
    open_ = [c for c in claims if c.status in (ClaimStatus.new, ClaimStatus.in_progress, ClaimStatus.in_review)]
    return ArticleReport(article=article, published=list(claim_views(session, claim_ids=published)),
                         not_yet_verified=open_,
                         brought_in_by=session.get(User, article.created_by_id) if article.created_by_id else None)


def claim_ids_for(session: Session, *, filter, actor: User) -> list[int]:
    """Every claim id a queue filter selects, in the queue's order, in one statement."""
    from factcheck.services import queue

    return queue.claim_ids(session, filter=filter, actor=actor)
