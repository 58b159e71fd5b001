"""One-click unsubscribe per kind (RFC 8058) from the desk's notification emails and digests, the digest hour on
the settings page, and the "corrected" notification and webhook event."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlmodel import select

from factcheck.archive.fetcher import FetchPolicy
from factcheck.mail_settings import MailSettings
from factcheck.models import EmailMessage, Notification, WebhookDelivery
from factcheck.services import digests, mail, mail_tokens, notifications, review, webhooks
from factcheck.services import settings as newsroom
from tests.builders import article, claims_of, in_review
from tests.conftest import Client
from tests.services.test_mail import inbox, parts  # noqa: F401 - the loopback SMTP server fixture

BASE = "https://desk.example.org"


@pytest.fixture
def config(app, inbox):  # noqa: F811
    settings = MailSettings(host="127.0.0.1", port=inbox.port, security="none", username="", password="",
                            from_address="Fact desk <desk@example.org>", digest_hour=8, timeout=5.0)
    return mail.MailConfig(mail=settings, base_url=BASE, secret=app.config["SECRET_KEY"])


@pytest.fixture
def claim(session, people):
    a = article(session, by=people["eve"])
    return next(c for c in claims_of(session, a) if c.status == "new")


def carl_wants(session, people, **choices):
    notifications.set_email(session, user=people["carl"], email="carl@example.org")
    notifications.set_preferences(session, user=people["carl"], choices=choices)
    session.commit()


def send_all(session, config):
    session.expire_all()
    for row in session.exec(select(EmailMessage).where(EmailMessage.state == "queued")).all():
        assert mail.send_email(session, row.id, config=config) == "done"


def header_link(msg) -> str:
    value = str(msg["List-Unsubscribe"])
    assert value.startswith(f"<{BASE}/unsubscribe/") and value.endswith(">")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return value[1:-1][len(BASE):]


def test_one_click_stops_one_kind_and_says_so(app, session, people, inbox, config, claim):  # noqa: F811
    carl_wants(session, people, assigned="email", comment="email")
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    session.commit()
    send_all(session, config)
    msg, text, html = parts(inbox.messages[0][2])
    path = header_link(msg)
    assert path.startswith(f"/unsubscribe/{people['carl'].id}/assigned/")
    assert f"{BASE}{path}" in text and f'href="{BASE}{path}"' in html

    visitor = Client(app.test_client())   # no sign-in
    page = visitor.get(path)
    assert page.status_code == 200 and "Stop “Assigned to you” emails" in page.get_data(as_text=True)
    assert notifications.preferences(session, user=people["carl"])["assigned"] == "email"   # GET only asks
    # what a mail client sends (RFC 8058): a POST with this body, no cookie, no CSRF token
    done = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no more “Assigned to you” emails" in done.get_data(as_text=True)
    session.expire_all()
    prefs = notifications.preferences(session, user=people["carl"])
    assert prefs["assigned"] == "app" and prefs["comment"] == "email"   # that kind only, and still in the app
    again = app.test_client().post(path)
    assert again.status_code == 200 and "Nothing changed" in again.get_data(as_text=True)
    review.add_comment(session, claim=claim, body="Look at the table.", actor=people["eve"])
    review.assign(session, claim=claim, assignee=people["cora"], actor=people["eve"], expected_version=2)
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=3)
    session.commit()
    assert session.exec(select(Notification).where(Notification.kind == "assigned",
                                                   Notification.user_id == people["carl"].id)
                        .order_by(Notification.id.desc())).first().channel == "app"


def test_crossed_forged_and_expired_unsubscribe_links_change_nothing(app, session, people):
    carl_wants(session, people, assigned="email", comment="email")
    secret, carl, cora = app.config["SECRET_KEY"], people["carl"].id, people["cora"].id
    token = mail_tokens.unsubscribe_token(secret, user_id=carl, kind="assigned")
    visitor = app.test_client()
    for path in (f"/unsubscribe/{carl}/comment/{token}",       # another kind
                 f"/unsubscribe/{cora}/assigned/{token}"):     # another person
        resp = visitor.post(path)
        assert resp.status_code == 400 and "another person or another kind" in resp.get_data(as_text=True)
    resp = visitor.post(f"/unsubscribe/{carl}/assigned/{token[:-4]}")
    assert resp.status_code == 400 and "not valid" in resp.get_data(as_text=True)
    resp = visitor.get(f"/unsubscribe/{carl}/nonsense/{token}")
    assert resp.status_code == 400 and "names no kind" in resp.get_data(as_text=True)
    confirm = mail_tokens.reader_token(secret, "confirm", request_id=1, email="a@example.org")
    assert visitor.post(f"/unsubscribe/{carl}/assigned/{confirm}").status_code == 400   # another purpose

    class LastYear(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - (mail_tokens.UNSUBSCRIBE_DAYS + 1) * 86400

    old = URLSafeTimedSerializer(secret, salt="factcheck-mail-unsubscribe", signer=LastYear).dumps(
        {"u": carl, "k": "assigned"})
    resp = visitor.post(f"/unsubscribe/{carl}/assigned/{old}")
    assert resp.status_code == 410 and "expired" in resp.get_data(as_text=True)
    session.expire_all()
    assert notifications.preferences(session, user=people["carl"])["assigned"] == "email"


def test_a_digest_stops_as_a_whole_and_the_hour_is_the_newsrooms(app, session, people, inbox, config,  # noqa: F811
                                                                 claim, as_user):
    carl_wants(session, people, assigned="digest", comment="digest", mention="email")
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    review.add_comment(session, claim=claim, body="<b>Bold</b> claim", actor=people["eve"])
    session.commit()
    ada = as_user("ada")
    page = ada.get("/admin/settings").get_data(as_text=True)
    assert 'name="digest_hour"' in page and 'value="8"' in page
    newsroom.set_time_zone(session, name="Europe/Berlin", actor=people["ada"])
    session.commit()
    form = {"threshold": "0.5", "min_sources": "1", "four_eyes": "y", "org_name": "Desk",
            "org_url": "https://desk.example.org/", "review_url": "https://desk.example.org/c/{claim_id}",
            "retention_days": "90"}
    assert ada.post("/admin/settings", {**form, "digest_hour": "24"}).status_code == 422
    assert ada.post("/admin/settings", {**form, "digest_hour": "18"}).status_code == 302
    five_pm_berlin = datetime(2026, 6, 1, 15, 30, tzinfo=timezone.utc)   # 17:30 in Berlin (summer time)
    assert digests.queue_digests(session, config=config, now=five_pm_berlin) == 0   # before 18:00 there
    six_pm_berlin = datetime(2026, 6, 1, 16, 5, tzinfo=timezone.utc)
    assert digests.queue_digests(session, config=config, now=six_pm_berlin) == 1
    send_all(session, config)
    msg, text, html = parts(inbox.messages[0][2])
    path = header_link(msg)
    assert path.startswith(f"/unsubscribe/{people['carl'].id}/digest/") and "Stop the daily digest" in html
    assert f"/unsubscribe/{people['carl'].id}/comment/" in text and "&lt;b&gt;Bold" in html
    done = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "“Assigned to you”, “A comment on your claim”" in done.get_data(as_text=True)
    session.expire_all()
    prefs = notifications.preferences(session, user=people["carl"])
    assert (prefs["assigned"], prefs["comment"], prefs["mention"]) == ("app", "app", "email")


def test_a_correction_tells_the_people_watching_and_the_webhooks(session, people, claim):
    webhooks.create(session, url="https://8.8.8.8/hook", events=["claim.corrected"], actor=people["ada"],
                    policy=FetchPolicy())
    session.commit()
    in_review(session, people, claim)
    review.add_comment(session, claim=claim, body="Nice work.", actor=people["cora"])
    review.transition(session, claim=claim, to="published", actor=people["eve"], expected_version=claim.version,
                      confirm_unarchived=True)
    session.commit()
    review.transition(session, claim=claim, to="in_progress", actor=people["ada"], expected_version=claim.version,
                      comment="The ferry figure was for 2024.")
    session.commit()
    told = session.exec(select(Notification).where(Notification.kind == "corrected")).all()
    assert sorted(n.user_id for n in told) == sorted([people["carl"].id, people["eve"].id, people["cora"].id])
    assert {n.text for n in told} == {"The ferry figure was for 2024."}
    [delivery] = session.exec(select(WebhookDelivery).where(WebhookDelivery.event == "claim.corrected")).all()
    assert delivery.payload["claim"]["id"] == claim.id
    assert "corrected" in notifications.KINDS
