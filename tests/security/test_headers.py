"""Security headers on every HTML page; Secure cookies whenever the desk is served over HTTPS."""
from __future__ import annotations

import pytest

from factcheck import create_app
from factcheck.config import Settings
from tests.conftest import PASSWORD, Client
from tests.security.conftest import app_routes, build_url

# Werkzeug's test EnvironBuilder sets wsgi.url_scheme from base_url, over any environ_base value, so a
# request "over HTTPS" is one made to an https:// base URL.
HTTPS = "https://localhost"


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_page_headers(resp, what: str) -> None:
    assert resp.mimetype == "text/html", what
    csp = csp_directives(resp.headers.get("Content-Security-Policy", ""))
    assert csp, f"{what}: no Content-Security-Policy"
    for directive in ("script-src", "style-src"):
        sources = csp.get(directive, csp.get("default-src"))
        assert sources, f"{what}: no {directive}"
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, f"{what}: {directive} {sources}"
    assert csp.get("frame-ancestors") == ["'none'"], what
    assert csp.get("object-src") == ["'none'"], what
    assert resp.headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), what
    assert resp.headers.get("X-Content-Type-Options") == "nosniff", what


def test_every_html_page_carries_the_security_headers(app, world, browser):
    pages = 0
    for role in ("ada", "carl"):  # the admin sees every page; a checker sees the refusals
        client = browser(role)
        for method, rule in sorted(app_routes(app)):
            if method != "GET" or rule.startswith("/api/"):
                continue
            resp = client.http.get(build_url(app, method, rule, world.url_values()), follow_redirects=True)
            if resp.mimetype == "text/html":
                assert_page_headers(resp, f"GET {rule} as {role} ({resp.status_code})")
                pages += 1
    assert pages > 30


@pytest.mark.parametrize("url", ["/login", "/no-such-page", "/articles/"])
def test_pages_for_people_signed_out_carry_them_too(client, people, url):
    assert_page_headers(client.http.get(url, follow_redirects=True), url)


def test_error_pages_carry_them(app, world, browser):
    carl = browser("carl")
    assert_page_headers(carl.http.get("/admin/users"), "403")
    assert_page_headers(carl.http.get("/claims/999999"), "404")
    assert_page_headers(carl.post(f"/claims/{world.claim_id}/comments", {"body": "x"}, csrf=False), "400 CSRF")


def test_archived_files_are_sandboxed(app, world, browser):
    carl = browser("carl")
    for kind in ("text", "warc", "screenshot"):
        resp = carl.http.get(f"/captures/{world.capture_id}/{kind}")
        assert resp.status_code == 200
        assert "sandbox" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.mimetype != "text/html"


# ---------------------------------------------------------------------------------------------- cookies


def set_cookies(resp) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in resp.headers.getlist("Set-Cookie")}


def sign_in(app, *, base_url="http://localhost", headers=None):
    client = Client(app.test_client())
    client.get("/login", base_url=base_url, headers=headers or {})
    # Over HTTPS Flask-WTF also checks that the form came from this site (Referer); a browser sends it.
    headers = {"Referer": "https://localhost/login", **(headers or {})}
    resp = client.post("/login", {"username": "eve", "password": PASSWORD}, base_url=base_url, headers=headers)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return client, resp


def is_secure(cookie: str) -> bool:
    return any(part.strip().lower() == "secure" for part in cookie.split(";")[1:])


@pytest.fixture
def make_app(tmp_path, database_url, engine):
    def make(**env):
        settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                      "FACTCHECK_RUN_JOBS": "0", **env}, instance_dir=tmp_path / "instance")
        app = create_app(settings, engine=engine)
        app.config["TESTING"] = True
        return app
    return make


def test_over_plain_http_the_session_cookie_is_not_secure(app, people):
    _, resp = sign_in(app)
    cookie = set_cookies(resp)["session"]
    assert not is_secure(cookie)  # a browser would drop a Secure cookie on http://127.0.0.1 in development
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_over_https_the_session_cookie_is_secure(app, people):
    _, resp = sign_in(app, base_url=HTTPS)
    cookie = set_cookies(resp)["session"]
    assert is_secure(cookie) and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_secure_cookies_setting_marks_them_secure_everywhere(make_app, people):
    _, resp = sign_in(make_app(FACTCHECK_SECURE_COOKIES="1"))
    assert is_secure(set_cookies(resp)["session"])


def test_the_remember_cookie_is_secure_over_https(app, people):
    client, _ = sign_in(app, base_url=HTTPS)
    client.http.set_cookie("remember_token", "1|forged")
    client.get("/articles/", base_url=HTTPS)
    resp = client.post("/logout", base_url=HTTPS, headers={"Referer": "https://localhost/articles/"})
    cookies = set_cookies(resp)
    assert "remember_token" in cookies  # Flask-Login clears it on sign-out...
    assert is_secure(cookies["remember_token"])  # ...with a cookie marked Secure, as it would set one
    assert all(is_secure(c) for c in cookies.values())


def test_over_https_a_form_from_another_site_is_refused(app, people):
    client = Client(app.test_client())
    client.get("/login", base_url=HTTPS)
    resp = client.post("/login", {"username": "eve", "password": PASSWORD}, base_url=HTTPS,
                       headers={"Referer": "https://evil.example/login"})
    assert resp.status_code == 400


def test_forwarded_proto_is_ignored_without_the_proxy_setting(app, people):
    _, resp = sign_in(app, headers={"X-Forwarded-Proto": "https"})
    assert not is_secure(set_cookies(resp)["session"])


def test_forwarded_proto_is_trusted_behind_a_configured_proxy(make_app, people):
    app = make_app(FACTCHECK_PROXY_FIX="1")
    _, resp = sign_in(app, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"})
    assert is_secure(set_cookies(resp)["session"])
    _, plain = sign_in(app, headers={"X-Forwarded-Proto": "http"})
    assert not is_secure(set_cookies(plain)["session"])


def test_redirects_keep_the_scheme_the_proxy_reported(make_app, people):
    app = make_app(FACTCHECK_PROXY_FIX="1")
    resp = app.test_client().get("/queue", headers={"X-Forwarded-Proto": "https", "Host": "desk.example.org"})
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location.startswith("/login") or location.startswith("https://desk.example.org/login")
