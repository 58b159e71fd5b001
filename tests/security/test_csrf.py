"""Every state-changing page refuses a form without its CSRF token; the API takes bearer tokens only."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from factcheck.models import ApiToken, Claim, User
from tests.conftest import Client
from tests.security.conftest import app_routes, build_url
from tests.security.test_authorization_matrix import MATRIX

EXPIRED = "The form expired or was sent from another site"


def snapshot(session, world) -> dict:
    """What a refused request must leave untouched: every table's row count, the claim's version and
    status, cora's role and state, whether the spare token is revoked."""
    session.expire_all()
    counts = {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
              for t in SQLModel.metadata.sorted_tables}
    claim = session.get(Claim, world.claim_id)
    cora = session.get(User, world.cora_id)
    token = session.get(ApiToken, world.token_id)
    return {"counts": counts, "claim": (claim.version, claim.status, claim.assignee_id, claim.due_at),
            "cora": (cora.role, cora.active), "token": getattr(token, "revoked_at", None)}


# Links in emails, answered without a session: the signed token in the address is what stops a forgery (a mail
# client's one-click unsubscribe, RFC 8058, POSTs with no cookie and no form token), so they take no CSRF token.
SIGNED_LINKS = ("/ask/forget/<token>", "/unsubscribe/<user_id>/<kind>/<token>")


def form_posts(app) -> list[str]:
    return sorted(rule for method, rule in app_routes(app)
                  if method == "POST" and not rule.startswith("/api/") and rule not in SIGNED_LINKS)


def test_the_only_posts_without_a_csrf_token_are_the_signed_email_links(app, session, world, browser):
    exempt = app.extensions["csrf"]._exempt_views
    names = {f"{view.__module__}.{view.__name__}" for view in app.view_functions.values()} & exempt
    assert names == {"factcheck.web.mail_links.forget", "factcheck.web.mail_links.unsubscribe"}
    client = browser("anonymous")
    before = snapshot(session, world)
    for rule in SIGNED_LINKS:
        assert (("POST", rule) in set(app_routes(app))), rule
        resp = client.post(build_url(app, "POST", rule, world.url_values()), {}, csrf=False)
        assert resp.status_code == 400, rule   # the token is forged: refused, and nothing changed
    assert snapshot(session, world) == before


def test_every_form_post_without_a_csrf_token_is_refused_and_changes_nothing(app, session, world, browser):
    rules = form_posts(app)
    assert len(rules) > 20  # the enumeration found the desk's forms
    for rule in rules:
        # the admin may do everything, so only the missing token can stop these; /login is tried signed out
        client = browser("anonymous" if rule == "/login" else "ada")
        row = MATRIX.get(f"POST {rule}")
        body = row.body(world) if row and row.body else {}
        before = snapshot(session, world)
        resp = client.post(build_url(app, "POST", rule, world.url_values()), body, csrf=False)
        assert resp.status_code == 400, f"POST {rule} without a CSRF token answered {resp.status_code}"
        assert EXPIRED in resp.get_data(as_text=True), rule
        assert snapshot(session, world) == before, f"POST {rule} without a CSRF token changed something"


@pytest.mark.parametrize("token", ["", "not-a-token", "IjEyMyI.Zz9.forged"])
def test_a_wrong_csrf_token_is_refused(app, session, world, browser, token):
    client = browser("carl")
    before = snapshot(session, world)
    resp = client.post(f"/claims/{world.claim_id}/comments", {"body": "Hello", "csrf_token": token}, csrf=False)
    assert resp.status_code == 400
    assert snapshot(session, world) == before


def test_a_csrf_token_from_another_session_is_refused(app, session, world, browser):
    mallory, carl = browser("cora"), browser("carl")
    before = snapshot(session, world)
    resp = carl.post(f"/claims/{world.claim_id}/comments", {"body": "Hello", "csrf_token": mallory.csrf}, csrf=False)
    assert resp.status_code == 400
    assert snapshot(session, world) == before


def test_the_same_post_with_its_token_goes_through(app, session, world, browser):
    """The control for the tests above: the refusals are about the token, not the request."""
    before = snapshot(session, world)["counts"]["comments"]
    resp = browser("carl").post(f"/claims/{world.claim_id}/comments", {"body": "Hello"})
    assert resp.status_code == 302
    assert snapshot(session, world)["counts"]["comments"] == before + 1


# ---------------------------------------------------------------------------------------------- API


@pytest.mark.parametrize("cookie", ["Authorization", "authorization", "token", "access_token", "api_token",
                                    "bearer"])
@pytest.mark.parametrize("value", ["{raw}", "Bearer {raw}"])
def test_a_bearer_token_in_a_cookie_is_not_accepted(app, world, cookie, value):
    client = app.test_client()
    client.set_cookie(cookie, value.format(raw=world.tokens["eve"]))
    resp = client.get("/api/v1/claims")
    assert resp.status_code == 401
    assert resp.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("param", ["token", "access_token", "api_key"])
def test_a_bearer_token_in_the_query_string_is_not_accepted(app, world, param):
    resp = app.test_client().get("/api/v1/claims", query_string={param: world.tokens["eve"]})
    assert resp.status_code == 401


def test_the_signed_in_session_never_authenticates_the_api(app, session, world, browser):
    eve = browser("eve")
    assert eve.get("/queue").status_code == 200  # signed in on the desk
    for url in ["/api/v1/claims", f"/api/v1/claims/{world.claim_id}", f"/api/v1/articles/{world.article_id}"]:
        resp = eve.http.get(url)
        assert resp.status_code == 401, url
        assert resp.mimetype == "application/json"
    before = snapshot(session, world)
    resp = eve.http.post(f"/api/v1/claims/{world.claim_id}/comments", json={"body": "via the session"},
                         headers={"X-CSRFToken": eve.csrf})
    assert resp.status_code == 401
    resp = eve.http.patch(f"/api/v1/claims/{world.claim_id}", json={"version": world.claim_version,
                                                                     "due": "2030-01-31"})
    assert resp.status_code == 401
    assert snapshot(session, world) == before


def test_a_revoked_or_malformed_bearer_token_is_refused(app, session, world):
    client = app.test_client()
    for header in ["Bearer", "Bearer ", f"Basic {world.tokens['eve']}", f"Token {world.tokens['eve']}",
                   f"Bearer {world.tokens['eve']}x", f"Bearer{world.tokens['eve']}"]:
        assert client.get("/api/v1/claims", headers={"Authorization": header}).status_code == 401, header
    assert client.get("/api/v1/claims", headers={"Authorization": f"Bearer {world.tokens['eve']}"}).status_code == 200
