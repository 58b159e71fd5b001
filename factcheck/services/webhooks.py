"""Webhooks: other systems told about claim events, by a signed POST sent as a durable job.

An admin registers an endpoint (URL, secret, the events it wants). Each history event that is one of `EVENTS`
queues one `WebhookDelivery` row per active endpoint that wants it, rung after the commit; the job
(`services/deliveries.py`) signs and sends it through the safe fetcher. The URL is checked when it is registered
by the same rules as every request the fetcher makes (archive/fetcher.check_destination), and again at each send.
"""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlmodel import Session, select

from factcheck import jobs
from factcheck.errors import NotFound, ValidationError
from factcheck.models import Claim, Event, User, Webhook, WebhookDelivery, utcnow
from factcheck.models.articles import ClaimStatus as S

EVENTS = {
    "claim.created": "A claim enters the queue",
    "claim.assigned": "A claim is assigned",
    "claim.submitted": "A verdict is submitted for review",
    "claim.sent_back": "A claim is sent back to its checker",
    "claim.published": "A fact-check is published",
    "claim.corrected": "A published fact-check is reopened for a correction",
    "request.received": "A reader asks for a check or reports an error",
}
TEST_EVENT = "test"
MAX_URL = 2048


def event_names(event: Event) -> list[str]:
    """The webhook events a history event is (most are none)."""
    if event.kind == "assign":
        return ["claim.assigned"]
    if event.kind == "article_created":
        return ["claim.created"]
    if event.kind != "status":
        return []
    pair = (event.old, event.new)
    if pair == (S.candidate.value, S.new.value):
        return ["claim.created"]
    if event.new == S.in_review.value:
        return ["claim.submitted"]
    if pair == (S.in_review.value, S.in_progress.value):
        return ["claim.sent_back"]
    if event.new == S.published.value:
        return ["claim.published"]
    if pair == (S.published.value, S.in_progress.value):
        return ["claim.corrected"]
    return []


def listening(session: Session) -> list[tuple[int, list]]:
    """Active endpoints and their events, read once per session (an import of thousands of events asks once)."""
    cached = session.info.get("webhooks_listening")
    if cached is None:
        cached = [(h.id, list(h.events or [])) for h in
                  session.exec(select(Webhook).where(Webhook.active.is_(True))).all()]
        session.info["webhooks_listening"] = cached
    return cached


def claim_snapshot(claim: Claim) -> dict:
    return {"id": claim.id, "article_id": claim.article_id, "status": claim.status, "text": claim.text,
            "assignee_id": claim.assignee_id, "version": claim.version,
            "due_at": claim.due_at.isoformat() if claim.due_at else None}


def from_event(session: Session, *, event: Event, claim: Claim | None, actor: User | None) -> None:
    names = event_names(event)
    if not names:
        return
    hooks = [(hid, wanted) for hid, wanted in listening(session) if names[0] in wanted]
    if not hooks:
        return
    if event.kind == "article_created":   # its claims are added but not yet written: write them to know them
        session.flush()
        claims = session.exec(select(Claim).where(Claim.article_id == event.article_id,
                                                  Claim.status == S.new.value).order_by(Claim.id)).all()
    else:
        claims = [claim] if claim is not None else []
    detail = {k: v for k, v in (event.detail or {}).items() if k == "reason"}
    for c in claims:
        for hook_id, _ in hooks:
            queue(session, webhook_id=hook_id, event=names[0],
                  data={"claim": claim_snapshot(c), "actor": actor.username if actor else None, **detail})


def queue(session: Session, *, webhook_id: int, event: str, data: dict) -> WebhookDelivery:
    from factcheck.services import jobrows

    if event not in EVENTS and event != TEST_EVENT:   # each event sent is documented (api/webhooks.py)
        raise ValueError(f"{event!r} is not a webhook event; add it to EVENTS and document its payload")

    row = WebhookDelivery(webhook_id=webhook_id, event=event,
                          payload={"event": event, "occurred_at": utcnow().isoformat(), **data},
                          updated_at=jobrows.db_now(session))
    session.add(row)
    session.flush()
    jobs.enqueue_after_commit(session, jobs.DELIVER_WEBHOOK, row.id)
    return row


# --- registration ----------------------------------------------------------------------------------------------

def check_url(url: str, *, policy) -> str:
    """The URL as it will be called, or ValidationError: http(s), no user name or password, and an address the
    fetcher may reach (the blocked ranges; loopback only where the allow-list says)."""
    from factcheck.archive.fetcher import FetchError, check_destination

    url = (url or "").strip()
    if not url:
        raise ValidationError("Give the endpoint's address.", fields={"url": "Required."})
    if len(url) > MAX_URL:
        raise ValidationError(f"The address is at most {MAX_URL} characters.", fields={"url": "Too long."})
    if urlsplit(url).fragment:
        raise ValidationError("The address has a #fragment; leave it out.", fields={"url": "No #fragment."})
    try:
        check_destination(url, policy)
    except FetchError as exc:
        reason = exc.reason.replace("the archiver may not visit", "webhooks may not call")
        raise ValidationError(reason, fields={"url": reason}) from None
    return url


def create(session: Session, *, url: str, events: list[str], actor: User, policy, secret: str = "") -> Webhook:
    from factcheck import workflow

    workflow.require(actor.role, "manage_users")
    url = check_url(url, policy=policy)
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise ValidationError("Choose at least one event.", fields={"events": "Choose at least one event."})
    secret = (secret or "").strip() or secrets.token_urlsafe(32)
    if len(secret) < 16 or len(secret) > 128:
        raise ValidationError("A secret is 16 to 128 characters (leave it empty to have one made).",
                              fields={"secret": "16 to 128 characters."})
    hook = Webhook(url=url, secret=secret, events=[e for e in EVENTS if e in events], created_by_id=actor.id)
    session.add(hook)
    session.flush()
    session.info.pop("webhooks_listening", None)
    return hook


def get(session: Session, *, webhook_id: int) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(f"There is no webhook #{webhook_id}.")
    return hook


def set_active(session: Session, *, webhook_id: int, active: bool, actor: User) -> Webhook:
    from factcheck import workflow

    workflow.require(actor.role, "manage_users")
    hook = get(session, webhook_id=webhook_id)
    hook.active = active
    session.add(hook)
    session.info.pop("webhooks_listening", None)
    return hook


def send_test(session: Session, *, webhook_id: int, actor: User) -> WebhookDelivery:
    """Queue a `test` event to the endpoint, whichever events it wants."""
    from factcheck import workflow

    workflow.require(actor.role, "manage_users")
    hook = get(session, webhook_id=webhook_id)
    return queue(session, webhook_id=hook.id, event=TEST_EVENT,
                 data={"actor": actor.username, "message": "A test event from the fact-checking desk."})


def listing(session: Session) -> list[tuple[Webhook, WebhookDelivery | None]]:
    """Every endpoint with its latest delivery."""
    hooks = session.exec(select(Webhook).order_by(Webhook.id)).all()
    return [(h, session.exec(select(WebhookDelivery).where(WebhookDelivery.webhook_id == h.id)
                             .order_by(WebhookDelivery.id.desc()).limit(1)).first()) for h in hooks]


def deliveries(session: Session, *, webhook_id: int, limit: int = 50) -> list[WebhookDelivery]:
    return list(session.exec(select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
                             .order_by(WebhookDelivery.id.desc()).limit(limit)).all())
