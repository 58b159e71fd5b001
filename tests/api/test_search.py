"""GET /api/v1/search: past fact-checks for a token, ranked by the desk's matcher; the queue's past_match filter."""
import pytest

from tests.matching_data import desk_with_matches


@pytest.fixture
def desk(session, people):
    return desk_with_matches(session, people)


def test_search_answers_past_claims_with_verdict_and_what_matched(api, desk):
    resp = api("carl").get("/api/v1/search?q=ferry+terminal+cost+31+million&limit=5")
    assert resp.status_code == 200, resp.get_json()
    items = resp.get_json()["items"]
    ferry = next(i for i in items if i["claim_id"] == desk["ferry"].id)
    assert ferry["rating"] == "False" and ferry["checker"] == "Carl" and ferry["article_title"] == "Ferry bill"
    assert "31" in ferry["matched"]["numbers"] and 0 < ferry["similarity"] <= 1
    assert ferry["claim_reviewed"] == "The terminal cost $31 million."


@pytest.mark.parametrize("q", ["", "the", "ferry " * 500])
def test_search_refuses_what_it_cannot_search(api, desk, q):
    resp = api("carl").get("/api/v1/search", query_string={"q": q})
    assert resp.status_code in (400, 422) and resp.get_json()["error"]["message"]


def test_search_needs_a_token(api, desk):
    assert api(None).get("/api/v1/search?q=ferry").status_code == 401


def test_the_queue_filters_claims_with_a_past_match(api, desk):
    items = api("eve").get("/api/v1/claims?past_match=true&status=all").get_json()["items"]
    assert [i["id"] for i in items] == [desk["new_claims"][0].id]


def test_claims_that_say_the_same_thing_share_an_alike_id_and_filter_by_it(api, session, people):
    from tests.matching_data import bridge_batch

    first, second, library = bridge_batch(session, people)
    items = api("eve").get(f"/api/v1/claims?alike={first.id}&status=all&sort=oldest").get_json()["items"]
    assert [(i["id"], i["alike_id"]) for i in items] == [(first.id, first.id), (second.id, first.id)]
    assert api("eve").get(f"/api/v1/claims/{library.id}").get_json()["alike_id"] is None
    assert api("eve").get("/api/v1/claims?alike=0").status_code in (400, 422)
