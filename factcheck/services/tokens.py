"""API tokens: shown once, stored as a SHA-256 digest, revocable, optionally expiring.

A token works while it is not revoked, not past its expiry and its account is active. Deactivating an
account revokes its tokens, so reactivating it never brings an old token back. The time a token was last
used is kept to the minute (written at most once a minute, in its own short transaction, so a burst of
API calls does not turn every read into a write).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import update
from sqlmodel import Session, select

from factcheck.errors import NotFound, ValidationError
from factcheck.models import ApiToken, User, utcnow

PREFIX = "fct_"
MAX_DAYS = 3650
LAST_USED_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def create_token(session: Session, *, user: User, name: str = "", expires_in_days: int | None = None
                 ) -> tuple[ApiToken, str]:
    if not user.active:
        raise ValidationError(f"{user.username} is deactivated; tokens are for active accounts.")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_DAYS:
        message = f"A token may expire after 1 to {MAX_DAYS:,} days, or never."
        raise ValidationError(message, fields={"expires_in_days": message})
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=" ".join(name.split())[:120], token_hash=_digest(raw),
                     expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None)
    session.add(token)
    session.flush()
    return token, raw


def usable(token: ApiToken, *, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return token.revoked_at is None and (token.expires_at is None or _aware(token.expires_at) > now)


def authenticate(session: Session, *, raw: str) -> User | None:
    """The active user behind a bearer token, or None. Notes the time of use."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    row = session.exec(select(ApiToken, User).join(User, ApiToken.user_id == User.id)
                       .where(ApiToken.token_hash == _digest(raw), ApiToken.revoked_at.is_(None))).first()
    if row is None or not row[1].active:
        return None
    token, user = row
    now = utcnow()
    if not usable(token, now=now):
        return None
    last = _aware(token.last_used_at)
    if last is None or now - last >= LAST_USED_EVERY:
        # Its own connection and transaction: the request's session stays free of writes until its own.
        with session.get_bind().begin() as conn:
            conn.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    return user


def list_tokens(session: Session) -> list[tuple[ApiToken, User]]:
    return [(t, u) for t, u in session.exec(select(ApiToken, User).join(User, ApiToken.user_id == User.id)
                                              .order_by(ApiToken.id.desc())).all()]


def revoke(session: Session, *, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"There is no token #{token_id}.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
    return token


def revoke_all(session: Session, *, user: User) -> int:
    """Revoke every live token of `user`; returns how many."""
    live = session.exec(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    now = utcnow()
    for token in live:
        token.revoked_at = now
        session.add(token)
    return len(live)
