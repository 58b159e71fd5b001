"""One life cycle for every durable background job: capture, export, and the kinds to come.

A job's row (a table inheriting `models.JobRow`) is the truth; a queue message is only a doorbell. A worker
*claims* the row with a compare-and-set update that raises its attempt number; that number is the worker's token
for every later write, so a worker given up for dead cannot overwrite the work of the one that took over. While it
works, a heartbeat (its own connection) touches `updated_at`; the sweep hands back rows whose heartbeat stopped (a
dead worker) and rings again for rows whose message may be lost. When the database goes away mid-job, the job
raises `Interrupted`, and the runner (embedded or Celery) runs it again with `release_attempt`, which hands the
claim back first. Database time is used throughout, so every worker and the sweep agree on "too long".

    queued --claim--> running --finish--> done
       ^                 |  \\--fail--> failed
       |                 |   \\--retry_later--> retrying --(due)--> claimed again
       +---release/sweep-+
"""
from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from factcheck.errors import JobInterrupted
from factcheck.models import JobState

log = logging.getLogger(__name__)

BASE_BACKOFF = 10.0      # seconds; doubled each attempt, with jitter
MAX_BACKOFF = 3600.0


@dataclass(frozen=True)
class JobKind:
    """A kind of durable job: its table, the task that runs it, and its rules."""

    model: type                      # a table inheriting models.JobRow
    task: str                        # the task name (factcheck.jobs) that runs one job of this kind by id
    noun: str                        # "capture", "export": for the reasons a person reads
    max_attempts: int = 5
    requeue_values: dict = field(default_factory=dict)   # extra columns reset when a job is handed back


def db_now(session: Session) -> datetime:
    """The database's clock, so every worker and the sweeper agree on what "too long" means."""
    value = session.execute(text("SELECT CURRENT_TIMESTAMP")).scalar_one()
    if isinstance(value, str):  # SQLite answers "YYYY-MM-DD HH:MM:SS" in UTC
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def backoff(attempt: int, *, retry_after: float | None = None, rng: random.Random | None = None) -> float:
    """Seconds to wait before attempt `attempt + 1`: exponential with full jitter, or the server's ask."""
    if retry_after is not None:
        return min(max(retry_after, 1.0), MAX_BACKOFF)
    ceiling = min(BASE_BACKOFF * 2 ** (attempt - 1), MAX_BACKOFF)
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def _owned(kind: JobKind, job_id: int, attempt: int):
    m = kind.model
    return (m.id == job_id) & (m.state == JobState.running.value) & (m.attempts == attempt)


def claim(session: Session, kind: JobKind, job_id: int) -> int | None:
    """queued (or retrying and due) -> running. The attempt number the caller now owns the job under, or None when
    someone else has it or it is finished."""
    m, now = kind.model, db_now(session)
    attempt = session.execute(
        update(m).where(m.id == job_id, or_(m.state == JobState.queued.value,
                                            (m.state == JobState.retrying.value) & (m.next_try_at <= now)))
        .values(state=JobState.running.value, attempts=m.attempts + 1, updated_at=now, reason="", next_try_at=None)
        .returning(m.attempts)
    ).scalar_one_or_none()
    session.commit()
    return attempt


def beat(session: Session, kind: JobKind, job_id: int, attempt: int, **values) -> bool:
    """Touch a running job we own (a heartbeat, optionally with progress). False when it is no longer ours."""
    changed = session.execute(update(kind.model).where(_owned(kind, job_id, attempt))
                              .values(updated_at=db_now(session), **values)).rowcount
    session.commit()
    return changed == 1


def finish(session: Session, kind: JobKind, job_id: int, attempt: int, *, state: str = JobState.done.value,
           **values) -> bool:
    """Record the outcome of a job we own. False when it was handed to another worker meanwhile."""
    changed = session.execute(update(kind.model).where(_owned(kind, job_id, attempt))
                              .values(state=state, updated_at=db_now(session), **values)).rowcount
    session.commit()
    return changed == 1


def fail(session: Session, kind: JobKind, job_id: int, attempt: int, reason: str, **values) -> str:
    finish(session, kind, job_id, attempt, state=JobState.failed.value, reason=reason[:1000], next_try_at=None,
           **values)
    return JobState.failed.value


def retry_later(session: Session, kind: JobKind, job_id: int, attempt: int, reason: str, *,
                retry_after: float | None = None) -> str:
    """A failure that may pass: wait with backoff (or as long as the server asked), or give up after the kind's
    last attempt."""
    if attempt >= kind.max_attempts:
        return fail(session, kind, job_id, attempt, f"{reason} Gave up after {attempt} attempts.")
    wait = backoff(attempt, retry_after=retry_after)
    finish(session, kind, job_id, attempt, state=JobState.retrying.value, reason=reason[:1000],
           next_try_at=db_now(session) + timedelta(seconds=wait))
    return JobState.retrying.value


def release(session: Session, kind: JobKind, job_id: int, attempt: int, reason: str) -> bool:
    """running (still ours) -> queued. False if the sweep got there first."""
    changed = session.execute(update(kind.model).where(_owned(kind, job_id, attempt))
                              .values(state=JobState.queued.value, updated_at=db_now(session), reason=reason,
                                      **kind.requeue_values)).rowcount
    session.commit()
    return changed == 1


