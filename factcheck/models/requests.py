"""Requests from the public: "check this claim" or "there is an error in your fact-check", and what became of each."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from factcheck.models.base import utcnow

REQUEST_KINDS = {"check": "Check a claim", "error": "An error in a fact-check"}
REQUEST_STATES = {"new": "New", "accepted": "Accepted", "duplicate": "Already on the desk", "declined": "Declined"}


class PublicRequest(SQLModel, table=True):
    __tablename__ = "public_requests"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="check", max_length=16)                 # REQUEST_KINDS
    claim_text: str = Field(sa_column=Column(Text, nullable=False))   # as the reader wrote it: text, never markup
    link: str = Field(default="", max_length=2048)                    # never fetched until an editor accepts
    why: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    email: str | None = Field(default=None, max_length=254)           # editors only; erased after the retention
    email_confirmed_at: datetime | None = None                        # the reader followed the confirmation link
    email_erased_at: datetime | None = None                           # erased: on request, or past the retention
    told_published_at: datetime | None = None                         # "your claim was published" was queued
    state: str = Field(default="new", max_length=16, index=True)      # REQUEST_STATES
    reason: str = Field(default="", max_length=1000)                  # why it was declined
    claim_id: int | None = Field(default=None, foreign_key="claims.id")   # the claim made of it, or it duplicates
    decided_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
