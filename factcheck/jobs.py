"""Background jobs by task name. The database row is the truth; a job message is only a doorbell.

Services ask for a job with `enqueue_after_commit(session, name, *args)`: nothing is sent unless
the transaction commits. The runner behind a session is chosen by the app factory: in embedded
mode a small thread pool in the web process runs the named function; in distributed mode the
name is sent to Celery through Redis. If the doorbell cannot ring (Redis down), the row stays
`queued`, the session is told, and the periodic sweeper rings again later.
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
SWEEP = "factcheck.sweep_captures"
RECHECK = "factcheck.recheck_sources"
BUILD_EXPORT = "factcheck.build_export"


class Runner(Protocol):
    """What services need from a job runner: ring the doorbell for a named task."""

    def enqueue(self, name: str, *args) -> None: ...


PERIODIC = {SWEEP, RECHECK}
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


class EmbeddedRunner:
    """Runs jobs on a few threads inside this process, and the periodic ones on a timer.

    A job that loses the database is run again a few seconds later, by the same rule (`run_again_with`) as a
    Celery worker retries it."""

    def __init__(self, tasks: dict[str, Callable], *, workers: int = 2, periodic: dict[str, float] | None = None):
        self.tasks = tasks
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="factcheck-job")
        self._stop = threading.Event()
        self._periodic = periodic or {}
        self._timers: list[threading.Thread] = []

    def enqueue(self, name: str, *args) -> None:
        fn = self.tasks[name]
        self.pool.submit(self._run, name, fn, args)

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
            self.pool.submit(self._run, name, fn, args, kwargs, retries)
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
        self.pool.shutdown(wait=True, cancel_futures=False)


class CeleryRunner:
    """Sends task names to Celery workers through Redis; the web process never imports workers/."""

    def __init__(self, broker_url: str):
        from celery import Celery

        self.client = Celery("factcheck-client", broker=broker_url)
        self.client.conf.update(broker_connection_timeout=2, broker_connection_retry=False,
                                broker_connection_max_retries=0, task_publish_retry=False)

    def enqueue(self, name: str, *args) -> None:
        self.client.send_task(name, args=list(args), retry=False)


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


def _ring(session: Session) -> None:
    runner: Runner = session.info["jobs"]
    pending, session.info["pending_jobs"] = session.info.get("pending_jobs", []), []
    for name, args in pending:
        try:
            runner.enqueue(name, *args)
        except Exception as exc:  # broker down: the row stays queued and the sweeper rings again
            log.warning("could not enqueue %s%r: %s", name, args, exc)
            session.info["jobs_delayed"] = True


def _forget(session: Session, previous_transaction) -> None:
    session.info["pending_jobs"] = []


def make_tasks(engine, settings, enqueue: Callable[..., None]) -> dict[str, Callable]:
    """The job functions by name, for the embedded runner and for the Celery tasks alike."""
    from factcheck.services import capture

    from factcheck.archive.politeness import LocalGate, RedisGate

    gate = (RedisGate(settings.redis_url, per_host=settings.fetch_per_host, delay=settings.fetch_host_delay)
            if settings.redis_url else LocalGate(per_host=settings.fetch_per_host, delay=settings.fetch_host_delay))
    config = capture.CaptureConfig(policy=settings.fetch_policy, archive_dir=settings.archive_dir,
                                   chromium=settings.chromium, stuck_after=settings.capture_stuck_after, gate=gate)

    def archive_source(capture_id: int, release_attempt: int | None = None) -> str | None:
        with Session(engine, expire_on_commit=False) as session:
            if release_attempt is not None:  # a retry after the database went away mid-capture
                capture.resume_interrupted(session, capture_id=int(capture_id), attempt=int(release_attempt))
            return capture.run_capture(session, capture_id=int(capture_id), config=config)

    def sweep_captures() -> int:
        """The sweeper for every background job kept in the database: captures, then exports."""
        from factcheck.exports import service as exports

        with Session(engine) as session:
            ids = capture.due_for_doorbell(session, stuck_after=settings.capture_stuck_after,
                                           queued_after=settings.capture_queued_after)
            export_ids = exports.sweep_exports(session, stuck_after=settings.capture_stuck_after,
                                               queued_after=settings.capture_queued_after)
        for capture_id in ids:
            enqueue(ARCHIVE_SOURCE, capture_id)
        for export_id in export_ids:
            enqueue(BUILD_EXPORT, export_id)
        return len(ids) + len(export_ids)

    def recheck_sources() -> int:
        with Session(engine) as session:
            ids = capture.schedule_rechecks(session, older_than=settings.recheck_after)
        for capture_id in ids:
            enqueue(ARCHIVE_SOURCE, capture_id)
        return len(ids)

    def build_export(export_id: int, release_attempt: int | None = None) -> str | None:
        from factcheck.exports import service as exports

        with Session(engine, expire_on_commit=False) as session:
            return exports.build_export(session, export_id=int(export_id), base_url=settings.public_url,
                                        archive_dir=settings.archive_dir, chromium=settings.chromium,
                                        release_attempt=None if release_attempt is None
                                        else int(release_attempt),
                                        # beat well inside the sweep's patience, so only a dead builder is swept
                                        heartbeat=min(30.0, settings.capture_stuck_after.total_seconds() / 4))

    return {ARCHIVE_SOURCE: archive_source, SWEEP: sweep_captures, RECHECK: recheck_sources,
            BUILD_EXPORT: build_export}


def init_app(app) -> Runner | None:
    """Embedded mode: a thread pool here. Distributed mode: a Celery client sending task names."""
    settings = app.extensions["factcheck.settings"]
    engine = app.extensions["factcheck.engine"]
    if not settings.run_jobs:
        runner = None  # jobs stay queued in the database for another process (or a later start) to run
    elif settings.embedded:
        runner = EmbeddedRunner({}, periodic={SWEEP: settings.sweep_every, RECHECK: 3600.0})
        runner.tasks.update(make_tasks(engine, settings, runner.enqueue))
    else:
        runner = CeleryRunner(settings.redis_url)
    app.extensions["factcheck.jobs"] = runner
    return runner
