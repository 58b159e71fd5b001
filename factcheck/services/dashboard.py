"""Desk dashboard figures: a few grouped queries, bucketed in Python where SQL dialects differ."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import case, func
from sqlmodel import Session, select

from factcheck.models import Claim, ClaimStatus, Role, User, Verdict, utcnow

# The life-cycle order the desk reads the status chart in; candidates are not claims yet.
STATUS_ORDER = [ClaimStatus.new, ClaimStatus.in_progress, ClaimStatus.in_review, ClaimStatus.published,
                ClaimStatus.dismissed]
OPEN_STATUSES = [ClaimStatus.new.value, ClaimStatus.in_progress.value, ClaimStatus.in_review.value]
PER_DAY_WINDOW = 30
MEDIAN_WINDOW = 90


@dataclass
class DeskStats:
    by_status: list[tuple[str, int]]
    by_rating: list[tuple[str, int]]
    published_per_day: list[tuple[date, int]]
    workload: list[tuple[str, int, int, int]]      # (checker label, in_progress, in_review, overdue)
    median_new_to_published: timedelta | None
    total_claims: int


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _by_status(session: Session) -> list[tuple[str, int]]:
    rows = session.exec(select(Claim.status, func.count(Claim.id)).group_by(Claim.status)).all()
    counts = {status: n for status, n in rows}
    return [(s.value, int(counts.get(s.value, 0))) for s in STATUS_ORDER]


def _by_rating(session: Session, rating_scale: list[str]) -> list[tuple[str, int]]:
    latest = (select(func.max(Verdict.id).label("verdict_id"))
              .join(Claim, Claim.id == Verdict.claim_id)
              .where(Claim.status == ClaimStatus.published.value)
              .group_by(Verdict.claim_id)
              .subquery())
    rows = session.exec(select(Verdict.rating, func.count(Verdict.id))
                        .join(latest, latest.c.verdict_id == Verdict.id)
                        .group_by(Verdict.rating)).all()
    counts = {rating: int(n) for rating, n in rows}
    ordered = [(r, counts.pop(r, 0)) for r in rating_scale]
    return ordered + sorted(counts.items())     # labels no longer on the scale, alphabetically


def _published(session: Session, since: datetime) -> list[tuple[datetime, datetime]]:
    rows = session.exec(select(Claim.created_at, Claim.published_at)
                        .where(Claim.published_at.is_not(None), Claim.published_at >= since)).all()
    return [(_aware(c), _aware(p)) for c, p in rows]


def _per_day(published: list[tuple[datetime, datetime]], now: datetime) -> list[tuple[date, int]]:
    today = now.astimezone(timezone.utc).date()
    days = [today - timedelta(days=i) for i in range(PER_DAY_WINDOW - 1, -1, -1)]
    counts = dict.fromkeys(days, 0)
    for _, published_at in published:
        day = published_at.astimezone(timezone.utc).date()
        if day in counts:
            counts[day] += 1
    return [(d, counts[d]) for d in days]


def _median(published: list[tuple[datetime, datetime]], since: datetime) -> timedelta | None:
    spans = [p - c for c, p in published if p >= since]
    return statistics.median(spans) if spans else None


def _workload(session: Session, now: datetime) -> list[tuple[str, int, int, int]]:
    checkers = session.exec(select(User).where(User.role == Role.checker.value, User.active.is_(True))).all()
    if not checkers:
        return []
    overdue = case((Claim.status.in_(OPEN_STATUSES) & Claim.due_at.is_not(None) & (Claim.due_at < now), 1), else_=0)
    rows = session.exec(
        select(Claim.assignee_id,
               func.sum(case((Claim.status == ClaimStatus.in_progress.value, 1), else_=0)),
               func.sum(case((Claim.status == ClaimStatus.in_review.value, 1), else_=0)),
               func.sum(overdue))
        .where(Claim.assignee_id.in_([u.id for u in checkers]))
        .group_by(Claim.assignee_id)).all()
    per_user = {uid: (int(a or 0), int(b or 0), int(c or 0)) for uid, a, b, c in rows}
    checkers = sorted(checkers, key=lambda u: (u.label.casefold(), u.id))
    return [(u.label, *per_user.get(u.id, (0, 0, 0))) for u in checkers]


def desk_stats(session: Session, *, rating_scale: list[str], now: datetime | None = None) -> DeskStats:
    """Everything the dashboard shows. `now` is for tests; it defaults to the current UTC time.

    total_claims counts claims past the candidate stage, so it equals the sum of `by_status`.
    Overdue means assigned, still open (new, in progress or in review) and past `due_at`.
    """
    now = _aware(now or utcnow()).astimezone(timezone.utc)
    per_day_start = datetime.combine(now.date() - timedelta(days=PER_DAY_WINDOW - 1), datetime.min.time(),
                                     tzinfo=timezone.utc)
    median_start = now - timedelta(days=MEDIAN_WINDOW)
    published = _published(session, min(per_day_start, median_start))
    by_status = _by_status(session)
    return DeskStats(
        by_status=by_status,
        by_rating=_by_rating(session, rating_scale),
        published_per_day=_per_day([p for p in published if p[1] <= now], now),
        workload=_workload(session, now),
        median_new_to_published=_median([p for p in published if p[1] <= now], median_start),
        total_claims=sum(n for _, n in by_status),
    )