class Interrupted(JobInterrupted):
    """The database went away after this worker claimed the job: run the task again with `release_attempt`."""

    def __init__(self, kind: JobKind, job_id: int, attempt: int) -> None:
        super().__init__(f"{kind.noun} {job_id} attempt {attempt} interrupted: the database is unavailable",
                         job_args=(job_id,), job_kwargs={"release_attempt": attempt})
        self.job_id, self.attempt = job_id, attempt


class Heartbeat:
    """While a job runs, touch its `updated_at` every `every` seconds from a connection of its own, so a long step
    (a slow page, a big PDF through Chromium) is not taken for a dead worker, and a dead worker's job is noticed
    within a few beats. `every=0` beats never (only claims and progress touch the row)."""

    def __init__(self, engine, kind: JobKind, *, job_id: int, attempt: int, every: float) -> None:
        self.engine, self.kind, self.job_id, self.attempt, self.every = engine, kind, job_id, attempt, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{kind.noun}-{job_id}-heartbeat", daemon=True)

    def __enter__(self) -> "Heartbeat":
        if self.every > 0:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.every + 5)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                with Session(self.engine) as session:
                    if not beat(session, self.kind, self.job_id, self.attempt):
                        return  # finished, or handed to another worker: nothing more to beat for
            except Exception as exc:  # noqa: BLE001 - a missed beat is not the job's failure; the next one tries
                log.warning("%s %s heartbeat failed: %s", self.kind.noun, self.job_id, exc)


def describe(exc: BaseException) -> str:
    """The reason a person reads for a job that raised `exc`."""
    if getattr(exc, "message", None):
        return exc.message
    if "TimeLimit" in type(exc).__name__:  # Celery's soft time limit, raised inside the job by its worker
        return "It took longer than the time allowed for it and was stopped."
    return f"It failed unexpectedly ({type(exc).__name__})."


def run(session: Session, kind: JobKind, job_id: int, work: Callable[[int], str | None], *,
        release_attempt: int | None = None, heartbeat: float = 0.0,
        on_not_released: Callable[[int], None] | None = None) -> str | None:
    """Claim job `job_id`, run `work(attempt)` under a heartbeat, and return the state it ended in (None when the
    job was not ours to run).

    Errors that carry a `message` for a person fail the job with it; a time limit or any other error is retried
    with backoff up to the kind's attempts (the trace is logged). A database outage raises `Interrupted`.
    `release_attempt` (the retry after Interrupted) hands that attempt back first; when it can no longer be handed
    back, `on_not_released(attempt)` may redo whatever idempotent step the outage cut short."""
    from factcheck.db import database_unavailable

    if release_attempt is not None:
        released = release(session, kind, job_id, release_attempt,
                           f"The database went away mid-{kind.noun}; queued again.")
        if not released and on_not_released is not None:
            on_not_released(release_attempt)
    attempt = claim(session, kind, job_id)
    if attempt is None:
        return None
    try:
        with Heartbeat(session.get_bind(), kind, job_id=job_id, attempt=attempt, every=heartbeat):
            return work(attempt)
    except DBAPIError as exc:
        if database_unavailable(exc):
            raise Interrupted(kind, job_id, attempt) from exc
        return _failed(session, kind, job_id, attempt, exc)
    except Exception as exc:  # noqa: BLE001 - recorded on the row for a person, and logged with its trace
        return _failed(session, kind, job_id, attempt, exc)


def _failed(session: Session, kind: JobKind, job_id: int, attempt: int, exc: Exception) -> str:
    session.rollback()
    if getattr(exc, "message", None):
        return fail(session, kind, job_id, attempt, exc.message)
    log.error("%s %s attempt %s failed", kind.noun, job_id, attempt, exc_info=exc)
    return retry_later(session, kind, job_id, attempt, describe(exc))


def sweep(session: Session, kind: JobKind, *, stuck_after: timedelta, queued_after: timedelta,
          limit: int = 1000) -> list[int]:
    """The ids of jobs whose doorbell should ring again: `running` without a heartbeat for `stuck_after` (a dead
    worker) go back to `queued`, or fail once they have used up their attempts; `queued` ones waiting `queued_after`
    (a lost message, the broker down) and due `retrying` ones are returned. The caller rings for them."""
    m, now = kind.model, db_now(session)
    stuck = (m.state == JobState.running.value) & (m.updated_at < now - stuck_after)
    session.execute(update(m).where(stuck, m.attempts >= kind.max_attempts).values(
        state=JobState.failed.value, updated_at=now, next_try_at=None,
        reason=f"Gave up: the {kind.noun} was cut off {kind.max_attempts} times before it finished "
               f"(its worker stopped or ran out of time)."))
    session.execute(update(m).where(stuck).values(
        state=JobState.queued.value, updated_at=now - queued_after,
        reason=f"The worker stopped mid-{kind.noun}; queued again.", **kind.requeue_values))
    due = or_((m.state == JobState.queued.value) & (m.updated_at <= now - queued_after),
              (m.state == JobState.retrying.value) & (m.next_try_at <= now))
    ids = list(session.exec(select(m.id).where(due).order_by(m.id).limit(limit)).all())
    if ids:  # rung now: the next ring for these comes only after another `queued_after`, not every sweep
        session.execute(update(m).where(m.id.in_(ids), m.state == JobState.queued.value).values(updated_at=now))
    session.commit()
    return ids
