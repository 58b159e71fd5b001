"""Shared fixtures: a real database (SQLite, and PostgreSQL when FACTCHECK_TEST_DATABASE_URL is set),
the app on it, and builders for people and articles."""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from factcheck import create_app, db
from factcheck.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FACTCHECK_SHARED", ROOT.parent / "shared"))
SAMPLE = SHARED / "samples" / "kazakhstan-abraham-accords.txt"
REQUIRE_SERVICES = os.environ.get("FACTCHECK_REQUIRE_SERVICES") == "1"
PASSWORD = "correct horse battery"


def need(what: str, why: str):
    """Skip when a service is missing, or fail when CI says every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (FACTCHECK_REQUIRE_SERVICES=1) but unavailable: {why}")
    pytest.skip(f"{what} unavailable: {why}")


def _postgres_url() -> str:
    base = os.environ.get("FACTCHECK_TEST_DATABASE_URL")
    if not base:
        need("PostgreSQL", "FACTCHECK_TEST_DATABASE_URL is not set")
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1) if base.startswith("postgresql://")
                   else base)
    name = f"factcheck_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "PostgreSQL is not reachable"
        need("PostgreSQL", str(exc).splitlines()[0])
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    u = make_url(url)
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    url = _postgres_url()
    yield url
    _drop_postgres(url)


@pytest.fixture(scope="module")
def private_postgres():
    """A PostgreSQL cluster of the module's own (initdb on a free loopback port, bench/stack/pgcluster.py), which
    its tests may stop and start; the machine's shared cluster is never touched."""
    import subprocess
    import sys

    sys.path.insert(0, str(ROOT / "bench" / "stack"))
    from pgcluster import PrivateCluster, pg_bindir

    if pg_bindir() is None:
        need("PostgreSQL server binaries", "initdb is not installed")
    cluster = None
    try:
        cluster = PrivateCluster()  # in /tmp itself: the postgres user cannot enter pytest's 0700 folders
        cluster.init()
        cluster.start()
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        if cluster is not None:
            cluster.destroy()
        need("a private PostgreSQL cluster", getattr(exc, "stderr", None) or str(exc))
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def migrated_engine(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine):
    """The migrated database, emptied before each test."""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with migrated_engine.begin() as conn:
        if migrated_engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(text(f'DELETE FROM "{t}"'))
            conn.execute(text("DELETE FROM claim_words"))  # the full-text index is not a model (services/claim_words)
    return migrated_engine


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def settings(tmp_path, database_url):
    # This app records capture jobs but does not run them: the archiving tests run them against a
    # loopback server, so no test ever resolves or fetches a name outside this machine.
    return Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                              "FACTCHECK_RUN_JOBS": "0"}, instance_dir=tmp_path / "instance")


@pytest.fixture
def app(settings, engine):
    app = create_app(settings, engine=engine)
    app.config["TESTING"] = True
    return app


@pytest.fixture(scope="session")
def password_hash():
    from factcheck.services.users import hash_password

    return hash_password(PASSWORD)  # argon2 is slow on purpose: hash once, share across tests


@pytest.fixture
def people(session, password_hash):
    """An admin, an editor and two checkers, all with PASSWORD."""
    from factcheck.models import User

    made = {}
    for name, role in [("ada", "admin"), ("eve", "editor"), ("carl", "checker"), ("cora", "checker")]:
        made[name] = User(username=name, role=role, password_hash=password_hash, display_name=name.title())
        session.add(made[name])
    session.commit()
    return made


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Client:
    """The Flask test client plus the CSRF token a browser would carry."""

    def __init__(self, flask_client):
        self.http = flask_client
        self.csrf = None

    def get(self, url, **kw):
        resp = self.http.get(url, **kw)
        m = _CSRF.search(resp.get_data(as_text=True)) if resp.mimetype == "text/html" else None
        if m:
            self.csrf = m.group(1)
        return resp

    def post(self, url, data=None, *, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            if self.csrf is None:
                self.get("/login")
            data.setdefault("csrf_token", self.csrf)
        return self.http.post(url, data=data, **kw)

    def login(self, username, password=PASSWORD):
        self.get("/login")
        resp = self.post("/login", {"username": username, "password": password})
        self.get("/articles/")
        return resp


@pytest.fixture
def client(app):
    return Client(app.test_client())


@pytest.fixture
def as_user(app, people):
    """as_user("eve") -> a Client signed in as eve."""
    def make(name):
        c = Client(app.test_client())
        resp = c.login(name)
        assert resp.status_code == 302, resp.get_data(as_text=True)
        return c
    return make


@pytest.fixture
def sample_text():
    if not SAMPLE.is_file():
        pytest.skip(f"sample article not found at {SAMPLE}")
    return SAMPLE.read_text(encoding="utf-8")
