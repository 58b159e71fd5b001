"""The Requests inbox over the API: editors only, filtered pages with counts, and accept / link / decline, each
once (a second decision answers 409 saying what became of the request)."""
from __future__ import annotations

import pytest
from sqlmodel import select

from factcheck.models import Article, Claim, PublicRequest
from factcheck.services import public_requests, requester_contact
from tests import builders
from tests.api.test_api import assert_error


@pytest.fixture
def asked(session):
    """Three readers' requests, oldest first: one with an email, one with only a link, one error report."""
    rows = [public_requests.submit(session, kind="check", claim_text="The new ferry carries 9,000 people a day, "
                                   "three times the old one.", why="It is on every poster.",
                                   email="reader@example.org"),
            public_requests.submit(session, kind="check", claim_text="", link="https://news.example.org/ferry"),
            public_requests.submit(session, kind="error", claim_text="Your check of the harbour budget got the "
                                   "year wrong: <script>alert(1)</script>")]
    session.commit()
    return rows


def test_only_editors_and_admins_see_the_inbox(api, asked):
    for who in ("carl", "cora"):
        error = assert_error(api(who).get("/api/v1/requests"), 403, "forbidden")
        assert "editor" in error["message"].lower()
        assert_error(api(who).get(f"/api/v1/requests/{asked[0].id}"), 403, "forbidden")
        assert_error(api(who).post(f"/api/v1/requests/{asked[0].id}/accept"), 403, "forbidden")
        assert_error(api(who).post(f"/api/v1/requests/{asked[0].id}/decline", {"reason": "No."}), 403, "forbidden")
    assert_error(api(None).get("/api/v1/requests"), 401, "unauthorized")
    assert api("ada").get("/api/v1/requests").status_code == 200


def test_the_inbox_lists_new_requests_with_counts_and_pages(api, asked):
    page = api("eve").get("/api/v1/requests").get_json()
    assert [r["id"] for r in page["items"]] == [r.id for r in reversed(asked)]
    assert page["counts"] == {"new": 3, "accepted": 0, "duplicate": 0, "declined": 0}
    assert page["next_offset"] is None
    newest, link_only, with_email = page["items"]
    assert newest["kind"] == "error" and newest["claim_text"].endswith("<script>alert(1)</script>")   # text, as sent
    assert with_email["email"] == "reader@example.org" and link_only["email"] is None
    assert link_only["link"] == "https://news.example.org/ferry" and link_only["status"] == "new"
    assert (with_email["email_confirmed"], with_email["email_erased"]) == (False, False)   # not confirmed yet
    assert set(with_email) == {"id", "kind", "claim_text", "link", "why", "email", "email_confirmed",
                               "email_erased", "status", "reason", "claim_id", "decided_by", "created_at",
                               "decided_at", "similar"}

    first = api("eve").get("/api/v1/requests?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    rest = api("eve").get("/api/v1/requests?limit=2&offset=2").get_json()
    assert [r["id"] for r in rest["items"]] == [asked[0].id] and rest["next_offset"] is None
    assert api("eve").get("/api/v1/requests?status=declined").get_json()["items"] == []
    assert len(api("eve").get("/api/v1/requests?status=all").get_json()["items"]) == 3
    assert_error(api("eve").get("/api/v1/requests?status=maybe"), 422, "invalid")


def test_accept_makes_a_claim_in_the_queue_once(api, session, asked):
    rid = asked[0].id
    resp = api("eve").post(f"/api/v1/requests/{rid}/accept")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    claim = body["claim"]
    assert claim["status"] == "new" and "9,000 people a day" in claim["text"]
    assert body["request"]["status"] == "accepted" and body["request"]["claim_id"] == claim["id"]
    assert body["request"]["decided_by"] == "eve" and body["request"]["decided_at"]
    article = session.get(Article, session.get(Claim, claim["id"]).article_id)
    assert article.title == f"Reader request #{rid}"
    assert api("eve").get(f"/api/v1/claims/{claim['id']}").get_json()["id"] == claim["id"]

    again = assert_error(api("ada").post(f"/api/v1/requests/{rid}/accept"), 409, "conflict")
    assert again["message"] == f"Request #{rid} is already decided (accepted)."
    assert_error(api("eve").post(f"/api/v1/requests/{rid}/decline", {"reason": "Too late."}), 409, "conflict")
    assert len(session.exec(select(Article)).all()) == 1   # no second claim
    counts = api("eve").get("/api/v1/requests").get_json()["counts"]
    assert counts == {"new": 2, "accepted": 1, "duplicate": 0, "declined": 0}

    error = assert_error(api("eve").post(f"/api/v1/requests/{asked[1].id}/accept"), 422, "invalid")
    assert "only a link" in error["message"]
    assert_error(api("eve").post("/api/v1/requests/999999/accept"), 404, "not_found")


def test_link_to_a_claim_on_the_desk_and_decline_with_a_reason(api, session, people, asked):
    story = builders.article(session, by=people["eve"])
    existing = builders.claims_of(session, story)[0]
    error = assert_error(api("eve").post(f"/api/v1/requests/{asked[0].id}/link", {"claim_id": 999999}), 422)
    assert error["fields"] == {"claim_id": "No such claim."}
    assert_error(api("eve").post(f"/api/v1/requests/{asked[0].id}/link", {}), 422, "invalid")
    resp = api("eve").post(f"/api/v1/requests/{asked[0].id}/link", {"claim_id": existing.id})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["request"]["status"] == "duplicate"
    assert resp.get_json()["claim"]["id"] == existing.id
    assert_error(api("eve").post(f"/api/v1/requests/{asked[0].id}/link", {"claim_id": existing.id}), 409,
                 "conflict")

    error = assert_error(api("eve").post(f"/api/v1/requests/{asked[2].id}/decline", {"reason": "   "}), 422)
    assert error["fields"] == {"reason": "Required."}
    resp = api("eve").post(f"/api/v1/requests/{asked[2].id}/decline", {"reason": "Not a  claim we check."})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["request"]["reason"] == "Not a claim we check." and resp.get_json()["claim"] is None
    session.expire_all()
    assert session.get(PublicRequest, asked[2].id).state == "declined"
    one = api("eve").get(f"/api/v1/requests/{asked[2].id}").get_json()
    assert one["status"] == "declined" and one["decided_by"] == "eve" and one["similar"] is None

    requester_contact.erase_by_editor(session, request_id=asked[0].id, actor=people["eve"])
    session.commit()
    erased = api("eve").get(f"/api/v1/requests/{asked[0].id}").get_json()
    assert (erased["email"], erased["email_erased"]) == (None, True) and erased["claim_text"]


def test_one_new_request_shows_the_claims_it_resembles(api, session, people, asked):
    builders.article(session, by=people["eve"])   # "Port Alder opened ... ferry ..." and more
    one = api("eve").get(f"/api/v1/requests/{asked[0].id}").get_json()
    assert isinstance(one["similar"], list) and len(one["similar"]) <= 3
    for found in one["similar"]:
        assert set(found) == {"claim_id", "text", "status", "similarity"}
    assert_error(api("eve").get("/api/v1/requests/999999"), 404, "not_found")
