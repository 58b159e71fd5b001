"""Telling people: notifications inside the desk, each person's choice per kind, and webhooks to other systems."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from factcheck.models.base import utcnow
from factcheck.models.jobs import JobRow

# What a person can be told about, and the ways they can choose to hear about each, in the newsroom's words.
KINDS = {
    "assigned": "Assigned to you",
    "sent_back": "Sent back to you",
    "review": "Submitted for review",
    "published": "Published",
    "corrected": "Reopened for a correction",
    "comment": "A comment on your claim",
    "mention": "You were mentioned",
    "due_soon": "Due tomorrow",
    "overdue": "Overdue",
}
CHANNELS = {"app": "In the app", "email": "By email now", "digest": "In a daily digest", "off": "Not at all"}


class Notification(SQLModel, table=True):
    """Something a person should know about a claim: it was assigned to them, sent back, is due, ..."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),
                      UniqueConstraint("user_id", "once_key", name="uq_notifications_once"))

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    kind: str = Field(max_length=32)                 # KINDS
    claim_id: int | None = Field(default=None, foreign_key="claims.id")
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # a comment, a reason
    channel: str = Field(default="app", max_length=16)   # the person's choice when it was raised
    once_key: str | None = Field(default=None, max_length=64)  # reminders: one per claim and due date
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
    emailed_at: datetime | None = None


class NotificationPreference(SQLModel, table=True):
    """How one person wants to hear about one kind of notification (no row: in the app)."""

    __tablename__ = "notification_preferences"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    kind: str = Field(max_length=32, primary_key=True)
    channel: str = Field(max_length=16)              # app | email | digest | off


class Webhook(SQLModel, table=True):
    """An endpoint of another system told about claim events, signed with its secret."""

    __tablename__ = "webhooks"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2048)
    secret: str = Field(max_length=128)
    events: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = Field(default=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class WebhookDelivery(JobRow, table=True):
    """One event sent to one webhook: a durable job, retried with backoff; its log is the row."""

    __tablename__ = "webhook_deliveries"

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhooks.id", index=True)
    event: str = Field(max_length=32)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    response_status: int | None = None
    delivered_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class EmailMessage(JobRow, table=True):
    """One email to one person: a notification now, or the day's digest of several; or, to a reader who left an
    address with a request, its confirmation or "your claim was published". A durable job; the message is written
    when it is sent, from the notifications or the request it names."""

    __tablename__ = "email_messages"
    __table_args__ = (UniqueConstraint("user_id", "once_key", name="uq_email_messages_once"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)   # a desk user, or
    request_id: int | None = Field(default=None, foreign_key="public_requests.id", index=True)  # a reader
    kind: str = Field(default="now", max_length=16)          # now | digest; to a reader: confirm | published
    notification_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    once_key: str | None = Field(default=None, max_length=64)   # a digest: one per person and day
    to_address: str = Field(default="", max_length=254)       # as it was sent
    subject: str = Field(default="", max_length=255)
    sent_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
