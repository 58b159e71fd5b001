"""Webhooks: refused addresses (checked without connecting), and signed deliveries to a receiver on loopback that
checks each signature the way a receiving system would, retried with backoff."""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import update
from sqlmodel import select

from factcheck.archive.fetcher import FetchError, FetchPolicy, check_destination
from factcheck.errors import PermissionDenied, ValidationError
from factcheck.models import WebhookDelivery
from factcheck.services import deliveries, review, sources, webhooks
from tests.builders import article, claims_of

SECRET = "a-secret-the-receiver-shares-1234"


@pytest.mark.parametrize("url", [
    "http://10.0.0.5/hook", "http://127.0.0.1:8080/hook", "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/hook", "http://[::1]/hook", "http://[::ffff:10.0.0.1]/hook", "http://[fd00::1]/hook",
    "http://[fe80::1]/hook", "http://[64:ff9b::808:808]/hook", "http://[2002:a00:1::]/hook", "http://0.0.0.0/hook",
    "http://localhost:9/hook", "http://192.168.1.1/hook", "http://224.0.0.1/hook",
])
def test_private_and_special_addresses_are_refused(url):
    with pytest.raises(FetchError) as caught:
        check_destination(url, FetchPolicy())
    assert caught.value.permanent and "blocked range" in caught.value.reason
    with pytest.raises(ValidationError) as refused:
        webhooks.check_url(url, policy=FetchPolicy())
    assert "webhooks may not call" in refused.value.message


@pytest.mark.parametrize("url, words", [
    ("ftp://hooks.example.org/x", "Only http and https"), ("https://user:pw@hooks.example.org/", "user name"),
    ("https://hooks.example.org/x#frag", "fragment"), ("", "Give the endpoint"),
])
def test_other_bad_addresses_are_refused(url, words):
    with pytest.raises(ValidationError) as refused:
        webhooks.check_url(url, policy=FetchPolicy())
    assert words in refused.value.message


def test_a_public_address_passes_the_check_without_a_request():
    assert check_destination("https://8.8.8.8/hook", FetchPolicy()) == "8.8.8.8"


