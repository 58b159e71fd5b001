"""Other organisations' fact-checks over the API: POST /api/v1/factchecks/import (a document, or an address fetched by
the safe fetcher from a loopback site the test starts), GET /api/v1/factchecks in pages, and search's `elsewhere`."""
import json

import pytest

from factcheck import create_app
from factcheck.config import Settings
from tests.api.conftest import Api
from tests.factcheck_site import PAGE, ClaimReviewSite, jsonld, review


@pytest.fixture
def site():
    with ClaimReviewSite() as s:
        s.html("/checks/ferry", PAGE)
        s.pages["/text"] = (200, {"Content-Type": "text/plain"}, b"words")
        yield s


@pytest.fixture
def fetching_api(site, engine, database_url, tmp_path, tokens):
    app = create_app(Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                        "FACTCHECK_RUN_JOBS": "0", "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port}"},
                                       instance_dir=tmp_path), engine=engine)
    return lambda name: Api(app.test_client(), tokens[name])


def test_import_a_document_in_each_shape(api):
    eve = api("eve")
    graph = json.loads(jsonld(review(1), review(2)))
    resp = eve.post("/api/v1/factchecks/import", {"document": graph})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"imported": 2, "already_here": 0}
    assert eve.post("/api/v1/factchecks/import", review(3)).get_json() == {"imported": 1, "already_here": 0}
    assert eve.post("/api/v1/factchecks/import", {"document": [review(3), review(4)]}).get_json() == \
        {"imported": 1, "already_here": 1}
    google = {"claims": [{"text": "The pier is 400 m long.", "claimReview": [
        {"publisher": {"name": "Pier Facts"}, "url": "https://pier.example/1", "textualRating": "True"}]}]}
    assert eve.post("/api/v1/factchecks/import", google).get_json() == {"imported": 1, "already_here": 0}


def test_import_an_address(fetching_api, site):
    eve = fetching_api("eve")
    resp = eve.post("/api/v1/factchecks/import", {"url": site.url("/checks/ferry")})
    assert resp.status_code == 200 and resp.get_json() == {"imported": 3, "already_here": 0}
    resp = eve.post("/api/v1/factchecks/import", {"url": site.url("/text")})
    assert resp.status_code == 422 and "neither JSON nor an HTML page" in resp.get_json()["error"]["message"]
    resp = eve.post("/api/v1/factchecks/import", {"url": "http://172.16.4.4/feed.json"})
    assert resp.status_code == 422 and "private network" in resp.get_json()["error"]["message"]
    assert resp.get_json()["error"]["fields"] == {"url": resp.get_json()["error"]["message"]}


@pytest.mark.parametrize("body, says", [
    ({"document": {"@type": "NewsArticle"}}, "no ClaimReview"),
    ({"document": [{"@type": "ClaimReview", "url": f"https://a.example/{n}", "claimReviewed": "x"}
                   for n in range(10_001)]}, "more than 10,000"),
    ({"document": [review(1), {**review(2), "url": "javascript:alert(1)"}]}, "nothing was imported"),
    ({"url": "ftp://example.org/x"}, "Only http:// and https://"),
])
def test_bad_imports_answer_422_and_store_nothing(api, body, says):
    eve = api("eve")
    resp = eve.post("/api/v1/factchecks/import", body)
    assert resp.status_code == 422 and says in resp.get_json()["error"]["message"]
    assert eve.get("/api/v1/factchecks").get_json()["items"] == []


def test_50000_entries_are_refused_whole(api):
    eve = api("eve")
    resp = eve.post("/api/v1/factchecks/import", {"document": [
        {"@type": "ClaimReview", "url": f"https://a.example/{n}", "claimReviewed": "x"} for n in range(50_000)]})
    assert resp.status_code == 413 and resp.get_json()["error"]["code"]
    assert eve.get("/api/v1/factchecks").get_json()["items"] == []


def test_not_json_and_the_roles(api):
    resp = api("eve").call("POST", "/api/v1/factchecks/import", data=b"{not json")
    assert resp.status_code == 400
    resp = api("carl").post("/api/v1/factchecks/import", review(1))
    assert resp.status_code == 403 and "editor" in resp.get_json()["error"]["message"]
    assert api("carl").get("/api/v1/factchecks").status_code == 403
    assert api(None).get("/api/v1/factchecks").status_code == 401


def test_the_list_comes_in_pages(api):
    eve = api("eve")
    eve.post("/api/v1/factchecks/import", {"document": [review(n) for n in range(5)]})
    first = eve.get("/api/v1/factchecks?limit=3").get_json()
    assert [f["url"][-1] for f in first["items"]] == ["4", "3", "2"] and first["next_cursor"]
    second = eve.get(f"/api/v1/factchecks?limit=3&cursor={first['next_cursor']}").get_json()
    assert [f["url"][-1] for f in second["items"]] == ["1", "0"] and second["next_cursor"] is None
    item = second["items"][0]
    assert (item["publisher"], item["rating"], item["review_date"]) == ("Feed Facts", "False", "2025-05-05")
    assert eve.get("/api/v1/factchecks?cursor=abc").status_code == 400


def test_search_returns_other_organisations_apart(api):
    eve = api("eve")
    eve.post("/api/v1/factchecks/import", review(6, claim="The Port Alder lighthouse is 150 years old.",
                                                 publisher="Lamp Facts", rating="Mostly false"))
    body = eve.get("/api/v1/search?q=Port%20Alder%20lighthouse").get_json()
    assert body["items"] == []
    [other] = body["elsewhere"]
    assert (other["publisher"], other["rating"], other["url"]) == ("Lamp Facts", "Mostly false",
                                                                   "https://feed.example.org/checks/6")
    assert other["similarity"] > 0 and "lighthouse" in other["matched"]["words"]


def test_the_routes_are_in_the_openapi_document(api):
    doc = api(None).get("/api/v1/openapi.json").get_json()
    assert "post" in doc["paths"]["/api/v1/factchecks/import"] and "get" in doc["paths"]["/api/v1/factchecks"]
    assert "elsewhere" in doc["components"]["schemas"]["SearchOut"]["properties"]
    assert {"ImportOut", "FactcheckPage", "FactcheckImportIn"} <= set(doc["components"]["schemas"])
