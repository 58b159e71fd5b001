"""The public "Ask us to check a claim" page and its protections, and the editors' Requests inbox."""
import time

import pytest
from sqlmodel import select

from factcheck.archive.fetcher import FetchPolicy
from factcheck.models import Claim, PublicRequest, WebhookDelivery
from factcheck.services import webhooks
from factcheck.web.ask import fill_token
from tests.conftest import Client


@pytest.fixture
def reader(app):
    c = Client(app.test_client())
    assert c.get("/ask").status_code == 200
    return c


def token(app, seconds_ago=10.0):
    with app.test_request_context():
        return fill_token(time.time() - seconds_ago)


def ask(app, reader, **fields):
    data = {"kind": "check", "claim_text": "The ferry carries <b>9,000</b> people a day.",
            "why": "It is on every poster.", "started": token(app), **fields}
    return reader.post("/ask", data)


def stored(session):
    session.expire_all()
    return session.exec(select(PublicRequest).order_by(PublicRequest.id)).all()


def test_a_reader_asks_without_signing_in(app, session, reader):
    page = reader.get("/ask").get_data(as_text=True)
    assert "Ask us to check a claim" in page and 'name="website"' in page and "Sign out" not in page
    sent = ask(app, reader, link="https://news.example.org/ferry", email="reader@example.org")
    assert sent.status_code == 302 and "Thank you" in reader.get("/ask").get_data(as_text=True)
    [row] = stored(session)
    assert (row.kind, row.state, row.link, row.email) == ("check", "new", "https://news.example.org/ferry",
                                                         "reader@example.org")


def test_bots_are_thanked_and_dropped(app, session, reader):
    assert ask(app, reader, website="https://spam.example").status_code == 302   # the honeypot
    assert ask(app, reader, started=token(app, seconds_ago=0.5)).status_code == 302   # too fast for a person
    assert ask(app, reader, started="forged").status_code == 302
    assert stored(session) == []


def test_bad_input_is_named(app, session, reader):
    resp = ask(app, reader, claim_text="", link="javascript:alert(1)")
    assert resp.status_code == 422 and "http:// or https://" in resp.get_data(as_text=True)
    assert ask(app, reader, claim_text="x" * 3000).status_code == 422
    assert reader.post("/ask", {"kind": "check", "claim_text": "A claim."}, csrf=False).status_code in (400, 422)
    assert stored(session) == []


def test_a_big_request_is_refused_unread(app, session, reader):
    resp = ask(app, reader, why="y" * 20_000)
    assert resp.status_code == 413 and stored(session) == []


def test_the_rate_limit_answers_429_with_retry_after(app, session, reader):
    for _ in range(5):
        assert ask(app, reader).status_code == 302
    resp = ask(app, reader)
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "60"
    assert len(stored(session)) == 5


def test_editors_decide_in_the_inbox(app, session, reader, as_user, people):
    webhooks.create(session, url="https://8.8.8.8/hook", events=["request.received"], actor=people["ada"],
                    policy=FetchPolicy())
    session.commit()
    for text in ("The ferry carries 9,000 people a day.", "Tickets doubled in price.", "Nonsense."):
        ask(app, reader, claim_text=text)
    first, second, third = stored(session)
    assert [d.event for d in session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()] == ["request.received"] * 3
    eve = as_user("eve")
    page = eve.get("/requests").get_data(as_text=True)
    assert "Tickets doubled in price." in page and "New <span class=\"badge text-bg-light\">3</span>" in page
    made = eve.post(f"/requests/{first.id}/accept")
    claim = session.exec(select(Claim).where(Claim.text == first.claim_text)).one()
    assert made.headers["Location"] == f"/claims/{claim.id}" and claim.status == "new"
    assert eve.post(f"/requests/{second.id}/duplicate", {"claim_id": claim.id}).status_code == 302
    assert eve.post(f"/requests/{third.id}/decline", {"reason": ""}).status_code == 302   # refused: no reason
    assert stored(session)[2].state == "new"
    eve.post(f"/requests/{third.id}/decline", {"reason": "Not a factual claim."})
    assert [(r.state, r.claim_id) for r in stored(session)] == [("accepted", claim.id), ("duplicate", claim.id),
                                                               ("declined", None)]
    assert "Accepted <span class=\"badge text-bg-light\">1</span>" in eve.get("/requests").get_data(as_text=True)
    assert eve.post(f"/requests/{first.id}/accept").status_code == 302   # decided already: said, not redone
    assert len(session.exec(select(Claim).where(Claim.text == first.claim_text)).all()) == 1
    assert as_user("carl").get("/requests").status_code == 403


def test_the_inbox_shows_similar_claims_on_the_desk(app, session, reader, as_user, people):
    from factcheck.services import matching
    from tests.builders import article, claims_of

    a = article(session, by=people["eve"])
    matching.rebuild(session)
    session.commit()
    mayor = next(c for c in claims_of(session, a) if "4,200 passengers" in c.text)
    ask(app, reader, claim_text="The mayor says 4,200 passengers used the new ferry terminal in its first week.")
    page = as_user("eve").get("/requests").get_data(as_text=True)
    assert "Similar on the desk" in page and f'href="/claims/{mayor.id}"' in page


def test_what_readers_send_is_never_markup(app, session, reader, as_user):
    ask(app, reader, claim_text="<script>alert(1)</script> claim", why="<img src=x onerror=alert(1)>")
    page = as_user("eve").get("/requests").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page and "<img src=x" not in page


def test_a_report_links_readers_to_the_error_form(app, session, reader, people, tmp_path):
    from factcheck.archive.storage import LocalArchiveStore
    from factcheck.services import exports
    from tests.builders import article

    a = article(session, by=people["eve"])
    config = exports.ExportConfig(base_url="https://desk.example.org", store=LocalArchiveStore(tmp_path),
                                  chromium=None)
    built = exports.article_export(session, article_id=a.id, fmt="html", config=config)
    html = b"".join(built.chunks).decode()
    assert 'Found an error in this report? <a href="https://desk.example.org/ask?kind=error">Tell us</a>' in html
    page = reader.get("/ask?kind=error").get_data(as_text=True)
    assert '<input checked class="form-check-input" id="kind-1" name="kind" type="radio" value="error">' in page