class Receiver:
    """A receiving system on 127.0.0.1: answers each POST with the next status of `answers` (then 200), keeps what
    arrived, and checks the signature as a receiver would."""

    def __init__(self) -> None:
        self.answers: list[int] = []
        self.got: list[tuple[dict, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = outer.answers.pop(0) if outer.answers else 200
                self.send_response(status)
                if status in (301, 302, 307, 308):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/desk"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verified(self, headers: dict, body: bytes, secret: str = SECRET, tolerance: int = 300) -> bool:
        parts = dict(p.split("=", 1) for p in headers["x-factcheck-signature"].split(","))
        stamp = int(parts["t"])
        expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - stamp) <= tolerance


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def policy(receiver):
    return FetchPolicy(allow=frozenset({("127.0.0.1", receiver.port)}), total_timeout=5.0)


@pytest.fixture
def config(policy):
    return deliveries.DeliveryConfig(policy=policy, base_url="https://desk.example.org")


@pytest.fixture
def claim(session, people):
    a = article(session, by=people["eve"])
    return next(c for c in claims_of(session, a) if c.status == "new")


def hook_for(session, people, receiver, policy, events):
    hook = webhooks.create(session, url=receiver.url, events=events, secret=SECRET, actor=people["ada"],
                           policy=policy)
    session.commit()
    return hook


def rows(session):
    session.expire_all()
    return session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def test_only_admins_register_and_only_chosen_events(session, people, receiver, policy):
    with pytest.raises(PermissionDenied):
        webhooks.create(session, url=receiver.url, events=["claim.assigned"], actor=people["eve"], policy=policy)
    with pytest.raises(ValidationError):
        webhooks.create(session, url=receiver.url, events=["claim.exploded"], actor=people["ada"], policy=policy)
    hook = webhooks.create(session, url=receiver.url, events=["claim.published"], actor=people["ada"], policy=policy)
    assert len(hook.secret) >= 32   # made when none is given


def test_an_event_is_signed_and_delivered(session, people, receiver, policy, config, claim):
    hook_for(session, people, receiver, policy, ["claim.assigned"])
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    review.add_comment(session, claim=claim, body="Not an event webhooks hear about.", actor=people["eve"])
    session.commit()
    [row] = rows(session)
    assert (row.event, row.state) == ("claim.assigned", "queued")
    assert deliveries.deliver_webhook(session, row.id, config=config) == "done"
    [(headers, body)] = receiver.got
    assert receiver.verified(headers, body)
    assert not receiver.verified(headers, body, secret="another secret")
    assert not receiver.verified(headers, body.replace(b"assigned", b"published"))
    sent = json.loads(body)
    assert sent["event"] == "claim.assigned" and sent["actor"] == "eve" and sent["delivery_id"] == row.id
    assert sent["claim"]["id"] == claim.id and sent["claim"]["url"] == f"https://desk.example.org/claims/{claim.id}"
    assert headers["x-factcheck-event"] == "claim.assigned" and "cookie" not in headers
    [row] = rows(session)
    assert (row.state, row.response_status, row.attempts) == ("done", 200, 1) and row.delivered_at is not None
    assert deliveries.deliver_webhook(session, row.id, config=config) is None   # a second ring sends nothing
    assert len(receiver.got) == 1


def test_a_failing_endpoint_is_retried_with_backoff(session, people, receiver, policy, config):
    hook = hook_for(session, people, receiver, policy, ["claim.published"])
    receiver.answers = [503, 429]
    row = webhooks.send_test(session, webhook_id=hook.id, actor=people["ada"])
    session.commit()
    assert deliveries.deliver_webhook(session, row.id, config=config) == "retrying"
    [row] = rows(session)
    assert (row.response_status, row.reason) == (503, "The endpoint answered 503.") and row.next_try_at is not None
    assert deliveries.deliver_webhook(session, row.id, config=config) is None   # not due yet
    for expected in ("retrying", "done"):
        session.execute(update(WebhookDelivery).values(next_try_at=row.created_at - timedelta(hours=1)))
        session.commit()
        assert deliveries.deliver_webhook(session, row.id, config=config) == expected
    assert len(receiver.got) == 3 and all(receiver.verified(h, b) for h, b in receiver.got)
    assert json.loads(receiver.got[0][1])["event"] == "test"


def test_a_refusal_or_a_redirect_fails_the_delivery(session, people, receiver, policy, config):
    hook = hook_for(session, people, receiver, policy, ["claim.published"])
    receiver.answers = [410, 302]
    first = webhooks.send_test(session, webhook_id=hook.id, actor=people["ada"])
    second = webhooks.send_test(session, webhook_id=hook.id, actor=people["ada"])
    session.commit()
    assert deliveries.deliver_webhook(session, first.id, config=config) == "failed"
    assert deliveries.deliver_webhook(session, second.id, config=config) == "failed"
    one, two = rows(session)
    assert (one.response_status, one.reason) == (410, "The endpoint answered 410.")
    assert two.response_status == 302 and "do not follow redirects" in two.reason
    assert len(receiver.got) == 2   # the redirect's target was never called


def test_an_endpoint_that_is_down_waits_and_the_address_is_checked_at_each_send(session, people, receiver, policy,
                                                                                config):
    hook = hook_for(session, people, receiver, policy, ["claim.published"])
    row = webhooks.send_test(session, webhook_id=hook.id, actor=people["ada"])
    session.commit()
    closed = deliveries.DeliveryConfig(policy=FetchPolicy(), base_url="https://desk.example.org")
    assert deliveries.deliver_webhook(session, row.id, config=closed) == "failed"   # loopback, not allow-listed
    assert "blocked range" in rows(session)[0].reason and receiver.got == []
    with socket.socket() as s:   # a loopback port nobody listens on, allow-listed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    hook.url = f"http://127.0.0.1:{port}/hooks/desk"
    session.add(hook)
    again = webhooks.send_test(session, webhook_id=hook.id, actor=people["ada"])
    session.commit()
    down = deliveries.DeliveryConfig(policy=FetchPolicy(allow=frozenset({("127.0.0.1", port)}), connect_timeout=1,
                                                        total_timeout=2), base_url="")
    assert deliveries.deliver_webhook(session, again.id, config=down) == "retrying"
    assert "127.0.0.1" in rows(session)[1].reason   # could not connect, or no answer in time: both pass


def test_published_carries_its_claim_review_and_switched_off_hooks_hear_nothing(session, people, receiver, policy,
                                                                                config, claim):
    eve, carl = people["eve"], people["carl"]
    hook = hook_for(session, people, receiver, policy, ["claim.submitted", "claim.published", "claim.sent_back"])
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=1)
    sources.add_source(session, claim=claim, url="https://stats.example.org/ferry", title="Ferry stats",
                       stance="supports", note="", actor=carl)
    review.propose_verdict(session, claim=claim, rating="False", rationale="The council's figure is lower.",
                           actor=carl, expected_version=2)
    review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=3)
    review.transition(session, claim=claim, to="in_progress", actor=eve, expected_version=4, comment="One more.")
    review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=5)
    review.transition(session, claim=claim, to="published", actor=eve, expected_version=6)
    session.commit()
    assert [r.event for r in rows(session)] == ["claim.submitted", "claim.sent_back", "claim.submitted",
                                                "claim.published"]
    sent_back, published = rows(session)[1], rows(session)[3]
    for r in (sent_back, published):
        assert deliveries.deliver_webhook(session, r.id, config=config) == "done"
    back, pub = (json.loads(b) for _, b in receiver.got)
    assert back["reason"] == "One more."
    assert pub["claim"]["status"] == "published"
    assert pub["claim_review"]["@type"] == "ClaimReview"
    assert pub["claim_review"]["reviewRating"]["alternateName"] == "False"
    webhooks.set_active(session, webhook_id=hook.id, active=False, actor=people["ada"])
    session.commit()
    review.transition(session, claim=claim, to="in_progress", actor=eve, expected_version=7, comment="Corrected.")
    session.commit()
    assert len(rows(session)) == 4
