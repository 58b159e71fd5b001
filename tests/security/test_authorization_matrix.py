"""Who may use which route: one row per (method, rule), one expected status per role.

Columns: anonymous, carl (a checker, the claim's assignee), cora (a checker, not the assignee), eve (an
editor, who also made the export), ada (an admin). LOGIN means 302 to /login. A new route fails
`test_every_route_is_in_the_matrix` until someone decides here who may use it.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import pytest

from tests.builders import STORY
from tests.conftest import PASSWORD
from tests.security.conftest import ROLES, app_routes, build_url

LOGIN = "302 to /login"
OK, CREATED, FOUND, REFUSED, GONE, NO_TOKEN, INVALID = 200, 201, 302, 403, 404, 401, 422
BAD_LINK = 400


@dataclass(frozen=True)
class Row:
    expect: tuple                                # one per ROLES: a status, a set of statuses, or LOGIN
    body: Callable[..., dict] | None = None      # form / JSON body (query string for GET) from the world


def row(anonymous, carl, cora, eve, ada, body=None) -> Row:
    return Row((anonymous, carl, cora, eve, ada), body)


def reads(status=OK, body=None):  # every signed-in person may
    return row(LOGIN, status, status, status, status, body)


def editors(eve_ada, body=None):  # editors and admins; checkers are refused
    return row(LOGIN, REFUSED, REFUSED, eve_ada, eve_ada, body)


def admins(ada, body=None):
    return row(LOGIN, REFUSED, REFUSED, REFUSED, ada, body)


def own_claim(status, body):      # the assignee and editors; another checker is refused
    return row(LOGIN, status, REFUSED, status, status, body)


def api(carl, cora, eve, ada, body=None):
    return row(NO_TOKEN, carl, cora, eve, ada, body)


def api_reads(body=None):
    return api(OK, OK, OK, OK, body)


MATRIX: dict[str, Row] = {
    # desk pages
    "GET /": reads(FOUND),
    "GET /queue": reads(),
    "GET /my-work": reads(),
    "GET /dashboard": reads(),
    "GET /workload": reads(),  # read-only for checkers
    "POST /queue/bulk": editors(FOUND, lambda w: {"action": "due", "selected": f"{w.claim_id}:{w.claim_version}",
                                                  "due": "2030-01-31", "back": "/queue"}),
    # sign in and out
    "GET /login": row(OK, FOUND, FOUND, FOUND, FOUND),
    "POST /login": row(FOUND, FOUND, FOUND, FOUND, FOUND, lambda w: {"username": "carl", "password": PASSWORD}),
    "POST /logout": reads(FOUND),
    "GET /account/password": reads(),
    "POST /account/password": reads(INVALID, lambda w: {"current": "not my password", "new": "a fresh long phrase",
                                                        "confirm": "a fresh long phrase"}),
    "GET /reset/<token>": row(410, 410, 410, 410, 410),  # the world's token is not a live reset link
    "POST /reset/<token>": row(410, 410, 410, 410, 410, lambda w: {"password": "a fresh long phrase",
                                                                   "confirm": "a fresh long phrase"}),
    # notifications: one's own (carl's is the world's; to anyone else it does not exist)
    "GET /notifications": reads(),
    "POST /notifications/<notification_id>/read": row(LOGIN, FOUND, GONE, GONE, GONE),
    "POST /notifications/read-all": reads(FOUND),
    "GET /account/notifications": reads(),
    "POST /account/notifications": reads(FOUND, lambda w: {"assigned": "app", "sent_back": "email",
                                                            "review": "digest", "published": "off", "comment": "app",
                                                            "mention": "app", "due_soon": "app", "overdue": "app"}),
    # requests from the public: the page needs no sign-in (a POST without the form's fill-time token is thanked
    # and dropped); the inbox is the editors'
    "GET /ask": row(OK, OK, OK, OK, OK),
    "POST /ask": row(FOUND, FOUND, FOUND, FOUND, FOUND, lambda w: {"kind": "check", "claim_text": "A claim."}),
    "GET /requests": editors(OK),
    "POST /requests/<request_id>/accept": editors(FOUND),
    "POST /requests/<request_id>/duplicate": editors(FOUND, lambda w: {"claim_id": w.claim_id}),
    "POST /requests/<request_id>/decline": editors(FOUND, lambda w: {"reason": "Not a factual claim."}),
    "POST /requests/<request_id>/erase-email": editors(FOUND),
    # the links in emails: no sign-in and no role, the signed token is the key (the world's is forged: 400)
    "GET /ask/confirm/<token>": row(BAD_LINK, BAD_LINK, BAD_LINK, BAD_LINK, BAD_LINK),
    "GET /ask/forget/<token>": row(BAD_LINK, BAD_LINK, BAD_LINK, BAD_LINK, BAD_LINK),
    "POST /ask/forget/<token>": row(BAD_LINK, BAD_LINK, BAD_LINK, BAD_LINK, BAD_LINK),
    "GET /unsubscribe/<user_id>/<kind>/<token>": row(BAD_LINK, BAD_LINK, BAD_LINK, BAD_LINK, BAD_LINK),
    "POST /unsubscribe/<user_id>/<kind>/<token>": row(BAD_LINK, BAD_LINK, BAD_LINK, BAD_LINK, BAD_LINK),
    # articles
    "GET /articles/": reads(),
    "GET /articles/<article_id>": reads(),
    "GET /articles/new": editors(OK),
    "POST /articles/new": editors(OK, lambda w: {"body": STORY}),
    "POST /articles/upload": editors(OK, lambda w: {"upload-file": (io.BytesIO(STORY.encode()), "story.txt")}),
    "POST /articles/fetch": editors(INVALID, lambda w: {"import-address": "http://127.0.0.1:9/story"}),  # refused
    "POST /articles/confirm": editors(FOUND, lambda w: {"title": "Ferry terminal", "body": STORY}),
    "POST /articles/<article_id>/language": editors(FOUND, lambda w: {"language": "de"}),
    # the sources an article lists: any checker or editor may attach a link; citing one is a claim's own work
    # (the world's listed source has no link yet, so a permitted cite is refused as input)
    "POST /articles/<article_id>/sources/<listed_id>/link": row(LOGIN, FOUND, FOUND, FOUND, FOUND, lambda w: {
        "url": "https://council.example.org/minutes"}),
    "POST /claims/<claim_id>/listed/<listed_id>/cite": own_claim(INVALID, lambda w: {"stance": "context"}),
    # the claim page and its actions (the claim is in progress, so reword/split/merge are refused as input)
    "GET /claims/<claim_id>": reads(),
    "GET /claims/<claim_id>/captures.json": reads(),
    "POST /claims/<claim_id>/comments": reads(FOUND, lambda w: {"body": "Checked the council minutes."}),
    "POST /claims/<claim_id>/assign": editors(FOUND, lambda w: {"assignee": str(w.cora_id),
                                                                "version": w.claim_version}),
    "POST /claims/<claim_id>/due": editors(FOUND, lambda w: {"due": "2030-01-31", "version": w.claim_version}),
    "POST /claims/<claim_id>/wording": editors(INVALID, lambda w: {"text": "Reworded.", "version": w.claim_version}),
    "POST /claims/<claim_id>/split": editors(INVALID, lambda w: {
        "second_part": " ".join(w.claim_text.split()[-2:]), "version": w.claim_version}),
    "POST /claims/<claim_id>/merge": editors(INVALID, lambda w: {
        "other_id": w.other_claim_id, "other_version": w.other_claim_version, "version": w.claim_version}),
    "POST /claims/<claim_id>/sources": own_claim(FOUND, lambda w: {
        "url": "https://example.org/minutes", "title": "Council minutes", "stance": "context"}),
    "POST /claims/<claim_id>/sources/<source_id>": own_claim(FOUND, lambda w: {
        "url": "https://stats.example.org/ferry", "title": "Ferry stats 2025", "stance": "supports",
        "version": w.source_version}),
    "POST /claims/<claim_id>/sources/<source_id>/remove": own_claim(FOUND, lambda w: {
        "version": w.source_version}),
    # the world's capture is archived, so a retry is refused as input once the role check has passed
    "POST /claims/<claim_id>/sources/<source_id>/retry": own_claim(INVALID, lambda w: {}),
    "POST /claims/<claim_id>/verdict": own_claim(FOUND, lambda w: {
        "rating": "False", "rationale": "The council's figure is lower.", "version": w.claim_version}),
    "POST /claims/<claim_id>/status": own_claim(FOUND, lambda w: {"to": "in_review", "version": w.claim_version}),
    # Checked before?: an editor's decision on a past match; the search of past fact-checks
    "POST /claims/<claim_id>/past-matches": editors(FOUND, lambda w: {"match_id": w.other_claim_id, "action": "related",
                                                                  "version": w.claim_version}),
    "GET /search": reads(OK, lambda w: {"q": "ferry terminal"}),
    # archived evidence
    "GET /captures/<capture_id>/text": reads(),
    "GET /captures/<capture_id>/warc": reads(),
    "GET /captures/<capture_id>/screenshot": reads(),
    "GET /captures/<capture_id>/timestamp.tsr": row(LOGIN, GONE, GONE, GONE, GONE),  # the world has no token: 404
    "GET /captures/<capture_id>/wacz": reads(),  # packaged on request from the world's real WARC
    # exports: eve's export is hers (and the admin's); to other people it does not exist
    "GET /exports/": reads(),
    "POST /exports/": reads(FOUND, lambda w: {"format": "csv"}),
    "GET /exports/<export_id>": row(LOGIN, GONE, GONE, OK, OK),
    "GET /exports/<export_id>.json": row(LOGIN, GONE, GONE, OK, OK),
    "GET /exports/<export_id>/download": row(LOGIN, GONE, GONE, OK, OK),
    # administration
    "GET /admin/users": admins(OK),
    "POST /admin/users": admins(FOUND, lambda w: {"username": "newbie", "role": "checker", "display_name": "New"}),
    "POST /admin/users/<user_id>/role": admins(FOUND, lambda w: {"role": "editor"}),
    "POST /admin/users/<user_id>/active": admins(FOUND, lambda w: {"active": "0"}),
    "POST /admin/users/<user_id>/sign-out": admins(FOUND),
    "POST /admin/users/<user_id>/reset-link": admins(OK),  # the link is shown on this answer only
    "POST /admin/users/<user_id>/tokens/revoke": admins(FOUND),
    "GET /admin/tokens": admins(OK),
    "POST /admin/tokens": admins(FOUND, lambda w: {"user": str(w.cora_id), "name": "CMS import"}),
    "POST /admin/tokens/<token_id>/revoke": admins(FOUND),
    "GET /admin/settings": admins(OK),
    "POST /admin/settings": admins(FOUND, lambda w: {
        "threshold": "0.5", "min_sources": "1", "four_eyes": "y", "org_name": "Port Alder Checks",
        "org_url": "https://checks.example.org", "review_url": "https://checks.example.org/c/{claim_id}"}),
    "GET /admin/email": admins(OK),
    # other organisations' fact-checks: editors import them, admins configure feeds (the world's feed is at a
    # loopback address the safe fetcher refuses, so reading it fetches nothing)
    "GET /factchecks": editors(OK),
    "POST /factchecks/import-file": editors({OK, FOUND, INVALID}, lambda w: {
        "file": (io.BytesIO(b'{"@type": "ClaimReview"}'), "review.json")}),
    "POST /factchecks/import-url": editors({OK, FOUND, INVALID}, lambda w: {"url": "http://127.0.0.1:9/x.json"}),
    "GET /admin/feeds": admins(OK),
    "POST /admin/feeds": admins({OK, FOUND, INVALID}, lambda w: {"url": "http://127.0.0.1:9/other.json",
                                                                  "every_minutes": "60"}),
    "POST /admin/feeds/<feed_id>/read": admins(FOUND),
    "POST /admin/feeds/<feed_id>/active": admins(FOUND, lambda w: {"active": "0"}),
    "POST /admin/feeds/<feed_id>/remove": admins(FOUND),
    "GET /admin/webhooks": admins(OK),
    "POST /admin/webhooks": admins(INVALID, lambda w: {"url": "http://10.0.0.5/hook",  # refused: a private address
                                                       "events": ["claim.published"]}),
    "GET /admin/webhooks/<webhook_id>": admins(OK),
    "POST /admin/webhooks/<webhook_id>/test": admins(FOUND),
    "POST /admin/webhooks/<webhook_id>/active": admins(FOUND, lambda w: {"active": "0"}),
    # the API: bearer tokens only
    "GET /api/v1/openapi.json": row(OK, OK, OK, OK, OK),  # the public description of the API
    "GET /.well-known/factcheck-keys.json": row(OK, OK, OK, OK, OK),  # the newsroom's public signing keys
    "POST /api/v1/articles": api(REFUSED, REFUSED, CREATED, CREATED, lambda w: {"title": "Ferry", "body": STORY}),
    "GET /api/v1/articles/<article_id>": api_reads(),
    "GET /api/v1/articles/<article_id>/report": api_reads(lambda w: {"format": "csv"}),
    "GET /api/v1/articles/<article_id>/wacz": api_reads(),   # the world's article has one archived source
    "GET /api/v1/captures/<capture_id>/wacz": api_reads(),
    "GET /api/v1/claims": api_reads(),
    "GET /api/v1/search": api_reads(lambda w: {"q": "ferry terminal"}),
    "GET /api/v1/factchecks": api(REFUSED, REFUSED, OK, OK),   # the import list, as on /factchecks
    "POST /api/v1/factchecks/import": api(REFUSED, REFUSED, {OK, CREATED, INVALID, 400}, {OK, CREATED, INVALID, 400},
                                         lambda w: {"url": "http://127.0.0.1:9/x.json"}),
    # one's own notifications (carl's is the world's; to anyone else it does not exist)
    "GET /api/v1/notifications": api_reads(),
    "POST /api/v1/notifications/<notification_id>/read": api(OK, GONE, GONE, GONE),
    "POST /api/v1/notifications/read-all": api_reads(),
    "GET /api/v1/notifications/preferences": api_reads(),
    "PUT /api/v1/notifications/preferences": api_reads(lambda w: {"preferences": {"assigned": "app"}}),
    # the Requests inbox: editors and admins
    "GET /api/v1/requests": api(REFUSED, REFUSED, OK, OK),
    "GET /api/v1/requests/<request_id>": api(REFUSED, REFUSED, OK, OK),
    "POST /api/v1/requests/<request_id>/accept": api(REFUSED, REFUSED, CREATED, CREATED),
    "POST /api/v1/requests/<request_id>/link": api(REFUSED, REFUSED, OK, OK, lambda w: {"claim_id": w.claim_id}),
    "POST /api/v1/requests/<request_id>/decline": api(REFUSED, REFUSED, OK, OK,
                                                     lambda w: {"reason": "Not a factual claim."}),
    "GET /api/v1/claims/export": api_reads(lambda w: {"format": "csv"}),
    "GET /api/v1/claims/<claim_id>": api_reads(),
    "GET /api/v1/claims/<claim_id>/history": api_reads(),
    "GET /api/v1/claims/<claim_id>/comments": api_reads(),
    "GET /api/v1/sources/<source_id>": api_reads(),
    "GET /api/v1/captures/<capture_id>/warc": api_reads(),        # the archived evidence, for a token too
    "GET /api/v1/captures/<capture_id>/text": api_reads(),
    "GET /api/v1/captures/<capture_id>/screenshot": api_reads(),
    "GET /api/v1/captures/<capture_id>/timestamp": api(GONE, GONE, GONE, GONE),  # no token in the world: 404
    "POST /api/v1/claims/<claim_id>/comments": api(CREATED, CREATED, CREATED, CREATED, lambda w: {"body": "Noted."}),
    "PATCH /api/v1/claims/<claim_id>": api(REFUSED, REFUSED, OK, OK, lambda w: {
        "version": w.claim_version, "due": "2030-01-31"}),
    "POST /api/v1/claims/<claim_id>/assign": api(REFUSED, REFUSED, OK, OK, lambda w: {
        "assignee": "cora", "version": w.claim_version}),
    "POST /api/v1/claims/<claim_id>/sources": api(CREATED, REFUSED, CREATED, CREATED, lambda w: {
        "url": "https://example.org/minutes"}),
    "PUT /api/v1/claims/<claim_id>/verdict": api(OK, REFUSED, OK, OK, lambda w: {
        "rating": "False", "rationale": "The council's figure is lower.", "version": w.claim_version}),
    "POST /api/v1/claims/<claim_id>/transition": api(OK, REFUSED, OK, OK, lambda w: {
        "to": "in_review", "version": w.claim_version}),
}


def test_every_route_is_in_the_matrix(app):
    routes = {f"{method} {rule}" for method, rule in app_routes(app)}
    missing = sorted(routes - MATRIX.keys())
    stale = sorted(MATRIX.keys() - routes)
    assert not missing, f"Routes nobody has decided on; add them to MATRIX: {missing}"
    assert not stale, f"MATRIX lists routes the app no longer has: {stale}"


def _call(app, world, browser, role: str, method: str, rule: str, body: dict):
    url = build_url(app, method, rule, world.url_values())
    if rule.startswith("/api/"):
        headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role != "anonymous" else {}
        if method == "GET":
            return app.test_client().get(url, query_string=body, headers=headers)
        return app.test_client().open(url, method=method, json=body, headers=headers)
    client = browser(role)
    if method == "GET":
        return client.http.get(url, query_string=body)
    return client.post(url, body)  # with the CSRF token the client's pages carried


def _check(app, world, browser, key: str, role: str) -> str | None:
    """None when the route answered `role` as the matrix says, else what went wrong."""
    method, rule = key.split(" ", 1)
    entry = MATRIX[key]
    expected = entry.expect[ROLES.index(role)]
    resp = _call(app, world, browser, role, method, rule, entry.body(world) if entry.body else {})
    status = resp.status_code
    if expected == LOGIN:
        ok = status == 302 and urlsplit(resp.headers["Location"]).path == "/login"
    elif isinstance(expected, (set, frozenset)):
        ok = status in expected
    else:
        ok = status == expected
    if expected in (REFUSED, GONE, NO_TOKEN, LOGIN) and 200 <= status < 300:
        ok = False  # a refused role must never see a success, whatever else the row says
    if ok:
        return None
    return (f"{key} as {role}: expected {expected}, got {status}\n"
            f"{resp.get_data()[:400].decode(errors='replace')}")


READS = [key for key in MATRIX if key.startswith("GET ")]
WRITES = [key for key in MATRIX if not key.startswith("GET ")]


@pytest.mark.parametrize("key", READS)
def test_reads_answer_each_role_as_the_matrix_says(app, world, browser, key):
    """A GET changes nothing, so every role asks the same world."""
    problems = [p for role in ROLES if (p := _check(app, world, browser, key, role))]
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", WRITES)
def test_writes_answer_each_role_as_the_matrix_says(app, world, browser, key, role):
    """A permitted write changes the world, so each role gets a fresh one."""
    problem = _check(app, world, browser, key, role)
    assert problem is None, problem


# The replay origin (factcheck.replay.app, at FACTCHECK_REPLAY_ORIGIN) is another app: no sign-in, no session and
# so no roles. Its one permission is the signed link the claim page hands to someone signed in. Columns: a forged
# signature, an expired link, a link signed for another capture, the capture's own live link.
REPLAY_LINKS = ("forged", "expired", "other capture", "signed")
REPLAY_MATRIX: dict[str, tuple] = {
    "GET /replay/<name>": (OK, OK, OK, OK),  # ReplayWeb.page's ui.js and sw.js: public files, the same for anyone
    "GET /c/<capture_id>/<expires>/<signature>/": (REFUSED, REFUSED, REFUSED, OK),
    "GET /c/<capture_id>/<expires>/<signature>/capture.wacz": (REFUSED, REFUSED, REFUSED, OK),
}


@pytest.fixture
def replay_app(settings, engine, monkeypatch):
    import dataclasses

    from factcheck.replay import assets
    from factcheck.replay.app import create_replay_app

    replay_settings = dataclasses.replace(settings, replay_origin="http://replay.desk.localhost:5001")
    folder = assets.folder(settings.instance_dir / "replay")  # stand-ins for ReplayWeb.page's two files
    folder.mkdir(parents=True, exist_ok=True)
    for name in assets.FILES:
        (folder / name).write_text(f"/* {name} */")
    monkeypatch.setattr(assets, "candidates", lambda s: [s.instance_dir / "replay"])
    return create_replay_app(replay_settings, engine=engine)


def _replay_values(settings, world, link: str) -> dict:
    import time

    from factcheck.replay import links

    cid, expires = world.capture_id, links.expiry()
    if link == "expired":
        expires = int(time.time()) - 60
    signed_for = cid + 1 if link == "other capture" else cid
    signature = "forged" if link == "forged" else links.signature(settings.secret_key, signed_for, expires)
    return {"capture_id": cid, "expires": expires, "signature": signature, "name": "sw.js"}


def test_every_replay_route_is_in_the_matrix(replay_app):
    routes = {f"{method} {rule}" for method, rule in app_routes(replay_app)}
    assert routes == REPLAY_MATRIX.keys()


@pytest.mark.parametrize("key", list(REPLAY_MATRIX))
def test_replay_routes_answer_each_link_as_the_matrix_says(replay_app, world, settings, key):
    method, rule = key.split(" ", 1)
    problems = []
    for link, expected in zip(REPLAY_LINKS, REPLAY_MATRIX[key]):
        resp = replay_app.test_client().open(build_url(replay_app, method, rule, _replay_values(settings, world, link)),
                                             method=method)
        if resp.status_code != expected or "Set-Cookie" in resp.headers:
            problems.append(f"{key} with a {link} link: expected {expected}, got {resp.status_code}")
    assert not problems, "\n".join(problems)
