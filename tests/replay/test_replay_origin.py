"""The replay origin (factcheck.replay): signed links, what it serves and what it never does, and the desk's side
of it (the claim page's sandboxed frame, the CSP's frame-src, wacz_url in API answers and captures.json)."""
from __future__ import annotations

import dataclasses
import time

import pytest

from factcheck import create_app
from factcheck.config import ConfigError, Settings
from factcheck.replay import assets, links, package
from factcheck.replay.app import create_replay_app
from factcheck.replay.serve import loopback_listen
from tests.archive.warcs import archived_source, read_wacz
from tests.builders import article, claims_of
from tests.conftest import Client

ORIGIN = "http://localhost:5001"
URL = "https://stats.example.org/ferry"


@pytest.fixture
def replay_settings(settings):
    return dataclasses.replace(settings, replay_origin=ORIGIN)


@pytest.fixture
def fake_replaywebpage(replay_settings, monkeypatch):
    """ReplayWeb.page's two files, stand-ins under the instance folder (only that folder is looked in)."""
    folder = assets.folder(replay_settings.instance_dir / "replay")
    folder.mkdir(parents=True)
    (folder / "ui.js").write_text("/* ui */")
    (folder / "sw.js").write_text("/* sw */")
    monkeypatch.setattr(assets, "candidates", lambda s: [s.instance_dir / "replay"])
    return folder


@pytest.fixture
def desk(replay_settings, engine):
    app = create_app(replay_settings, engine=engine)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def replay(replay_settings, engine):
    return create_replay_app(replay_settings, engine=engine).test_client()


@pytest.fixture
def capture(desk, session, people):
    a = article(session, by=people["eve"])
    claim = [c for c in claims_of(session, a) if c.status == "new"][0]
    return claim, archived_source(session, desk.extensions["factcheck.archive"], claim=claim, actor=people["eve"],
                                  url=URL)


def test_a_link_is_bound_to_its_capture_and_expires(replay_settings):
    secret, now = replay_settings.secret_key, time.time() // 300 * 300 + 10
    _, _, cid, expires, sig, _ = links.page_path(secret, 7, now).split("/")
    assert cid == "7" and links.valid(secret, 7, int(expires), sig, now)
    assert 15 * 60 <= int(expires) - now <= 20 * 60
    assert not links.valid(secret, 8, int(expires), sig, now)                     # another capture
    assert not links.valid(secret, 7, int(expires) + 300, sig, now)               # a later expiry
    assert not links.valid("another secret", 7, int(expires), sig, now)
    assert not links.valid(secret, 7, int(expires), sig, int(expires) + 1)        # expired
    assert links.page_path(secret, 7, now) == links.page_path(secret, 7, now + 60)  # a reload keeps the link


def test_the_replay_origin_must_be_another_host():
    env = {"FACTCHECK_DEV": "1", "FACTCHECK_BASE_URL": "http://127.0.0.1:5000"}
    assert Settings.from_env({**env, "FACTCHECK_REPLAY_ORIGIN": "http://LOCALHOST:5001/"}).replay_origin == ORIGIN
    assert Settings.from_env(env).replay_origin is None
    with pytest.raises(ConfigError, match="cookies"):
        Settings.from_env({**env, "FACTCHECK_REPLAY_ORIGIN": "http://127.0.0.1:5001"})
    with pytest.raises(ConfigError, match="FACTCHECK_REPLAY_ORIGIN must be an origin"):
        Settings.from_env({**env, "FACTCHECK_REPLAY_ORIGIN": "http://localhost:5001/replay"})
    assert loopback_listen(ORIGIN) == ("127.0.0.1", 5001)
    assert loopback_listen("https://replay.example.org") is None


def test_the_replay_page_embeds_replaywebpage_for_a_signed_link(replay, replay_settings, capture, fake_replaywebpage):
    _, cap = capture
    path = links.page_path(replay_settings.secret_key, cap.id)
    resp = replay.get(path)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_data(as_text=True)
    assert '<script src="/replay/ui.js"></script>' in body
    assert f'source="capture.wacz" url="{URL}" replayBase="/replay/"' in body
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors http://127.0.0.1:5000" in csp and "connect-src 'self'" in csp
    assert "Set-Cookie" not in resp.headers and resp.headers["Cache-Control"] == "no-store"
    sw = replay.get("/replay/sw.js")
    assert sw.status_code == 200 and sw.mimetype == "text/javascript" and sw.get_data() == b"/* sw */"
    assert "default-src 'self'" in sw.headers["Content-Security-Policy"]
    assert replay.get("/replay/ui.js").get_data() == b"/* ui */"


