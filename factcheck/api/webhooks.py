"""What the desk's webhooks send, in the OpenAPI document the API serves (its top-level `webhooks`, OpenAPI 3.1).

One pydantic model per event names every field a delivery's body carries (services/webhooks.py records the
event, services/deliveries.py adds the links and the ClaimReview as it sends it). `PAYLOADS` maps each event the
code can emit (webhooks.EVENTS and the test event) to its model; the document is built from it, and the tests
check that the two agree and that real deliveries validate against the document.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from factcheck.api.core import spec
from factcheck.models.articles import ClaimStatus
from factcheck.models.requests import REQUEST_KINDS
from factcheck.services import webhooks
from factcheck.services.deliveries import SIGNATURE_HEADER

SCHEMAS = "#/components/schemas/{model}"

VERIFYING = f"""Every delivery is a `POST` of a JSON object (`Content-Type: application/json`) to the endpoint an admin
registered, with three headers:

- `{SIGNATURE_HEADER}: t=<unix time>,v1=<hex>`: the hex is HMAC-SHA256, keyed with the endpoint's secret, of
  the unix time as decimal digits, a full stop, and the body's exact bytes (`<t>.<body>`).
- `X-Factcheck-Event`: the event's name (the `event` field of the body).
- `X-Factcheck-Delivery`: the delivery's id (the `delivery_id` field); a retried delivery keeps its id, so a
  receiver that has seen it already can answer 2xx and do nothing.

