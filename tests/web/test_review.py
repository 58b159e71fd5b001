"""The review desk through the UI: what checkers and editors do all day."""
import re

import pytest

from factcheck.services.claims import get_claim
from tests.builders import article, claims_of


def fresh(session, claim_id):
    session.expire_all()
    return get_claim(session, claim_id=claim_id)


@pytest.fixture
def claim(session, people):
    a = article(session, by=people["eve"])
    return next(c for c in claims_of(session, a) if c.status == "new")


def version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_assign_source_verdict_submit_reject_publish(as_user, session, people, claim):
    eve, carl = as_user("eve"), as_user("carl")
    cid = claim.id
    assert eve.post(f"/claims/{cid}/assign", {"version": "1", "assignee": str(people["carl"].id),
                                              "due": "2026-12-24"}).status_code == 302
    c = fresh(session, cid)
    assert c.status == "in_progress" and c.assignee_id == people["carl"].id and c.due_at.day == 24

    resp = carl.post(f"/claims/{cid}/sources", {"url": "not a url", "title": "x"})
    assert resp.status_code == 422 and "Only http:// and https:// links are accepted" in resp.get_data(as_text=True)
    assert carl.post(f"/claims/{cid}/sources", {"url": "https://stats.example.org/t3", "title": "Table 3",
                                                "stance": "supports", "note": "Row 4"}).status_code == 302
    page = carl.get(f"/claims/{cid}").get_data(as_text=True)
    assert "Table 3" in page and "queued" in page

    assert carl.post(f"/claims/{cid}/verdict", {"version": "2", "rating": "True", "rationale": "Matches **table 3**.",
                                                "claim_reviewed": ""}).status_code == 302
    resp = carl.post(f"/claims/{cid}/status", {"version": "3", "to": "in_review"})  # the capture is still queued
    assert resp.status_code == 422 and "1 source is not archived: Table 3" in resp.get_data(as_text=True)
    assert carl.post(f"/claims/{cid}/status", {"version": "3", "to": "in_review",
                                               "confirm_unarchived": "y"}).status_code == 302
    resp = eve.post(f"/claims/{cid}/status", {"version": "4", "to": "in_progress", "reason": ""})
    assert resp.status_code == 422 and "comment is required" in resp.get_data(as_text=True)
    assert eve.post(f"/claims/{cid}/status", {"version": "4", "to": "in_progress",
                                              "reason": "Link the *original* table."}).status_code == 302
    page = carl.get(f"/claims/{cid}").get_data(as_text=True)
    assert "sent back" in page and "<em>original</em>" in page
    assert carl.post(f"/claims/{cid}/status", {"version": "5", "to": "in_review",
                                               "confirm_unarchived": "y"}).status_code == 302
    resp = carl.post(f"/claims/{cid}/status", {"version": "6", "to": "published", "confirm_unarchived": "y"})
    assert resp.status_code == 403 and "may not publish" in resp.get_data(as_text=True)
    assert eve.post(f"/claims/{cid}/status", {"version": "6", "to": "published",
                                              "confirm_unarchived": "y"}).status_code == 302
    assert fresh(session, cid).status == "published"


def test_four_eyes_in_the_ui(as_user, session, people, claim):
    eve = as_user("eve")
    cid = claim.id
    eve.post(f"/claims/{cid}/status", {"version": "1", "to": "in_progress"})  # takes it herself
    eve.post(f"/claims/{cid}/sources", {"url": "https://example.org/a"})
    eve.post(f"/claims/{cid}/verdict", {"version": "2", "rating": "False", "rationale": "No."})
    eve.post(f"/claims/{cid}/status", {"version": "3", "to": "in_review", "confirm_unarchived": "y"})
    resp = eve.post(f"/claims/{cid}/status", {"version": "4", "to": "published", "confirm_unarchived": "y"})
    assert resp.status_code == 403 and "Four-eyes" in resp.get_data(as_text=True)
    assert as_user("ada").post(f"/claims/{cid}/status", {"version": "4", "to": "published",
                                                         "confirm_unarchived": "y"}).status_code == 302


def test_another_checker_cannot_touch_my_claim(as_user, people, claim):
    as_user("eve").post(f"/claims/{claim.id}/assign", {"version": "1", "assignee": str(people["carl"].id)})
    cora = as_user("cora")
    resp = cora.post(f"/claims/{claim.id}/sources", {"url": "https://example.org/"})
    assert resp.status_code == 403 and "own claims" in resp.get_data(as_text=True)
    page = cora.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "Add a source" not in page and "Propose a verdict" not in page


def test_comments_render_markdown_safely(as_user, claim):
    carl = as_user("carl")
    payload = "**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    assert carl.post(f"/claims/{claim.id}/comments", {"body": payload}).status_code == 302
    page = carl.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)" not in page and "<img src=x" not in page and 'href="javascript:' not in page


def test_stale_source_edit_keeps_the_input(as_user, session, people, claim):
    eve = as_user("eve")
    eve.post(f"/claims/{claim.id}/status", {"version": "1", "to": "in_progress"})
    eve.post(f"/claims/{claim.id}/sources", {"url": "https://example.org/a"})
    from factcheck.services.review import active_sources
    sid = active_sources(session, claim_id=claim.id)[0].id
    assert eve.post(f"/claims/{claim.id}/sources/{sid}", {"version": "1", "url": "https://example.org/b"}
                    ).status_code == 302
    resp = eve.post(f"/claims/{claim.id}/sources/{sid}", {"version": "1", "url": "https://example.org/mine"})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "changed by someone else" in html and "https://example.org/mine" in html
    assert eve.post(f"/claims/{claim.id}/sources/{sid}/remove", {"version": "2"}).status_code == 302
    assert active_sources(session, claim_id=claim.id) == []
