"""A small newsroom with one of everything a route can name, and clients for each role."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlmodel import select

from factcheck.archive.storage import LocalArchiveStore
from factcheck.models import Capture, Notification, PublicRequest, Source, Webhook
from factcheck.services import exports
from factcheck.services import review, sources
from factcheck.services import tokens as token_service
from tests.archive.warcs import page_hops, store_warc
from tests.builders import article, claims_of
from tests.conftest import Client

ROLES = ("anonymous", "carl", "cora", "eve", "ada")  # carl is the claim's assignee; cora is another checker
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass
class World:
    article_id: int
    claim_id: int
    claim_version: int
    claim_text: str
    other_claim_id: int
    other_claim_version: int
    source_id: int
    source_version: int
    capture_id: int
    token_id: int
    export_id: int
    user_id: int          # cora: the account the admin pages change
    cora_id: int
    tokens: dict          # bearer token per person
    listed_id: int = 0    # the source the article lists in its own "Sources" section (no link yet)
    notification_id: int = 0   # carl's: the claim was assigned to him
    webhook_id: int = 0
    request_id: int = 0        # a reader's request, new
    feed_id: int = 0           # a fact-check feed at a loopback address the fetcher refuses (nothing is fetched)

    def url_values(self) -> dict:
        return {"article_id": self.article_id, "claim_id": self.claim_id, "source_id": self.source_id,
                "capture_id": self.capture_id, "token_id": self.token_id, "export_id": self.export_id,
                "user_id": self.user_id, "token": "fcr_not-a-live-reset-link", "listed_id": self.listed_id,
                "notification_id": self.notification_id, "webhook_id": self.webhook_id,
                "request_id": self.request_id, "kind": "assigned",
                "feed_id": self.feed_id}


@pytest.fixture
def world(app, session, people, settings) -> World:
    """An article by eve; a claim assigned to carl, in progress, with a source (archived) and a verdict;
    an API token for each person plus one more to revoke; an export eve made, built and ready."""
    eve, carl, cora, ada = people["eve"], people["carl"], people["cora"], people["ada"]
    a = article(session, by=eve)
    new = [c for c in claims_of(session, a) if c.status == "new"]
    claim, other = new[0], new[1]
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=claim.version)
    session.commit()
    source = sources.add_source(session, claim=claim, url="https://stats.example.org/ferry", title="Ferry stats",
                                stance="supports", actor=carl)
    session.commit()
    review.propose_verdict(session, claim=claim, rating="Mostly true", rationale="The figures match.", actor=carl,
                           expected_version=claim.version)
    session.commit()
    capture = session.exec(select(Capture).where(Capture.source_id == source.id)).one()
    store = LocalArchiveStore(settings.archive_dir)
    capture.text_path = store.put_bytes(b"Ferry stats: 4,200 passengers.", suffix=".txt")[1]
    capture.warc_path = store_warc(store, page_hops("https://stats.example.org/ferry"))  # a real one: WACZ reads it
    capture.screenshot_path = store.put_bytes(PNG, suffix=".png")[1]
    capture.state = "done"
    session.add(capture)
    session.commit()
    raw = {name: token_service.create_token(session, user=user, name=f"{name}'s token")[1]
           for name, user in people.items()}
    spare, _ = token_service.create_token(session, user=cora, name="to revoke")
    export = exports.request_export(session, actor=eve, fmt="csv")
    session.commit()
    config = exports.ExportConfig(base_url="http://localhost", store=store, chromium=None)
    assert exports.build_export(session, export.id, config=config) == "done"
    hook = Webhook(url="https://hooks.example.org/desk", secret="s" * 32, events=["claim.published"])
    session.add(hook)
    asked = PublicRequest(claim_text="The ferry carries 9,000 people a day.", why="It is on every poster.")
    session.add(asked)
    from factcheck.models import FactcheckFeed

    feed = FactcheckFeed(url="http://127.0.0.1:9/claimreview.json")
    session.add(feed)
    session.commit()
    notification = session.exec(select(Notification).where(Notification.user_id == carl.id)).first()
    session.expire_all()
    claim, other, source = (session.get(type(x), x.id) for x in (claim, other, source))
    return World(article_id=a.id, claim_id=claim.id, claim_version=claim.version, claim_text=claim.text,
                 other_claim_id=other.id, other_claim_version=other.version, source_id=source.id,
                 source_version=source.version, capture_id=capture.id, token_id=spare.id, export_id=export.id,
                 user_id=cora.id, cora_id=cora.id, tokens=raw,
                 listed_id=session.exec(select(Source.id).where(Source.article_id == a.id,
                                                                Source.claim_id.is_(None))).first(),
                 notification_id=notification.id, webhook_id=hook.id, request_id=asked.id,
                 feed_id=feed.id)


@pytest.fixture
def browser(app, people):
    """browser("eve") -> a Client signed in as eve; browser("anonymous") -> one signed in as nobody.
    Either holds the CSRF token its first page carried. Signing in writes the session directly: the
    sign-in form (and its deliberately slow password hash) has its own tests."""
    def make(role: str) -> Client:
        c = Client(app.test_client())
        if role == "anonymous":
            c.get("/login")
            return c
        with c.http.session_transaction() as s:
            s["_user_id"] = people[role].get_id()  # "id:session generation", as Flask-Login stores it
            s["_fresh"] = True
        assert c.get("/my-work").status_code == 200 and c.csrf
        return c
    return make


def normalise(rule: str) -> str:
    """`/claims/<int(min=1, max=2147483647):claim_id>` -> `/claims/<claim_id>`."""
    return re.sub(r"<(?:[^<>]*:)?(\w+)>", r"<\1>", rule)


def app_routes(app) -> set[tuple[str, str]]:
    """Every (method, rule) the app answers, but HEAD, OPTIONS and static files."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "bootstrap.static"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, normalise(rule.rule)))
    return found


def build_url(app, method: str, rule: str, values: dict) -> str:
    """The concrete URL of a normalised rule, filled with the world's ids."""
    for r in app.url_map.iter_rules():
        if normalise(r.rule) == rule and method in r.methods:
            needed = {name: values[name] for name in r.arguments}
            return app.url_map.bind("localhost").build(r.endpoint, needed, method=method)
    raise LookupError(f"no rule {method} {rule}")
