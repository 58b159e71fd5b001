from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from factcheck.models.base import utcnow


class Verdict(SQLModel, table=True):
    __tablename__ = "verdicts"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True)
    rating: str = Field(max_length=64)
    rationale: str = Field(sa_column=Column(Text, nullable=False))
    claim_reviewed: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    proposed_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class Comment(SQLModel, table=True):
    __tablename__ = "comments"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="users.id")
    kind: str = Field(default="comment", max_length=16)  # comment | rejection | correction
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Event(SQLModel, table=True):
    """Append-only history: who changed what, when, from what to what."""

    __tablename__ = "events"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int | None = Field(default=None, foreign_key="articles.id", index=True)
    claim_id: int | None = Field(default=None, foreign_key="claims.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    kind: str = Field(max_length=32)
    field: str = Field(default="", max_length=32)
    old: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class NewsroomSetting(SQLModel, table=True):
    """The newsroom's own settings (threshold, rating scale, sign-off rules), editable by admins."""

    __tablename__ = "newsroom_settings"

    key: str = Field(primary_key=True, max_length=64)
    value: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
