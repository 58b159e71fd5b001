"""Accounts: create, authenticate, change role, deactivate."""
from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, func, select

from factcheck.errors import NotFound, ValidationError
from factcheck.models import Role, User
from factcheck.services.password_rules import require_good_password

_hasher = PasswordHasher()
# Verified when the account does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("factcheck-timing-equaliser")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def hasher() -> PasswordHasher:
    """The desk's argon2id hasher; a stored hash made with other parameters is rehashed at next sign-in."""
    return _hasher


def end_sessions(user: User) -> None:
    """Raise the session generation: every session and remember cookie of `user` ends at its next request."""
    user.session_epoch = (user.session_epoch or 0) + 1


def sign_out_everywhere(session: Session, *, user: User) -> None:
    end_sessions(user)
    session.add(user)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def validate_username(username: str) -> str:
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            "A username is 2 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.",
            fields={"username": "Not a valid username."},
        )
    return username


def create_user(session: Session, *, username: str, role: str = Role.checker.value, password: str | None = None,
                display_name: str = "") -> tuple[User, str]:
    """Create an account; returns the user and the password (generated when none is given)."""
    username = validate_username(username)
    if role not in {r.value for r in Role}:
        raise ValidationError(f"Unknown role {role!r}; choose admin, editor or checker.", fields={"role": "Unknown role."})
    if session.exec(select(User).where(func.lower(User.username) == username.lower())).first():
        raise ValidationError(f"The username {username!r} is taken.", fields={"username": "Already taken."})
    password = password if password is not None else generate_password()
    require_good_password(password, username=username)
    user = User(username=username, role=role, password_hash=hash_password(password),
                display_name=display_name.strip()[:120])
    session.add(user)
    session.flush()
    return user, password


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this name and password, or None. Never says which part was wrong."""
    user = session.exec(select(User).where(func.lower(User.username) == username.strip().lower())).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def get_user(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.active.desc(), User.username)).all())


def set_role(session: Session, *, user: User, role: str, actor: User) -> None:
    if role not in {r.value for r in Role}:
        raise ValidationError(f"Unknown role {role!r}.", fields={"role": "Unknown role."})
    if user.id == actor.id and role != Role.admin.value:
        raise ValidationError("You cannot remove your own admin role; ask another admin.")
    if user.role != role:
        end_sessions(user)  # pages opened under the old role must not go on acting with it
    user.role = role
    session.add(user)


def set_active(session: Session, *, user: User, active: bool, actor: User) -> None:
    """Deactivating ends every session and revokes every API token; reactivating revives neither: the person
    signs in again and an admin issues new tokens."""
    if user.id == actor.id and not active:
        raise ValidationError("You cannot deactivate your own account.")
    if user.active != active:
        end_sessions(user)
    if not active:
        from factcheck.services import tokens

        tokens.revoke_all(session, user=user)
    user.active = active
    session.add(user)
