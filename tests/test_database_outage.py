"""PostgreSQL goes away under a running app and comes back: every request in between gets a clean 503
(an HTML page or a JSON error, never a stack trace), nothing half-written survives, and the same app process
serves again once the server is back.

The server is a private cluster (initdb on a free loopback port, bench/stack/pgcluster.py) so it can be
stopped; the machine's shared PostgreSQL is never touched. The app is served by a real HTTP server on
loopback, as gunicorn would, so what is checked is what a browser or an API client receives.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
import time

import psycopg
import pytest
import requests
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlmodel import Session, select
from werkzeug.serving import make_server

from factcheck import create_app, db
from factcheck.config import Settings
from tests.conftest import PASSWORD

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TRACE_MARKERS = ("Traceback", "sqlalchemy", "psycopg", "OperationalError", 'File "')


# ----------------------------------------------------------------------- classification, no server needed


def _wrapped(orig: Exception, cls=sa_exc.OperationalError, invalidated: bool = False) -> sa_exc.DBAPIError:
    return cls("SELECT 1", {}, orig, connection_invalidated=invalidated)


@pytest.mark.parametrize("orig, cls, invalidated, expected", [
    (psycopg.OperationalError("connection failed: Connection refused"), sa_exc.OperationalError, False, True),
    (psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
     sa_exc.OperationalError, False, True),
    (psycopg.errors.CannotConnectNow("the database system is starting up"), sa_exc.OperationalError, False, True),
    (psycopg.errors.ConnectionFailure("connection failure"), sa_exc.OperationalError, False, True),
    (psycopg.errors.CannotConnectNow("the database system is shutting down"), sa_exc.OperationalError, False,
     True),
    (psycopg.errors.UndefinedTable("relation does not exist"), sa_exc.ProgrammingError, False, False),
    (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
     sa_exc.OperationalError, False, False),
    (psycopg.errors.UniqueViolation("duplicate key"), sa_exc.IntegrityError, False, False),
    (psycopg.errors.UniqueViolation("duplicate key"), sa_exc.IntegrityError, True, True),
    (psycopg.OperationalError('connection failed: connection to server at "127.0.0.1", port 5 failed: '
                              'FATAL:  password authentication failed for user "x"'), sa_exc.OperationalError, False,
     False),
    (psycopg.OperationalError('connection failed: FATAL:  database "nope" does not exist'),
     sa_exc.OperationalError, False, False),
    (psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly"),
     sa_exc.OperationalError, False, True),
    (psycopg.OperationalError("sending query failed: another command is already in progress"),
     sa_exc.OperationalError, False, False),
    (psycopg.InterfaceError("the connection is closed"), sa_exc.InterfaceError, False, False),
    (psycopg.InterfaceError("the connection is closed"), sa_exc.InterfaceError, True, True),
    (sqlite3.OperationalError("database is locked"), sa_exc.OperationalError, False, True),
    (sqlite3.OperationalError("no such table: claims"), sa_exc.OperationalError, False, False),
])
def test_only_a_missing_server_counts_as_unavailable(orig, cls, invalidated, expected):
    assert db.database_unavailable(_wrapped(orig, cls, invalidated)) is expected


def test_other_exceptions_are_not_outages():
    assert db.database_unavailable(RuntimeError("boom")) is False
    assert db.database_unavailable(ConnectionRefusedError()) is False


# --------------------------------------------------------------------------------- a real outage


@pytest.fixture(scope="module")
def cluster(private_postgres):
    return private_postgres


@pytest.fixture(scope="module")
def served(cluster, tmp_path_factory, password_hash):
    settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": cluster.url,
                                  "FACTCHECK_RUN_JOBS": "0"}, instance_dir=tmp_path_factory.mktemp("instance"))
    app = create_app(settings)
    engine = app.extensions["factcheck.engine"]
    db.upgrade(engine)
    from factcheck.models import User
    from factcheck.services.tokens import create_token

    with Session(engine, expire_on_commit=False) as s:
        eve = User(username="eve", role="editor", password_hash=password_hash, display_name="Eve")
        s.add(eve)
        s.flush()
        _, raw = create_token(s, user=eve, name="outage test")
        s.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    yield {"base": base, "token": raw, "engine": engine}
    server.shutdown()
    engine.dispose()


def _browser(base: str) -> requests.Session:
    web = requests.Session()
    form = web.get(f"{base}/login", timeout=10)
    token = CSRF.search(form.text).group(1)
    resp = web.post(f"{base}/login", data={"username": "eve", "password": PASSWORD, "csrf_token": token},
                    allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    return web


def _article_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def _assert_clean_503_page(resp: requests.Response) -> None:
    assert resp.status_code == 503, resp.text[:300]
    assert resp.headers["Content-Type"].startswith("text/html")
    assert resp.headers["Retry-After"] == str(db.RETRY_AFTER_SECONDS)
    assert "cannot reach its database" in resp.text
    assert not any(marker in resp.text for marker in TRACE_MARKERS), resp.text
    assert "Sign out" not in resp.text  # drawn without the signed-in user, whose row cannot be read


def _assert_clean_503_json(resp: requests.Response) -> None:
    assert resp.status_code == 503, resp.text[:300]
    assert resp.headers["Retry-After"] == str(db.RETRY_AFTER_SECONDS)
    error = resp.json()["error"]
    assert error["code"] == "database_unavailable"
    assert "cannot reach its database" in error["message"]
    assert not any(marker in resp.text for marker in TRACE_MARKERS), resp.text


def test_outage_answers_503_and_the_same_app_resumes(cluster, served):
    base, api = served["base"], {"Authorization": f"Bearer {served['token']}"}
    web = _browser(base)
    queue = web.get(f"{base}/queue", timeout=10)
    assert queue.status_code == 200
    csrf = CSRF.search(queue.text).group(1)
    assert requests.get(f"{base}/api/v1/claims", headers=api, timeout=10).status_code == 200
    before = _article_count(cluster.url)

    cluster.stop("fast")  # ends every session in the pool: the next use of each finds a dead connection
    try:
        for path in ("/queue", "/articles/", "/dashboard", "/my-work", "/no-such-page"):
            _assert_clean_503_page(web.get(f"{base}{path}", timeout=15))
        # The page's own style sheet and script still load for a signed-in browser (no user lookup for them).
        for asset in ("/static/app.css", "/static/app.js"):
            resp = web.get(f"{base}{asset}", timeout=15)
            assert resp.status_code == 200, asset
        # A form sent during the outage: refused, and what was typed is given back (escaped), never the token.
        typed = "The ferry figures are <script>alert(1)</script> wrong;\nsee the council's table 4."
        page = web.post(f"{base}/claims/1/comments", timeout=15, data={"csrf_token": csrf, "body": typed})
        _assert_clean_503_page(page)
        assert "What you sent" in page.text and "<script>alert(1)</script>" not in page.text
        assert "The ferry figures are &lt;script&gt;alert(1)&lt;/script&gt; wrong;\nsee the council&#39;s table 4." \
            in page.text
        assert csrf not in page.text
        _assert_clean_503_json(requests.get(f"{base}/api/v1/claims", headers=api, timeout=15))
        _assert_clean_503_json(requests.post(f"{base}/api/v1/articles", headers=api, timeout=15,
                                             json={"title": "Written during the outage",
                                                   "body": "The minister said unemployment fell to 4% in 2023."}))
        # Signing in needs the users table: the form is refused cleanly too.
        other = requests.Session()
        form = other.get(f"{base}/login", timeout=15)
        if form.status_code == 200:
            token = CSRF.search(form.text).group(1)
            refused = other.post(f"{base}/login", timeout=15, data={
                "username": "eve", "password": PASSWORD, "csrf_token": token})
            _assert_clean_503_page(refused)
            assert PASSWORD not in refused.text  # a password is never given back
        else:
            _assert_clean_503_page(form)
    finally:
        cluster.start()

    # Same process, same pool: the dead connections are replaced at checkout (pre-ping), nothing restarted.
    assert web.get(f"{base}/queue", timeout=10).status_code == 200
    resp = requests.post(f"{base}/api/v1/articles", headers=api, timeout=30,
                         json={"title": "Written after the outage",
                               "body": "The minister said unemployment fell to 4% in 2023."})
    assert resp.status_code == 201, resp.text
    assert _article_count(cluster.url) == before + 1  # the write refused during the outage left nothing


def test_a_restart_between_requests_is_invisible(cluster, served):
    """Connections that died in the pool while nobody was asking are replaced before use: no 503 at all."""
    base, api = served["base"], {"Authorization": f"Bearer {served['token']}"}
    web = _browser(base)
    for _ in range(3):  # fill the pool with several connections
        assert requests.get(f"{base}/api/v1/claims", headers=api, timeout=10).status_code == 200
    cluster.stop("fast")
    cluster.start()
    for _ in range(5):
        assert requests.get(f"{base}/api/v1/claims", headers=api, timeout=10).status_code == 200
    assert web.get(f"{base}/queue", timeout=10).status_code == 200


def test_an_export_cut_off_by_the_outage_is_built_again_once_it_returns(cluster, served, tmp_path):
    """The database stops in the middle of building an export (the first time the build reads the claims):
    the export is not marked failed, and the retry the worker makes with its attempt number builds it."""
    from factcheck.archive.storage import LocalArchiveStore
    from factcheck.models import Export, User
    from factcheck.services import exports, jobrows

    config = exports.ExportConfig(base_url="http://desk.example", store=LocalArchiveStore(tmp_path), chromium=None)

    engine = served["engine"]
    with Session(engine, expire_on_commit=False) as s:
        eve = s.exec(select(User).where(User.username == "eve")).one()
        export = exports.request_export(s, actor=eve, fmt="csv", params={"status": "all"})
        s.commit()
        export_id = export.id
    stopped = []

    def stop_on_first_read_of_claims(conn, cursor, statement, params, context, executemany):
        if not stopped and "FROM claims" in statement:
            stopped.append(True)
            cluster.stop("fast")

    event.listen(engine, "before_cursor_execute", stop_on_first_read_of_claims)
    try:
        with Session(engine, expire_on_commit=False) as s, pytest.raises(jobrows.Interrupted):
            exports.build_export(s, export_id, config=config)
    finally:
        event.remove(engine, "before_cursor_execute", stop_on_first_read_of_claims)
        if not cluster.running():
            cluster.start()
    assert stopped
    with Session(engine) as s:
        cut_off = s.get(Export, export_id)
        assert (cut_off.state, cut_off.attempts) == ("running", 1)  # not failed: it was not the export's fault
        # A plain redelivery must not build it twice; only the hand-back does.
        assert exports.build_export(s, export_id, config=config) is None
        assert exports.build_export(s, export_id, config=config, release_attempt=2) is None  # not our attempt: untouched
        assert exports.build_export(s, export_id, config=config, release_attempt=1) == "done"
        done = s.get(Export, export_id)
        s.refresh(done)
        assert done.state == "done" and config.store.exists(done.file_path)


def test_embedded_mode_finishes_a_capture_cut_off_by_the_outage(cluster, served, tmp_path):
    """Embedded mode (no Redis: the web process runs jobs on threads) retries like a Celery worker would:
    the capture whose page stops PostgreSQL mid-fetch is handed back and archived once the server returns."""
    from factcheck import jobs
    from factcheck.models import Capture, Claim, User
    from factcheck.services import review, sources
    from tests.archive.loopback import Site
    from tests.builders import article, claims_of, job_table

    engine = served["engine"]
    with Site() as site:
        body = site.html("/story", "Harbour figures", "The terminal cost 31 million dollars.")
        served_page = site.pages["/story"]
        stopped = threading.Event()

        def stop_the_database_then_answer():
            if not stopped.is_set():
                cluster.stop("fast")
                stopped.set()
            return served_page

        site.pages["/story"] = stop_the_database_then_answer
        settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": cluster.url,
                                      "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port}",
                                      "FACTCHECK_SCREENSHOTS": "off"}, instance_dir=tmp_path / "instance")
        runner = jobs.EmbeddedRunner({})
        runner.tasks.update(job_table(engine, settings, runner))
        with Session(engine, expire_on_commit=False) as s:
            eve = s.exec(select(User).where(User.username == "eve")).one()
            claim = next(c for c in claims_of(s, article(s, by=eve)) if c.status == "new")
            review.assign(s, claim=claim, assignee=eve, actor=eve, expected_version=1)
            s.commit()
            src = sources.add_source(s, claim=s.get(Claim, claim.id), url=site.url("/story"), actor=eve)
            s.commit()
            cap_id = s.exec(select(Capture.id).where(Capture.source_id == src.id)).one()
        try:
            runner.enqueue(jobs.ARCHIVE_SOURCE, cap_id)
            assert stopped.wait(20), "the capture never fetched the page"
            time.sleep(1)  # the job meets the outage and schedules its retry
        finally:
            if not cluster.running():
                cluster.start()
        deadline = time.monotonic() + 30
        while True:
            with Session(engine) as s:
                cap = s.get(Capture, cap_id)
            if cap.state == "done" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        runner.shutdown()
        assert (cap.state, cap.attempts, site.hits["/story"]) == ("done", 2, 2), cap.reason
        assert cap.sha256 == hashlib.sha256(body).hexdigest()


def test_the_server_going_away_after_the_work_is_done_does_not_turn_the_answer_into_a_500(cluster, tmp_path):
    """Seen under load: a request finished its work, then PostgreSQL shut down before the request's session
    was closed; the ROLLBACK at the end failed and the finished answer became a 500."""
    from sqlalchemy import text

    from factcheck.db import get_session

    settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": cluster.url,
                                  "FACTCHECK_RUN_JOBS": "0"}, instance_dir=tmp_path / "instance")
    app = create_app(settings)
    try:
        with app.test_request_context("/queue"):
            value = get_session().execute(text("SELECT 41 + 1")).scalar_one()  # opens a transaction
            cluster.stop("fast")
        # leaving the request closed its session (teardown): that must not raise
    finally:
        if not cluster.running():
            cluster.start()
    assert value == 42
    engine = app.extensions["factcheck.engine"]
    with engine.connect() as conn:  # and the pool carries on with a fresh connection
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()
