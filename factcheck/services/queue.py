"""The claim queue: filter, sort and page through claims; a checker's own work; the desk's workload.

Pure data access. Pagination is keyset: every sort is total (the claim id breaks ties), and the next
page starts strictly after the last row's (key, id), so claims added meanwhile never duplicate or
skip a row that existed when the first page was fetched.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from factcheck.errors import ValidationError
from factcheck.models import Article, Claim, ClaimMatch, ClaimStatus, Comment, Role, User, utcnow
from factcheck.services.users import USERNAME_RE

OPEN = ("new", "in_progress", "in_review")
STATUSES = tuple(s.value for s in ClaimStatus)
DUE_CHOICES = ("any", "overdue", "due_week", "has_due", "no_due")
MAX_Q = 200
MAX_LIMIT = 200
BAD_CURSOR = "This page link is no longer valid; start from the first page."


@dataclass(frozen=True)
class Sort:
    column: str          # attribute of Claim
    descending: bool
    nullable: bool       # NULLs sort last, whatever the direction
    label: str


SORTS: dict[str, Sort] = {
    "score": Sort("score", descending=True, nullable=False, label="Most check-worthy first"),
    "due": Sort("due_at", descending=False, nullable=True, label="Due soonest first"),
    "newest": Sort("created_at", descending=True, nullable=False, label="Newest first"),
    "oldest": Sort("created_at", descending=False, nullable=False, label="Oldest first"),
}


def _invalid(name: str, message: str) -> ValidationError:
    return ValidationError(message, fields={name: message})


@dataclass(frozen=True)
class QueueFilter:
    status: tuple[str, ...] = OPEN
    assignee: str = "anyone"
    article_id: int | None = None
    min_score: float | None = None
    max_score: float | None = None
    due: str = "any"
    q: str = ""
    sort: str = "score"
    past_match: bool = False     # only claims that look like a past claim (Checked before?)
    alike: int | None = None     # only the claims of this group of claims that say the same thing

    def __post_init__(self) -> None:
        raw = self.status.split(",") if isinstance(self.status, str) else self.status
        status = tuple(dict.fromkeys(s.strip() for s in raw if s.strip())) or OPEN
        unknown = [s for s in status if s != "all" and s not in STATUSES]
        if unknown:
            raise _invalid("status", f"{unknown[0]!r} is not a claim status; choose from {', '.join(STATUSES)} or all.")
        # "all" wins over any other status; otherwise keep the workflow's order so equal filters compare equal.
        object.__setattr__(self, "status", ("all",) if "all" in status else tuple(s for s in STATUSES if s in status))
        assignee = self.assignee.strip() or "anyone"
        if assignee not in ("anyone", "me", "unassigned") and not USERNAME_RE.match(assignee):
            raise _invalid("assignee", "Assignee must be anyone, me, unassigned or a username.")
        object.__setattr__(self, "assignee", assignee)
        if self.article_id is not None and (isinstance(self.article_id, bool) or not 1 <= self.article_id <= _MAX_ID):
            raise _invalid("article_id", "The article number must be a positive whole number.")
        for name in ("min_score", "max_score"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise _invalid(name, "A score bound must be a number, such as 0.5.")
        if self.min_score is not None and self.max_score is not None and self.min_score > self.max_score:
            raise _invalid("min_score", "The lowest score must not be above the highest score.")
        if self.due not in DUE_CHOICES:
            raise _invalid("due", f"Due must be one of {', '.join(DUE_CHOICES)}.")
        q = self.q.strip()
        if len(q) > MAX_Q:
            raise _invalid("q", f"Search text can be at most {MAX_Q} characters.")
        object.__setattr__(self, "q", q)
        if self.sort not in SORTS:
            raise _invalid("sort", f"Sort must be one of {', '.join(SORTS)}.")
        if self.alike is not None and (isinstance(self.alike, bool) or not 1 <= self.alike <= _MAX_ID):
            raise _invalid("alike", "The group must be a claim number, a positive whole number.")

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> QueueFilter:
        def values(name: str) -> list[str]:
            if hasattr(params, "getlist"):
                raw = params.getlist(name)
            else:
                raw = params.get(name, [])
                raw = [raw] if isinstance(raw, str) else list(raw)
            return [str(v) for v in raw]

        def one(name: str) -> str:
            got = values(name)
            return got[0].strip() if got else ""

        def number(name: str, kind, message: str):
            text = one(name)
            if not text:
                return None
            try:
                return kind(text)
            except ValueError:
                raise _invalid(name, message) from None

        status = tuple(part for v in values("status") for part in v.split(","))
        return cls(
            status=status,
            assignee=one("assignee") or "anyone",
            article_id=number("article_id", int, "The article number must be a positive whole number."),
            min_score=number("min_score", float, "The lowest score must be a number, such as 0.5."),
            max_score=number("max_score", float, "The highest score must be a number, such as 0.9."),
            due=one("due") or "any",
            q=one("q"),
            sort=one("sort") or "score",
            past_match=one("past_match").lower() in ("1", "true", "yes", "on"),
            alike=number("alike", int, "The group must be a claim number, a positive whole number."),
        )

    def to_params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value == f.default:
                continue
            if f.name == "status":
                value = ",".join(value)
            out[f.name] = repr(value) if isinstance(value, float) else str(value)
        return out


@dataclass
class QueueRow:
    claim: Claim
    article_title: str
    assignee: User | None
    past_match: bool = False
    alike: int = 0               # other claims of its batch of intake that say the same thing


@dataclass
class QueuePage:
    items: list[QueueRow]
    next_cursor: str | None


@dataclass(frozen=True)
class Cursor:
    sort: str
    key: float | datetime | None
    id: int


def _sort_key(sort: str, claim: Claim) -> float | datetime | None:
    return getattr(claim, SORTS[sort].column)


def encode_cursor(sort: str, claim: Claim) -> str:
    """The position just after `claim` in `sort` order, as an opaque URL-safe string."""
    key = _sort_key(sort, claim)
    payload: dict[str, Any] = {"s": sort, "i": claim.id}
    if SORTS[sort].nullable:
        payload["n"] = int(key is None)
    payload["k"] = key.isoformat() if isinstance(key, datetime) else key
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_MAX_ID = 2_147_483_647  # ids are PostgreSQL integers; a larger number names no row and the database refuses it


def _reject_constant(_name: str):
    raise ValueError("non-finite number")


def decode_cursor(token: str, *, sort: str) -> Cursor:
    """Parse a cursor made by encode_cursor for `sort`; anything else raises ValidationError."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw, parse_constant=_reject_constant)
        if not isinstance(data, dict) or data.get("s") != sort or sort not in SORTS:
            raise ValueError("cursor for another sort")
        claim_id, key, spec = data["i"], data["k"], SORTS[sort]
        if type(claim_id) is not int or not 1 <= claim_id <= _MAX_ID:
            raise ValueError("bad id")
        if spec.nullable and (type(data.get("n")) is not int or data["n"] != int(key is None)):
            raise ValueError("bad null flag")
        if sort == "score":
            if type(key) not in (int, float):
                raise ValueError("bad score")
            key = float(key)
        elif key is not None or not spec.nullable:
            key = datetime.fromisoformat(key)
            if key.utcoffset() is None:
                raise ValueError("naive datetime")
        if set(data) - {"s", "i", "k", "n"}:
            raise ValueError("unexpected field")
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        raise ValidationError(BAD_CURSOR, fields={"cursor": BAD_CURSOR}) from None
    return Cursor(sort=sort, key=key, id=claim_id)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(f: QueueFilter, actor: User, now: datetime, assignee_user) -> list:
    conds = []
    if f.status == ("all",):
        conds.append(Claim.status != ClaimStatus.candidate.value)
    else:
        conds.append(Claim.status.in_(f.status))
    if f.assignee == "me":
        conds.append(Claim.assignee_id == actor.id)
    elif f.assignee == "unassigned":
        conds.append(Claim.assignee_id.is_(None))
    elif f.assignee != "anyone":
        conds.append(func.lower(assignee_user.username) == f.assignee.lower())
    if f.article_id is not None:
        conds.append(Claim.article_id == f.article_id)
    if f.min_score is not None:
        conds.append(Claim.score >= f.min_score)
    if f.max_score is not None:
        conds.append(Claim.score <= f.max_score)
    if f.due == "overdue":
        conds += [Claim.due_at < now, Claim.status.not_in(("published", "dismissed"))]
    elif f.due == "due_week":
        conds += [Claim.due_at >= now, Claim.due_at < now + timedelta(days=7)]
    elif f.due == "has_due":
        conds.append(Claim.due_at.is_not(None))
    elif f.due == "no_due":
        conds.append(Claim.due_at.is_(None))
    if f.q:
        conds.append(Claim.text.ilike(f"%{_escape_like(f.q)}%", escape="\\"))
    if f.past_match:
        conds.append(_has_past_match())
    if f.alike is not None:
        conds.append(Claim.alike_id == f.alike)
    return conds


