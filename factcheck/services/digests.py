"""The daily digest: at the hour the newsroom set (on its settings page, else FACTCHECK_DIGEST_HOUR), in the
newsroom's time zone, each person's notifications they chose to hear about "in a daily digest" and not yet emailed
become one email (a job of services/mail), at most one a day."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from factcheck import jobs
from factcheck.models import EmailMessage, Notification, User, utcnow
from factcheck.services import jobrows
from factcheck.services.mail import KIND, MailConfig


def queue_digests(session: Session, *, config: MailConfig, now: datetime | None = None) -> int:
    """Once the newsroom's digest hour has come today (its time zone), gather each person's digest notifications
    not yet emailed into one message for the day. The number of digests queued."""
    from factcheck.services import settings as newsroom

    if config.mail is None:
        return 0
    zone = newsroom.newsroom_zone(session)
    local = (now or utcnow()).astimezone(zone)
    if local.hour < newsroom.digest_hour(session, default=config.mail.digest_hour):
        return 0
    day = local.strftime("%Y-%m-%d")
    pending = session.exec(select(Notification.user_id, Notification.id)
                           .join(User, User.id == Notification.user_id)
                           .where(Notification.channel == "digest", Notification.emailed_at.is_(None),
                                  User.active.is_(True), User.email.is_not(None))
                           .order_by(Notification.id)).all()
    by_user: dict[int, list[int]] = {}
    for uid, nid in pending:
        by_user.setdefault(uid, []).append(nid)
    queued = 0
    for uid, ids in by_user.items():
        try:
            with session.begin_nested():
                row = EmailMessage(user_id=uid, kind="digest", notification_ids=ids, once_key=f"digest:{day}",
                                   updated_at=jobrows.db_now(session))
                session.add(row)
                session.flush()
        except IntegrityError:   # today's digest went out already; these wait for tomorrow's
            continue
        for note in session.exec(select(Notification).where(Notification.id.in_(ids))).all():
            note.emailed_at = utcnow()
            session.add(note)
        jobs.enqueue_after_commit(session, KIND.task, row.id)
        queued += 1
    session.commit()
    return queued
