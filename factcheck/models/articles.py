from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from factcheck.models.base import utcnow


class ClaimStatus(StrEnum):
    candidate = "candidate"      # a sentence below the threshold; an editor may promote it
    new = "new"
    in_progress = "in_progress"
    in_review = "in_review"
    published = "published"
    dismissed = "dismissed"


class Article(SQLModel, table=True):
    __tablename__ = "articles"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    url: str | None = Field(default=None, max_length=2048)
    byline: str = Field(default="", max_length=500)  # the names only: "Jane Doe", never "By Jane Doe"
    outlet: str = Field(default="", max_length=200)  # who published it; "" = not known (the URL's site then)
    published_on: date | None = None
    body: str = Field(sa_column=Column(Text, nullable=False))
    boilerplate: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    language: str = Field(default="", max_length=8)  # ISO 639-1; "" = not known
    threshold: float = Field(default=0.5)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class Claim(SQLModel, table=True):
    __tablename__ = "claims"
    # Keyset pagination walks (sort key, id) pairs; these keep every page an index range scan.
    __table_args__ = (
        Index("ix_claims_score_id", "score", "id"),
        Index("ix_claims_due_id", "due_at", "id"),
        Index("ix_claims_created_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    start: int
    end: int
    original_text: str = Field(sa_column=Column(Text, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    score: float = Field(index=True)
    reasons: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    checkworthy: bool = False
    status: str = Field(default=ClaimStatus.new.value, max_length=16, index=True)
    status_reason: str = Field(default="", max_length=1000)
    # Who made the claim (ClaimReview's itemReviewed.author): a speaker or an organisation the article quotes.
    # "" = the article's outlet, as an organisation.
    claimant: str = Field(default="", max_length=300)
    claimant_kind: str = Field(default="", max_length=16)  # "person" | "organization" | "" (with no claimant)
    merged_into_id: int | None = Field(default=None, foreign_key="claims.id")
    # Claims that came in together (one article, or articles brought in within a day of each other) and say the
    # same thing share the id of the group's first claim, set by the matching job (services/matching.py).
    alike_id: int | None = Field(default=None, index=True)
    assignee_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    due_at: datetime | None = None
    published_at: datetime | None = Field(default=None, index=True)
    priority: int = 0
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

