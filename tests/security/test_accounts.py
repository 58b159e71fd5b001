"""Issue 15: passwords, reset links, API tokens and a sign-in throttle that slows only the attacker,
through the pages, the API and the command line a newsroom uses."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck import create_app
from factcheck.config import Settings
from factcheck.services import tokens
from tests.conftest import PASSWORD, Client

BIN = Path(sys.executable).parent / "factcheck"
NEW = "lanterns along the harbour wall"


def reset_link_from_admin_page(as_user, user_id: int) -> str:
    ada = as_user("ada")
    ada.get("/admin/users")
    resp = ada.post(f"/admin/users/{user_id}/reset-link")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    page = resp.get_data(as_text=True)
    assert "shown only this once" in page
    return re.search(r'id="reset-link" type="text" readonly value="([^"]+)"', page).group(1)


def test_reset_link_from_the_admin_page_works_once(app, as_user, people):
    link = reset_link_from_admin_page(as_user, people["carl"].id)
    path = "/" + link.split("/", 3)[3]
    visitor = Client(app.test_client())
    form = visitor.get(path)
    assert form.status_code == 200 and "For the account" in form.get_data(as_text=True)
    short = visitor.post(path, {"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    assert visitor.post(path, {"password": NEW, "confirm": NEW}).status_code == 302
    assert visitor.get(path).status_code == 410  # single use
    assert Client(app.test_client()).login("carl", NEW).status_code == 302
    assert Client(app.test_client()).login("carl", PASSWORD).status_code == 401


def test_password_change_page_keeps_the_person_informed(as_user):
    eve = as_user("eve")
    eve.get("/account/password")
    wrong = eve.post("/account/password", {"current": "nope", "new": NEW, "confirm": NEW})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    common = eve.post("/account/password", {"current": PASSWORD, "new": "password12345", "confirm": "password12345"})
    assert common.status_code == 422 and "attackers try first" in common.get_data(as_text=True)
    differ = eve.post("/account/password", {"current": PASSWORD, "new": NEW, "confirm": NEW + "!"})
    assert differ.status_code == 422 and "differ" in differ.get_data(as_text=True)
    page = eve.get("/account/password").get_data(as_text=True)
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page


def test_tokens_page_shows_expiry_and_last_use_and_revokes_all(app, as_user, people, session):
    ada = as_user("ada")
    ada.get("/admin/tokens")
    resp = ada.post("/admin/tokens", {"user": str(people["carl"].id), "name": "CMS", "expires_in_days": "30"})
    assert resp.status_code == 302
    raw = re.search(r"(fct_[\w-]+)", ada.get("/admin/tokens").get_data(as_text=True)).group(1)
    page = ada.get("/admin/tokens").get_data(as_text=True)
    assert "never used" in page
    assert app.test_client().get("/api/v1/claims", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    page = ada.get("/admin/tokens").get_data(as_text=True)
    assert "never used" not in page.split("CMS", 1)[1].split("</tr>", 1)[0]
    assert "Revoke all tokens of <bdi>carl</bdi>" in page
    assert ada.post(f"/admin/users/{people['carl'].id}/tokens/revoke").status_code == 302
    assert app.test_client().get("/api/v1/claims", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def _cli(env, *args, input=None):
    return subprocess.run([str(BIN), *args], env={**os.environ, **env}, input=input, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def cli_env(database_url, tmp_path):
    return {"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_INSTANCE_DIR": str(tmp_path),
            "FACTCHECK_PUBLIC_URL": "http://desk.example"}


def test_cli_set_password_and_reset_link(app, people, cli_env):
    weak = _cli(cli_env, "users", "set-password", "eve", "--password", "qwertyuiop")
    assert weak.returncode != 0 and "attackers try first" in weak.stderr
    done = _cli(cli_env, "users", "set-password", "eve", input=f"{NEW}\n{NEW}\n")
    assert done.returncode == 0, done.stderr
    assert Client(app.test_client()).login("eve", NEW).status_code == 302
    out = _cli(cli_env, "users", "reset-link", "carl", "--hours", "2")
    assert out.returncode == 0, out.stderr
    link = out.stdout.strip().split()[-1]
    assert link.startswith("http://desk.example/reset/fcr_")
    visitor = Client(app.test_client())
    path = link.removeprefix("http://desk.example")
    assert visitor.get(path).status_code == 200
    assert visitor.post(path, {"password": NEW, "confirm": NEW}).status_code == 302
    revoke = _cli(cli_env, "tokens", "revoke-all", "carl")
    assert revoke.returncode == 0 and "revoked" in revoke.stdout


# ---------------------------------------------------------------------------------------------- throttle


@pytest.fixture
def throttled_app(tmp_path, database_url, engine):
    settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                  "FACTCHECK_RUN_JOBS": "0", "FACTCHECK_LOGIN_LIMIT": "5 per minute"},
                                 instance_dir=tmp_path / "instance")
    app = create_app(settings, engine=engine)
    app.config["TESTING"] = True
    return app


def sign_in(client: Client, username, password, addr):
    client.get("/login", environ_base={"REMOTE_ADDR": addr})
    return client.post("/login", {"username": username, "password": password}, environ_base={"REMOTE_ADDR": addr})


def test_an_attack_on_an_account_does_not_lock_out_its_owners_browser(throttled_app, people):
    owner = Client(throttled_app.test_client())
    assert sign_in(owner, "eve", PASSWORD, "10.9.0.1").status_code == 302  # earlier, from her own browser
    owner.post("/logout", environ_base={"REMOTE_ADDR": "10.9.0.1"})
    for i in range(8):  # a guesser spread over eight addresses
        sign_in(Client(throttled_app.test_client()), "eve", "guess", f"10.8.0.{i}")
    stranger = sign_in(Client(throttled_app.test_client()), "eve", PASSWORD, "10.8.1.1")
    assert stranger.status_code == 429  # an unknown browser is slowed, whoever it is
    assert sign_in(owner, "eve", PASSWORD, "10.9.0.1").status_code == 302  # her browser is not


def test_the_guesser_is_slowed_at_its_own_address_and_pair(throttled_app, people):
    attacker = Client(throttled_app.test_client())
    owner = Client(throttled_app.test_client())
    assert sign_in(owner, "carl", PASSWORD, "10.9.1.1").status_code == 302
    owner.post("/logout", environ_base={"REMOTE_ADDR": "10.9.1.1"})
    for _ in range(5):
        sign_in(attacker, "carl", "guess", "10.8.2.1")
    assert sign_in(attacker, "carl", PASSWORD, "10.8.2.1").status_code == 429  # even with the right password
    assert sign_in(owner, "carl", PASSWORD, "10.9.1.1").status_code == 302


def test_a_forged_device_cookie_counts_for_nothing(throttled_app, people):
    for i in range(6):
        sign_in(Client(throttled_app.test_client()), "cora", "guess", f"10.8.3.{i}")
    forger = Client(throttled_app.test_client())
    forger.http.set_cookie("factcheck_device", '["cora"]')
    assert sign_in(forger, "cora", PASSWORD, "10.8.4.1").status_code == 429
