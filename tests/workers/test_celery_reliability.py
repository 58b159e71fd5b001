"""Reliability of the distributed mode with real services: Redis, `celery -A workers worker` (and `beat`)
subprocesses, the test database (SQLite file or PostgreSQL), and a loopback site playing the cited web.

The promises under test: a source added in the web process is archived by a worker; a doorbell that
rings five times still captures once; a worker killed mid-capture loses nothing (the sweeper puts the
job back, a new worker captures it once); Redis being down when a source is added delays the capture
but loses nothing; a job whose message was lost is rung again by beat.
"""
from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlmodel import Session, select

from factcheck import create_app, jobs
from factcheck.config import Settings
from factcheck.models import Capture, Claim, Source, User
from factcheck.services import review, sources
from tests.archive.loopback import Site
from tests.builders import article, claims_of, job_table
from tests.conftest import Client, need

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_DBS = range(11, 16)           # a test run takes the first of these no other run holds
LOCK_KEY, LOCK_TTL = "factcheck:test-run", 900
WAIT = 30.0                         # seconds to wait for a state in the database
STARTUP = 45.0                      # seconds for a worker to report "ready"
STUCK_AFTER, QUEUED_AFTER = 3, 2    # FACTCHECK_JOB_STUCK_AFTER / _QUEUED_AFTER for these tests
LOG_TAIL = 8000


# --- services ------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def redis_db():
    """A Redis database number owned by this test run (a lock key marks it), or a skip without Redis."""
    import redis as redis_lib

    probe = redis_lib.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=1, socket_timeout=2)
    try:
        probe.ping()
    except redis_lib.RedisError as exc:
        need("Redis", f"nothing answers at {REDIS_HOST}:{REDIS_PORT} ({exc})")
    finally:
        probe.close()
    token = uuid.uuid4().hex
    for number in REDIS_DBS:
        client = redis_lib.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number, socket_timeout=2)
        if client.set(LOCK_KEY, token, nx=True, ex=LOCK_TTL):
            break
        client.close()
    else:
        need("Redis", f"databases {REDIS_DBS.start}-{REDIS_DBS.stop - 1} are all held by other test runs")
    yield number, token
    if client.get(LOCK_KEY) == token.encode():
        client.flushdb()
    client.close()


@pytest.fixture
def redis(redis_db):
    """This run's Redis database, emptied before the test."""
    import redis as redis_lib

    number, token = redis_db
    client = redis_lib.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number, socket_timeout=5)
    client.flushdb()
    client.set(LOCK_KEY, token, ex=LOCK_TTL)
    yield client
    client.close()


@pytest.fixture
def redis_url(redis):
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis.connection_pool.connection_kwargs['db']}"


@pytest.fixture
def site():
    with Site() as s:
        yield s


@pytest.fixture
def factcheck_env(database_url, redis_url, site, tmp_path):
    """The FACTCHECK_* settings every process of the test shares (workers, beat, the web app)."""
    return {
        "FACTCHECK_DEV": "1",
        "FACTCHECK_DATABASE_URL": database_url,
        "FACTCHECK_REDIS_URL": redis_url,
        "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port}",
        "FACTCHECK_FETCH_TIMEOUT": "20",
        "FACTCHECK_SCREENSHOTS": "off",
        "FACTCHECK_INSTANCE_DIR": str(tmp_path / "instance"),
        "FACTCHECK_ARCHIVE_DIR": str(tmp_path / "archive"),
        "FACTCHECK_JOB_STUCK_AFTER": str(STUCK_AFTER),
        "FACTCHECK_JOB_HEARTBEAT": "1",
        "FACTCHECK_JOB_QUEUED_AFTER": str(QUEUED_AFTER),
        "FACTCHECK_SWEEP_EVERY": "1",
    }


