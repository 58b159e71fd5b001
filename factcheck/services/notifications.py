"""Telling people what happened: the one place that turns history events into notifications and webhook calls.

`services/history.record` hands every event here (`from_event`) as it is recorded, in the same transaction: a
notification exists exactly when its event does. Who hears about what:

- assigned: the new assignee (not when they took the claim themselves);
- sent back: the assignee, with the editor's comment;
- review: every editor and admin but the one who submitted;
- published: the assignee, unless they published it themselves; and each confirmed reader who asked about the
  claim, by email (services/requester_contact);
- corrected (a published claim reopened for a correction): its checker, the editor who published it and everyone
  who commented on it (the people watching it), with the correction note;
- comment: the assignee, for a comment by someone else; mention: each active `@username` in a comment;
- due tomorrow / overdue: the assignee, once per claim and due date (`remind_due`, a periodic job).

Each person chooses per kind (`NotificationPreference`): in the app (the default), by email, in a daily digest,
or not at all; every choice but "not at all" also shows the notification in the app.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from factcheck.models import Claim, Comment, Event, Notification, NotificationPreference, User, utcnow
from factcheck.models.notifications import CHANNELS, KINDS
from factcheck.models.articles import ClaimStatus as S

DEFAULT_CHANNEL = "app"
EDITORS = ("editor", "admin")
MAX_TEXT = 2000
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]{1,64})")


def mentions(body: str) -> list[str]:
    """The usernames `@named` in a comment, lower-cased, each once, in order (a trailing full stop is not part
    of the name: "thanks @ana." names ana)."""
    seen: list[str] = []
    for match in MENTION.finditer(body or ""):
        name = match.group(1).rstrip(".").lower()
        if name and name not in seen:
            seen.append(name)
    return seen


def channel_for(session: Session, *, user_id: int, kind: str) -> str:
    pref = session.get(NotificationPreference, (user_id, kind))
    return pref.channel if pref is not None else DEFAULT_CHANNEL


def preferences(session: Session, *, user: User) -> dict[str, str]:
    """Kind -> channel for `user`, every kind present."""
    rows = session.exec(select(NotificationPreference).where(NotificationPreference.user_id == user.id)).all()
    chosen = {p.kind: p.channel for p in rows}
    return {kind: chosen.get(kind, DEFAULT_CHANNEL) for kind in KINDS}


def set_preferences(session: Session, *, user: User, choices: dict[str, str]) -> None:
    from factcheck.errors import ValidationError

    bad = {k: "Choose one of the offered ways." for k, v in choices.items() if k not in KINDS or v not in CHANNELS}
    if bad:
        raise ValidationError("Choose how to hear about each kind of notification.", fields=bad)
    for kind, channel in choices.items():
        pref = session.get(NotificationPreference, (user.id, kind))
        if pref is None:
            session.add(NotificationPreference(user_id=user.id, kind=kind, channel=channel))
        else:
            pref.channel = channel
            session.add(pref)


def save_choices(session: Session, *, user: User, choices: dict[str, str], email: str | None = None) -> None:
    """The account page's and the API's one save: where email goes (None: unchanged), then the chosen kinds."""
    if email is not None:
        set_email(session, user=user, email=email)
    set_preferences(session, user=user, choices=choices)


def unsubscribe(session: Session, *, user_id: int, kind: str, token: str, secret: str) -> tuple[User, list[str]]:
    """A one-click link from an email (no sign-in): stop emails of `kind` for the user; they still show in the app.
    `kind` "digest" stops the daily digest as a whole. The user and the kinds changed (none when nothing was
    emailed any more); mail_tokens.TokenProblem when the link is forged, expired or for someone or something else."""
    from factcheck.services import mail_tokens

    if kind not in KINDS and kind != "digest":
        raise mail_tokens.TokenProblem("This unsubscribe link names no kind of email the desk sends.")
    mail_tokens.check_unsubscribe(secret, user_id=user_id, kind=kind, token=token)
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise mail_tokens.TokenProblem("This unsubscribe link is for an account that no longer exists or is "
                                       "deactivated; it is sent no email.")
    current = preferences(session, user=user)
    if kind == "digest":
        changed = [k for k, channel in current.items() if channel == "digest"]
    else:
        changed = [kind] if current[kind] in ("email", "digest") else []
    set_preferences(session, user=user, choices={k: "app" for k in changed})
    return user, changed


def set_email(session: Session, *, user: User, email: str) -> None:
    """The address `user`'s notifications by email go to ("" removes it)."""
    from email.utils import parseaddr

    from factcheck.errors import ValidationError

    email = (email or "").strip()
    if email and (len(email) > 254 or parseaddr(email)[1] != email or "@" not in email
                  or any(c.isspace() for c in email)):
        problem = "Give an email address such as name@example.org."
        raise ValidationError(problem, fields={"email": problem})
    user.email = email or None
    session.add(user)


