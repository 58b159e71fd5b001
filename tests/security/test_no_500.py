"""Issue 15: hostile input answers 4xx, never 500.

The named cases first (ids at and above 2^63 in routes and parameters, a forged cursor, JSON nested a
thousand deep, CR/LF in redirect targets), then a property test that walks every route in the app's
url_map, as the admin in a browser and over the API, with hostile values in every path part, query
parameter and form field."""
from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.security.conftest import app_routes

HUGE = str(2 ** 63)
HOSTILE = [HUGE, str(2 ** 64 + 7), str(2 ** 31), "9" * 40, "-1", "0", "-9223372036854775809", "1e999", "NaN",
           "%0d%0aSet-Cookie:x=1", "\r\nLocation: //evil.example", "/queue\r\nX-Evil: 1", "//evil.example",
           "\x00", "\u202e", "ü" * 300, "' OR 1=1 --", "<script>", "1:" + HUGE, HUGE + ":1", ""]
FIELDS = ("assignee", "article_id", "back", "next", "version", "selected", "cursor", "to", "due", "user", "active",
          "role", "expires_in_days", "claim_id", "other_id", "other_version", "format", "status", "min_score",
          "max_score", "sort", "q", "page", "rating", "stance", "url", "title", "body", "username", "password")


def forged_cursor(**fields) -> str:
    raw = json.dumps({"s": "score", "i": 1, "k": 0.5, **fields}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def fill(rule: str, value: str) -> str:
    out, i = [], 0
    while i < len(rule):
        if rule[i] == "<":
            j = rule.index(">", i)
            out.append(quote(value, safe=""))
            i = j + 1
        else:
            out.append(rule[i])
            i += 1
    return "".join(out)


# ---------------------------------------------------------------------------------------------- named cases


@pytest.mark.parametrize("path", [f"/claims/{HUGE}", f"/captures/{HUGE}/text", f"/articles/{HUGE}",
                                  f"/exports/{HUGE}", f"/claims/{2 ** 31}", f"/api/v1/claims/{HUGE}"])
def test_huge_ids_in_routes_are_not_found(browser, world, path):
    resp = browser("ada").get(path, headers={"Authorization": f"Bearer {world.tokens['ada']}"})
    assert resp.status_code == 404, (path, resp.status_code)


def test_huge_ids_in_parameters_are_refused(browser, world):
    ada = browser("ada")
    assert ada.get(f"/queue?article_id={HUGE}").status_code in (200, 422)
    resp = ada.post("/queue/bulk", {"action": "assign", "assignee": HUGE,
                                    "selected": f"{world.claim_id}:{world.claim_version}", "back": "/queue"})
    assert resp.status_code == 302
    resp = ada.post("/queue/bulk", {"action": "due", "due": "2030-01-01", "selected": f"{HUGE}:1", "back": "/queue"})
    assert resp.status_code == 302
    resp = ada.post(f"/claims/{world.claim_id}/assign", {"assignee": HUGE, "version": world.claim_version})
    assert resp.status_code == 422


def test_a_forged_cursor_is_a_400_or_422(world, app):
    api = app.test_client()
    auth = {"Authorization": f"Bearer {world.tokens['ada']}"}
    for cursor in (forged_cursor(i=2 ** 63), forged_cursor(i=2 ** 80), forged_cursor(i=-1), "!!!", "e30"):
        resp = api.get(f"/api/v1/claims?cursor={cursor}", headers=auth)
        assert resp.status_code in (400, 422), (cursor, resp.status_code)
        assert resp.get_json()["error"]["code"]
    assert api.get(f"/api/v1/claims?cursor={forged_cursor(k=1e308)}", headers=auth).status_code == 200  # a position
    assert browser_get(app, f"/queue?cursor={forged_cursor(i=2 ** 63)}") < 500


def browser_get(app, url) -> int:
    return app.test_client().get(url).status_code


def test_json_nested_a_thousand_deep_is_a_400(world, app):
    api = app.test_client()
    auth = {"Authorization": f"Bearer {world.tokens['ada']}", "Content-Type": "application/json"}
    for deep in ('{"body": ' + "[" * 1000 + "]" * 1000 + "}", '{"a": ' + '{"a": ' * 1000 + "1" + "}" * 1001,
                 "[" * 100_000):
        resp = api.post(f"/api/v1/claims/{world.claim_id}/comments", data=deep, headers=auth)
        assert resp.status_code == 400, resp.status_code
        assert "nests deeper" in resp.get_json()["error"]["message"]
    shallow = api.post(f"/api/v1/claims/{world.claim_id}/comments", data=json.dumps({"body": "[[ok]] {{fine}}"}),
                       headers=auth)
    assert shallow.status_code == 201  # brackets inside strings do not count


@pytest.mark.parametrize("target", ["/queue\r\nSet-Cookie: evil=1", "/queue%0d%0aX: 1", "/queue\nX: 1",
                                    "/queue\u2028", "/queue\x7f"])
def test_header_unsafe_bulk_back_is_not_used(browser, world, target):
    resp = browser("eve").post("/queue/bulk", {"action": "due", "due": "2030-01-01", "back": target.replace("%0d%0a", "\r\n"),
                                               "selected": f"{world.claim_id}:{world.claim_version}"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/queue") and "\n" not in resp.headers["Location"]
    assert "evil" not in resp.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("target", ["/queue\r\nSet-Cookie: evil=1", "/queue\nX: 1", "/\t/evil.example"])
def test_header_unsafe_next_is_not_used(client, people, target):
    client.get("/login")
    resp = client.post("/login?next=" + quote(target, safe=""), {"username": "eve", "password": "correct horse battery"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/queue"


# ---------------------------------------------------------------------------------------------- every route


def _routes(app):
    return sorted(app_routes(app))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(value=st.one_of(st.sampled_from(HOSTILE), st.integers(min_value=2 ** 31, max_value=2 ** 80).map(str),
                       st.text(max_size=30)))
def test_no_route_answers_500_to_hostile_values(app, world, browser, value):
    ada = browser("ada")
    bearer = {"Authorization": f"Bearer {world.tokens['ada']}"}
    query = "&".join(f"{f}={quote(value, safe='')}" for f in FIELDS)
    for method, rule in _routes(app):
        if rule in ("/logout",):
            continue  # would end the admin's session for the rest of the walk
        url = fill(rule, value) if "<" in rule else rule
        if rule.startswith("/api/"):
            client, headers = app.test_client(), bearer
            if method == "GET":
                resp = client.get(f"{url}?{query}", headers=headers)
            else:
                resp = client.open(url, method=method, headers=headers,
                                   json={f: value for f in FIELDS} | {"nested": [[[value]]]})
        elif method == "GET":
            resp = ada.get(f"{url}?{query}")
        else:
            resp = ada.post(f"{url}?{query}", {f: value for f in FIELDS})
        assert resp.status_code < 500, f"{method} {url} -> {resp.status_code} for {value!r}"
