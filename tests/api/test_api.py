"""The JSON API: every endpoint's happy path, auth, errors, pagination and query counts."""
from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import select

from factcheck.models import Claim, Verdict
from factcheck.services import tokens as token_service
from tests import builders


@pytest.fixture
def story(session, people):
    return builders.article(session, by=people["eve"])


@pytest.fixture
def claim(session, story):
    return next(c for c in builders.claims_of(session, story) if c.status == "new")


def fresh(api, claim_id, who="eve") -> dict:
    resp = api(who).get(f"/api/v1/claims/{claim_id}")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.is_json, resp.get_data(as_text=True)
    error = resp.get_json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code
    assert "Traceback" not in resp.get_data(as_text=True)
    return error


# ---------------------------------------------------------------------------------------------- happy paths


def test_openapi_document_is_public_and_describes_bearer_auth(app):
    resp = app.test_client().get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "An API token issued by an admin."}
    assert doc["security"] == [{"bearer": []}]
    assert {"/api/v1/articles", "/api/v1/articles/{article_id}", "/api/v1/claims", "/api/v1/claims/{claim_id}",
            "/api/v1/claims/{claim_id}/assign", "/api/v1/claims/{claim_id}/sources", "/api/v1/sources/{source_id}",
            "/api/v1/claims/{claim_id}/verdict", "/api/v1/claims/{claim_id}/transition",
            "/api/v1/claims/{claim_id}/history", "/api/v1/claims/{claim_id}/comments",
            "/api/v1/articles/{article_id}/report", "/api/v1/claims/export", "/api/v1/captures/{capture_id}/warc",
            "/api/v1/captures/{capture_id}/text", "/api/v1/captures/{capture_id}/screenshot",
            "/api/v1/captures/{capture_id}/timestamp", "/api/v1/captures/{capture_id}/wacz",
            "/api/v1/articles/{article_id}/wacz", "/api/v1/search", "/api/v1/notifications",
            "/api/v1/notifications/{notification_id}/read", "/api/v1/notifications/read-all",
            "/api/v1/notifications/preferences", "/api/v1/requests", "/api/v1/requests/{request_id}",
            "/api/v1/requests/{request_id}/accept", "/api/v1/requests/{request_id}/link",
            "/api/v1/requests/{request_id}/decline", "/api/v1/factchecks", "/api/v1/factchecks/import"} \
        == set(doc["paths"])
    assert set(doc["paths"]["/api/v1/claims/{claim_id}"]) == {"get", "patch"}


def test_bring_in_an_article_and_read_it_back(api):
    resp = api("eve").post("/api/v1/articles", {"title": "  Ferry   terminal ", "body": builders.STORY,
                                                "url": "https://example.org/ferry", "byline": "By Jo Reporter",
                                                "published_at": "2025-05-03"})
    assert resp.status_code == 201, resp.get_json()
    article = resp.get_json()
    assert article["title"] == "Ferry terminal"
    assert (article["url"], article["byline"], article["outlet"], article["published_at"]) == (
        "https://example.org/ferry", "Jo Reporter", "example.org", "2025-05-03")
    assert article["created_at"].endswith(("Z", "+00:00"))
    statuses = [c["status"] for c in article["claims"]]
    assert statuses.count("new") == 3 and statuses.count("candidate") == 2
    first = article["claims"][0]
    assert first["text"].startswith("Port Alder opened") and first["article_id"] == article["id"]
    assert set(first) == {"id", "article_id", "text", "original_text", "start", "end", "score", "checkworthy",
                          "reasons", "status", "assignee", "due", "claimant", "claimant_kind", "alike_id", "version", "verdict"}
    assert first["verdict"] is None and first["assignee"] is None and first["version"] == 1

    again = api("carl").get(f"/api/v1/articles/{article['id']}")
    assert again.status_code == 200
    assert again.get_json() == article


def test_get_and_patch_a_claim(api, claim):
    body = fresh(api, claim.id)
    assert body["id"] == claim.id and body["status"] == "new"
    resp = api("eve").patch(f"/api/v1/claims/{claim.id}", {"version": body["version"],
                                                          "text": "The terminal cost $31 million.",
                                                          "due": "2030-01-31"})
    assert resp.status_code == 200, resp.get_json()
    patched = resp.get_json()
    assert patched["text"] == "The terminal cost $31 million."
    assert patched["original_text"] == claim.original_text
    assert patched["due"].startswith("2030-01-31T23:59:59")
    assert patched["version"] == body["version"] + 2

    cleared = api("eve").patch(f"/api/v1/claims/{claim.id}", {"version": patched["version"], "due": None})
    assert cleared.status_code == 200, cleared.get_json()
    assert cleared.get_json()["due"] is None


