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