def _has_past_match():
    """The claim has a past match nobody ignored (stored by the matching job, services/matching.py)."""
    return (select(ClaimMatch.id).where(ClaimMatch.claim_id == Claim.id, ClaimMatch.decision != "ignored")
            .exists())


def _count_alike(session: Session, items: list[QueueRow]) -> None:
    """Each row's number of other claims in its group of claims that say the same thing (one query a page)."""
    groups = {row.claim.alike_id for row in items if row.claim.alike_id is not None}
    if not groups:
        return
    sizes = dict(session.execute(
        select(Claim.alike_id, func.count(Claim.id)).where(Claim.alike_id.in_(groups), Claim.merged_into_id.is_(None),
                                                           Claim.status != ClaimStatus.candidate.value)
        .group_by(Claim.alike_id)).all())
    for row in items:
        if row.claim.alike_id is not None:
            row.alike = max(0, sizes.get(row.claim.alike_id, 1) - 1)


def _order_by(spec: Sort) -> list:
    col = getattr(Claim, spec.column)
    if spec.descending:
        order = [col.desc(), Claim.id.desc()]
    else:
        order = [col.asc(), Claim.id.asc()]
    if spec.nullable:  # (due_at IS NULL, due_at, id): NULLs last on every database
        order.insert(0, case((col.is_(None), 1), else_=0))
    return order