def test_the_whole_review_cycle(api, claim):
    version = fresh(api, claim.id)["version"]
    resp = api("eve").post(f"/api/v1/claims/{claim.id}/assign", {"assignee": "carl", "due": "2030-02-01",
                                                                 "version": version})
    assert resp.status_code == 200, resp.get_json()
    assigned = resp.get_json()
    assert (assigned["assignee"], assigned["status"]) == ("carl", "in_progress")
    assert assigned["due"].startswith("2030-02-01")

    resp = api("carl").post(f"/api/v1/claims/{claim.id}/sources", {
        "url": "https://council.example.org/minutes", "title": "Council minutes", "stance": "supports",
        "note": "Page 4 gives the cost."})
    assert resp.status_code == 201, resp.get_json()
    source = resp.get_json()
    assert (source["claim_id"], source["url"], source["stance"], source["version"]) == (
        claim.id, "https://council.example.org/minutes", "supports", 1)
    assert source["capture"]["state"] == "queued"
    assert {source["capture"][k] for k in ("warc_url", "text_url", "screenshot_url")} == {None}
    shown = api("cora").get(f"/api/v1/sources/{source['id']}")
    assert shown.status_code == 200 and shown.get_json() == source
    assert set(source["capture"]) == {"id", "state", "reason", "attempts", "final_url", "http_status", "content_type",
                                      "sha256", "size", "title", "captured_at", "warc_url", "text_url",
                                      "screenshot_url", "wacz_url", "timestamp"}
    assert source["capture"]["timestamp"] is None  # this desk has no time-stamping authority

    resp = api("carl").put(f"/api/v1/claims/{claim.id}/verdict", {
        "rating": "mostly true", "rationale": "The minutes give $31.4 million.", "version": assigned["version"],
        "claimant": "Port Alder council", "claimant_kind": "organization"})
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["claimant"], resp.get_json()["claimant_kind"]) == ("Port Alder council", "organization")
    verdict = resp.get_json()["verdict"]
    assert verdict == {"rating": "Mostly true", "rationale": "The minutes give $31.4 million.",
                       "claim_reviewed": claim.text, "proposed_by": "carl"}

    resp = api("carl").post(f"/api/v1/claims/{claim.id}/transition", {
        "to": "in_review", "version": resp.get_json()["version"]})
    assert resp.status_code == 200, resp.get_json()
    submitted = resp.get_json()
    assert submitted["status"] == "in_review"

    refused = api("carl").post(f"/api/v1/claims/{claim.id}/transition", {"to": "published",
                                                                         "version": submitted["version"]})
    error = assert_error(refused, 403, "forbidden")
    assert "checker" in error["message"] and "may not publish claims" in error["message"]

    resp = api("eve").post(f"/api/v1/claims/{claim.id}/transition", {"to": "published",
                                                                     "version": submitted["version"]})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "published"

    events = api("cora").get(f"/api/v1/claims/{claim.id}/history")
    assert events.status_code == 200
    history = events.get_json()
    assert [e["id"] for e in history] == sorted((e["id"] for e in history), reverse=True)
    newest = history[0]
    assert (newest["kind"], newest["field"], newest["old"], newest["new"], newest["actor"]) == (
        "status", "status", "in_review", "published", "eve")
    assert set(newest) == {"id", "kind", "field", "old", "new", "actor", "at", "detail"}
    assert {"assign", "due", "source_added", "verdict"} <= {e["kind"] for e in history}


def test_comments(api, claim):
    assert api("carl").get(f"/api/v1/claims/{claim.id}/comments").get_json() == []
    first = api("carl").post(f"/api/v1/claims/{claim.id}/comments", {"body": "Who paid for it?"})
    assert first.status_code == 201, first.get_json()
    second = api("eve").post(f"/api/v1/claims/{claim.id}/comments", {"body": "  The council.  "})
    assert second.status_code == 201
    assert (second.get_json()["author"], second.get_json()["body"], second.get_json()["kind"]) == (
        "eve", "The council.", "comment")
    listed = api("cora").get(f"/api/v1/claims/{claim.id}/comments").get_json()
    assert [c["body"] for c in listed] == ["The council.", "Who paid for it?"]
    assert_error(api("eve").post(f"/api/v1/claims/{claim.id}/comments", {"body": "   "}), 422, "invalid")


# ---------------------------------------------------------------------------------------------- authentication


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer fct_not-a-real-token", "Basic ZXZlOnB3",
                                    "bearer  "])
