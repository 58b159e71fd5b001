"""The stack bench's public-requests step (bench/stack/ask_load.py), run for a few seconds against the app served
on loopback: real form posts with the CSRF token and the minimum fill time, the rate limit answering 429 with
Retry-After, and the desk's users working meanwhile without an error."""
from __future__ import annotations

import sys
import threading

import pytest
from sqlmodel import select
from werkzeug.serving import make_server

from factcheck import create_app
from factcheck.config import Settings
from factcheck.models import PublicRequest
from factcheck.services import tokens
from tests import builders
from tests.conftest import PASSWORD, ROOT

sys.path.insert(0, str(ROOT / "bench" / "stack"))
import ask_load  # noqa: E402


def serve(settings, engine):
    app = create_app(settings, engine=engine)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def desk(session, people):
    builders.article(session, by=people["eve"])
    _, raw = tokens.create_token(session, user=people["eve"], name="bench")
    session.commit()
    return [{"username": "eve", "role": "editor", "password": PASSWORD, "token": raw}]


def settings_for(database_url, tmp_path, **env):
    return Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_RUN_JOBS": "0",
                              **env}, instance_dir=tmp_path / "instance")


def stored(session) -> int:
    session.expire_all()
    return len(session.exec(select(PublicRequest)).all())


def test_three_seconds_of_readers_behind_a_proxy(database_url, engine, session, desk, tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_STACK_ASK_SECONDS", "3")
    monkeypatch.setenv("FACTCHECK_STACK_ASK_RATE", "20")
    server, base = serve(settings_for(database_url, tmp_path, FACTCHECK_PROXY_FIX="1"), engine)
    try:
        result = ask_load.run(base, desk, forwarded=True, busy=1)   # one busy address: past 5 a minute soon
    finally:
        server.shutdown()
    print("\n".join(ask_load.summary(result)))
    assert result["seconds"] == 3 and result["posts"] == 60 and result["form_codes"] == {"200": 60}
    assert result["limited"] > 0 and result["limited_without_retry_after"] == 0
    assert all(int(v) > 0 for v in result["retry_after_values"])
    assert result["accepted"] + result["limited"] == 60 and result["other"] == {}
    assert result["desk_quiet"]["errors"] == 0 and result["desk_loaded"]["errors"] == 0, result
    assert result["desk_quiet"]["requests"] > 0 and result["desk_loaded"]["requests"] > 0
    assert result["desk_p95_ratio"] > 0
    assert stored(session) == result["accepted"]   # each accepted post is a request in the inbox, none dropped
    assert ask_load.passed(result)


def test_without_a_trusted_proxy_every_reader_is_loopback_and_the_limit_answers(database_url, engine, session,
                                                                                 desk, tmp_path):
    server, base = serve(settings_for(database_url, tmp_path), engine)
    try:
        result = ask_load.run(base, desk, seconds=1, rate=10, forwarded=False)
    finally:
        server.shutdown()
    assert (result["accepted"], result["limited"]) == (5, 5)   # FACTCHECK_REQUEST_LIMIT's default, 5 a minute
    assert result["limited_without_retry_after"] == 0 and result["desk_loaded"]["errors"] == 0
    assert stored(session) == 5
