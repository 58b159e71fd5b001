"""Notifications by email, read back from a real SMTP server on loopback (aiosmtpd), and the daily digest."""
from __future__ import annotations

import email
import socket
from datetime import datetime, timezone
from email import policy as email_policy

import pytest
from sqlmodel import select

from factcheck.mail_settings import MailSettings, from_env
from factcheck.models import EmailMessage, Notification
from factcheck.services import digests, mail, notifications, review
from factcheck.services import settings as newsroom
from tests.builders import article, claims_of

aiosmtpd = pytest.importorskip("aiosmtpd.controller")
SECRET = "test-secret-for-signed-links"


class Inbox:
    """What the loopback server received; `refuse` makes it answer RCPT with that reply instead."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Inbox()
    controller = aiosmtpd.Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port
    yield box
    controller.stop()


@pytest.fixture
def config(inbox):
    settings = MailSettings(host="127.0.0.1", port=inbox.port, security="none", username="", password="",
                            from_address="Fact desk <desk@example.org>", digest_hour=8, timeout=5.0)
    return mail.MailConfig(mail=settings, base_url="https://desk.example.org", secret=SECRET)


@pytest.fixture
def claim(session, people):
    a = article(session, by=people["eve"])
    return next(c for c in claims_of(session, a) if c.status == "new")


def parts(raw: bytes) -> tuple[object, str, str]:
    msg = email.message_from_bytes(raw, policy=email_policy.default)
    return msg, msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def carl_wants(session, people, **choices):
    notifications.set_email(session, user=people["carl"], email="carl@example.org")
    notifications.set_preferences(session, user=people["carl"], choices=choices)
    session.commit()


def test_settings_from_the_environment():
    assert from_env({}) is None
    s = from_env({"FACTCHECK_SMTP_URL": "smtp://desk%40example.org:p%40ss@mail.example.org",
                  "FACTCHECK_SMTP_FROM": "desk@example.org", "FACTCHECK_DIGEST_HOUR": "7"})
    assert (s.host, s.port, s.security, s.username, s.password, s.digest_hour) == \
        ("mail.example.org", 587, "starttls", "desk@example.org", "p@ss", 7)
    assert "p@ss" not in repr(s)
    assert from_env({"FACTCHECK_SMTP_URL": "smtps://mail.example.org", "FACTCHECK_SMTP_FROM": "d@e.org"}).port == 465
    assert from_env({"FACTCHECK_SMTP_URL": "smtp://m.example.org:2525?tls=none",
                     "FACTCHECK_SMTP_FROM": "d@e.org"}).security == "none"
    for bad in ({"FACTCHECK_SMTP_URL": "http://mail.example.org", "FACTCHECK_SMTP_FROM": "d@e.org"},
                {"FACTCHECK_SMTP_URL": "smtp://mail.example.org"},
                {"FACTCHECK_SMTP_URL": "smtp://m.example.org?tls=maybe", "FACTCHECK_SMTP_FROM": "d@e.org"},
                {"FACTCHECK_DIGEST_HOUR": "25"}):
        with pytest.raises(ValueError):
            from_env(bad)


def test_a_notification_by_email_arrives_with_its_links(session, people, inbox, config, claim):
    carl_wants(session, people, assigned="email")
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    session.commit()
    [row] = session.exec(select(EmailMessage)).all()
    assert mail.send_email(session, row.id, config=config) == "done"
    [(sender, to, raw)] = inbox.messages
    assert sender == "desk@example.org" and to == ["carl@example.org"]
    msg, text, html = parts(raw)
    assert msg["Subject"] == f"Assigned to you: claim #{claim.id}" and msg["To"] == "carl@example.org"
    assert f"https://desk.example.org/claims/{claim.id}" in text and claim.text[:40] in text
    assert "https://desk.example.org/account/notifications#assigned" in text
    assert f'href="https://desk.example.org/claims/{claim.id}"' in html
    assert 'href="https://desk.example.org/account/notifications#assigned"' in html
    session.expire_all()
    assert session.get(EmailMessage, row.id).sent_at is not None
    assert session.exec(select(Notification)).one().emailed_at is not None   # also shown in the app


def test_comment_text_is_escaped_in_the_html_part(session, people, inbox, config, claim):
    carl_wants(session, people, comment="email")
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    review.add_comment(session, claim=claim, body="<script>alert(1)</script> see the ledger", actor=people["eve"])
    session.commit()
    [row] = session.exec(select(EmailMessage)).all()
    assert mail.send_email(session, row.id, config=config) == "done"
    _, text, html = parts(inbox.messages[0][2])
    assert "<script>" in text and "<script>" not in html and "&lt;script&gt;" in html


def test_refusals_fail_and_a_busy_server_is_tried_again(session, people, inbox, config, claim):
    carl_wants(session, people, assigned="email", comment="email")
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    review.add_comment(session, claim=claim, body="Second.", actor=people["eve"])
    session.commit()
    first, second = session.exec(select(EmailMessage).order_by(EmailMessage.id)).all()
    inbox.refuse = "550 5.1.1 No such mailbox"
    assert mail.send_email(session, first.id, config=config) == "failed"
    inbox.refuse = "451 4.3.0 Try again later"
    assert mail.send_email(session, second.id, config=config) == "retrying"
    session.expire_all()
    assert "refused carl@example.org (550)" in session.get(EmailMessage, first.id).reason
    assert session.get(EmailMessage, second.id).next_try_at is not None
    assert inbox.messages == []


def test_without_a_mail_server_nothing_is_sent(session, people, claim):
    carl_wants(session, people, assigned="email")
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    session.commit()
    [row] = session.exec(select(EmailMessage)).all()
    assert mail.send_email(session, row.id, config=mail.MailConfig()) == "failed"
    session.expire_all()
    assert "FACTCHECK_SMTP_URL" in session.get(EmailMessage, row.id).reason
    assert digests.queue_digests(session, config=mail.MailConfig()) == 0


def test_the_daily_digest_gathers_a_day_once_at_the_newsroom_hour(session, people, inbox, config, claim):
    carl_wants(session, people, assigned="digest", comment="digest")
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    review.add_comment(session, claim=claim, body="The ledger is in the archive.", actor=people["eve"])
    session.commit()
    assert session.exec(select(EmailMessage)).all() == []   # nothing at once
    newsroom.set_time_zone(session, name="Asia/Tokyo", actor=people["ada"])   # UTC+9
    session.commit()
    early = datetime(2030, 3, 3, 22, 0, tzinfo=timezone.utc)   # 07:00 in Tokyo
    assert digests.queue_digests(session, config=config, now=early) == 0
    at_eight = early.replace(hour=23, minute=5)                 # 08:05 on the 4th in Tokyo
    assert digests.queue_digests(session, config=config, now=at_eight) == 1
    assert digests.queue_digests(session, config=config, now=at_eight.replace(day=4, hour=1)) == 0
    [row] = session.exec(select(EmailMessage)).all()
    assert (row.kind, len(row.notification_ids)) == ("digest", 2)
    assert mail.send_email(session, row.id, config=config) == "done"
    msg, text, html = parts(inbox.messages[0][2])
    assert msg["Subject"] == "Your fact-checking desk today: 2 notifications"
    assert "Assigned to you" in text and "The ledger is in the archive." in text
    assert text.count(f"https://desk.example.org/claims/{claim.id}") == 2 and "<ul>" in html
    review.add_comment(session, claim=claim, body="Tomorrow's news.", actor=people["eve"])
    session.commit()
    assert digests.queue_digests(session, config=config, now=at_eight.replace(day=4, hour=3)) == 0   # one a day
    assert digests.queue_digests(session, config=config, now=at_eight.replace(day=4)) == 1   # the 5th in Tokyo
