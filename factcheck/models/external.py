"""Other organisations' fact-checks (ClaimReview), imported to be matched beside the desk's own and shown apart."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, LargeBinary, Text
from sqlmodel import Field, SQLModel

from factcheck.models.base import utcnow


class ExternalFactCheck(SQLModel, table=True):
    """One ClaimReview published by another organisation; its URL is its identity (imported once)."""

    __tablename__ = "external_factchecks"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2048, unique=True)
    publisher: str = Field(default="", max_length=300)
    claim_reviewed: str = Field(sa_column=Column(Text, nullable=False))
    claimant: str = Field(default="", max_length=300)
    rating: str = Field(default="", max_length=300)          # the publisher's own words ("False", "Mostly true")
    title: str = Field(default="", max_length=1000)
    review_date: date | None = None
    language: str = Field(default="", max_length=16)
    model: str = Field(default="", max_length=64)              # the encoder of `vector`
    vector: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    imported_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class FactcheckFeed(SQLModel, table=True):
    """An address that serves ClaimReview (JSON, or a page with structured data), re-read on a schedule by the
    `factcheck.read_factcheck_feeds` job. Its last outcome is kept on the row for the admin page."""

    __tablename__ = "factcheck_feeds"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2048, unique=True)
    active: bool = Field(default=True)
    every_minutes: int = Field(default=60)                     # at least services.feeds.MIN_MINUTES apart
    etag: str = Field(default="", max_length=512)              # the last answer's ETag, sent as If-None-Match
    last_modified: str = Field(default="", max_length=128)     # its Last-Modified, sent as If-Modified-Since
    next_read_at: datetime | None = None                       # not read again before (the interval, a backoff)
    last_tried_at: datetime | None = None
    last_read_at: datetime | None = None                       # the last answer read (or "not modified")
    last_outcome: str = Field(default="", max_length=16)       # imported | not_modified | failed
    last_added: int = Field(default=0)
    last_known: int = Field(default=0)
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    failed_at: datetime | None = None
    failures: int = Field(default=0)                           # in a row; the backoff grows with them
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
