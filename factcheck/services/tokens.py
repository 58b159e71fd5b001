"""API tokens: shown once, stored as a SHA-256 digest, revocable."""
from __future__ import annotations

import hashlib
import secrets

from sqlmodel import Session, select

from factcheck.errors import NotFound, ValidationError
from factcheck.models import ApiToken, User, utcnow

PREFIX = "fct_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, *, user: User, name: str = "") -> tuple[ApiToken, str]:
    if not user.active:
        raise ValidationError(f"{user.username} is deactivated; tokens are for active accounts.")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=" ".join(name.split())[:120], token_hash=_digest(raw))
    session.add(token)
    session.flush()
    return token, raw


def authenticate(session: Session, *, raw: str) -> User | None:
    """The active user behind a bearer token, or None."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    row = session.exec(select(ApiToken, User).join(User, ApiToken.user_id == User.id)
                       .where(ApiToken.token_hash == _digest(raw), ApiToken.revoked_at.is_(None))).first()
    if row is None or not row[1].active:
        return None
    return row[1]


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
