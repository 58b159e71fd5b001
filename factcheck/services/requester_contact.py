"""Telling a reader what became of their request, and keeping their address no longer than needed.

A reader who leaves an address on the public page gets one email asking them to confirm it (a signed link that
expires, mail_tokens); only a confirmed address is told anything else: that the claim they asked about (the claim
made of the request, or the claim it was linked to) is published, with a link to the public fact-check. Every
email to a reader carries a signed link to erase the address. The address is seen by editors only, kept for the
newsroom's retention (settings.requester_retention_days) and erased by the sweep after that, or at once when the
reader or an editor asks. Erasing keeps the request itself, and blanks the address in the mail log too.

Emails to readers are `EmailMessage` rows naming the request (kind "confirm" or "published"), sent by the same job
as the desk's own notifications (services/mail.send_email), which calls `compose` here.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage as Mime
from html import escape

from sqlalchemy import func, update
from sqlmodel import Session, select

from factcheck import jobs, workflow
from factcheck.models import Claim, EmailMessage, PublicRequest, User, utcnow
from factcheck.models.articles import ClaimStatus as S
from factcheck.services import mail_tokens
from factcheck.services.mail_tokens import TokenProblem

CONFIRMS_PER_ADDRESS_PER_DAY = 3   # a form that mails any address it is given must not become a mail cannon


def can_see_address(viewer: User | None) -> bool:
    """Readers' addresses are for editors (and admins) only."""
    return viewer is not None and workflow.can(viewer.role, "bring_in_article")


def present(row: PublicRequest, *, viewer: User | None) -> dict:
    """A request as the API or an export may show it to `viewer`: the address only for editors."""
    out = {"id": row.id, "kind": row.kind, "claim_text": row.claim_text, "link": row.link, "why": row.why,
           "state": row.state, "reason": row.reason, "claim_id": row.claim_id,
           "created_at": row.created_at.isoformat() if row.created_at else None,
           "decided_at": row.decided_at.isoformat() if row.decided_at else None,
           "email_erased": row.email_erased_at is not None}
    if can_see_address(viewer):
        out["email"] = row.email
        out["email_confirmed"] = row.email is not None and row.email_confirmed_at is not None
    return out


def _queue(session: Session, *, row: PublicRequest, kind: str) -> EmailMessage:
    from factcheck.services.jobrows import db_now

    message = EmailMessage(user_id=None, request_id=row.id, kind=kind, notification_ids=[],
                           updated_at=db_now(session))
    session.add(message)
    session.flush()
    jobs.enqueue_after_commit(session, jobs.SEND_EMAIL, message.id)   # services/mail sends it
    return message


def ask_to_confirm(session: Session, *, row: PublicRequest) -> EmailMessage | None:
    """Queue the confirmation email of a new request that left an address (at most a few a day per address)."""
    if not row.email:
        return None
    session.flush()
    since = utcnow() - timedelta(days=1)
    recent = session.exec(select(func.count()).select_from(EmailMessage)
                          .join(PublicRequest, PublicRequest.id == EmailMessage.request_id)
                          .where(EmailMessage.kind == "confirm", EmailMessage.created_at >= since,
                                 func.lower(PublicRequest.email) == row.email.lower())).one()
    if recent >= CONFIRMS_PER_ADDRESS_PER_DAY:
        return None
    return _queue(session, row=row, kind="confirm")


def _by_token(session: Session, *, secret: str, purpose: str, token: str) -> tuple[PublicRequest | None, bool]:
    """The request a reader's link names, and whether the address it was made for is still the one kept."""
    request_id, digest = mail_tokens.read_reader_token(secret, purpose, token)
    row = session.get(PublicRequest, request_id)
    if row is None:
        raise TokenProblem("This link is for a request the desk no longer has.")
    same = bool(row.email) and mail_tokens.address_digest(secret, row.email) == digest
    return row, same


def confirm(session: Session, *, token: str, secret: str) -> PublicRequest:
    """Confirm the address a reader left (TokenProblem when the link is bad, expired, or its address is gone)."""
    row, same = _by_token(session, secret=secret, purpose="confirm", token=token)
    if not same:
        raise TokenProblem("This address is no longer kept with your request, so there is nothing to confirm.")
    if row.email_confirmed_at is None:
        row.email_confirmed_at = utcnow()
        session.add(row)
        tell_if_published(session, row=row)
    return row


def check_forget(session: Session, *, token: str, secret: str) -> tuple[PublicRequest, bool]:
    """For the page that asks "erase my address?": the request, and whether there is still an address to erase."""
    return _by_token(session, secret=secret, purpose="forget", token=token)


def forget(session: Session, *, token: str, secret: str) -> bool:
    """Erase the address a reader's link was made for; False when it was gone already (asking twice is fine)."""
    row, same = check_forget(session, token=token, secret=secret)
    if not same:
        return False
    erase(session, row=row)
    return True


