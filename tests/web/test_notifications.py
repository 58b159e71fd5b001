"""The bell, the notifications page, one's choices, and the admin's webhook pages."""
import re

import pytest
from sqlmodel import select

from factcheck.models import Notification, NotificationPreference, Webhook, WebhookDelivery
from factcheck.services import review
from tests.builders import article, claims_of


@pytest.fixture
def assigned(session, people):
    a = article(session, by=people["eve"])
    claim = next(c for c in claims_of(session, a) if c.status == "new")
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    review.add_comment(session, claim=claim, body="@carl the <b>harbour</b> office has the ledger.",
                       actor=people["eve"])
    session.commit()
    return claim


def bell(html: str) -> str:
    return re.search(r'<a [^>]*id="bell".*?</a>', html, re.S).group(0)


def test_the_bell_counts_unread_on_every_page(as_user, assigned):
    carl = as_user("carl")
    for page in ("/queue", "/my-work", f"/claims/{assigned.id}", "/account/password"):
        html = carl.get(page).get_data(as_text=True)
        assert 'id="bell-count">2<span class="visually-hidden"> unread</span>' in bell(html), page
    assert 'id="bell-count"' not in bell(as_user("cora").get("/queue").get_data(as_text=True))


def test_the_page_lists_links_and_marks_read(session, as_user, people, assigned):
    carl = as_user("carl")
    html = carl.get("/notifications").get_data(as_text=True)
    assert "Assigned to you" in html and "You were mentioned" in html and "2 unread" in html
    assert f'href="/claims/{assigned.id}"' in html
    assert "&lt;b&gt;harbour&lt;/b&gt;" in html and "<b>harbour" not in html   # a comment is text, never markup
    first = session.exec(select(Notification).where(Notification.user_id == people["carl"].id)
                         .order_by(Notification.id)).first()
    assert carl.post(f"/notifications/{first.id}/read", {"show": "unread"}).headers["Location"] \
        == "/notifications?show=unread"
    html = carl.get("/notifications?show=unread").get_data(as_text=True)
    assert "1 unread" in html and "Assigned to you" not in html
    assert as_user("cora").post(f"/notifications/{first.id}/read").status_code == 404
    assert carl.post("/notifications/read-all").status_code == 302
    html = carl.get("/notifications").get_data(as_text=True)
    assert "0 unread" in html and 'id="bell-count"' not in bell(html)


def test_choices_are_saved_per_kind(session, as_user, people):
    carl = as_user("carl")
    html = carl.get("/account/notifications").get_data(as_text=True)
    assert "Sent back to you" in html and "In a daily digest" in html
    choices = {"assigned": "off", "sent_back": "email", "review": "app", "published": "digest", "comment": "app",
               "mention": "app", "due_soon": "app", "overdue": "app"}
    assert carl.post("/account/notifications", choices).status_code == 302
    saved = {p.kind: p.channel for p in session.exec(select(NotificationPreference)).all()}
    assert saved["assigned"] == "off" and saved["sent_back"] == "email" and saved["published"] == "digest"
    assert carl.post("/account/notifications", {**choices, "assigned": "pigeon"}).status_code == 422


def test_admins_register_webhooks_and_see_the_secret_once(session, as_user, people):
    ada = as_user("ada")
    refused = ada.post("/admin/webhooks", {"url": "http://192.168.0.10/hook", "events": ["claim.published"]})
    assert refused.status_code == 422 and "private network" in refused.get_data(as_text=True)
    made = ada.post("/admin/webhooks", {"url": "https://8.8.8.8/hook", "events": ["claim.published",
                                                                                "claim.assigned"]})
    hook = session.exec(select(Webhook)).one()
    assert made.status_code == 200 and hook.secret in made.get_data(as_text=True)
    assert hook.events == ["claim.assigned", "claim.published"]
    page = ada.get("/admin/webhooks").get_data(as_text=True)
    assert "https://8.8.8.8/hook" in page and hook.secret not in page
    assert ada.post(f"/admin/webhooks/{hook.id}/test").status_code == 302
    delivery = session.exec(select(WebhookDelivery)).one()
    assert (delivery.event, delivery.state) == ("test", "queued")
    detail = ada.get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)
    assert "Send test event" in detail and "<code>test</code>" in detail and hook.secret not in detail
    assert ada.post(f"/admin/webhooks/{hook.id}/active", {"active": "0"}).status_code == 302
    session.expire_all()
    assert session.get(Webhook, hook.id).active is False
    assert as_user("eve").get("/admin/webhooks").status_code == 403


def test_one_sets_the_address_email_goes_to(session, as_user, people):
    carl = as_user("carl")
    choices = {k: "app" for k in ("assigned", "sent_back", "review", "published", "comment", "mention", "due_soon",
                                  "overdue")}
    bad = carl.post("/account/notifications", {**choices, "email": "not an address"})
    assert bad.status_code == 422 and "such as name@example.org" in bad.get_data(as_text=True)
    assert carl.post("/account/notifications", {**choices, "email": "carl@example.org"}).status_code == 302
    session.expire_all()
    assert session.get(type(people["carl"]), people["carl"].id).email == "carl@example.org"
    page = carl.get("/account/notifications").get_data(as_text=True)
    assert 'value="carl@example.org"' in page and "no mail server set up" in page


def test_the_admin_sees_the_outgoing_email(as_user):
    page = as_user("ada").get("/admin/email")
    assert page.status_code == 200 and "sends no email" in page.get_data(as_text=True)
    assert as_user("eve").get("/admin/email").status_code == 403
