import re

from sqlmodel import select

from factcheck.models import User
from factcheck.services import settings as newsroom


def test_only_admins_reach_admin_pages(as_user):
    for name in ("eve", "carl"):
        resp = as_user(name).get("/admin/users")
        assert resp.status_code == 403 and "may not manage users" in resp.get_data(as_text=True)


def test_admin_creates_a_user_with_a_generated_password(as_user, app, session):
    ada = as_user("ada")
    ada.get("/admin/users")
    resp = ada.post("/admin/users", {"username": "newbie", "display_name": "New Bie", "role": "checker",
                                     "password": ""})
    assert resp.status_code == 302
    html = ada.get("/admin/users").get_data(as_text=True)
    password = re.search(r"shown only this once: (\S+?)<", html).group(1)
    fresh = app.test_client()
    from tests.conftest import Client
    c = Client(fresh)
    assert c.login("newbie", password).status_code == 302


def test_duplicate_username_error_keeps_the_form(as_user):
    resp = as_user("ada").post("/admin/users", {"username": "eve", "role": "checker"})
    assert resp.status_code == 422 and "Already taken" in resp.get_data(as_text=True)


def test_change_role_and_deactivate(as_user, session, people):
    ada = as_user("ada")
    carl_id = people["carl"].id
    assert ada.post(f"/admin/users/{carl_id}/role", {"role": "editor"}).status_code == 302
    assert ada.post(f"/admin/users/{carl_id}/active", {"active": "0"}).status_code == 302
    session.expire_all()
    carl = session.exec(select(User).where(User.id == carl_id)).one()
    assert carl.role == "editor" and not carl.active
    from tests.conftest import Client
    assert Client(ada.http.application.test_client()).login("carl").status_code == 401


def test_deactivated_user_loses_an_open_session(as_user, people):
    carl = as_user("carl")
    as_user("ada").post(f"/admin/users/{people['carl'].id}/active", {"active": "0"})
    assert carl.get("/articles/").status_code == 302


def test_threshold_setting(as_user, session):
    ada = as_user("ada")
    assert ada.post("/admin/settings", {"threshold": "1.5"}).status_code == 200
    assert ada.post("/admin/settings", {"threshold": "0.7"}).status_code == 302
    assert newsroom.checkworthy_threshold(session) == 0.7


def test_admin_cannot_demote_themselves_and_is_told_why(as_user, people):
    ada = as_user("ada")
    resp = ada.post(f"/admin/users/{people['ada'].id}/role", {"role": "checker"}, follow_redirects=True)
    assert "cannot remove your own admin role" in resp.get_data(as_text=True)