To verify one: split the header at commas into `t` and `v1`; compute HMAC-SHA256(secret, `t` + "." + the raw
body, before any JSON parsing); compare it with `v1` in constant time (e.g. Python's `hmac.compare_digest`);
refuse a `t` more than 5 minutes from your clock (a replayed delivery). In Python:

```python
parts = dict(item.split("=", 1) for item in header.split(","))
mac = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
ok = hmac.compare_digest(mac, parts["v1"]) and abs(time.time() - int(parts["t"])) <= 300
```

Answer 2xx to accept it. 408, 425, 429 and 5xx answers, timeouts and refused connections are retried with
backoff (Retry-After honoured), up to 8 attempts; a redirect is not followed and fails the delivery, as does
any other answer. Each endpoint's delivery log (status, time, response code) is on the admin's webhooks page."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookClaim(_Strict):
    """The claim as it was when the event happened, with links to it."""

    id: int
    article_id: int
    status: Literal[tuple(s.value for s in ClaimStatus)]  # type: ignore[valid-type]
    text: str
    assignee_id: int | None = Field(description="The assignee's user id; null when nobody has it.")
    version: int = Field(description="The claim's version after the event (the API's `version`).")
    due_at: datetime | None = Field(description="The end of its due day, with its UTC offset; null for none.")
    url: str = Field(description="The claim's page on the desk (from FACTCHECK_BASE_URL).")
    api_url: str = Field(description="The claim in this API: GET it with a token for the verdict, assignee name…")


class _Delivery(_Strict):
    occurred_at: datetime = Field(description="When the event happened (UTC).")
    delivery_id: int = Field(description="The same as the X-Factcheck-Delivery header; kept across retries.")


class _ClaimEvent(_Delivery):
    claim: WebhookClaim
    actor: str | None = Field(description="The username of who did it; null when the desk did it by itself.")
    reason: str | None = Field(None, description="The comment given with the change, when there was one.")


class WebhookClaimCreated(_ClaimEvent):
    """A claim enters the queue: an article brought in (one delivery per claim at or above the threshold), a
    candidate promoted, or a reader's request accepted."""

    event: Literal["claim.created"]


class WebhookClaimAssigned(_ClaimEvent):
    """A claim is assigned (or a checker took it): `claim.assignee_id` has it now."""

    event: Literal["claim.assigned"]


class WebhookClaimSubmitted(_ClaimEvent):
    """A checker submits a verdict for review."""

    event: Literal["claim.submitted"]


class WebhookClaimSentBack(_ClaimEvent):
    """An editor sends a claim back to its checker, with a comment."""

    event: Literal["claim.sent_back"]
    reason: str = Field(description="The editor's comment to the checker.")


class WebhookRating(BaseModel):
    type_: Literal["Rating"] = Field(alias="@type")
    alternateName: str = Field(description="The rating's label on the newsroom's scale.")
    ratingValue: int | None = Field(None, description="Its place on an ordinal scale (absent for e.g. Misleading).")
    bestRating: int | None = None
    worstRating: int | None = None


class WebhookClaimReview(BaseModel):
    """schema.org ClaimReview JSON-LD, as the desk's exports write it (fields without a value are left out)."""

    model_config = ConfigDict(extra="allow")
    context: Literal["https://schema.org"] = Field(alias="@context")
    type_: Literal["ClaimReview"] = Field(alias="@type")
    url: str = Field(description="The fact-check's public address (the newsroom's review URL for this claim).")
    claimReviewed: str
    datePublished: str | None = Field(None, description="YYYY-MM-DD")
    author: dict[str, Any] = Field(description="The newsroom: {@type: Organization, name, url}.")
    reviewRating: WebhookRating
    itemReviewed: dict[str, Any] = Field(description="The claim: {@type: Claim, author (who made it), "
                                                     "appearance [{url}], datePublished}.")


class WebhookClaimPublished(_ClaimEvent):
    """An editor signs a fact-check off: it carries its ClaimReview."""

    event: Literal["claim.published"]
    claim_review: WebhookClaimReview | None = Field(description="null only if the claim was reopened before the "
                                                                "delivery was sent.")


class WebhookClaimCorrected(_ClaimEvent):
    """A published fact-check is reopened for a correction (the claim is in progress again)."""

    event: Literal["claim.corrected"]
    reason: str = Field(description="The correction note.")


class WebhookRequest(_Strict):
    id: int = Field(description="The request in GET /api/v1/requests/{request_id}.")
    kind: Literal[tuple(REQUEST_KINDS)]  # type: ignore[valid-type]
    claim_text: str = Field(description="As the reader wrote it: text, never markup; escape it when you show it.")
    link: str = Field(description="Where it was made ('' for none); never fetched by the desk until accepted.")
    why: str


class WebhookRequestReceived(_Delivery):
    """A reader asks for a check or reports an error through the public page. The requester's email is never
    sent."""

    event: Literal["request.received"]
    request: WebhookRequest


class WebhookTest(_Delivery):
    """The admin page's "send test event": sent whichever events the endpoint chose."""

    event: Literal["test"]
    actor: str
    message: str


PAYLOADS: dict[str, type[BaseModel]] = {
    "claim.created": WebhookClaimCreated,
    "claim.assigned": WebhookClaimAssigned,
    "claim.submitted": WebhookClaimSubmitted,
    "claim.sent_back": WebhookClaimSentBack,
    "claim.published": WebhookClaimPublished,
    "claim.corrected": WebhookClaimCorrected,
    "request.received": WebhookRequestReceived,
    webhooks.TEST_EVENT: WebhookTest,
}

HEADERS = [
    {"name": SIGNATURE_HEADER, "in": "header", "required": True, "schema": {"type": "string",
     "pattern": r"^t=\d+,v1=[0-9a-f]{64}$"},
     "description": "`t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.<body>' keyed with the endpoint's secret>`."},
    {"name": "X-Factcheck-Event", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "The event's name."},
    {"name": "X-Factcheck-Delivery", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "The delivery's id, the same on every retry."},
]


def payload_schemas() -> dict[str, dict]:
    """Every payload model and the models inside them, as components/schemas entries."""
    _, top = models_json_schema([(model, "validation") for model in PAYLOADS.values()], ref_template=SCHEMAS)
    return top["$defs"]


def add_webhooks(document: dict) -> None:
    """The document's `webhooks`: one POST per event, its body's schema in components/schemas."""
    document["components"]["schemas"].update(payload_schemas())
    hooks = {}
    for event, model in PAYLOADS.items():
        label = webhooks.EVENTS.get(event, "A test event")
        hooks[event] = {"post": {
            "operationId": "webhook_" + event.replace(".", "_"),
            "summary": label,
            "description": (model.__doc__ or label).strip() + "\n\n" + VERIFYING,
            "tags": ["webhooks"],
            "security": [],
            "parameters": HEADERS,
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": SCHEMAS.format(model=model.__name__)}}}},
            "responses": {"2XX": {"description": "Delivered: the desk logs the status and stops."},
                          "default": {"description": "Retried (408, 425, 429, 5xx) or failed (any other)."}},
        }}
    document["webhooks"] = hooks
    document["info"]["description"] = (document["info"].get("description", "") + "\n\n**Webhooks.** An admin "
                                       "registers endpoints (Admin → Webhooks) for some of these events: "
                                       + ", ".join(f"`{e}`" for e in webhooks.EVENTS) + ". Each payload is "
                                       "under `webhooks` below.\n\n" + VERIFYING)
    if not any(tag.get("name") == "webhooks" for tag in document.get("tags", [])):
        document.setdefault("tags", []).append({"name": "webhooks", "description": "What the desk sends to "
                                                "registered endpoints, and how to verify it."})


spec.extensions.append(add_webhooks)
