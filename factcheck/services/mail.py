"""Notifications by email: one message now, or a daily digest, each a durable job (services/jobrows).

A notification whose person chose "by email now" queues an `EmailMessage` naming it; one who chose "in a daily
digest" has it gathered by `services/digests.queue_digests` (a periodic job) into one message a day, at the hour
the newsroom set (FACTCHECK_DIGEST_HOUR) in the newsroom's time zone. The message is written when it is sent:
plain text and HTML, each notification with a link to its claim from FACTCHECK_BASE_URL, and a link per kind to
change or stop it. Without FACTCHECK_SMTP_URL nothing is sent: an email asked for fails at once, saying so on
the admin's page, and no digest is gathered. A server that is down or answers 4xx is tried again with backoff; a
5xx answer (a refused address, a refused login) fails the message with its reason.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage as Mime
from html import escape

from sqlalchemy import update
from sqlmodel import Session, select

from factcheck import jobs
from factcheck.models import Claim, EmailMessage, JobState, Notification, User, utcnow
from factcheck.models.notifications import KINDS
from factcheck.services import jobrows, mail_tokens

KIND = jobrows.JobKind(model=EmailMessage, task=jobs.SEND_EMAIL, noun="email", max_attempts=6)


@dataclass(frozen=True)
class MailConfig:
    mail: object = None         # mail_settings.MailSettings; None = the desk sends no mail
    base_url: str = ""
    heartbeat: float = 0.0
    secret: str = ""            # the app's secret key: signs the unsubscribe and readers' links (mail_tokens)


def queue_now(session: Session, *, note: Notification, user: User) -> EmailMessage | None:
    """Queue the email of one notification (rung after the commit), when the person has an address."""
    if not user.email:
        return None
    session.flush()
    row = EmailMessage(user_id=user.id, kind="now", notification_ids=[note.id], updated_at=jobrows.db_now(session))
    session.add(row)
    session.flush()
    jobs.enqueue_after_commit(session, KIND.task, row.id)
    return row


def compose(session: Session, row: EmailMessage, user: User, *, config: MailConfig) -> Mime:
    """The message: plain text and HTML, a link to each claim and, per kind, to change how one hears about it."""
    notes = session.exec(select(Notification, Claim).join(Claim, Notification.claim_id == Claim.id, isouter=True)
                         .where(Notification.id.in_(row.notification_ids or [])).order_by(Notification.id)).all()
    base = config.base_url
    choices = f"{base}/account/notifications"

    def stop(kind: str) -> str:   # one click, no sign-in: stop this kind of email (mail_tokens, web/unsubscribe)
        token = mail_tokens.unsubscribe_token(config.secret, user_id=user.id, kind=kind)
        return f"{base}/unsubscribe/{user.id}/{kind}/{token}"
    if row.kind == "digest":
        subject = f"Your fact-checking desk today: {len(notes)} notification{'s' if len(notes) != 1 else ''}"
    else:
        note, claim = notes[0] if notes else (None, None)
        subject = f"{KINDS.get(note.kind, 'Notification') if note else 'Notification'}" + \
                  (f": claim #{claim.id}" if claim else "")
    lines, items = [f"Hello {user.label},", ""], []
    for note, claim in notes:
        title = KINDS.get(note.kind, note.kind)
        link = f"{base}/claims/{claim.id}" if claim else f"{base}/notifications"
        about = f'claim #{claim.id}: "{claim.text[:200]}"' if claim else ""
        lines += [f"* {title}{' - ' + about if about else ''}", *([f"  {note.text[:1000]}"] if note.text else []),
                  f"  {link}", f"  (change \"{title}\" emails: {choices}#{note.kind})",
                  f"  (stop \"{title}\" emails, one click: {stop(note.kind)})", ""]
        items.append(f'<li><p><strong>{escape(title)}</strong>{" – " + escape(about) if about else ""}</p>'
                     + (f"<blockquote>{escape(note.text[:1000])}</blockquote>" if note.text else "")
                     + f'<p><a href="{escape(link)}">Open {"the claim" if claim else "your notifications"}</a> · '
                     f'<a href="{escape(choices)}#{escape(note.kind)}">change “{escape(title)}” emails</a> · '
                     f'<a href="{escape(stop(note.kind))}">stop “{escape(title)}” emails</a>'
                     f"</p></li>")
    # RFC 8058: a mail client may POST to this link to stop the email at once; a digest stops as a whole.
    unsubscribe = stop("digest" if row.kind == "digest" or not notes else notes[0][0].kind)
    lines += [f"All your notifications: {base}/notifications"]
    if row.kind == "digest":
        lines += [f"Stop the daily digest (its notifications stay in the app): {unsubscribe}"]
    msg = Mime()
    msg["Subject"] = subject[:255]
    msg["From"] = config.mail.from_address
    msg["To"] = user.email
    msg["Auto-Submitted"] = "auto-generated"
    msg["List-Unsubscribe"] = f"<{unsubscribe}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content("\n".join(lines))
    stop_digest = (f'<p><a href="{escape(unsubscribe)}">Stop the daily digest</a> (its notifications stay in the '
                   f"app)</p>" if row.kind == "digest" else "")
    msg.add_alternative(f"<!doctype html><html><body><p>Hello {escape(user.label)},</p><ul>{''.join(items)}</ul>"
                        f'<p><a href="{escape(base)}/notifications">All your notifications</a></p>{stop_digest}'
                        f"</body></html>", subtype="html")
    return msg


def send_email(session: Session, message_id: int, *, config: MailConfig,
               release_attempt: int | None = None) -> str | None:
    """The job: write and send one email (see jobrows.run)."""
    message_id = int(message_id)
    return jobrows.run(session, KIND, message_id, lambda attempt: _send(session, message_id, attempt, config),
                       release_attempt=release_attempt, heartbeat=config.heartbeat)


def _send(session: Session, message_id: int, attempt: int, config: MailConfig) -> str | None:
    row = session.get(EmailMessage, message_id)
    session.refresh(row)
    if config.mail is None:
        return jobrows.fail(session, KIND, message_id, attempt, "No mail server is configured (FACTCHECK_SMTP_URL).")
    if row.request_id is not None:   # to a reader, about their request
        from factcheck.services import requester_contact

        msg, problem = requester_contact.compose(session, row, config=config)
        if msg is None:
            return jobrows.fail(session, KIND, message_id, attempt, problem)
    else:
        user = session.get(User, row.user_id)
        if user is None or not user.active or not user.email:
            return jobrows.fail(session, KIND, message_id, attempt, "The person has no email address (any more).")
        msg = compose(session, row, user, config=config)
    address = str(msg["To"])
    session.commit()
    try:
        _deliver(msg, config.mail)
    except ssl.SSLCertVerificationError as exc:   # not a passing trouble: the settings must change
        return jobrows.fail(session, KIND, message_id, attempt, certificate_problem(exc, config.mail))
    except smtplib.SMTPResponseException as exc:
        reason = f"The mail server answered {exc.smtp_code}: {_text(exc.smtp_error)}"
        if 400 <= exc.smtp_code < 500:
            return jobrows.retry_later(session, KIND, message_id, attempt, reason)
        return jobrows.fail(session, KIND, message_id, attempt, reason)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        reason = f"The mail server refused {address} ({', '.join(map(str, codes))})."
        if codes and all(400 <= c < 500 for c in codes):
            return jobrows.retry_later(session, KIND, message_id, attempt, reason)
        return jobrows.fail(session, KIND, message_id, attempt, reason)
    except (smtplib.SMTPException, OSError, socket.timeout, ssl.SSLError) as exc:
        return jobrows.retry_later(session, KIND, message_id, attempt,
                                   f"The mail server could not be reached ({type(exc).__name__}).")
    done = jobrows.finish(session, KIND, message_id, attempt, to_address=address[:254], subject=msg["Subject"],
                          sent_at=jobrows.db_now(session), reason="", next_try_at=None)
    if done and row.kind == "now":
        session.execute(update(Notification).where(Notification.id.in_(row.notification_ids or []))
                        .values(emailed_at=utcnow()))
        session.commit()
    return JobState.done.value if done else None


def _text(value) -> str:
    return (value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value))[:300]


def tls_context(mail) -> ssl.SSLContext:
    """The TLS the settings ask for: the system's trusted CAs, or those of `cafile`; `verify=no` checks nothing
    (a test server only)."""
    context = ssl.create_default_context(cafile=mail.cafile or None)
    if not mail.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def certificate_problem(exc: ssl.SSLCertVerificationError, mail) -> str:
    why = getattr(exc, "verify_message", "") or str(exc)
    return (f"The mail server's certificate did not verify ({why}) for {mail.host}:{mail.port}. Give the CA that "
            "signed it with ?cafile=/path/to/ca.pem in FACTCHECK_SMTP_URL, or fix the server's certificate "
            "(?verify=no turns checking off, for a test server only).")[:1000]


def _deliver(msg: Mime, mail) -> None:
    context = tls_context(mail)
    if mail.security == "tls":
        client = smtplib.SMTP_SSL(mail.host, mail.port, timeout=mail.timeout, context=context)
    else:
        client = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout)
    with client:
        if mail.security == "starttls":
            client.starttls(context=context)
        if mail.username:
            client.login(mail.username, mail.password)
        client.send_message(msg)


def recent(session: Session, *, limit: int = 50) -> list[tuple[EmailMessage, User | None]]:
    """The latest emails, for the admin's page."""
    rows = session.exec(select(EmailMessage, User).join(User, EmailMessage.user_id == User.id, isouter=True)
                        .order_by(EmailMessage.id.desc()).limit(limit)).all()
    return [(m, u) for m, u in rows]