def notify(session: Session, *, user_id: int | None, kind: str, claim: Claim | None = None,
           actor: User | None = None, text: str = "", once_key: str | None = None) -> Notification | None:
    """Raise one notification for `user_id`, as they chose to hear about `kind` (None when they chose not to)."""
    if user_id is None or (actor is not None and actor.id == user_id):
        return None
    channel = channel_for(session, user_id=user_id, kind=kind)
    if channel == "off":
        return None
    note = Notification(user_id=user_id, kind=kind, claim_id=claim.id if claim else None,
                        actor_id=actor.id if actor else None, text=(text or "")[:MAX_TEXT], channel=channel,
                        once_key=once_key)
    session.add(note)
    if channel == "email":
        from factcheck.services import mail

        mail.queue_now(session, note=note, user=session.get(User, user_id))
    return note


def _editors(session: Session) -> list[int]:
    return list(session.exec(select(User.id).where(User.role.in_(EDITORS), User.active.is_(True))).all())


def _watching(session: Session, claim: Claim) -> list[int]:
    """Who follows a claim: its checker, whoever published it, and whoever commented on it (active, each once)."""
    publishers = session.exec(select(Event.actor_id).where(Event.claim_id == claim.id, Event.kind == "status",
                                                           Event.new == S.published.value)).all()
    commenters = session.exec(select(Comment.author_id).where(Comment.claim_id == claim.id)).all()
    wanted = [claim.assignee_id, *publishers, *commenters]
    active = set(session.exec(select(User.id).where(User.id.in_([u for u in wanted if u]),
                                                    User.active.is_(True))).all())
    return list(dict.fromkeys(u for u in wanted if u in active))


def _active_ids(session: Session, names: list[str]) -> dict[str, int]:
    if not names:
        return {}
    rows = session.exec(select(User.username, User.id).where(func.lower(User.username).in_(names),
                                                             User.active.is_(True))).all()
    return {name.lower(): uid for name, uid in rows}


def from_event(session: Session, *, event: Event, claim: Claim | None, actor: User | None,
               comment: Comment | None = None) -> None:
    """The notifications and webhook deliveries one history event raises (see the module's docstring)."""
    from factcheck.services import webhooks

    webhooks.from_event(session, event=event, claim=claim, actor=actor)
    if claim is None:
        return
    reason = str((event.detail or {}).get("reason") or "")
    if event.kind == "assign":
        notify(session, user_id=claim.assignee_id, kind="assigned", claim=claim, actor=actor)
    elif event.kind == "status" and event.new == S.in_review.value:
        for uid in _editors(session):
            notify(session, user_id=uid, kind="review", claim=claim, actor=actor)
    elif event.kind == "status" and (event.old, event.new) == (S.in_review.value, S.in_progress.value):
        notify(session, user_id=claim.assignee_id, kind="sent_back", claim=claim, actor=actor, text=reason)
    elif event.kind == "status" and event.new == S.published.value:
        notify(session, user_id=claim.assignee_id, kind="published", claim=claim, actor=actor)
        from factcheck.services import requester_contact

        requester_contact.tell_published(session, claim=claim)
    elif event.kind == "status" and (event.old, event.new) == (S.published.value, S.in_progress.value):
        for uid in _watching(session, claim):
            notify(session, user_id=uid, kind="corrected", claim=claim, actor=actor, text=reason)
    elif comment is not None:
        named = _active_ids(session, mentions(comment.body))
        for uid in named.values():
            notify(session, user_id=uid, kind="mention", claim=claim, actor=actor, text=comment.body)
        if comment.kind == "comment" and claim.assignee_id not in named.values():
            notify(session, user_id=claim.assignee_id, kind="comment", claim=claim, actor=actor, text=comment.body)


