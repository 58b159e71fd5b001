"""The doorbell of background work: task names and their queues, enqueue after commit, and the two runners.

The database row is the truth; a job message is only a doorbell. Services ask for a job by name with
`enqueue_after_commit(session, name, *args)`: nothing is sent unless the transaction commits. What a name runs is
decided at the composition root (`factcheck/registry.py`, used by `create_app` and `workers/`), never here: this
module imports nothing above `db`/`config`. In embedded mode a small thread pool in the web process runs the named
function; in distributed mode the name goes to Celery through Redis, on the queue its kind of work has. If the
doorbell cannot ring (Redis down), the row stays `queued`, the session is told, and the sweep rings again later.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from sqlalchemy import event
from sqlmodel import Session

log = logging.getLogger(__name__)

ARCHIVE_SOURCE = "factcheck.archive_source"
SWEEP = "factcheck.sweep_captures"     # the sweep of every kind of durable job (its name predates the others)
RECHECK = "factcheck.recheck_sources"
BUILD_EXPORT = "factcheck.build_export"
TIMESTAMP_EVIDENCE = "factcheck.timestamp_evidence"   # an RFC 3161 token for a capture's WARC or a bundle's manifest
DELIVER_WEBHOOK = "factcheck.deliver_webhook"         # one signed POST of a claim event to a registered endpoint
REMIND_DUE = "factcheck.remind_due"                   # periodic: "due tomorrow" and "overdue" notifications
SEND_EMAIL = "factcheck.send_email"                   # one email: a notification now, or a person's daily digest
SEND_DIGESTS = "factcheck.send_digests"               # periodic: gather the day's digests at the newsroom's hour
MATCH_CLAIMS = "factcheck.match_claims"               # an article's claims against the desk's past claims
READ_FEEDS = "factcheck.read_factcheck_feeds"         # periodic: re-read the ClaimReview feeds that are due

# Celery queues: a long export never waits in front of captures, and the other way round. A worker started
# without -Q consumes all of them; `-Q captures` (etc.) gives a kind of work workers of its own.
CAPTURES, EXPORTS, DEFAULT, NOTIFICATIONS = "captures", "exports", "default", "notifications"
QUEUES = (CAPTURES, EXPORTS, DEFAULT, NOTIFICATIONS)
ROUTES = {ARCHIVE_SOURCE: CAPTURES, BUILD_EXPORT: EXPORTS, SWEEP: DEFAULT, RECHECK: DEFAULT,
          TIMESTAMP_EVIDENCE: DEFAULT, DELIVER_WEBHOOK: NOTIFICATIONS, REMIND_DUE: NOTIFICATIONS,
          SEND_EMAIL: NOTIFICATIONS, SEND_DIGESTS: NOTIFICATIONS,
          MATCH_CLAIMS: DEFAULT, READ_FEEDS: DEFAULT}


class Runner(Protocol):
    """What services need from a job runner: ring the doorbell for a named task."""

    def enqueue(self, name: str, *args) -> None: ...


PERIODIC = {SWEEP, RECHECK, REMIND_DUE, SEND_DIGESTS, READ_FEEDS}
# A database outage: retry every few seconds for about ten minutes, then leave the job to the sweeper.
DB_RETRY_SECONDS = 3
DB_MAX_RETRIES = 200


def run_again_with(name: str, args: tuple, kwargs: dict, exc: BaseException) -> tuple[tuple, dict] | None:
    """The one rule both runners follow when job `name` fails with `exc`: the (args, kwargs) to run it with again
    in DB_RETRY_SECONDS when the database went away, or None to stop there.

    A job cut off after its claim (JobInterrupted) runs again with the arguments that hand that claim back; one
    that never reached a claim runs again as it was. A periodic job is not retried (its next tick is), and any
    other failure is not an outage: the runner logs or raises it."""
    from factcheck.db import database_unavailable
    from factcheck.errors import JobInterrupted

    if isinstance(exc, JobInterrupted):
        return tuple(exc.job_args), dict(exc.job_kwargs)
    if database_unavailable(exc) and name not in PERIODIC:
        return tuple(args), dict(kwargs)
    return None


EMBEDDED_THREADS = {CAPTURES: 2, EXPORTS: 1, DEFAULT: 1, NOTIFICATIONS: 1}


class EmbeddedRunner:
    """Runs jobs on a few threads inside this process, a pool per queue as Celery has a worker per queue (a long
    export never waits in front of captures), and the periodic ones on a timer.

    A job that loses the database is run again a few seconds later, by the same rule (`run_again_with`) as a
    Celery worker retries it."""

    def __init__(self, tasks: dict[str, Callable], *, threads: dict[str, int] | None = None,
                 periodic: dict[str, float] | None = None):
        self.tasks = tasks
        self.pools = {queue: ThreadPoolExecutor(max_workers=n, thread_name_prefix=f"factcheck-{queue}")
                      for queue, n in {**EMBEDDED_THREADS, **(threads or {})}.items()}
        self._stop = threading.Event()
        self._periodic = periodic or {}
        self._timers: list[threading.Thread] = []

    def enqueue(self, name: str, *args) -> None:
        fn = self.tasks[name]
        self.pools[queue_for(name)].submit(self._run, name, fn, args)

    def _run(self, name: str, fn: Callable, args: tuple, kwargs: dict | None = None, retries: int = 0) -> None:
        from factcheck.db import database_unavailable

        try:
            fn(*args, **(kwargs or {}))
        except Exception as exc:  # a job must never kill its worker thread; the row records the failure
            again = run_again_with(name, args, kwargs or {}, exc)
            if again is not None:
                self._again(name, fn, *again, retries, exc)
            elif database_unavailable(exc):
                log.warning("%s skipped: the database is unavailable", name)
            else:
                log.exception("background job %s%r failed", name, args)

    def _again(self, name: str, fn: Callable, args: tuple, kwargs: dict, retries: int, exc: Exception) -> None:
        if retries >= DB_MAX_RETRIES or self._stop.is_set():
            log.error("background job %s%r given up after %d retries: %s", name, args, retries, exc)
            return
        log.warning("background job %s%r: the database is unavailable; trying again in %d s", name, args,
                    DB_RETRY_SECONDS)
        timer = threading.Timer(DB_RETRY_SECONDS, self._submit_again, args=(name, fn, args, kwargs, retries + 1))
        timer.daemon = True
        timer.start()

    def _submit_again(self, name: str, fn: Callable, args: tuple, kwargs: dict, retries: int) -> None:
        try:
            self.pools[queue_for(name)].submit(self._run, name, fn, args, kwargs, retries)
        except RuntimeError:  # shut down meanwhile; the sweeper finds the row at the next start
            pass

    def start_periodic(self) -> None:
        for name, every in self._periodic.items():
            t = threading.Thread(target=self._tick, args=(name, every), daemon=True, name=f"factcheck-{name}")
            t.start()
            self._timers.append(t)

    def _tick(self, name: str, every: float) -> None:
        while not self._stop.wait(every):
            self._run(name, self.tasks[name], ())

    def shutdown(self) -> None:
        self._stop.set()
        for pool in self.pools.values():
            pool.shutdown(wait=True, cancel_futures=False)


class CeleryRunner:
    """Sends task names to Celery workers through Redis; the web process never imports workers/."""

    def __init__(self, broker_url: str):
        from celery import Celery

        self.client = Celery("factcheck-client", broker=broker_url)
        self.client.conf.update(broker_connection_timeout=2, broker_connection_retry=False,
                                broker_connection_max_retries=0, task_publish_retry=False)

    def enqueue(self, name: str, *args) -> None:
        self.client.send_task(name, args=list(args), retry=False, queue=queue_for(name))


def queue_for(name: str) -> str:
    """The Celery queue task `name` is sent to."""
    return ROUTES.get(name, DEFAULT)


def enqueue_after_commit(session: Session, name: str, *args) -> None:
    """Ring the doorbell once the transaction commits (never if it rolls back)."""
    if session.info.get("jobs") is None:
        return  # no runner (e.g. a one-off script): the sweeper picks the queued row up
    pending = session.info.setdefault("pending_jobs", [])
    pending.append((name, args))
    if not session.info.get("jobs_hooked"):
        event.listen(session, "after_commit", _ring)
        event.listen(session, "after_soft_rollback", _forget)
        session.info["jobs_hooked"] = True


def ring_now(session: Session, name: str, *args) -> bool:
    """Ring at once, for rows already committed (the sweep's finds). False when the bell could not ring."""
    runner: Runner | None = session.info.get("jobs")
    if runner is None:
        return False
    try:
        runner.enqueue(name, *args)
    except Exception as exc:  # broker down: the row stays queued and the next sweep rings again
        log.warning("could not enqueue %s%r: %s", name, args, exc)
        session.info["jobs_delayed"] = True
        return False
    return True


def _ring(session: Session) -> None:
    pending, session.info["pending_jobs"] = session.info.get("pending_jobs", []), []
    for name, args in pending:
        ring_now(session, name, *args)


def _forget(session: Session, previous_transaction) -> None:
    session.info["pending_jobs"] = []


def init_app(app, make_tasks: Callable[[Runner], dict[str, Callable]]) -> Runner | None:
    """Embedded mode: a thread pool here, running the functions `make_tasks(runner)` maps the names to (the
    registry). Distributed mode: a Celery client sending task names."""
    settings = app.extensions["factcheck.settings"]
    if not settings.run_jobs:
        runner = None  # jobs stay queued in the database for another process (or a later start) to run
    elif settings.embedded:
        runner = EmbeddedRunner({}, periodic={SWEEP: settings.sweep_every, RECHECK: 3600.0,
                                                REMIND_DUE: 900.0, SEND_DIGESTS: 900.0, READ_FEEDS: 300.0})
        runner.tasks.update(make_tasks(runner))
    else:
        runner = CeleryRunner(settings.redis_url)
    app.extensions["factcheck.jobs"] = runner
    return runner
