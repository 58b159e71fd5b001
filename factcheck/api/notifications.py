"""A person's notifications over the API: the bell's list and count, mark read, and how they hear about each kind.

The same service calls as the notifications page and the account page (services/notifications.py); every route
answers for the person behind the token only: someone else's notification does not exist for them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from spectree import Response

from factcheck.api.core import actor, bodyless, bp, spec, write
from factcheck.api.present import utc
from factcheck.api.schemas import ErrorOut, Text, _In
from factcheck.db import get_session
from factcheck.models import Claim, Notification, User
from factcheck.models.notifications import CHANNELS, KINDS
from factcheck.services import notifications

ID = "<int(min=1, max=2147483647):notification_id>"
ERRORS = {"HTTP_401": ErrorOut, "HTTP_503": ErrorOut}
Channel = Literal[tuple(CHANNELS)]  # type: ignore[valid-type]
MAX_OFFSET = 1_000_000


class NotificationQuery(_In):
    unread: bool = Field(False, description="Only the unread ones.")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="`next_offset` of the previous page.")


class NotificationOut(BaseModel):
    id: int
    kind: str = Field(description="One of: " + ", ".join(KINDS) + ".")
    label: str = Field(description="The kind in the desk's words, e.g. 'Sent back to you'.")
    text: str = Field(description="The comment or the reason it carries ('' for none).")
    claim_id: int | None
    claim_text: str | None
    claim_url: str | None = Field(description="The claim in this API.")
    actor: str | None = Field(description="Who caused it (a username); null for reminders.")
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    unread_count: int = Field(description="All your unread notifications, whatever the filter.")
    next_offset: int | None = Field(description="Pass as `offset` for older ones; null on the last page.")


class MarkedOut(BaseModel):
    marked: int = Field(description="How many were unread and are read now.")
    unread_count: int


# One field per kind, so the document names every kind and every way of hearing about it.
Choices = create_model("NotificationChoices", __config__=ConfigDict(extra="forbid"),
                       **{kind: (Channel | None, Field(None, description=label)) for kind, label in KINDS.items()})
ChoicesOut = create_model("NotificationChoicesOut",
                          **{kind: (Channel, Field(..., description=label)) for kind, label in KINDS.items()})


class PreferencesIn(_In):
    model_config = ConfigDict(extra="forbid")
    preferences: Choices = Field(default_factory=Choices,  # type: ignore[valid-type]
                                 description="The kinds to change; a kind left out keeps its choice.")
    email: Text | None = Field(None, max_length=254,
                               description="Where email goes; '' removes it; left out: unchanged.")


class PreferencesOut(BaseModel):
    preferences: ChoicesOut  # type: ignore[valid-type]
    email: str = Field(description="Where 'email' and 'digest' go; '' = none, so nothing is emailed.")
    channels: dict[str, str] = Field(description="Each way of hearing, in the desk's words.")


def _out(note: Notification, claim: Claim | None, by: User | None) -> NotificationOut:
    from factcheck.http import absolute_url

    return NotificationOut(id=note.id, kind=note.kind, label=KINDS.get(note.kind, note.kind), text=note.text or "",
                           claim_id=note.claim_id, claim_text=claim.text if claim else None,
                           claim_url=absolute_url("api.get_claim", claim_id=claim.id) if claim else None,
                           actor=by.username if by else None, created_at=utc(note.created_at),
                           read_at=utc(note.read_at))


@bp.get("/notifications")
@spec.validate(resp=Response(HTTP_200=NotificationPage, **ERRORS), tags=["notifications"])
def list_notifications(query: NotificationQuery):
    """Your notifications, newest first, as on the notifications page, with your unread count (the bell)."""
    page = notifications.page_for(get_session(), user_id=actor().id, unread_only=query.unread, limit=query.limit,
                                  offset=query.offset)
    return NotificationPage(items=[_out(*row) for row in page.rows], unread_count=page.unread,
                            next_offset=query.offset + query.limit if page.more else None)


@bp.post(f"/notifications/{ID}/read")
@spec.validate(resp=Response(HTTP_200=NotificationOut, HTTP_404=ErrorOut, HTTP_400=ErrorOut, HTTP_415=ErrorOut,
                             **ERRORS), tags=["notifications"])
@bodyless
def read_notification(notification_id: int):
    """Mark one of your notifications read (no body needed; marking it again changes nothing)."""
    me = actor()
    write(lambda s: notifications.mark_read(s, user=me, notification_id=notification_id))
    session = get_session()
    note = session.get(Notification, notification_id)
    return _out(note, session.get(Claim, note.claim_id) if note.claim_id else None,
                session.get(User, note.actor_id) if note.actor_id else None)


@bp.post("/notifications/read-all")
@spec.validate(resp=Response(HTTP_200=MarkedOut, HTTP_400=ErrorOut, HTTP_415=ErrorOut, **ERRORS),
               tags=["notifications"])
@bodyless
def read_all_notifications():
    """Mark all your notifications read (no body needed)."""
    me = actor()
    marked = write(lambda s: notifications.mark_all_read(s, user=me))
    return MarkedOut(marked=marked, unread_count=notifications.unread_count(get_session(), user_id=me.id))


def _preferences(user: User) -> PreferencesOut:
    return PreferencesOut(preferences=notifications.preferences(get_session(), user=user), email=user.email or "",
                          channels=dict(CHANNELS))


@bp.get("/notifications/preferences")
@spec.validate(resp=Response(HTTP_200=PreferencesOut, **ERRORS), tags=["notifications"])
def get_notification_preferences():
    """How you hear about each kind: `app` (in the app), `email` (now), `digest` (daily) or `off`; and where email
    goes. Every choice but `off` also shows the notification in the app."""
    return _preferences(actor())


@bp.put("/notifications/preferences")
@spec.validate(resp=Response(HTTP_200=PreferencesOut, HTTP_400=ErrorOut, HTTP_413=ErrorOut, HTTP_415=ErrorOut,
                             **ERRORS), tags=["notifications"])
def put_notification_preferences(json: PreferencesIn):
    """Change how you hear about some kinds, and/or where email goes, as the account page does."""
    me = actor()
    chosen = {kind: channel for kind, channel in json.preferences.model_dump().items() if channel is not None}
    write(lambda s: notifications.save_choices(s, user=me, choices=chosen,
                                               email=json.email if "email" in json.model_fields_set else None))
    return _preferences(me)
