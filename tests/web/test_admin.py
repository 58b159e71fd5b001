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


def test_settings(as_user, session):
    ada = as_user("ada")
    good = {"threshold": "0.7", "min_sources": "2", "four_eyes": "", "org_name": "Harrow Checks",
            "org_url": "https://checks.example.org/", "review_url": "https://checks.example.org/c/{claim_id}"}
    assert ada.post("/admin/settings", {**good, "threshold": "1.5"}).status_code == 422
    assert ada.post("/admin/settings", {**good, "threshold": "0.01"}).status_code == 302  # the bounds are allowed
    resp = ada.post("/admin/settings", {**good, "review_url": "https://checks.example.org/c/"})
    assert resp.status_code == 422 and "{claim_id}" in resp.get_data(as_text=True)
    assert ada.post("/admin/settings", good).status_code == 302
    session.expire_all()
    assert newsroom.checkworthy_threshold(session) == 0.7
    assert newsroom.signoff_rules(session) == {"min_sources": 2, "four_eyes": False, "require_archived": False}
    assert newsroom.publication(session)["name"] == "Harrow Checks"


def test_admin_cannot_demote_themselves_and_is_told_why(as_user, people):
    ada = as_user("ada")
    resp = ada.post(f"/admin/users/{people['ada'].id}/role", {"role": "checker"}, follow_redirects=True)
    assert "cannot remove your own admin role" in resp.get_data(as_text=True)


def test_admin_creates_and_revokes_an_api_token(as_user, app, people):
    ada = as_user("ada")
    assert ada.post("/admin/tokens", {"user": str(people["carl"].id), "name": "CMS import"}).status_code == 302
    html = ada.get("/admin/tokens").get_data(as_text=True)
    raw = re.search(r"shown only this once: (\S+?)<", html).group(1)
    api = app.test_client()
    assert api.get("/api/v1/claims", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    token_id = re.search(r"/admin/tokens/(\d+)/revoke", html).group(1)
    assert ada.post(f"/admin/tokens/{token_id}/revoke").status_code == 302
    assert api.get("/api/v1/claims", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert as_user("eve").get("/admin/tokens").status_code == 403


def test_cli_token_is_the_last_word(app, people, database_url, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from factcheck.cli import main
    monkeypatch.setenv("FACTCHECK_DEV", "1")
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", database_url)
    out = CliRunner().invoke(main, ["tokens", "create", "eve", "--name", "script"])
    assert out.exit_code == 0, out.output
    raw = out.output.strip().splitlines()[-1].split()[-1]
    resp = app.test_client().get("/api/v1/claims", headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 200
