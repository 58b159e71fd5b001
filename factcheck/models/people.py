from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from factcheck.models.base import utcnow


class Role(StrEnum):
    admin = "admin"
    editor = "editor"
    checker = "checker"


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(default="", max_length=120)
    password_hash: str = Field(max_length=255)
    role: str = Field(default=Role.checker.value, max_length=16)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    # Every signed-in session and remember cookie carries the generation it was made in; raising it (sign out,
    # password or role change, deactivation, "sign out everywhere") ends them all at their next request.
    session_epoch: int = Field(default=0)
    password_changed_at: datetime | None = None
    reset_token_hash: str | None = Field(default=None, max_length=128)   # one outstanding reset link at most
    reset_expires_at: datetime | None = None
    email: str | None = Field(default=None, max_length=254)   # where notifications by email go; set by the person

    # Flask-Login protocol, kept here because it is about identity, not rules.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What a session stores: the id and the session generation, so raising the generation ends it."""
        return f"{self.id}:{self.session_epoch}"

    @property
    def label(self) -> str:
        return self.display_name or self.username


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(default="", max_length=120)
    token_hash: str = Field(max_length=128, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
