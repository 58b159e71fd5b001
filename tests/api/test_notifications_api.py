"""Notifications over the API: the same list, count, marks and choices as the notifications and account pages."""
from __future__ import annotations

import pytest

from factcheck.models.notifications import CHANNELS, KINDS
from factcheck.services import notifications, review
from tests import builders
from tests.api.test_api import assert_error


@pytest.fixture
def told(session, people):
    """Carl is told three things by eve: assigned, a comment on his claim, and a mention on another claim."""
    eve, carl = people["eve"], people["carl"]
    first, second = [c for c in builders.claims_of(session, builders.article(session, by=eve)) if c.status == "new"][:2]
    review.assign(session, claim=first, assignee=carl, actor=eve, expected_version=first.version)
    review.add_comment(session, claim=first, body="Did you call the harbour office?", actor=eve)
    review.add_comment(session, claim=second, body="@carl can you look at this one too?", actor=eve)
    session.commit()
    return first, second


def test_the_list_is_newest_first_with_the_unread_count_and_pages(api, told):
    first, second = told
    resp = api("carl").get("/api/v1/notifications")
    assert resp.status_code == 200, resp.get_json()
    page = resp.get_json()
    assert [n["kind"] for n in page["items"]] == ["mention", "comment", "assigned"]
    assert page["unread_count"] == 3 and page["next_offset"] is None
    mention, comment, assigned = page["items"]
    assert mention["claim_id"] == second.id and mention["text"] == "@carl can you look at this one too?"
    assert mention["actor"] == "eve" and mention["label"] == KINDS["mention"] and mention["read_at"] is None
    assert assigned["claim_url"].endswith(f"/api/v1/claims/{first.id}") and assigned["claim_text"] == first.text
    assert assigned["created_at"].endswith(("Z", "+00:00"))

    one = api("carl").get("/api/v1/notifications?limit=2").get_json()
    assert [n["kind"] for n in one["items"]] == ["mention", "comment"] and one["next_offset"] == 2
    two = api("carl").get("/api/v1/notifications?limit=2&offset=2").get_json()
    assert [n["kind"] for n in two["items"]] == ["assigned"] and two["next_offset"] is None

    assert api("cora").get("/api/v1/notifications").get_json() == {"items": [], "unread_count": 0,
                                                                   "next_offset": None}
    assert_error(api(None).get("/api/v1/notifications"), 401, "unauthorized")
    assert_error(api("carl").get("/api/v1/notifications?limit=0"), 422, "invalid")


def test_mark_one_read_then_all_and_the_unread_filter(api, session, people, told):
    carl = api("carl")
    ids = [n["id"] for n in carl.get("/api/v1/notifications").get_json()["items"]]
    resp = carl.post(f"/api/v1/notifications/{ids[0]}/read")   # no body at all
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["id"] == ids[0] and resp.get_json()["read_at"] is not None
    again = carl.post(f"/api/v1/notifications/{ids[0]}/read", {})   # an empty object is fine too; nothing changes
    assert again.get_json()["read_at"] == resp.get_json()["read_at"]
    unread = carl.get("/api/v1/notifications?unread=true").get_json()
    assert [n["id"] for n in unread["items"]] == ids[1:] and unread["unread_count"] == 2
    assert notifications.unread_count(session, user_id=people["carl"].id) == 2   # the bell agrees

    assert_error(api("cora").post(f"/api/v1/notifications/{ids[1]}/read"), 404, "not_found")   # not hers
    assert_error(carl.post("/api/v1/notifications/999999/read"), 404, "not_found")
    assert_error(carl.post(f"/api/v1/notifications/{ids[1]}/read", data="[1]"), 400, "bad_request")

    resp = carl.post("/api/v1/notifications/read-all")
    assert resp.get_json() == {"marked": 2, "unread_count": 0}
    assert carl.post("/api/v1/notifications/read-all").get_json() == {"marked": 0, "unread_count": 0}
    assert carl.get("/api/v1/notifications?unread=true").get_json()["items"] == []


def test_preferences_read_and_change_as_on_the_account_page(api, session, people, told):
    carl = api("carl")
    got = carl.get("/api/v1/notifications/preferences").get_json()
    assert got == {"preferences": {kind: "app" for kind in KINDS}, "email": "", "channels": CHANNELS}

    resp = carl.put("/api/v1/notifications/preferences", {"preferences": {"comment": "off", "mention": "digest"},
                                                          "email": "carl@example.org"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["email"] == "carl@example.org"
    assert body["preferences"]["comment"] == "off" and body["preferences"]["mention"] == "digest"
    assert body["preferences"]["assigned"] == "app"
    session.expire_all()
    assert notifications.preferences(session, user=people["carl"])["comment"] == "off"

    # a kind left out keeps its choice; the email left out stays
    resp = carl.put("/api/v1/notifications/preferences", {"preferences": {"assigned": "email"}})
    assert resp.get_json()["preferences"]["comment"] == "off" and resp.get_json()["email"] == "carl@example.org"
    # the choice is honoured: a comment on his claim no longer reaches him
    first, _ = told
    review.add_comment(session, claim=first, body="Another note.", actor=people["eve"])
    session.commit()
    assert [n["kind"] for n in carl.get("/api/v1/notifications").get_json()["items"]][0] == "mention"

    error = assert_error(carl.put("/api/v1/notifications/preferences", {"preferences": {"comment": "loudly"}}), 422)
    assert "preferences.comment" in error["fields"]
    error = assert_error(carl.put("/api/v1/notifications/preferences", {"preferences": {"weather": "app"}}), 422)
    assert "preferences.weather" in error["fields"]
    error = assert_error(carl.put("/api/v1/notifications/preferences", {"email": "not an address"}), 422)
    assert "email" in error["fields"]
    session.expire_all()
    assert notifications.preferences(session, user=people["carl"])["assigned"] == "email"   # nothing half-saved
    assert people["carl"].email == "carl@example.org"
    assert carl.put("/api/v1/notifications/preferences", {"email": ""}).get_json()["email"] == ""


def test_the_notification_routes_are_documented(api):
    doc = api(None).get("/api/v1/openapi.json").get_json()
    paths = doc["paths"]
    assert set(paths["/api/v1/notifications"]) == {"get"}
    assert set(paths["/api/v1/notifications/preferences"]) == {"get", "put"}
    assert set(paths["/api/v1/notifications/{notification_id}/read"]) == {"post"}
    assert set(paths["/api/v1/notifications/read-all"]) == {"post"}
    choices = doc["components"]["schemas"]["NotificationChoices"]["properties"]
    assert set(choices) == set(KINDS)