def _after(spec: Sort, cur: Cursor):
    col = getattr(Claim, spec.column)
    if spec.nullable and cur.key is None:
        return and_(col.is_(None), Claim.id > cur.id)
    beyond, id_beyond = (col < cur.key, Claim.id < cur.id) if spec.descending else (col > cur.key, Claim.id > cur.id)
    after = or_(beyond, and_(col == cur.key, id_beyond))
    return or_(after, col.is_(None)) if spec.nullable else after


def list_claims(session: Session, *, filter: QueueFilter, actor: User, limit: int = 50, cursor: str | None = None,
                now: datetime | None = None) -> QueuePage:
    """One page of the queue in one SQL statement; pass next_cursor back for the following page."""
    spec, now = SORTS[filter.sort], now or utcnow()
    limit = max(1, min(MAX_LIMIT, int(limit)))
    assignee = aliased(User)
    stmt = (select(Claim, Article.title, assignee, _has_past_match()).join(Article, Article.id == Claim.article_id)
            .outerjoin(assignee, assignee.id == Claim.assignee_id)
            .where(*_conditions(filter, actor, now, assignee)))
    if cursor:
        stmt = stmt.where(_after(spec, decode_cursor(cursor, sort=filter.sort)))
    rows = session.execute(stmt.order_by(*_order_by(spec)).limit(limit + 1)).all()
    items = [QueueRow(claim=c, article_title=title, assignee=u, past_match=bool(past))
             for c, title, u, past in rows[:limit]]
    _count_alike(session, items)
    more = len(rows) > limit
    return QueuePage(items=items, next_cursor=encode_cursor(filter.sort, items[-1].claim) if more else None)