class Proc:
    """One celery subprocess in its own process group, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_path: Path):
        self.name, self.log_path = name, log_path
        with log_path.open("wb") as fh:
            self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.popen.pid
        self.killed = False

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def count(self, *needles: str) -> int:
        return sum(1 for line in self.log().splitlines() if all(n in line for n in needles))

    def kill(self) -> None:
        """SIGKILL the whole group (main process and pool children): no shutdown, no ack, no cleanup."""
        self.killed = True
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            except ProcessLookupError:
                pass
        try:  # whatever is left in the group (a pool child), and the main process if it ignored TERM
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


class Cluster:
    """Workers and beat for one test; every wait polls and, on timeout, fails with their logs."""

    def __init__(self, factcheck_env: dict[str, str], engine, log_dir: Path):
        self.factcheck_env = factcheck_env
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
        self.env.update(factcheck_env, PYTHONUNBUFFERED="1")
        self.engine = engine
        self.dir = log_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.procs: list[Proc] = []

    @property
    def archive_dir(self) -> Path:
        return Path(self.factcheck_env["FACTCHECK_ARCHIVE_DIR"])

    def _start(self, name: str, *argv: str) -> Proc:
        proc = Proc(name, [str(CELERY), "-A", "workers", *argv], self.env, self.dir / f"{name}.log")
        self.procs.append(proc)
        return proc

    def worker(self, n: int, *, wait: bool = True, queues: str | None = None, concurrency: int = 1) -> Proc:
        proc = self._start(f"w{n}", "worker", "--loglevel", "INFO", "--concurrency", str(concurrency),
                           "--pool", "prefork", "-n", f"w{n}@%h", "--without-heartbeat", "--without-mingle",
                           "--without-gossip", *(["-Q", queues] if queues else []))
        if wait:
            self.ready(proc)
        return proc

    def beat(self) -> Proc:
        return self._start("beat", "beat", "--loglevel", "INFO", "-s", str(self.dir / "celerybeat-schedule"))

    def ready(self, proc: Proc) -> None:
        self.until(lambda: f"w{proc.name[1:]}@" in proc.log() and " ready." in proc.log(),
                   f"{proc.name} to report ready", timeout=STARTUP)

    def logs(self) -> str:
        parts = []
        for p in self.procs:
            text = p.log()
            cut = f"[... {len(text) - LOG_TAIL} characters cut ...]\n" if len(text) > LOG_TAIL else ""
            parts.append(f"----- {p.name} (pid {p.pid}, exit code {p.popen.poll()}) -----\n{cut}{text[-LOG_TAIL:]}")
        return "\n".join(parts) or "(no worker started)"

    def until(self, predicate, what: str, *, timeout: float = WAIT, every: float = 0.1):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            for p in self.procs:
                if not p.killed and p.popen.poll() is not None:
                    pytest.fail(f"{p.name} exited (code {p.popen.returncode}) while waiting for {what}.\n"
                                f"{self.logs()}")
            if time.monotonic() > deadline:
                pytest.fail(f"Timed out after {timeout:.0f}s waiting for {what}.\n{self.logs()}")
            time.sleep(every)

    def row(self, capture_id: int) -> Capture:
        with Session(self.engine) as s:  # a fresh session: what is committed right now
            return s.get(Capture, capture_id)

    def wait_state(self, capture_id: int, state: str, *, timeout: float = WAIT, every: float = 0.1) -> Capture:
        def check():
            cap = self.row(capture_id)
            if cap.state == "failed" and state != "failed":
                pytest.fail(f"capture {capture_id} failed: {cap.reason}\n{self.logs()}")
            return cap if cap.state == state else None
        return self.until(check, f"capture {capture_id} to be {state}", timeout=timeout, every=every)

    def assert_archived(self, cap: Capture, body: bytes) -> None:
        from warcio.archiveiterator import ArchiveIterator

        assert cap.state == "done", self.logs()
        assert cap.sha256 == hashlib.sha256(body).hexdigest(), self.logs()
        warc = self.archive_dir / cap.warc_path
        assert warc.is_file(), f"no WARC at {warc}\n{self.logs()}"
        with warc.open("rb") as fh:
            payloads = [r.content_stream().read() for r in ArchiveIterator(fh) if r.rec_type == "response"]
        assert payloads and hashlib.sha256(payloads[-1]).hexdigest() == cap.sha256, self.logs()

    def stop(self) -> None:
        for p in reversed(self.procs):
            p.stop()


@pytest.fixture
def cluster(factcheck_env, engine, redis, tmp_path):
    c = Cluster(factcheck_env, engine, tmp_path / "logs")
    yield c
    c.stop()


# --- data ----------------------------------------------------------------------------------------------

@pytest.fixture
def claim(session, people):
    """A claim in progress, assigned to carl (a checker)."""
    c = next(c for c in claims_of(session, article(session, by=people["eve"])) if c.status == "new")
    review.assign(session, claim=c, assignee=people["carl"], actor=people["eve"], expected_version=1)
    session.commit()
    return c


def distributed_app(engine, factcheck_env: dict[str, str], **overrides):
    """The web app in distributed mode (FACTCHECK_RUN_JOBS unset): its runner is a CeleryRunner."""
    env = {**factcheck_env, **overrides}
    env.pop("FACTCHECK_RUN_JOBS", None)
    app = create_app(Settings.from_env(env), engine=engine)
    app.config["TESTING"] = True
    assert isinstance(app.extensions["factcheck.jobs"], jobs.CeleryRunner)
    return app


def add_source(engine, runner, *, claim_id: int, user_id: int, url: str) -> tuple[int, bool]:
    """Add a source through the service, as a view does; returns (capture id, doorbell delayed?)."""
    with Session(engine, expire_on_commit=False, info={"jobs": runner}) as s:
        src = sources.add_source(s, claim=s.get(Claim, claim_id), url=url, actor=s.get(User, user_id))
        s.commit()
        cap = s.exec(select(Capture).where(Capture.source_id == src.id)).one()
        return cap.id, bool(s.info.get("jobs_delayed"))


def captures_of(engine, capture_id: int) -> list[Capture]:
    with Session(engine) as s:
        source_id = s.get(Capture, capture_id).source_id
        return list(s.exec(select(Capture).where(Capture.source_id == source_id)).all())


def closed_port() -> int:
    """A loopback port nothing listens on (bound, noted, closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page(site: Site, path: str, title: str) -> bytes:
    return site.html(path, title, f"{title}: the figures were confirmed by the council.")


# --- tests ---------------------------------------------------------------------------------------------

def test_a_source_added_in_the_web_process_is_archived_by_a_worker(engine, people, claim, site, cluster,
                                                                   factcheck_env):
    worker = cluster.worker(1, wait=False)
    body = page(site, "/story", "Ferry figures")
    app = distributed_app(engine, factcheck_env)
    cap_id, delayed = add_source(engine, app.extensions["factcheck.jobs"], claim_id=claim.id,
                                 user_id=people["carl"].id, url=site.url("/story"))
    assert not delayed
    cluster.ready(worker)
    # Nothing but the message sent on commit can start this capture: no beat, no sweeper runs here.
    cap = cluster.wait_state(cap_id, "done")
    cluster.assert_archived(cap, body)
    assert (cap.attempts, site.hits.get("/story"), cap.final_url) == (1, 1, site.url("/story")), cluster.logs()


def test_a_doorbell_rung_five_times_captures_once(engine, people, claim, site, cluster, factcheck_env):
    workers = [cluster.worker(1, wait=False), cluster.worker(2, wait=False)]  # two workers race for the job
    body = b"<html><head><title>Once</title></head><body><p>Captured once, however often asked.</p></body></html>"

    def slowish():  # long enough that duplicates arrive while the first capture is still fetching
        time.sleep(0.5)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body
    site.pages["/once"] = slowish
    cap_id, _ = add_source(engine, None, claim_id=claim.id, user_id=people["carl"].id, url=site.url("/once"))
    for w in workers:
        cluster.ready(w)
    runner = jobs.CeleryRunner(factcheck_env["FACTCHECK_REDIS_URL"])
    for _ in range(5):
        runner.enqueue(jobs.ARCHIVE_SOURCE, cap_id)
    cap = cluster.wait_state(cap_id, "done")
    # every one of the five messages was handled (the four duplicates found nothing to claim)
    cluster.until(lambda: sum(w.count("factcheck.archive_source[", "succeeded") for w in workers) >= 5,
                  "all five messages to be handled")
    cap = cluster.row(cap_id)
    cluster.assert_archived(cap, body)
    assert site.hits.get("/once") == 1, f"fetched {site.hits.get('/once')} times\n{cluster.logs()}"
    assert cap.attempts == 1 and len(captures_of(engine, cap_id)) == 1, cluster.logs()


def test_a_worker_killed_mid_capture_loses_nothing_and_captures_once(engine, people, claim, site, cluster,
                                                                     factcheck_env):
    first = cluster.worker(1, wait=False)
    body = b"<html><head><title>Slow</title></head><body><p>A page that took its time.</p></body></html>"

    def slow_the_first_time():
        if site.hits["/slow"] == 1:
            time.sleep(6)  # the first worker dies while it waits here
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body
    site.pages["/slow"] = slow_the_first_time
    app = distributed_app(engine, factcheck_env)
    cluster.ready(first)
    cap_id, delayed = add_source(engine, app.extensions["factcheck.jobs"], claim_id=claim.id,
                                 user_id=people["carl"].id, url=site.url("/slow"))
    assert not delayed
    cluster.wait_state(cap_id, "running", every=0.05)
    cluster.until(lambda: site.hits.get("/slow") == 1, "the first worker to reach the site")
    first.kill()
    assert cluster.row(cap_id).state == "running", cluster.logs()  # it really died mid-capture

    second = cluster.worker(2)
    cluster.beat()  # sweeps every second; puts the job back once it is `fetching` longer than the stuck limit
    cap = cluster.wait_state(cap_id, "done", timeout=WAIT + STUCK_AFTER)
    cluster.assert_archived(cap, body)
    assert site.hits.get("/slow") == 2, f"fetched {site.hits.get('/slow')} times\n{cluster.logs()}"
    assert cap.attempts == 2 and len(captures_of(engine, cap_id)) == 1, cluster.logs()
    # Later sweeps leave the finished job alone: no third fetch, still archived.
    sweeps = second.count("factcheck.sweep_captures[", "succeeded")
    cluster.until(lambda: second.count("factcheck.sweep_captures[", "succeeded") >= sweeps + 2,
                  "two more sweeps")
    cap = cluster.row(cap_id)
    assert (cap.state, cap.attempts, site.hits.get("/slow")) == ("done", 2, 2), cluster.logs()


def test_redis_down_when_a_source_is_added_delays_the_capture_and_loses_nothing(engine, people, claim, site,
                                                                               cluster, factcheck_env):
    worker = cluster.worker(1, wait=False)  # listens on the real Redis; the web app cannot reach any
    body = page(site, "/late", "Late capture")
    app = distributed_app(engine, factcheck_env, FACTCHECK_REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    carl = Client(app.test_client())
    assert carl.login("carl").status_code == 302
    resp = carl.post(f"/claims/{claim.id}/sources", {"url": site.url("/late"), "title": "Late one"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    shown = carl.get(resp.headers["Location"]).get_data(as_text=True)
    assert "its capture is delayed" in shown and "Nothing was lost" in shown, shown[:4000]
    assert "being archived in the background" not in shown

    with Session(engine) as s:
        src = s.exec(select(Source).where(Source.claim_id == claim.id, Source.url == site.url("/late"))).one()
        cap = s.exec(select(Capture).where(Capture.source_id == src.id)).one()
    assert (cap.state, cap.attempts) == ("queued", 0)
    assert "/late" not in site.hits

    # Redis is reachable again: the sweeper rings the doorbell for the row left queued, a worker archives it.
    settings = Settings.from_env(factcheck_env)
    runner = jobs.CeleryRunner(settings.redis_url)
    sweep = job_table(engine, settings, runner)[jobs.SWEEP]
    cluster.ready(worker)
    assert cluster.row(cap.id).state == "queued"
    # Sweep until a worker has the capture: a sweep may first ring other jobs left queued (the article's matching
    # job) before this capture has waited QUEUED_AFTER; ringing one twice is harmless (the claim is by CAS).
    cluster.until(lambda: sweep() is not None and cluster.row(cap.id).state != "queued",
                  f"the sweeper to ring for the capture queued over {QUEUED_AFTER}s", every=0.25)
    cap = cluster.wait_state(cap.id, "done")
    cluster.assert_archived(cap, body)
    assert (cap.attempts, site.hits.get("/late"), len(captures_of(engine, cap.id))) == (1, 1, 1), cluster.logs()


def test_beat_rings_again_for_a_job_whose_message_was_lost(engine, people, claim, site, cluster):
    body = page(site, "/lost", "Lost message")
    with Session(engine) as s:  # a row as if its message never reached Redis
        src = Source(article_id=claim.article_id, claim_id=claim.id, url=site.url("/lost"), title="Lost",
                     created_by_id=people["carl"].id)
        s.add(src)
        s.flush()
        cap = Capture(source_id=src.id)
        s.add(cap)
        s.commit()
        cap_id = cap.id
    worker = cluster.worker(1, wait=False)
    cluster.beat()
    cluster.ready(worker)
    cap = cluster.wait_state(cap_id, "done")
    cluster.assert_archived(cap, body)
    assert (cap.attempts, site.hits.get("/lost")) == (1, 1), cluster.logs()
    # the sweep that found it says how many jobs it rang again (the article's matching job may be among them)
    rang = [int(m.group(1)) for m in re.finditer(r"factcheck\.sweep_captures\[[^\]]+\] succeeded in [\d.]+s: (\d+)",
                                                 worker.log())]
    assert any(n >= 1 for n in rang), cluster.logs()
