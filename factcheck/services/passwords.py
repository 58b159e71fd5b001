"""Passwords: changing one, and admin-issued one-time reset links (what the desk accepts as a password is in
services/password_rules).

Every change ends the account's other sessions. A reset link is a random token shown
once to the admin who made it; only its SHA-256 digest is kept, it expires, and using it (or issuing a
newer one, or any password change) makes it worthless.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from factcheck.errors import ValidationError
from factcheck.models import User, utcnow
from factcheck.services import users
from factcheck.services.password_rules import (  # noqa: F401
    MAX_PASSWORD,
    MIN_PASSWORD,
    common_passwords,
    password_problem,
    require_good_password,
)

RESET_TTL = timedelta(hours=24)
RESET_PREFIX = "fcr_"


def set_password(session: Session, *, user: User, password: str, field: str = "password") -> None:
    """Give the account a new password: its other sessions end and any reset link stops working."""
    require_good_password(password, username=user.username, field=field)
    user.password_hash = users.hash_password(password)
    user.password_changed_at = utcnow()
    user.reset_token_hash = None
    user.reset_expires_at = None
    users.end_sessions(user)
    session.add(user)


def change_password(session: Session, *, user: User, current: str, new: str) -> None:
    """A signed-in person changes their own password; the current one is required."""
    try:
        users.hasher().verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        message = "That is not your current password."
        raise ValidationError(message, fields={"current": message}) from None
    if current == new:
        message = "The new password is the same as the current one."
        raise ValidationError(message, fields={"new": message})
    set_password(session, user=user, password=new, field="new")


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_reset_link_token(session: Session, *, user: User, ttl: timedelta = RESET_TTL) -> tuple[str, datetime]:
    """A new one-time reset token for `user` (any earlier one stops working) and when it expires."""
    if not user.active:
        raise ValidationError(f"{user.username} is deactivated; reactivate the account before resetting it.")
    raw = RESET_PREFIX + secrets.token_urlsafe(32)
    user.reset_token_hash = _digest(raw)
    user.reset_expires_at = utcnow() + ttl
    session.add(user)
    return raw, user.reset_expires_at


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def user_for_reset(session: Session, *, raw: str) -> User | None:
    """The active account this unexpired, unused reset token belongs to, or None."""
    if not raw.startswith(RESET_PREFIX) or len(raw) > 200:
        return None
    user = session.exec(select(User).where(User.reset_token_hash == _digest(raw))).first()
    if user is None or not user.active or user.reset_expires_at is None:
        return None
    if _aware(user.reset_expires_at) <= utcnow():
        return None
    return user


def redeem_reset_link(session: Session, *, raw: str, password: str) -> User:
    """Set a new password through a reset token; the token is spent whatever happens next."""
    user = user_for_reset(session, raw=raw)
    if user is None:
        raise ValidationError(EXPIRED_LINK)
    set_password(session, user=user, password=password)
    return user


EXPIRED_LINK = ("This reset link has expired, was already used, or was replaced by a newer one. "
                "Ask an admin for a new link.")
