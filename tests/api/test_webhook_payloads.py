"""The webhooks' payloads in the OpenAPI document: every event the code can emit is documented, and what a real
delivery sends (to a receiver on loopback) validates against the documented schema."""
from __future__ import annotations

import json
import re

import jsonschema
import pytest

from factcheck.api.webhooks import PAYLOADS
from factcheck.archive.fetcher import FetchPolicy
from factcheck.services import deliveries, public_requests, review, sources, webhooks
from tests.builders import article, claims_of
from tests.services.test_webhooks import SECRET, Receiver, rows

EMITTED = set(webhooks.EVENTS) | {webhooks.TEST_EVENT}


@pytest.fixture
def document(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def validator(document: dict, event: str) -> jsonschema.Draft202012Validator:
    """The documented body of `event`, its references resolved inside the served document."""
    body = document["webhooks"][event]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = {**body, "components": document["components"]}
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_every_event_the_code_can_emit_is_documented(document):
    assert document["openapi"].startswith("3.1")
    assert set(PAYLOADS) == EMITTED
    assert set(document["webhooks"]) == EMITTED
    for event, item in document["webhooks"].items():
        post = item["post"]
        names = {p["name"] for p in post["parameters"] if p["in"] == "header"}
        assert names == {"X-Factcheck-Signature", "X-Factcheck-Event", "X-Factcheck-Delivery"}
        assert "HMAC-SHA256" in post["description"] and "compare_digest" in post["description"]
        assert validator(document, event).schema["$ref"].startswith("#/components/schemas/Webhook")
    published = document["components"]["schemas"]["WebhookClaimPublished"]
    assert "claim_review" in published["required"]
    assert "X-Factcheck-Signature" in document["info"]["description"]


def test_an_event_the_code_does_not_document_cannot_be_sent(session, people):
    with pytest.raises(ValueError, match="not a webhook event"):
        webhooks.queue(session, webhook_id=1, event="claim.exploded", data={})


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def test_real_deliveries_of_every_event_match_the_document(session, people, document, receiver):
    eve, carl = people["eve"], people["carl"]
    policy = FetchPolicy(allow=frozenset({("127.0.0.1", receiver.port)}), total_timeout=5.0)
    hook = webhooks.create(session, url=receiver.url, events=list(webhooks.EVENTS), secret=SECRET, actor=people["ada"],
                           policy=policy)
    session.commit()
    claim = next(c for c in claims_of(session, article(session, by=eve)) if c.status == "new")   # claim.created
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=claim.version)
    sources.add_source(session, claim=claim, url="https://stats.example.org/ferry", title="Ferry stats",
                       stance="supports", note="", actor=carl)
    review.propose_verdict(session, claim=claim, rating="Mostly false", rationale="Lower.", actor=carl,
                           expected_version=claim.version)
    review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=claim.version)
    review.transition(session, claim=claim, to="in_progress", actor=eve, expected_version=claim.version,
                      comment="Which year?")
    review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=claim.version)
    review.transition(session, claim=claim, to="published", actor=eve, expected_version=claim.version)
    session.commit()
    config = deliveries.DeliveryConfig(policy=policy, base_url="https://desk.example.org")

    def deliver_waiting():
        for row in rows(session):
            if row.state == "queued":
                assert deliveries.deliver_webhook(session, row.id, config=config) == "done", row.reason

    deliver_waiting()   # sent while it is published: with its ClaimReview
    review.transition(session, claim=claim, to="in_progress", actor=eve, expected_version=claim.version,
                      comment="The figure was for 2024.")
    public_requests.submit(session, kind="check", claim_text="The ferry carries <b>9,000</b> a day.",
                           link="https://news.example.org/ferry", why="Posters.", email="reader@example.org")
    webhooks.send_test(session, webhook_id=hook.id, actor=people["ada"])
    session.commit()

    deliver_waiting()
    seen = set()
    for headers, body in receiver.got:
        assert receiver.verified(headers, body)   # as the document tells a receiver to check it
        assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", headers["x-factcheck-signature"])
        sent = json.loads(body)
        assert headers["x-factcheck-event"] == sent["event"] and headers["x-factcheck-delivery"] == str(
            sent["delivery_id"])
        errors = [e.message for e in validator(document, sent["event"]).iter_errors(sent)]
        assert errors == [], (sent["event"], errors)
        seen.add(sent["event"])
    assert seen == EMITTED   # every event was really delivered once at least, and each matched its schema

    published = next(json.loads(b) for _, b in receiver.got if json.loads(b)["event"] == "claim.published")
    assert published["claim_review"]["@type"] == "ClaimReview"
    assert published["claim_review"]["reviewRating"]["alternateName"] == "Mostly false"
    # a published delivery sent after the claim was reopened goes out without a ClaimReview, as documented
    review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=claim.version)
    review.transition(session, claim=claim, to="published", actor=eve, expected_version=claim.version)
    review.transition(session, claim=claim, to="in_progress", actor=eve, expected_version=claim.version,
                      comment="And once more.")
    session.commit()
    deliver_waiting()
    late = [json.loads(b) for _, b in receiver.got if json.loads(b)["event"] == "claim.published"][-1]
    assert late["claim_review"] is None and validator(document, "claim.published").is_valid(late)
    received = next(json.loads(b) for _, b in receiver.got if json.loads(b)["event"] == "request.received")
    assert "email" not in json.dumps(received) and "reader@example.org" not in json.dumps(received)

    # the schemas are strict: a field the document does not name, or one it requires left out, fails
    check = validator(document, "claim.published")
    assert not check.is_valid({**published, "surprise": 1})
    assert not check.is_valid({k: v for k, v in published.items() if k != "claim_review"})
    assert not validator(document, "claim.sent_back").is_valid(
        {**next(json.loads(b) for _, b in receiver.got if json.loads(b)["event"] == "claim.sent_back"),
         "reason": None})
