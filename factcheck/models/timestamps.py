"""Trusted timestamps (RFC 3161) of evidence: one durable job per thing stamped, holding the token once granted."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field

from factcheck.models.base import utcnow
from factcheck.models.jobs import JobRow


class Timestamp(JobRow, table=True):
    """A timestamp token asked of the newsroom's time-stamping authority for one digest: a capture's WARC, or the
    manifest of an evidence bundle built in the background. `done` = the token is here and was checked."""

    __tablename__ = "timestamps"
    __table_args__ = (UniqueConstraint("subject", "subject_id", name="uq_timestamps_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=16)              # "capture" (its WARC) or "export" (its bundle's manifest.json)
    subject_id: int
    digest: str = Field(max_length=64)               # the SHA-256 (hex) the token must stamp
    tsa_url: str = Field(max_length=2048)
    token: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))  # the .tsr (DER)
    tsa_name: str | None = Field(default=None, max_length=255)   # the signing certificate's common name
    stamped_at: datetime | None = None               # the authority's clock (genTime)
    serial: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