def test_the_wacz_behind_a_signed_link_answers_ranges_and_is_packaged_once(replay, replay_settings, capture, desk):
    _, cap = capture
    path = links.page_path(replay_settings.secret_key, cap.id) + "capture.wacz"
    whole = replay.get(path)
    assert whole.status_code == 200 and whole.mimetype == "application/wacz"
    assert whole.headers["Accept-Ranges"] == "bytes" and "Set-Cookie" not in whole.headers
    data = whole.get_data()
    assert [p["url"] for p in read_wacz(data).pages[1:]] == [URL]
    part = replay.get(path, headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.get_data() == b"PK\x03\x04"
    assert part.headers["ETag"] == whole.headers["ETag"]
    assert replay.head(path).headers["Content-Length"] == str(len(data))
    store = desk.extensions["factcheck.archive"]
    kept = package._packages[cap.warc_path]
    assert store.exists(kept.name) and kept.name.endswith(".wacz") and kept.size == len(data)
    package._packages.clear()  # a restart: packaged again, to the very same bytes and the same stored file
    assert replay.get(path, headers={"Range": "bytes=10-99"}).get_data() == data[10:100]
    assert package._packages[cap.warc_path].name == kept.name


def test_the_replay_origin_refuses_unsigned_expired_and_other_captures_links(replay, replay_settings, capture,
                                                                              fake_replaywebpage):
    _, cap = capture
    secret = replay_settings.secret_key
    good = links.page_path(secret, cap.id)
    _, _, _, expires, sig, _ = good.split("/")
    other = f"/c/{cap.id + 1}/{expires}/{sig}/"
    old = int(time.time()) - 60
    expired = f"/c/{cap.id}/{old}/{links.signature(secret, cap.id, old)}/"
    for path in (other, expired, f"/c/{cap.id}/{expires}/forged/", other + "capture.wacz", expired + "capture.wacz"):
        resp = replay.get(path)
        assert resp.status_code == 403 and "reload the claim page" in resp.get_data(as_text=True), path


@pytest.mark.parametrize("path", ["/", "/login", "/queue", "/api/v1/claims", "/api/v1/captures/1/wacz",
                                  "/captures/1/wacz", "/static/app.js", "/replay/index.html"])
def test_the_replay_origin_serves_nothing_of_the_desks(replay, path):
    resp = replay.get(path, headers={"Authorization": "Bearer anything"})
    assert resp.status_code == 404 and resp.mimetype == "text/plain" and "Set-Cookie" not in resp.headers


def test_without_replaywebpage_the_replay_origin_and_the_claim_page_say_how_to_install_it(
        replay, replay_settings, capture, desk, people, monkeypatch, tmp_path):
    monkeypatch.setattr(assets, "candidates", lambda s: [tmp_path / "nothing"])
    claim, _ = capture
    assert "make install" in replay.get("/replay/ui.js").get_data(as_text=True)
    client = Client(desk.test_client())
    client.login("carl")
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "No in-browser replay: ReplayWeb.page is not installed. Run `make install`" in page
    assert "<iframe" not in page


def test_the_claim_page_frames_the_replay_origin_sandboxed(as_user, desk, capture, fake_replaywebpage, people):
    claim, cap = capture
    client = Client(desk.test_client())
    client.login("carl")
    resp = client.get(f"/claims/{claim.id}")
    page = resp.get_data(as_text=True)
    assert f'<iframe src="{ORIGIN}/c/{cap.id}/' in page
    assert 'sandbox="allow-scripts allow-same-origin"' in page
    csp = resp.headers["Content-Security-Policy"]
    assert csp.endswith(f"; frame-src {ORIGIN}") and csp.count("frame-src") == 1
    assert resp.headers["X-Frame-Options"] == "DENY"  # the desk itself is still never framed


def test_the_desk_frames_nothing_without_a_replay_origin(as_user, session, app, people):
    a = article(session, by=people["eve"])
    claim = [c for c in claims_of(session, a) if c.status == "new"][0]
    archived_source(session, app.extensions["factcheck.archive"], claim=claim, actor=people["eve"], url=URL)
    resp = as_user("carl").get(f"/claims/{claim.id}")
    assert "frame-src" not in resp.headers["Content-Security-Policy"]
    assert "<iframe" not in resp.get_data(as_text=True)


def test_api_answers_and_captures_json_carry_the_wacz_url(as_user, app, session, people):
    from factcheck.services import tokens

    a = article(session, by=people["eve"])
    claim = [c for c in claims_of(session, a) if c.status == "new"][0]
    cap = archived_source(session, app.extensions["factcheck.archive"], claim=claim, actor=people["eve"], url=URL)
    polled = as_user("carl").get(f"/claims/{claim.id}/captures.json").get_json()
    assert polled["sources"][0]["capture"]["wacz_url"] == f"/captures/{cap.id}/wacz"
    _, raw = tokens.create_token(session, user=people["carl"], name="test")
    session.commit()
    client = app.test_client()
    answer = client.get(f"/api/v1/sources/{cap.source_id}", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["capture"]["wacz_url"] == f"http://127.0.0.1:5000/api/v1/captures/{cap.id}/wacz"


def test_serve_listens_for_a_loopback_replay_origin_beside_the_desk(replay_settings, engine, fake_replaywebpage):
    import socket
    import urllib.request

    from factcheck.replay.serve import start_beside

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = start_beside(dataclasses.replace(replay_settings, replay_origin=f"http://replay.desk.localhost:{port}"),
                          engine)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/replay/ui.js", timeout=5) as resp:
            assert resp.read() == b"/* ui */" and resp.headers.get("Set-Cookie") is None
    finally:
        server.close()
    remote = dataclasses.replace(replay_settings, replay_origin="https://replay.desk.example.org")
    assert start_beside(remote, engine) is None  # served by `factcheck serve-replay` behind its own name


def test_serve_replay_needs_the_setting(monkeypatch):
    from click.testing import CliRunner

    from factcheck.cli import main

    monkeypatch.setenv("FACTCHECK_DEV", "1")
    monkeypatch.delenv("FACTCHECK_REPLAY_ORIGIN", raising=False)
    result = CliRunner().invoke(main, ["serve-replay"])
    assert result.exit_code == 1 and "FACTCHECK_REPLAY_ORIGIN is not set" in result.output
