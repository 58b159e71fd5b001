import re

def test_every_page_but_login_needs_an_account(client, people):
    for url in ["/articles/", "/articles/new", "/admin/users", "/claims/1", "/"]:
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url
    assert client.get("/login").status_code == 200


def test_login_and_logout(client, people):
    resp = client.login("eve")
    assert resp.status_code == 302
    page = client.get("/articles/").get_data(as_text=True)
    assert "Eve" in page and "editor" in page
    resp = client.post("/logout")
    assert resp.status_code == 302
    assert client.get("/articles/").status_code == 302


def test_wrong_password_and_unknown_user_give_the_same_answer(client, people):
    a = client.login("eve", "not the password")
    b = client.login("nobody", "not the password")
    assert a.status_code == b.status_code == 401
    assert "Wrong username or password" in a.get_data(as_text=True)
    def page(resp):  # the CSRF token is signed with a timestamp; everything else must match
        return re.sub(r'name="csrf_token"[^>]*>', "", resp.get_data(as_text=True)).replace("nobody", "eve")
    assert page(a) == page(b)


def test_login_form_requires_csrf(client, people):
    resp = client.post("/login", {"username": "eve", "password": "correct horse battery"}, csrf=False)
    assert resp.status_code in (200, 400)
    assert client.get("/articles/").status_code == 302  # not signed in


def test_session_cookie_is_httponly_and_lax(client, people):
    resp = client.login("eve")
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_next_parameter_cannot_redirect_off_site(client, people):
    client.get("/login")
    resp = client.post("/login?next=//evil.example/", {"username": "eve", "password": "correct horse battery"})
    assert resp.headers["Location"].endswith("/queue")


def test_security_headers(client, people):
    resp = client.get("/login")
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
