"""Failed sign-ins are throttled per account and per address; the throttle says nothing about accounts."""
from __future__ import annotations

import re
import statistics
import time
import uuid

import pytest

from factcheck import create_app
from factcheck.config import Settings
from tests.conftest import PASSWORD, Client, need

THROTTLED = "Too many sign-in attempts; wait a minute and try again."
REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def make_app(tmp_path, database_url, engine):
    """make_app(FACTCHECK_LOGIN_LIMIT="3 per minute") -> the app on the test database with these settings."""
    def make(**env):
        settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                      "FACTCHECK_RUN_JOBS": "0", **env}, instance_dir=tmp_path / "instance")
        app = create_app(settings, engine=engine)
        app.config["TESTING"] = True
        return app
    return make


def sign_in(app, username, password, *, addr="127.0.0.1", headers=None):
    client = Client(app.test_client())
    client.get("/login")
    return client.post("/login", {"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr}, headers=headers or {})


def test_ten_failures_for_one_account_lock_it_for_a_minute_whoever_tries(app, people):
    # each failure from a new address: only the account's count can trip
    for i in range(10):
        assert sign_in(app, "eve", "wrong password", addr=f"10.1.0.{i}").status_code == 401, i
    resp = sign_in(app, "EVE ", PASSWORD, addr="10.1.0.99")  # the right password, another address, other case
    assert resp.status_code == 429
    page = resp.get_data(as_text=True)
    assert THROTTLED in page and 'name="username"' in page  # the sign-in page, with the reason on it
    assert int(resp.headers["Retry-After"]) == 60
    # other accounts are not affected
    assert sign_in(app, "carl", PASSWORD, addr="10.1.0.98").status_code == 302


def test_failures_from_one_address_lock_that_address(make_app, people):
    app = make_app(FACTCHECK_LOGIN_LIMIT="3 per minute")
    for name in ["nobody", "eve", "somebody"]:  # three accounts, one address
        assert sign_in(app, name, "wrong password", addr="10.2.0.1").status_code == 401
    resp = sign_in(app, "carl", PASSWORD, addr="10.2.0.1")
    assert resp.status_code == 429 and THROTTLED in resp.get_data(as_text=True)
    assert sign_in(app, "carl", PASSWORD, addr="10.2.0.2").status_code == 302  # carl elsewhere is fine


def test_others_failures_do_not_block_a_successful_sign_in(make_app, people):
    app = make_app(FACTCHECK_LOGIN_LIMIT="3 per minute")
    for _ in range(5):
        sign_in(app, "cora", "guess", addr="10.3.0.66")
    assert sign_in(app, "cora", "guess", addr="10.3.0.66").status_code == 429
    assert sign_in(app, "carl", PASSWORD, addr="10.3.0.7").status_code == 302
    assert sign_in(app, "eve", PASSWORD, addr="10.3.0.8").status_code == 302


def test_successful_sign_ins_are_not_counted(make_app, people):
    app = make_app(FACTCHECK_LOGIN_LIMIT="2 per minute")
    for _ in range(4):
        assert sign_in(app, "carl", PASSWORD).status_code == 302


def test_a_throttled_attempt_looks_the_same_for_an_unknown_account(make_app, people):
    app = make_app(FACTCHECK_LOGIN_LIMIT="2 per minute")
    for name in ("eve", "nobody"):
        for i in range(2):
            assert sign_in(app, name, "wrong password", addr=f"10.4.{len(name)}.{i}").status_code == 401
    known = sign_in(app, "eve", "wrong password", addr="10.4.9.1")
    unknown = sign_in(app, "nobody", "wrong password", addr="10.4.9.2")
    assert known.status_code == unknown.status_code == 429
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"]

    def page(resp):  # the CSRF token differs, and the form keeps the name typed; nothing else may
        return re.sub(r'name="csrf_token"[^>]*>', "", resp.get_data(as_text=True)).replace("nobody", "eve")
    assert page(known) == page(unknown)


def test_the_throttle_leaves_the_api_and_static_files_alone(make_app, world):
    app = make_app(FACTCHECK_LOGIN_LIMIT="2 per minute")
    for _ in range(3):
        sign_in(app, "eve", "wrong password")
    assert sign_in(app, "eve", PASSWORD).status_code == 429
    client = app.test_client()
    for _ in range(25):
        assert client.get("/static/app.css").status_code == 200
        assert client.get("/api/v1/claims", headers={"Authorization": "Bearer wrong"}).status_code == 401
    resp = client.get("/api/v1/claims", headers={"Authorization": f"Bearer {world.tokens['eve']}"})
    assert resp.status_code == 200


def test_the_login_page_itself_is_not_throttled(make_app, people):
    app = make_app(FACTCHECK_LOGIN_LIMIT="2 per minute")
    for _ in range(3):
        sign_in(app, "eve", "wrong password")
    client = app.test_client()
    assert all(client.get("/login").status_code == 200 for _ in range(10))


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(make_app, people):
    """Without FACTCHECK_PROXY_FIX anyone could rotate X-Forwarded-For to dodge the address limit."""
    app = make_app(FACTCHECK_LOGIN_LIMIT="2 per minute")
    for i in range(2):
        sign_in(app, f"nobody{i}", "guess", addr="10.5.0.1", headers={"X-Forwarded-For": f"192.0.2.{i}"})
    resp = sign_in(app, "nobody9", "guess", addr="10.5.0.1", headers={"X-Forwarded-For": "192.0.2.200"})
    assert resp.status_code == 429

    behind_proxy = make_app(FACTCHECK_LOGIN_LIMIT="2 per minute", FACTCHECK_PROXY_FIX="1")
    for i in range(2):
        sign_in(behind_proxy, f"nobody{i}", "guess", addr="10.5.0.1", headers={"X-Forwarded-For": "192.0.2.1"})
    blocked = sign_in(behind_proxy, "nobody9", "guess", addr="10.5.0.1", headers={"X-Forwarded-For": "192.0.2.1"})
    assert blocked.status_code == 429  # the client the proxy named is throttled...
    other = sign_in(behind_proxy, "carl", PASSWORD, addr="10.5.0.1", headers={"X-Forwarded-For": "192.0.2.2"})
    assert other.status_code == 302  # ...not everyone behind the same proxy


def test_a_bad_limit_setting_stops_the_app():
    from factcheck.config import ConfigError

    with pytest.raises(ConfigError, match="FACTCHECK_LOGIN_LIMIT"):
        Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_LOGIN_LIMIT": "lots"})
    assert Settings.from_env({"FACTCHECK_DEV": "1"}).login_limit == "10 per minute"
    assert Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_LOGIN_LIMIT": "off"}).login_limit is None


def test_unknown_user_and_wrong_password_take_about_as_long(make_app, people):
    app = make_app(FACTCHECK_LOGIN_LIMIT="off")
    client = Client(app.test_client())
    client.get("/login")

    def timed(username):
        start = time.perf_counter()
        resp = client.post("/login", {"username": username, "password": "wrong password"})
        elapsed = time.perf_counter() - start
        assert resp.status_code == 401
        return elapsed

    timed("eve"), timed("nobody")  # warm up
    known, unknown = [], []
    for _ in range(10):  # interleaved, so a slow spell of the machine hits both
        known.append(timed("eve"))
        unknown.append(timed("nobody"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 <= ratio <= 2.0, f"unknown/known median time ratio {ratio:.2f}"


# ---------------------------------------------------------------------------------------------- Redis


@pytest.fixture
def redis_db():
    try:
        import redis

        conn = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        conn.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "Redis is not reachable"
        need("Redis", f"{REDIS_URL}: {exc}")
    yield conn
    for key in conn.scan_iter("*factcheck-login*"):
        conn.delete(key)
    conn.close()


def test_with_redis_every_web_process_shares_the_count(make_app, people, redis_db):
    first = make_app(FACTCHECK_REDIS_URL=REDIS_URL, FACTCHECK_LOGIN_LIMIT="3 per minute")
    second = make_app(FACTCHECK_REDIS_URL=REDIS_URL, FACTCHECK_LOGIN_LIMIT="3 per minute")
    name = f"ghost-{uuid.uuid4().hex[:8]}"  # nothing left over from another run can count
    addr = f"10.6.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    for i, app in enumerate([first, second, first]):
        assert sign_in(app, name, "guess", addr=f"{addr[:-1]}{i}").status_code == 401
    resp = sign_in(second, name, "guess", addr="10.7.0.1")
    assert resp.status_code == 429 and THROTTLED in resp.get_data(as_text=True)
    assert any(b"factcheck-login" in key for key in redis_db.scan_iter("*factcheck-login*"))
    assert sign_in(first, "carl", PASSWORD, addr="10.7.0.2").status_code == 302
