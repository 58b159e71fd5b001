"""Issue 15: sessions the server can end. A copied session cookie is worth nothing after sign-out, a
password or role change, deactivation or an admin's "sign out everywhere"; reactivating an account
revives neither its old sessions nor its old API tokens."""
from __future__ import annotations

import re

from factcheck.services import tokens
from tests.conftest import PASSWORD, Client


def copy_of(app, client: Client) -> Client:
    """Another browser holding a copy of `client`'s cookies (what a thief would have)."""
    other = Client(app.test_client())
    for cookie in client.http._cookies.values():
        other.http.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return other


def signed_in(client: Client) -> bool:
    resp = client.get("/my-work")
    return resp.status_code == 200


def admin_post(as_user, url, data=None):
    ada = as_user("ada")
    ada.get("/admin/users")
    return ada.post(url, data or {})


def test_a_copied_cookie_is_worthless_after_sign_out(app, as_user):
    eve = as_user("eve")
    thief = copy_of(app, eve)
    assert signed_in(thief)
    assert eve.post("/logout").status_code == 302
    assert not signed_in(thief)
    assert not signed_in(eve)


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(app, as_user):
    eve, elsewhere = as_user("eve"), as_user("eve")
    eve.get("/account/password")
    resp = eve.post("/account/password", {"current": PASSWORD, "new": "harbour lights at dusk",
                                          "confirm": "harbour lights at dusk"})
    assert resp.status_code == 302
    assert signed_in(eve)
    assert not signed_in(elsewhere)
    fresh = Client(app.test_client())
    assert fresh.login("eve", "harbour lights at dusk").status_code == 302


def test_a_role_change_ends_the_sessions_made_under_the_old_role(app, as_user, people):
    eve = as_user("eve")
    assert admin_post(as_user, f"/admin/users/{people['eve'].id}/role", {"role": "checker"}).status_code == 302
    assert not signed_in(eve)


def test_sign_out_everywhere_from_the_admin_page(app, as_user, people):
    carl, carl_phone = as_user("carl"), as_user("carl")
    page = as_user("ada").get("/admin/users").get_data(as_text=True)
    assert "Sign out everywhere" in page and 'data-confirm="Sign carl out of every browser and device?"' in page
    resp = admin_post(as_user, f"/admin/users/{people['carl'].id}/sign-out")
    assert resp.status_code == 302
    assert not signed_in(carl) and not signed_in(carl_phone)
    assert Client(app.test_client()).login("carl").status_code == 302  # signing in again works


def test_reactivation_revives_neither_sessions_nor_tokens(app, as_user, people, session):
    _, raw = tokens.create_token(session, user=people["carl"], name="script")
    session.commit()
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {raw}"}
    assert api.get("/api/v1/claims", headers=bearer).status_code == 200
    carl = as_user("carl")
    carl_id = people["carl"].id
    assert admin_post(as_user, f"/admin/users/{carl_id}/active", {"active": "0"}).status_code == 302
    assert not signed_in(carl)
    assert admin_post(as_user, f"/admin/users/{carl_id}/active", {"active": "1"}).status_code == 302
    assert not signed_in(carl)
    assert api.get("/api/v1/claims", headers=bearer).status_code == 401
    tokens_page = as_user("ada").get("/admin/tokens").get_data(as_text=True)
    assert re.search(r"script</bdi></td>.*?revoked", tokens_page, re.S)


def test_a_session_without_a_generation_is_not_accepted(app, people):
    """A cookie in the format from before sessions were revocable (just the id) signs nobody in."""
    c = Client(app.test_client())
    with c.http.session_transaction() as s:
        s["_user_id"] = str(people["eve"].id)
        s["_fresh"] = True
    assert c.get("/my-work").status_code == 302


def test_a_forged_generation_or_huge_id_is_not_accepted(app, people):
    for value in (f"{people['eve'].id}:99", "99999999999999999999:0", "1:x", ":", "-1:0"):
        c = Client(app.test_client())
        with c.http.session_transaction() as s:
            s["_user_id"] = value
        assert c.get("/my-work").status_code == 302, value
