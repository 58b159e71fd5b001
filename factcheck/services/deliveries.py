"""The webhook delivery job: sign one event and POST it to its endpoint, as a durable job (services/jobrows).

The body is JSON. Its signature is `X-Factcheck-Signature: t=<unix time>,v1=<hex>`, where the hex is
HMAC-SHA256 with the endpoint's secret over `<unix time>.` followed by the body's bytes. A receiver recomputes it,
compares in constant time, and refuses a timestamp more than a few minutes old (a replay). The POST goes through
the safe fetcher (its blocked ranges, bounds and no cookies); a redirect is not followed (the same rule as every
POST the desk makes), and fails the delivery. 2xx is delivered; 408, 429 and 5xx, a timeout or a refused
connection are retried with backoff (honouring Retry-After); any other answer fails it with its status.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from sqlmodel import Session

from factcheck import jobs
from factcheck.models import Claim, JobState, Webhook, WebhookDelivery
from factcheck.services import jobrows

KIND = jobrows.JobKind(model=WebhookDelivery, task=jobs.DELIVER_WEBHOOK, noun="delivery", max_attempts=8)
SIGNATURE_HEADER = "X-Factcheck-Signature"
RETRIED_STATUSES = frozenset({408, 425, 429})


@dataclass(frozen=True)
class DeliveryConfig:
    policy: object            # factcheck.archive.fetcher.FetchPolicy
    base_url: str             # FACTCHECK_BASE_URL, for the links in the payload
    heartbeat: float = 0.0


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the signature header for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def body_of(session: Session, row: WebhookDelivery, *, base_url: str) -> bytes:
    """What is sent: the event as recorded, with links to the claim and, once published, its ClaimReview."""
    payload = {**row.payload, "delivery_id": row.id}
    claim_part = payload.get("claim")
    if isinstance(claim_part, dict) and claim_part.get("id"):
        cid = claim_part["id"]
        claim_part = {**claim_part, "url": f"{base_url}/claims/{cid}", "api_url": f"{base_url}/api/v1/claims/{cid}"}
        payload["claim"] = claim_part
        if row.event == "claim.published":
            payload["claim_review"] = _claim_review(session, cid)
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _claim_review(session: Session, claim_id: int) -> dict | None:
    from factcheck.exports.claimreview import claim_review
    from factcheck.services import claim_views
    from factcheck.services import settings as newsroom

    claim = session.get(Claim, claim_id)
    if claim is None or claim.published_at is None:
        return None
    view = next(iter(claim_views.claim_views(session, claim_ids=[claim_id])), None)
    if view is None or not view.published or view.verdict is None:   # reopened for a correction before it was sent
        return None
    return claim_review(view, publication=newsroom.publication(session), scale=newsroom.rating_scale(session))


def deliver_webhook(session: Session, delivery_id: int, *, config: DeliveryConfig,
                    release_attempt: int | None = None) -> str | None:
    """The job: send one delivery (see jobrows.run)."""
    delivery_id = int(delivery_id)
    return jobrows.run(session, KIND, delivery_id, lambda attempt: _send(session, delivery_id, attempt, config),
                       release_attempt=release_attempt, heartbeat=config.heartbeat)


def _send(session: Session, delivery_id: int, attempt: int, config: DeliveryConfig) -> str | None:
    from factcheck.archive.fetcher import REDIRECT_STATUSES, FetchError, post, retry_after_seconds

    row = session.get(WebhookDelivery, delivery_id)
    session.refresh(row)
    hook = session.get(Webhook, row.webhook_id)
    if hook is None or (not hook.active and row.event != "test"):
        return jobrows.fail(session, KIND, delivery_id, attempt, "The webhook was switched off before it was sent.")
    body = body_of(session, row, base_url=config.base_url)
    session.commit()   # nothing held open while the endpoint answers
    now = int(time.time())
    headers = ((SIGNATURE_HEADER, sign(hook.secret, now, body)), ("X-Factcheck-Event", row.event),
               ("X-Factcheck-Delivery", str(row.id)))
    try:
        hop = post(hook.url, body, config.policy, content_type="application/json", accept="*/*", headers=headers)
    except FetchError as exc:
        if exc.permanent:
            return jobrows.fail(session, KIND, delivery_id, attempt, exc.reason)
        return jobrows.retry_later(session, KIND, delivery_id, attempt, exc.reason, retry_after=exc.retry_after)
    status = hop.status
    if 200 <= status < 300:
        done = jobrows.finish(session, KIND, delivery_id, attempt, response_status=status, reason="",
                              delivered_at=jobrows.db_now(session), next_try_at=None)
        return JobState.done.value if done else None
    if status in REDIRECT_STATUSES:
        return jobrows.fail(session, KIND, delivery_id, attempt, f"The endpoint answered {status} (a redirect); "
                            f"webhooks do not follow redirects: register the address it points to.",
                            response_status=status)
    if status >= 500 or status in RETRIED_STATUSES:
        jobrows.beat(session, KIND, delivery_id, attempt, response_status=status)
        return jobrows.retry_later(session, KIND, delivery_id, attempt, f"The endpoint answered {status}.",
                                   retry_after=retry_after_seconds(hop.response_headers))
    return jobrows.fail(session, KIND, delivery_id, attempt, f"The endpoint answered {status}.",
                        response_status=status)