def erase_by_editor(session: Session, *, request_id: int, actor: User) -> PublicRequest:
    """An editor erases a reader's address (the reader asked by other means, say)."""
    from factcheck.errors import NotFound, ValidationError

    workflow.require(actor.role, "bring_in_article")
    row = session.get(PublicRequest, request_id)
    if row is None:
        raise NotFound(f"There is no request #{request_id}.")
    if not row.email:
        raise ValidationError(f"Request #{request_id} keeps no email address.")
    erase(session, row=row)
    return row


def erase(session: Session, *, row: PublicRequest, now: datetime | None = None) -> None:
    """Forget the address: on the request, and on every email sent to it. The request itself stays."""
    row.email, row.email_confirmed_at, row.email_erased_at = None, None, now or utcnow()
    session.add(row)
    session.execute(update(EmailMessage).where(EmailMessage.request_id == row.id).values(to_address=""))


def erase_expired(session: Session, *, now: datetime | None = None) -> int:
    """The sweep's part: erase every address kept longer than the newsroom's retention. How many were erased."""
    from factcheck.services import settings as newsroom

    now = now or utcnow()
    cutoff = now - timedelta(days=newsroom.requester_retention_days(session))
    rows = session.exec(select(PublicRequest).where(PublicRequest.email.is_not(None),
                                                    PublicRequest.created_at < cutoff)).all()
    for row in rows:
        erase(session, row=row, now=now)
    session.commit()
    return len(rows)


def tell_if_published(session: Session, *, row: PublicRequest) -> EmailMessage | None:
    """Queue "your claim was published" for one request, once, if its address is confirmed and its claim is."""
    if not row.email or row.email_confirmed_at is None or row.told_published_at is not None or not row.claim_id:
        return None
    claim = session.get(Claim, row.claim_id)
    if claim is None or claim.status != S.published.value:
        return None
    row.told_published_at = utcnow()
    session.add(row)
    return _queue(session, row=row, kind="published")


def tell_published(session: Session, *, claim: Claim) -> int:
    """A claim was published: queue the email of every confirmed reader who asked about it."""
    rows = session.exec(select(PublicRequest).where(PublicRequest.claim_id == claim.id,
                                                    PublicRequest.email.is_not(None),
                                                    PublicRequest.email_confirmed_at.is_not(None),
                                                    PublicRequest.told_published_at.is_(None))).all()
    return sum(1 for row in rows if tell_if_published(session, row=row) is not None)


# --- the messages ----------------------------------------------------------------------------------------------

def compose(session: Session, message: EmailMessage, *, config) -> tuple[Mime | None, str]:
    """The email to a reader (plain text and HTML, an erase link in each), or (None, why it cannot go)."""
    from factcheck.services import settings as newsroom

    row = session.get(PublicRequest, message.request_id)
    if row is None or not row.email:
        return None, "The reader's address was erased."
    if message.kind == "published" and row.email_confirmed_at is None:
        return None, "The reader has not confirmed the address."
    if message.kind not in ("confirm", "published"):
        return None, f"Unknown kind of email to a reader: {message.kind!r}."
    secret, base = config.secret, config.base_url
    desk = newsroom.publication(session)["name"]
    forget = f"{base}/ask/forget/{mail_tokens.reader_token(secret, 'forget', request_id=row.id, email=row.email)}"
    asked = row.claim_text[:300] or row.link
    if message.kind == "confirm":
        link = f"{base}/ask/confirm/{mail_tokens.reader_token(secret, 'confirm', request_id=row.id, email=row.email)}"
        subject = f"{desk}: please confirm your email address"
        intro = (f"You asked {desk} about: \"{asked}\". To be told by email when it is published, confirm this "
                 f"address within {mail_tokens.CONFIRM_DAYS} days. If it was not you, ignore this email.")
        action = "Confirm my email address"
    else:
        claim = session.get(Claim, row.claim_id)
        link = newsroom.publication(session)["review_url"].replace("{claim_id}", str(claim.id if claim else ""))
        subject = f"{desk} published the fact-check you asked about"
        intro = f"You asked {desk} about: \"{asked}\". Our fact-check is published."
        action = "Read the fact-check"
    erase_line = "Delete my email address (we then keep your request but not your address)"
    kept = (f"Only our editors see your address; we erase it after {newsroom.requester_retention_days(session)} "
            "days at the latest.")
    text = "\n".join(["Hello,", "", intro, "", f"{action}: {link}", "", f"{erase_line}: {forget}", "", kept])
    html = (f"<!doctype html><html><body><p>Hello,</p><p>{escape(intro)}</p>"
            f'<p><a href="{escape(link)}">{escape(action)}</a></p>'
            f'<p><a href="{escape(forget)}">{escape(erase_line)}</a></p>'
            f"<p>{escape(kept)}</p></body></html>")
    msg = Mime()
    msg["Subject"] = subject[:255]
    msg["From"] = config.mail.from_address
    msg["To"] = row.email
    msg["Auto-Submitted"] = "auto-generated"
    msg["List-Unsubscribe"] = f"<{forget}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg, ""