def claim_ids(session: Session, *, filter: QueueFilter, actor: User, now: datetime | None = None) -> list[int]:
    """Every claim id the filter selects, in the order of its pages, in one statement (for exports)."""
    assignee = aliased(User)
    stmt = (select(Claim.id).select_from(Claim).outerjoin(assignee, assignee.id == Claim.assignee_id)
            .where(*_conditions(filter, actor, now or utcnow(), assignee)).order_by(*_order_by(SORTS[filter.sort])))
    return list(session.execute(stmt).scalars())


def count_claims(session: Session, *, filter: QueueFilter, actor: User, now: datetime | None = None,
                 cap: int | None = None) -> int:
    """How many claims match; with `cap`, counting stops there (a page header needs "1,000+", not a full scan)."""
    assignee = aliased(User)
    matching = (select(Claim.id).select_from(Claim)
                .outerjoin(assignee, assignee.id == Claim.assignee_id)
                .where(*_conditions(filter, actor, now or utcnow(), assignee)))
    if cap is not None:
        matching = matching.limit(cap + 1)
    stmt = select(func.count()).select_from(matching.subquery())
    return int(session.execute(stmt).scalar_one())


@dataclass
class MyWork:
    sent_back: list[tuple[Claim, Comment]] = field(default_factory=list)
    assigned: list[Claim] = field(default_factory=list)
    in_review: list[Claim] = field(default_factory=list)


def my_work(session: Session, *, actor: User, now: datetime | None = None) -> MyWork:
    """The actor's desk in two statements: work sent back by an editor, other work in hand, work awaiting sign-off."""
    inner = aliased(Comment)
    latest = (select(inner.id).where(inner.claim_id == Claim.id)
              .order_by(inner.created_at.desc(), inner.id.desc()).limit(1).correlate(Claim).scalar_subquery())
    due_order = _order_by(SORTS["due"])
    mine = Claim.assignee_id == actor.id
    rows = session.execute(
        select(Claim, Comment).outerjoin(Comment, Comment.id == latest)
        .where(mine, Claim.status == ClaimStatus.in_progress.value).order_by(*due_order)
    ).all()
    work = MyWork()
    for claim, comment in rows:
        if comment is not None and comment.kind == "rejection":
            work.sent_back.append((claim, comment))
        else:
            work.assigned.append(claim)
    work.sent_back.sort(key=lambda pair: (pair[1].created_at, pair[1].id), reverse=True)
    work.in_review = list(session.execute(
        select(Claim).where(mine, Claim.status == ClaimStatus.in_review.value).order_by(*due_order)
    ).scalars().all())
    return work


@dataclass
class WorkloadRow:
    user: User
    open: int
    overdue: int
    in_review: int


def workload(session: Session, *, now: datetime | None = None) -> list[WorkloadRow]:
    """Per person: claims in hand, overdue ones, ones awaiting sign-off. Active checkers always appear."""
    now = now or utcnow()
    held = (ClaimStatus.in_progress.value, ClaimStatus.in_review.value)

    def tally(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    open_ = tally(Claim.status == ClaimStatus.in_progress.value)
    stmt = (
        select(User, open_.label("open"), tally(and_(Claim.status.in_(held), Claim.due_at < now)),
               tally(Claim.status == ClaimStatus.in_review.value))
        .outerjoin(Claim, and_(Claim.assignee_id == User.id, Claim.status.in_(held)))
        .group_by(User.id)
        .having(or_(and_(User.role == Role.checker.value, User.active.is_(True)), func.count(Claim.id) > 0))
        .order_by(open_.desc(), User.username)
    )
    return [WorkloadRow(user=u, open=int(o), overdue=int(d), in_review=int(r))
            for u, o, d, r in session.execute(stmt).all()]
