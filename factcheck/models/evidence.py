from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from factcheck.models.base import utcnow
from factcheck.models.jobs import JobRow


class Stance(StrEnum):
    supports = "supports"
    refutes = "refutes"
    context = "context"


class Source(SQLModel, table=True):
    """A cited source. From an article's "Sources" list it starts with a title and no URL,
    waiting for a checker to attach one; on a claim it carries a stance and a note."""

    __tablename__ = "sources"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    claim_id: int | None = Field(default=None, foreign_key="claims.id", index=True)
    url: str | None = Field(default=None, max_length=2048)
    title: str = Field(default="", max_length=1000)
    stance: str | None = Field(default=None, max_length=16)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    position: int = 0
    version: int = 1
    # what the latest re-check found: "" (not re-checked yet), "ok", "gone", "changed"
    health: str = Field(default="", max_length=16)
    health_reason: str = Field(default="", max_length=1000)
    removed_at: datetime | None = None  # removed sources stay for the history and the evidence trail
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Capture(JobRow, table=True):
    """One archiving job for a source URL; the row is the truth, the queue only a doorbell. `done` = archived."""

    __tablename__ = "captures"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="sources.id", index=True)
    purpose: str = Field(default="cite", max_length=16)  # "cite" when the source is added, "recheck" later
    final_url: str | None = Field(default=None, max_length=2048)
    http_status: int | None = None
    headers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content_type: str | None = Field(default=None, max_length=255)
    size: int | None = None
    sha256: str | None = Field(default=None, max_length=64)
    title: str | None = Field(default=None, max_length=1000)
    warc_path: str | None = Field(default=None, max_length=1024)
    text_path: str | None = Field(default=None, max_length=1024)
    screenshot_path: str | None = Field(default=None, max_length=1024)
    captured_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Export(JobRow, table=True):
    """A report or export built in the background, with its progress, then downloaded."""

    __tablename__ = "exports"

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=16)              # "article" or "queue"
    article_id: int | None = Field(default=None, foreign_key="articles.id")
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # queue filter
    format: str = Field(max_length=16)
    done: int = 0
    total: int = 0
    file_path: str | None = Field(default=None, max_length=1024)
    filename: str = Field(default="", max_length=255)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
