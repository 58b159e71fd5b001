"""Engine, per-request session, and migrations (Alembic, run from here or the CLI)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g
from sqlalchemy import Engine, event
from sqlalchemy import exc as sa_exc
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # WAL: readers never wait for the writer; busy_timeout: a writer waits its turn rather than failing.
        # Python's sqlite3 begins a transaction only at the first INSERT/UPDATE/DELETE, so a request's reads
        # never hold a lock and its write lock is held from its first write to its commit: services keep that
        # short (intake analyses the text before it writes anything).
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # pre-ping: a connection that died with a database restart is replaced at checkout, so the app resumes on
    # its own; connect_timeout: an unreachable server fails a request in seconds instead of hanging a worker.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20,
                         connect_args={"connect_timeout": 5})


# SQLSTATE classes that mean "the server is not there for us right now": 08 connection exception,
# 57P01-57P05 operator intervention (admin shutdown, crash shutdown, cannot connect now, idle timeouts).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "57P05")
# A failed connection attempt carries no SQLSTATE in psycopg: tell "the server is not there" from "we are
# configured wrong" (bad password, missing database), which must stay a loud 500, by what libpq said.
_NO_SERVER = ("connection refused", "could not connect", "server closed the connection", "timeout expired",
              "connection timed out", "consuming input failed", "could not receive data", "could not send data",
              "no route to host", "could not translate host name", "the database system is")
_MISCONFIGURED = ("authentication failed", "does not exist", "no password supplied", "no pg_hba.conf entry")
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk I/O error")


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database cannot be reached or is going away, not that our SQL or setup is wrong."""
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, sa_exc.OperationalError):
        return False
    orig = exc.orig
    message = str(orig).lower()
    if type(orig).__module__.startswith("psycopg"):
        state = getattr(orig, "sqlstate", None)
        if state is not None:
            return state.startswith(_UNAVAILABLE_SQLSTATES)
        return any(t in message for t in _NO_SERVER) and not any(t in message for t in _MISCONFIGURED)
    return any(t.lower() in message for t in _SQLITE_UNAVAILABLE)


UNAVAILABLE_MESSAGE = ("The desk cannot reach its database right now, so nothing was read or saved. "
                       "This usually passes within a minute: wait a moment, then try again.")
RETRY_AFTER_SECONDS = 5


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema to `revision`."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def init_app(app: Flask, engine: Engine) -> None:
    app.extensions["factcheck.engine"] = engine

    @app.teardown_appcontext
    def _close_session(exc):
        session = g.pop("db_session", None)
        if session is None:
            return
        try:
            if exc is not None:
                session.rollback()
            session.close()  # ends the transaction: a ROLLBACK on the wire
        except sa_exc.DBAPIError as err:
            if not database_unavailable(err):
                raise
            # The server went away after the response was made: that response stands. Drop the connection
            # without another word to the server; the pool opens a fresh one for the next request.
            current_app.logger.warning("Database went away while a request was ending: %s",
                                       (str(err.orig).strip().splitlines() or [""])[0])
            session.invalidate()


def get_engine() -> Engine:
    return current_app.extensions["factcheck.engine"]


def get_session() -> Session:
    """The request's session; views commit explicitly after calling a service."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False,
                               info={"jobs": current_app.extensions.get("factcheck.jobs")})
    return g.db_session
