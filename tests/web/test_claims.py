import re

import pytest

from factcheck.services.claims import get_claim
from tests.builders import article, claims_of


def fresh(session, claim_id):
    session.expire_all()  # the app wrote through its own session; read what is in the database
    return get_claim(session, claim_id=claim_id)


@pytest.fixture
def story(session, people):
    a = article(session, by=people["eve"])
    return a, claims_of(session, a)


def test_claim_page_shows_context_reasons_and_history(as_user, story):
    _, claims = story
    html = as_user("carl").get(f"/claims/{claims[0].id}").get_data(as_text=True)
    assert "In the article" in html and "Score" in html and claims[0].text in html
    assert "Take this claim" in html and "Save wording" not in html  # checkers see no shaping forms


def test_editor_dismisses_with_reason_then_restores(as_user, session, story):
    _, claims = story
    eve = as_user("eve")
    c = claims[0]
    eve.get(f"/claims/{c.id}")
    resp = eve.post(f"/claims/{c.id}/status", {"version": "1", "to": "dismissed", "reason": ""})
    assert resp.status_code == 422 and "reason is required" in resp.get_data(as_text=True)
    resp = eve.post(f"/claims/{c.id}/status", {"version": "1", "to": "dismissed", "reason": "Opinion"})
    assert resp.status_code == 302
    assert fresh(session, c.id).status == "dismissed"
    html = eve.get(f"/claims/{c.id}").get_data(as_text=True)
    assert "Opinion" in html and "Restore as new claim" in html


def test_stale_edit_shows_conflict_and_keeps_the_input(as_user, session, story):
    _, claims = story
    c = claims[0]
    ada, eve = as_user("ada"), as_user("eve")
    assert ada.post(f"/claims/{c.id}/wording", {"version": "1", "text": "Ada's wording"}).status_code == 302
    resp = eve.post(f"/claims/{c.id}/wording", {"version": "1", "text": "Eve's careful wording"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "changed by Ada" in html and "Eve&#39;s careful wording" in html
    assert fresh(session, c.id).text == "Ada's wording"
    # resubmitting the kept input now applies it on the current version
    version = re.search(r'name="version" value="(\d+)"', html.split('Wording')[1]).group(1)
    assert eve.post(f"/claims/{c.id}/wording", {"version": version, "text": "Eve's careful wording"}).status_code == 302
    assert fresh(session, c.id).text == "Eve's careful wording"


def test_split_and_merge_through_the_page(as_user, session, story):
    a, claims = story
    eve = as_user("eve")
    c = claims[0]
    resp = eve.post(f"/claims/{c.id}/split", {"version": "1", "second_part": "at a cost"})
    assert resp.status_code == 302
    left, right = fresh(session, c.id), claims_of(session, a)[1]
    assert right.text == "at a cost of $31 million."
    resp = eve.post(f"/claims/{left.id}/merge", {"version": str(left.version), "other_id": str(right.id),
                                                  "other_version": str(right.version)})
    assert resp.status_code == 302
    assert fresh(session, c.id).text == claims[0].text


def test_split_with_words_not_in_the_claim(as_user, story):
    _, claims = story
    resp = as_user("eve").post(f"/claims/{claims[0].id}/split", {"version": "1", "second_part": "not there"})
    assert resp.status_code == 422 and "do not appear inside the claim" in resp.get_data(as_text=True)


def test_checkers_cannot_shape(as_user, story):
    _, claims = story
    resp = as_user("carl").post(f"/claims/{claims[0].id}/wording", {"version": "1", "text": "mine"})
    assert resp.status_code == 403 and "may not edit a claim" in resp.get_data(as_text=True)


def test_unknown_claim_is_404(as_user):
    assert as_user("eve").get("/claims/424242").status_code == 404
