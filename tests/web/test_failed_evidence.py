"""Failed evidence is visible before a claim goes out: the reason and a Retry beside the source, a confirmation
naming the unarchived sources on submit and publish, and a newsroom rule requiring one archived source."""
from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select

from factcheck.models import Capture, Event, Source
from factcheck.services import settings as newsroom
from tests.web.test_review import claim, fresh  # noqa: F401 - the fixture

REASON = "The server answered 404 Not Found."


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


@pytest.fixture
def cited(as_user, session, people, claim):  # noqa: F811
    """carl's claim with one source whose capture failed, and a proposed verdict."""
    eve, carl = as_user("eve"), as_user("carl")
    assert eve.post(f"/claims/{claim.id}/assign", {"version": "1", "assignee": str(people["carl"].id)}).status_code == 302
    assert carl.post(f"/claims/{claim.id}/sources", {"url": "https://stats.example.org/gone", "title": "Gone table",
                                                     "stance": "supports"}).status_code == 302
    assert carl.post(f"/claims/{claim.id}/verdict", {"version": "2", "rating": "False",
                                                     "rationale": "Lower."}).status_code == 302
    source = session.exec(select(Source).where(Source.claim_id == claim.id)).one()
    fail(session, source.id)
    return claim.id, source.id


def fail(session, source_id: int, state: str = "failed") -> None:
    session.expire_all()
    for cap in session.exec(select(Capture).where(Capture.source_id == source_id)).all():
        cap.state, cap.reason = state, (REASON if state == "failed" else "")
        session.add(cap)
    session.commit()


def test_a_failed_capture_says_why_and_offers_retry_keeping_the_failed_one(as_user, session, cited):
    cid, sid = cited
    carl = as_user("carl")
    page = carl.get(f"/claims/{cid}").get_data(as_text=True)
    assert f"Not archived:</strong> {REASON}" in page and "Retry archiving" in page
    assert "is being archived" not in page

    resp = carl.post(f"/claims/{cid}/sources/{sid}/retry", {}, follow_redirects=True)
    assert resp.status_code == 200
    assert "Archiving https://stats.example.org/gone again; the failed attempt stays in the history." in \
        resp.get_data(as_text=True)
    session.expire_all()
    caps = session.exec(select(Capture).where(Capture.source_id == sid).order_by(Capture.id)).all()
    assert [(c.state, c.reason) for c in caps] == [("failed", REASON), ("queued", "")]
    event = session.exec(select(Event).where(Event.kind == "capture_retried")).one()
    assert event.detail["failed_capture_id"] == caps[0].id and event.detail["reason"] == REASON
    page = carl.get(f"/claims/{cid}").get_data(as_text=True)
    assert "Retry archiving" not in page and f"Reason: {REASON}" in page  # the history keeps the failure

    resp = carl.post(f"/claims/{cid}/sources/{sid}/retry", {})  # the new capture has not failed
    assert resp.status_code == 422 and "Only a failed capture can be retried" in resp.get_data(as_text=True)


def test_another_checker_cannot_retry_my_capture(as_user, cited):
    cid, sid = cited
    resp = as_user("cora").post(f"/claims/{cid}/sources/{sid}/retry", {})
    assert resp.status_code == 403


def test_submitting_and_publishing_without_archived_evidence_asks_for_confirmation(as_user, session, cited):
    cid, _ = cited
    carl, eve = as_user("carl"), as_user("eve")
    page = carl.get(f"/claims/{cid}").get_data(as_text=True)
    assert "Not archived:</strong> <bdi>Gone table</bdi>" in page and 'name="confirm_unarchived"' in page
    resp = carl.post(f"/claims/{cid}/status", {"version": "3", "to": "in_review"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "1 source is not archived: Gone table." in body
    assert "Confirm that you want to go on submitting without its archived copy." in body
    assert fresh(session, cid).status == "in_progress"  # nothing moved
    assert carl.post(f"/claims/{cid}/status", {"version": "3", "to": "in_review",
                                               "confirm_unarchived": "y"}).status_code == 302
    resp = eve.post(f"/claims/{cid}/status", {"version": "4", "to": "published"})
    assert resp.status_code == 422 and "go on publishing without its archived copy" in resp.get_data(as_text=True)
    assert eve.post(f"/claims/{cid}/status", {"version": "4", "to": "published",
                                              "confirm_unarchived": "y"}).status_code == 302
    assert fresh(session, cid).status == "published"


def test_archived_evidence_needs_no_confirmation(as_user, session, cited):
    cid, sid = cited
    fail(session, sid, state="done")
    carl = as_user("carl")
    assert 'name="confirm_unarchived"' not in carl.get(f"/claims/{cid}").get_data(as_text=True)
    assert carl.post(f"/claims/{cid}/status", {"version": "3", "to": "in_review"}).status_code == 302


def test_the_newsroom_can_require_one_archived_source(as_user, session, people, cited):
    cid, sid = cited
    ada = as_user("ada")
    page = ada.get("/admin/settings").get_data(as_text=True)
    assert "Require at least one archived source before submitting or publishing" in page
    newsroom.set_signoff_rules(session, min_sources=1, four_eyes=True, require_archived=True, actor=people["ada"])
    session.commit()
    carl = as_user("carl")
    assert "The newsroom requires at least one archived source" in carl.get(f"/claims/{cid}").get_data(as_text=True)
    resp = carl.post(f"/claims/{cid}/status", {"version": "3", "to": "in_review", "confirm_unarchived": "y"})
    assert resp.status_code == 422
    assert ("The newsroom asks for at least one archived source before submitting; none of this claim's sources "
            "is archived yet (Gone table)") in html.unescape(resp.get_data(as_text=True))
    fail(session, sid, state="done")
    assert carl.post(f"/claims/{cid}/status", {"version": "3", "to": "in_review"}).status_code == 302