# --- reading and marking ---------------------------------------------------------------------------------------

def unread_count(session: Session, *, user_id: int) -> int:
    return session.exec(select(func.count()).select_from(Notification)
                        .where(Notification.user_id == user_id, Notification.read_at.is_(None))).one()


def for_user(session: Session, *, user_id: int, unread_only: bool = False, limit: int = 50, offset: int = 0):
    """(notification, claim or None, actor or None), newest first."""
    from sqlalchemy.orm import aliased

    actor = aliased(User)
    stmt = (select(Notification, Claim, actor)
            .join(Claim, Notification.claim_id == Claim.id, isouter=True)
            .join(actor, Notification.actor_id == actor.id, isouter=True)
            .where(Notification.user_id == user_id))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(session.exec(stmt.order_by(Notification.id.desc()).offset(offset).limit(limit)).all())


@dataclass(frozen=True)
class Page:
    rows: list      # (notification, claim or None, actor or None), newest first
    more: bool      # older ones follow
    unread: int     # the person's unread count, whatever the filter


def page_for(session: Session, *, user_id: int, unread_only: bool = False, limit: int = 50, offset: int = 0) -> Page:
    """One page of `user_id`'s notifications (the notifications page and the API)."""
    rows = for_user(session, user_id=user_id, unread_only=unread_only, limit=limit + 1, offset=offset)
    return Page(rows=rows[:limit], more=len(rows) > limit, unread=unread_count(session, user_id=user_id))


def mark_read(session: Session, *, user: User, notification_id: int) -> Notification:
    """Mark one of `user`'s notifications read; someone else's does not exist for them."""
    from factcheck.errors import NotFound

    note = session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound(f"There is no notification #{notification_id}.")
    if note.read_at is None:
        note.read_at = utcnow()
        session.add(note)
    return note


def mark_all_read(session: Session, *, user: User) -> int:
    return session.execute(update(Notification).where(Notification.user_id == user.id,
                                                      Notification.read_at.is_(None))
                           .values(read_at=utcnow())).rowcount


# --- due dates: a periodic job ---------------------------------------------------------------------------------

def remind_due(session: Session, *, now: datetime | None = None) -> int:
    """Tell each assignee once about a claim due within a day ("due tomorrow") and once when it is overdue, per
    due date (a new due date reminds again). The number of reminders raised."""
    from sqlalchemy.exc import IntegrityError

    now = now or utcnow()
    working = (S.in_progress.value, S.in_review.value)
    rows = session.exec(select(Claim).where(Claim.status.in_(working), Claim.assignee_id.is_not(None),
                                            Claim.due_at.is_not(None), Claim.due_at <= now + timedelta(days=1))
                        .order_by(Claim.id)).all()
    raised = 0
    for claim in rows:
        due = claim.due_at if claim.due_at.tzinfo else claim.due_at.replace(tzinfo=now.tzinfo)
        kind = "overdue" if due <= now else "due_soon"
        key = f"{kind}:{claim.id}:{due.strftime('%Y%m%d%H%M')}"
        exists = session.exec(select(Notification.id).where(Notification.user_id == claim.assignee_id,
                                                            Notification.once_key == key)).first()
        if exists is not None:
            continue
        try:   # the page says the due date in the newsroom's zone, from the claim
            with session.begin_nested():
                if notify(session, user_id=claim.assignee_id, kind=kind, claim=claim, once_key=key):
                    raised += 1
        except IntegrityError:   # another run raised it meanwhile
            continue
    session.commit()
    return raised