def test_missing_or_bad_token_is_401(app, tokens, claim, header):
    headers = {"Authorization": header} if header is not None else {}
    resp = app.test_client().get(f"/api/v1/claims/{claim.id}", headers=headers)
    assert_error(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(api, session, people, claim):
    token, raw = token_service.create_token(session, user=people["eve"], name="laptop")
    session.commit()
    client = api().as_(raw)
    assert client.get(f"/api/v1/claims/{claim.id}").status_code == 200
    token_service.revoke(session, token_id=token.id)
    session.commit()
    resp = client.get(f"/api/v1/claims/{claim.id}")
    assert_error(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_users_token_is_401(api, session, people, claim):
    people["cora"].active = False
    session.add(people["cora"])
    session.commit()
    assert_error(api("cora").get(f"/api/v1/claims/{claim.id}"), 401, "unauthorized")


def test_the_browser_session_does_not_authenticate_the_api(as_user, claim):
    browser = as_user("eve")
    assert browser.get(f"/claims/{claim.id}").status_code == 200  # signed in for the HTML pages
    for method, url in [("GET", f"/api/v1/claims/{claim.id}"), ("GET", "/api/v1/claims"),
                        ("POST", f"/api/v1/claims/{claim.id}/comments")]:
        resp = browser.http.open(url, method=method, json={"body": "hi"} if method == "POST" else None)
        assert_error(resp, 401, "unauthorized")
        assert "Location" not in resp.headers


def test_api_paths_never_redirect_to_login(app):
    client = app.test_client()
    assert_error(client.get("/api/v1/claims"), 401)
    assert_error(client.get("/api/v1/nope"), 404, "not_found")
    assert client.get("/articles/").status_code == 302  # the HTML pages still want a login


# ---------------------------------------------------------------------------------------------- errors


def test_checker_may_not_touch_another_checkers_claim(api, claim):
    version = fresh(api, claim.id)["version"]
    assert api("eve").post(f"/api/v1/claims/{claim.id}/assign", {"assignee": "carl", "version": version}) \
        .status_code == 200
    resp = api("cora").post(f"/api/v1/claims/{claim.id}/sources", {"url": "https://example.org/a"})
    error = assert_error(resp, 403, "forbidden")
    assert error["message"] == ("Your role (checker) may not add, edit or remove sources on this claim; "
                                "admins, editors; checkers on their own claims may.")


def test_checker_may_not_bring_in_articles(api):
    error = assert_error(api("carl").post("/api/v1/articles", {"title": "T", "body": builders.STORY}), 403)
    assert "may not bring in articles" in error["message"]


def test_unknown_things_are_404_json(api, app, claim):
    error = assert_error(api("eve").get("/api/v1/claims/999999"), 404, "not_found")
    assert error["message"] == "There is no claim #999999."
    assert_error(api("eve").get("/api/v1/articles/999999"), 404, "not_found")
    assert_error(api("eve").get("/api/v1/sources/999999"), 404, "not_found")
    assert_error(api("eve").post("/api/v1/claims/999999/comments", {"body": "x"}), 404, "not_found")
    assert_error(api("eve").get("/api/v1/nope"), 404, "not_found")
    assert_error(api("eve").get("/api/v1/claims/99999999999999999999"), 404, "not_found")
    assert_error(api("eve").get("/api/v1/claims/0"), 404, "not_found")
    page = app.test_client().get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_wrong_method_is_405_json(api, claim):
    resp = api("eve").call("DELETE", f"/api/v1/claims/{claim.id}")
    assert_error(resp, 405, "method_not_allowed")
    assert "PATCH" in resp.headers["Allow"]


def test_stale_version_is_409_naming_who_changed_what(api, claim):
    version = fresh(api, claim.id)["version"]
    ok = api("eve").patch(f"/api/v1/claims/{claim.id}", {"version": version, "text": "Reworded once."})
    assert ok.status_code == 200
    resp = api("ada").patch(f"/api/v1/claims/{claim.id}", {"version": version, "text": "Reworded twice."})
    error = assert_error(resp, 409, "conflict")
    assert "changed by Eve" in error["message"] and "text" in error["message"]
    assert fresh(api, claim.id)["text"] == "Reworded once."


def test_bad_url_is_422_with_fields(api, claim):
    version = fresh(api, claim.id)["version"]
    api("eve").post(f"/api/v1/claims/{claim.id}/assign", {"assignee": "carl", "version": version})
    resp = api("carl").post(f"/api/v1/claims/{claim.id}/sources", {"url": "ftp://example.org/file"})
    error = assert_error(resp, 422, "invalid")
    assert error["fields"] == {"url": "Only http:// and https:// links are accepted."}
    article = api("eve").post("/api/v1/articles", {"title": "T", "body": builders.STORY, "url": "not a url"})
    assert "url" in assert_error(article, 422, "invalid")["fields"]


def test_malformed_json_and_wrong_types(api, claim):
    url = f"/api/v1/claims/{claim.id}/comments"
    assert_error(api("eve").post(url, data='{"body": "unterminated'), 400, "bad_request")
    assert_error(api("eve").post(url, data='["a list"]'), 400, "bad_request")
    assert_error(api("eve").post(url, data='{"body": NaN}'), 400, "bad_request")
    assert_error(api("eve").post(url, data=b"\xff\xfe\x00"), 400, "bad_request")
    assert_error(api("eve").post(url, data="body=hi", headers={"Content-Type": "text/plain"}), 415)
    error = assert_error(api("eve").post(url, {"body": 42}), 422, "invalid")
    assert set(error["fields"]) == {"body"}
    error = assert_error(api("eve").patch(f"/api/v1/claims/{claim.id}", {"version": "one", "due": "soon"}), 422)
    assert set(error["fields"]) == {"version", "due"}
    assert "version" in assert_error(api("eve").patch(f"/api/v1/claims/{claim.id}", {}), 422)["fields"]
    assert "body" in assert_error(api("eve").post(url, {"body": "nul\x00byte"}), 422)["fields"]
    assert "limit" in assert_error(api("eve").get("/api/v1/claims?limit=500"), 422)["fields"]
    assert "limit" in assert_error(api("eve").get("/api/v1/claims?limit=two"), 422)["fields"]
    assert "status" in assert_error(api("eve").get("/api/v1/claims?status=pending"), 422)["fields"]
    assert "cursor" in assert_error(api("eve").get("/api/v1/claims?cursor=garbage"), 422)["fields"]


def test_oversized_body_is_413_json(api, app, claim):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = '{"body": "' + "x" * limit + '"}'
    error = assert_error(api("eve").post(f"/api/v1/claims/{claim.id}/comments", data=body), 413, "too_large")
    assert f"{limit:,}" in error["message"]


def test_a_crash_is_a_plain_500_json(api, app, claim, monkeypatch):
    from factcheck.services import review

    def boom(*_a, **_kw):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(review, "comments", boom)
    resp = api("eve").get(f"/api/v1/claims/{claim.id}/comments")
    assert_error(resp, 500, "server_error")
    assert "secret internals" not in resp.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------- the queue


def test_queue_filters_and_pagination_walks_every_claim_once(api, session, people):
    for n in range(3):
        builders.article(session, by=people["eve"], title=f"Story {n}")
    expected = {c.id for c in session.exec(select(Claim).where(Claim.status == "new")).all()}
    assert len(expected) == 9
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/claims?limit=2&sort=newest" + (f"&cursor={cursor}" if cursor else "")
        resp = api("carl").get(url)
        assert resp.status_code == 200, resp.get_json()
        page = resp.get_json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen)) and pages == 5

    first = api("carl").get("/api/v1/claims?status=candidate&q=ugly").get_json()["items"]
    assert len(first) == 3 and all(item["text"] == "Critics think the design is ugly." for item in first)
    assert api("carl").get("/api/v1/claims?assignee=me").get_json() == {"items": [], "next_cursor": None}


