"""Requests from the public and the editors' inbox of them.

A reader, without signing in, asks the desk to check a claim or reports an error in a fact-check: the claim or
a link, why it matters, and an optional email. What they send is kept as text (pages escape it) and a link in
it is never fetched here: it becomes a cited page only if an editor accepts the request. Editors turn a request
into a claim (a one-claim article "Reader request #n", linked back to the request), mark it as a claim already
on the desk, or decline it with a reason. Each new request is the webhook event `request.received`. A reader's
address is confirmed, used and erased by services/requester_contact.
"""
from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, select

from factcheck import workflow
from factcheck.errors import Conflict, NotFound, ValidationError
from factcheck.models import Claim, PublicRequest, User, utcnow
from factcheck.models.requests import REQUEST_KINDS, REQUEST_STATES

MAX_CLAIM = 2000
MAX_WHY = 4000
MAX_LINK = 2048


def submit(session: Session, *, kind: str, claim_text: str, link: str = "", why: str = "",
           email: str = "") -> PublicRequest:
    """Keep one reader's request (ValidationError names each field a person must correct)."""
    claim_text, why, link, email = (" ".join((claim_text or "").split()), (why or "").strip(),
                                    (link or "").strip(), (email or "").strip())
    errors = {}
    if kind not in REQUEST_KINDS:
        errors["kind"] = "Choose what you are asking."
    if not claim_text and not link:
        errors["claim_text"] = "Write the claim, or give a link to where it was made."
    elif len(claim_text) > MAX_CLAIM:
        errors["claim_text"] = f"At most {MAX_CLAIM:,} characters, please."
    if len(why) > MAX_WHY:
        errors["why"] = f"At most {MAX_WHY:,} characters, please."
    if link:
        try:
            parts = urlsplit(link)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or len(link) > MAX_LINK:
            errors["link"] = "Give a web address starting with http:// or https://, or leave it empty."
    if email and (len(email) > 254 or parseaddr(email)[1] != email or "@" not in email):
        errors["email"] = "Give an email address such as name@example.org, or leave it empty."
    if errors:
        raise ValidationError(next(iter(errors.values())) if len(errors) == 1 else "Please correct the marked fields.",
                              fields=errors)
    row = PublicRequest(kind=kind, claim_text=claim_text, link=link, why=why, email=email or None)
    session.add(row)
    session.flush()
    from factcheck.services import requester_contact, webhooks

    requester_contact.ask_to_confirm(session, row=row)

    for hook_id, wanted in webhooks.listening(session):
        if "request.received" in wanted:
            webhooks.queue(session, webhook_id=hook_id, event="request.received",
                           data={"request": {"id": row.id, "kind": row.kind, "claim_text": row.claim_text,
                                             "link": row.link, "why": row.why}})
    return row


def counts(session: Session) -> dict[str, int]:
    found = dict(session.exec(select(PublicRequest.state, func.count()).group_by(PublicRequest.state)).all())
    return {state: found.get(state, 0) for state in REQUEST_STATES}


def inbox(session: Session, *, state: str = "new", limit: int = 100, offset: int = 0) -> list[PublicRequest]:
    stmt = select(PublicRequest)
    if state in REQUEST_STATES:
        stmt = stmt.where(PublicRequest.state == state)
    return list(session.exec(stmt.order_by(PublicRequest.id.desc()).offset(offset).limit(limit)).all())


def similar_claims(session: Session, rows: list[PublicRequest], *, k: int = 3, most: int = 20) -> dict[int, list]:
    """Request id -> the claims on the desk the matcher finds closest to what the reader wrote (matching.Found),
    for the first `most` requests that have words to match."""
    from factcheck.services import matching

    found = {}
    for row in [r for r in rows if r.claim_text][:most]:
        try:
            found[row.id] = matching.search(session, q=row.claim_text[:matching.MAX_SEARCH], k=k)
        except ValidationError:   # nothing the matcher can search for (no words): nothing similar to show
            found[row.id] = []
    return found


def get(session: Session, *, request_id: int) -> PublicRequest:
    row = session.get(PublicRequest, request_id)
    if row is None:
        raise NotFound(f"There is no request #{request_id}.")
    return row


def _open(session: Session, request_id: int, actor: User) -> PublicRequest:
    workflow.require(actor.role, "bring_in_article")
    row = get(session, request_id=request_id)
    if row.state != "new":   # someone decided it since the editor loaded it, or the same action came twice
        raise Conflict(f"Request #{row.id} is already decided ({REQUEST_STATES[row.state].lower()}).")
    return row


def _decide(row: PublicRequest, *, state: str, actor: User, claim_id: int | None = None, reason: str = "") -> None:
    row.state, row.claim_id, row.reason = state, claim_id, reason[:1000]
    row.decided_by_id, row.decided_at = actor.id, utcnow()


def accept(session: Session, *, request_id: int, actor: User, threshold: float, max_body_chars: int) -> Claim:
    """Turn the request into a claim in the queue: a one-claim article, its link (if any) as the article's."""
    from factcheck.services import intake
    from factcheck.services.claims import article_claims, change_status

    row = _open(session, request_id, actor)
    if not row.claim_text:
        raise ValidationError("The request has only a link: bring the article in from it, then mark the request as "
                              "already on the desk.")
    draft = intake.ArticleDraft(title=f"Reader request #{row.id}", body=row.claim_text, url=row.link)
    article = intake.create_article(session, draft=draft, actor=actor, threshold=threshold,
                                    max_body_chars=max_body_chars)
    claims = article_claims(session, article_id=article.id)
    claim = next((c for c in claims if c.status == "new"), claims[0])
    if claim.status == "candidate":   # the reader thought it worth checking: it goes in the queue
        change_status(session, claim=claim, to="new", actor=actor, expected_version=claim.version)
    _decide(row, state="accepted", actor=actor, claim_id=claim.id)
    session.add(row)
    return claim


def mark_duplicate(session: Session, *, request_id: int, claim_id: int, actor: User) -> PublicRequest:
    row = _open(session, request_id, actor)
    if session.get(Claim, claim_id) is None:
        raise ValidationError(f"There is no claim #{claim_id}.", fields={"claim_id": "No such claim."})
    _decide(row, state="duplicate", actor=actor, claim_id=claim_id)
    session.add(row)
    from factcheck.services import requester_contact

    requester_contact.tell_if_published(session, row=row)   # a claim published already: the reader hears now
    return row


def decline(session: Session, *, request_id: int, reason: str, actor: User) -> PublicRequest:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Say why the request is declined.", fields={"reason": "Required."})
    row = _open(session, request_id, actor)
    _decide(row, state="declined", actor=actor, reason=reason)
    session.add(row)
    return row
