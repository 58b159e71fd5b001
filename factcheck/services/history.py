"""The append-only history of claims and articles. Every event recorded here is also handed to
services/notifications, the one place that turns events into notifications and webhook deliveries."""
from __future__ import annotations

from sqlmodel import Session, select

from factcheck.models import Claim, Comment, Event, User
from factcheck.services import notifications


def record(session: Session, *, actor: User | None, kind: str, claim: Claim | None = None,
           article_id: int | None = None, field: str = "", old: object = None, new: object = None,
           detail: dict | None = None, comment: Comment | None = None) -> Event:
    """Add one event (`comment`: the comment this event is, for its notifications; it is stored on its own)."""
    event = Event(
        article_id=article_id if article_id is not None else (claim.article_id if claim else None),
        claim_id=claim.id if claim else None,
        actor_id=actor.id if actor else None,
        kind=kind,
        field=field,
        old=None if old is None else str(old),
        new=None if new is None else str(new),
        detail=detail or {},
    )
    session.add(event)
    notifications.from_event(session, event=event, claim=claim, actor=actor, comment=comment)
    return event


def last_change(session: Session, *, claim_id: int) -> tuple[Event, User | None] | None:
    row = session.exec(
        select(Event, User).join(User, Event.actor_id == User.id, isouter=True)
        .where(Event.claim_id == claim_id).order_by(Event.id.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def for_claim(session: Session, *, claim_id: int) -> list[tuple[Event, User | None]]:
    rows = session.exec(
        select(Event, User).join(User, Event.actor_id == User.id, isouter=True)
        .where(Event.claim_id == claim_id).order_by(Event.id.desc())
    ).all()
    return [(e, u) for e, u in rows]