def _open_claims(session, article, carl, n):
    for i in range(n):
        claim = Claim(article_id=article.id, start=0, end=4, original_text=f"c{i}", text=f"claim {i}", score=0.9,
                      reasons=["number"], checkworthy=True, status="in_progress", assignee_id=carl.id)
        session.add(claim)
        session.flush()
        for rating in ("False", "True"):
            session.add(Verdict(claim_id=claim.id, rating=rating, rationale="r", proposed_by_id=carl.id))
    session.commit()


def _statements_for_queue(api, app) -> tuple[int, dict]:
    engine = app.extensions["factcheck.engine"]
    statements = []
    api("eve").get("/api/v1/claims?limit=1")  # the token's last-used time is written at most once a minute: now

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        resp = api("eve").get("/api/v1/claims?limit=50&status=in_progress")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert resp.status_code == 200, resp.get_json()
    return len(statements), resp.get_json()


def test_the_queue_issues_the_same_statements_for_5_and_40_claims(api, app, session, people):
    article = builders.article(session, by=people["eve"], body="Nothing to check here.")
    _open_claims(session, article, people["carl"], 5)
    few, page = _statements_for_queue(api, app)
    assert len(page["items"]) == 5
    assert {(i["assignee"], i["verdict"]["rating"], i["verdict"]["proposed_by"]) for i in page["items"]} == {
        ("carl", "True", "carl")}
    _open_claims(session, article, people["carl"], 35)
    many, page = _statements_for_queue(api, app)
    assert len(page["items"]) == 40
    assert many == few <= 4  # token check, the page, the verdicts (+ a possible transaction statement)
