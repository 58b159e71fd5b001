"""A reader's address: confirmed by a signed link, told of the publication, erased on request or after the
newsroom's retention. The emails are read back from a real SMTP server on loopback and their links followed."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlmodel import select

from factcheck.mail_settings import MailSettings
from factcheck.models import Claim, EmailMessage, PublicRequest, utcnow
from factcheck.services import mail, mail_tokens, public_requests, requester_contact, review, sweep
from factcheck.services import settings as newsroom
from tests.builders import in_review
from tests.conftest import Client
from tests.services.test_mail import inbox, parts  # noqa: F401 - the loopback SMTP server fixture
from tests.web.test_public_requests import ask, reader  # noqa: F401 - the public form and its reader

LINK = re.compile(r"https?://[^\s\"<>]+")


@pytest.fixture
def config(app, inbox):  # noqa: F811
    settings = MailSettings(host="127.0.0.1", port=inbox.port, security="none", username="", password="",
                            from_address="Fact desk <desk@example.org>", timeout=5.0)
    return mail.MailConfig(mail=settings, base_url="https://desk.example.org", secret=app.config["SECRET_KEY"])


def send_all(session, config) -> list[EmailMessage]:
    session.expire_all()
    rows = session.exec(select(EmailMessage).where(EmailMessage.state == "queued").order_by(EmailMessage.id)).all()
    for row in rows:
        assert mail.send_email(session, row.id, config=config) == "done", session.get(EmailMessage, row.id).reason
    return rows


def links(text: str) -> list[str]:
    return LINK.findall(text)


def path_of(url: str) -> str:
    assert url.startswith("https://desk.example.org/"), url   # the configured base URL, never a Host header
    return url[len("https://desk.example.org"):]


def stored(session) -> PublicRequest:
    session.expire_all()
    return session.exec(select(PublicRequest).order_by(PublicRequest.id.desc())).first()


def publish(session, people, claim: Claim) -> None:
    in_review(session, people, claim)
    review.transition(session, claim=claim, to="published", actor=people["eve"], expected_version=claim.version,
                      confirm_unarchived=True)
    session.commit()


def test_a_reader_confirms_and_is_told_of_the_publication(app, session, reader, inbox, config, people,  # noqa: F811
                                                          as_user):
    ask(app, reader, claim_text="The ferry carries 9,000 people a day.", email="reader@example.org")
    row = stored(session)
    assert row.email_confirmed_at is None
    send_all(session, config)
    [(_, to, raw)] = inbox.messages
    msg, text, html = parts(raw)
    assert to == ["reader@example.org"] and "confirm" in msg["Subject"]
    confirm_url, forget_url = [u for u in links(text) if "/ask/" in u]
    assert "/ask/confirm/" in confirm_url and "/ask/forget/" in forget_url
    assert msg["List-Unsubscribe"] == f"<{forget_url}>" and msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f'href="{confirm_url}"' in html and "9,000 people" in text

    # no sign-in: a fresh browser opens the link
    page = Client(app.test_client()).get(path_of(confirm_url))
    assert page.status_code == 200 and "Your email address is confirmed" in page.get_data(as_text=True)
    assert stored(session).email_confirmed_at is not None

    eve = as_user("eve")
    assert eve.post(f"/requests/{row.id}/accept").status_code == 302
    claim = session.get(Claim, stored(session).claim_id)
    publish(session, people, claim)
    send_all(session, config)
    msg, text, html = parts(inbox.messages[-1][2])
    assert inbox.messages[-1][1] == ["reader@example.org"] and "published" in msg["Subject"]
    report = newsroom.publication(session)["review_url"].replace("{claim_id}", str(claim.id))
    assert report in text and f'href="{report}"' in html and "/ask/forget/" in text
    assert stored(session).told_published_at is not None

    # published again after a correction: told once only
    review.transition(session, claim=claim, to="in_progress", actor=people["ada"], expected_version=claim.version,
                      comment="A figure was wrong.")
    review.transition(session, claim=claim, to="in_review", actor=people["carl"], expected_version=claim.version,
                      confirm_unarchived=True)
    review.transition(session, claim=claim, to="published", actor=people["eve"], expected_version=claim.version,
                      confirm_unarchived=True)
    session.commit()
    assert send_all(session, config) == []


def test_an_unconfirmed_address_is_told_nothing_else(app, session, reader, inbox, config, people):  # noqa: F811
    ask(app, reader, claim_text="Tickets doubled in price.", email="quiet@example.org")
    send_all(session, config)
    assert len(inbox.messages) == 1   # the confirmation only
    row = stored(session)
    claim = public_requests.accept(session, request_id=row.id, actor=people["eve"], threshold=0.5,
                                   max_body_chars=100_000)
    session.commit()
    publish(session, people, claim)
    assert send_all(session, config) == [] and len(inbox.messages) == 1


def test_a_request_linked_to_a_published_claim_hears_when_confirmed(app, session, reader, inbox, config,  # noqa: F811
                                                                    people):
    first = public_requests.submit(session, kind="check", claim_text="Tickets doubled in price.")
    session.commit()
    claim = public_requests.accept(session, request_id=first.id, actor=people["eve"], threshold=0.5,
                                   max_body_chars=100_000)
    session.commit()
    publish(session, people, claim)
    ask(app, reader, claim_text="Did tickets really double?", email="late@example.org")
    row = stored(session)
    public_requests.mark_duplicate(session, request_id=row.id, claim_id=claim.id, actor=people["eve"])
    session.commit()
    send_all(session, config)   # the confirmation; not yet "published": the address is not confirmed
    assert len(inbox.messages) == 1
    confirm_url = next(u for u in links(parts(inbox.messages[0][2])[1]) if "/ask/confirm/" in u)
    assert Client(app.test_client()).get(path_of(confirm_url)).status_code == 200
    send_all(session, config)
    assert len(inbox.messages) == 2 and "published" in parts(inbox.messages[1][2])[0]["Subject"]


def test_the_reader_deletes_the_address_with_a_confirmation_step(app, session, reader, inbox, config,  # noqa: F811
                                                                 as_user):
    ask(app, reader, claim_text="The bridge cost 3 million.", email="gone@example.org")
    send_all(session, config)
    ada = as_user("ada")
    log = ada.get("/admin/email").get_data(as_text=True)
    assert f"a reader (request #{stored(session).id})" in log and "gone@example.org" in log
    text = parts(inbox.messages[0][2])[1]
    forget = path_of(next(u for u in links(text) if "/ask/forget/" in u))
    visitor = Client(app.test_client())
    page = visitor.get(forget)
    assert page.status_code == 200 and "Delete my email address" in page.get_data(as_text=True)
    assert stored(session).email == "gone@example.org"   # opening the link only asks
    done = visitor.http.post(forget)   # no CSRF token: the signed link is the key (and what a mail client POSTs)
    assert done.status_code == 200 and "deleted your email address" in done.get_data(as_text=True)
    row = stored(session)
    assert row.email is None and row.email_erased_at is not None and row.claim_text == "The bridge cost 3 million."
    assert session.exec(select(EmailMessage)).one().to_address == ""   # gone from the mail log too
    log = ada.get("/admin/email").get_data(as_text=True)
    assert "gone@example.org" not in log and "address confirmation" in log
    again = visitor.get(forget)
    assert again.status_code == 200 and "no longer keep" in again.get_data(as_text=True)
    # the confirmation link of an erased address confirms nothing
    confirm = path_of(next(u for u in links(text) if "/ask/confirm/" in u))
    resp = visitor.get(confirm)
    assert resp.status_code == 400 and "no longer kept" in resp.get_data(as_text=True)


def test_forged_expired_and_crossed_links_are_refused(app, session, reader):  # noqa: F811
    ask(app, reader, email="who@example.org")
    row = stored(session)
    secret = app.config["SECRET_KEY"]
    visitor = Client(app.test_client())
    good = mail_tokens.reader_token(secret, "confirm", request_id=row.id, email=row.email)
    for bad in (good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
                mail_tokens.reader_token("another-secret", "confirm", request_id=row.id, email=row.email),
                mail_tokens.reader_token(secret, "forget", request_id=row.id, email=row.email),   # another purpose
                "x" * 2000):
        resp = visitor.get(f"/ask/confirm/{bad}")
        assert resp.status_code == 400 and "not valid" in resp.get_data(as_text=True)
    other = mail_tokens.reader_token(secret, "confirm", request_id=row.id, email="else@example.org")
    resp = visitor.get(f"/ask/confirm/{other}")
    assert resp.status_code == 400 and "no longer kept" in resp.get_data(as_text=True)

    class LastWeek(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - (mail_tokens.CONFIRM_DAYS + 1) * 86400

    old = URLSafeTimedSerializer(secret, salt="factcheck-mail-confirm", signer=LastWeek).dumps(
        {"r": row.id, "e": mail_tokens.address_digest(secret, row.email)})
    resp = visitor.get(f"/ask/confirm/{old}")
    assert resp.status_code == 410 and "expired" in resp.get_data(as_text=True)
    resp = visitor.http.post(f"/ask/forget/{good}")   # a confirm token cannot erase
    assert resp.status_code == 400
    assert stored(session).email == "who@example.org" and stored(session).email_confirmed_at is None


def test_editors_alone_see_and_erase_addresses(app, session, reader, as_user):  # noqa: F811
    ask(app, reader, claim_text="The <b>mayor</b> said so.", email="seen@example.org")
    row = stored(session)
    eve, carl = as_user("eve"), as_user("carl")
    page = eve.get("/requests").get_data(as_text=True)
    assert "seen@example.org" in page and "not confirmed yet" in page and "Erase the address" in page
    assert carl.get("/requests").status_code == 403
    assert carl.post(f"/requests/{row.id}/erase-email").status_code == 403
    assert stored(session).email == "seen@example.org"
    assert requester_contact.present(row, viewer=people_of(session, "carl")).get("email") is None
    assert requester_contact.present(row, viewer=people_of(session, "eve"))["email"] == "seen@example.org"
    assert eve.post(f"/requests/{row.id}/erase-email").status_code == 302
    page = eve.get("/requests").get_data(as_text=True)
    assert "seen@example.org" not in page and "email address was erased" in page and "The &lt;b&gt;mayor" in page
    assert "is erased" in page   # the flash
    eve.post(f"/requests/{row.id}/erase-email")
    assert "keeps no email address" in eve.get("/requests").get_data(as_text=True)


def people_of(session, name):
    from factcheck.models import User

    return session.exec(select(User).where(User.username == name)).one()


def test_the_sweep_erases_addresses_past_the_retention(app, session, people, as_user):
    old = public_requests.submit(session, kind="check", claim_text="Old claim.", email="old@example.org")
    new = public_requests.submit(session, kind="check", claim_text="New claim.", email="new@example.org")
    old.created_at = utcnow() - timedelta(days=40)
    session.add(old)
    session.commit()
    ada = as_user("ada")
    page = ada.get("/admin/settings").get_data(as_text=True)
    assert 'name="retention_days"' in page and 'value="90"' in page
    form = {"threshold": "0.5", "min_sources": "1", "four_eyes": "y", "org_name": "Desk",
            "org_url": "https://desk.example.org/", "review_url": "https://desk.example.org/c/{claim_id}",
            "digest_hour": "8"}
    assert ada.post("/admin/settings", {**form, "retention_days": "0"}).status_code == 422
    sweep.sweep_jobs(session, stuck_after=timedelta(minutes=5), queued_after=timedelta(minutes=5))
    session.expire_all()
    assert session.get(PublicRequest, old.id).email == "old@example.org"   # 40 days < 90
    assert ada.post("/admin/settings", {**form, "retention_days": "30"}).status_code == 302
    assert newsroom.requester_retention_days(session) == 30
    sweep.sweep_jobs(session, stuck_after=timedelta(minutes=5), queued_after=timedelta(minutes=5))
    session.expire_all()
    kept_old, kept_new = session.get(PublicRequest, old.id), session.get(PublicRequest, new.id)
    assert kept_old.email is None and kept_old.email_erased_at is not None and kept_old.claim_text == "Old claim."
    assert kept_new.email == "new@example.org"


def test_a_form_does_not_become_a_mail_cannon(app, session):
    for n in range(requester_contact.CONFIRMS_PER_ADDRESS_PER_DAY + 2):
        public_requests.submit(session, kind="check", claim_text=f"Claim {n}.", email="Victim@example.org")
    session.commit()
    confirms = session.exec(select(EmailMessage).where(EmailMessage.kind == "confirm")).all()
    assert len(confirms) == requester_contact.CONFIRMS_PER_ADDRESS_PER_DAY


def test_reader_text_is_escaped_in_the_html_part(app, session, reader, inbox, config):  # noqa: F811
    ask(app, reader, claim_text="<script>alert(1)</script> the toll", email="x@example.org")
    send_all(session, config)
    _, text, html = parts(inbox.messages[0][2])
    assert "<script>alert(1)" in text and "<script>" not in html and "&lt;script&gt;" in html
