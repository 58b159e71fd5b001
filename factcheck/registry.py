"""The task registry: the composition root of background work.

Every task name (`factcheck.jobs`) maps to one service function here, with the shared pieces it needs built once
(the archive store, the politeness gate, the capture and export settings) and its time limits. `create_app` binds
it to the embedded runner; `workers/factory.py` registers it with Celery. A new kind of background work is one
service function and one line in `task_specs`.

A service function takes the job's session first, then the job's arguments (ids, never objects).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlmodel import Session

from factcheck import jobs
from factcheck.config import Settings


@dataclass(frozen=True)
class TaskSpec:
    fn: Callable                       # fn(session, *args, **kwargs)
    soft_limit: float | None = None    # seconds before the worker raises a time limit inside the job (Celery)
    hard_limit: float | None = None    # seconds before the worker process running it is killed (Celery)


@dataclass(frozen=True)
class Pieces:
    """What background work shares, built once per process."""

    store: object          # archive.storage.ArchiveStore
    capture: object        # services.capture.CaptureConfig
    export: object         # services.exports.ExportConfig
    timestamp: object = None  # services.timestamps.TimestampConfig
    delivery: object = None   # services.deliveries.DeliveryConfig
    mail: object = None       # services.mail.MailConfig


def archive_store(settings: Settings):
    from factcheck.archive.storage import LocalArchiveStore

    return LocalArchiveStore(settings.archive_dir)


def build_pieces(settings: Settings, *, store=None) -> Pieces:
    from factcheck.archive.politeness import LocalGate, RedisGate
    from factcheck.services.capture import CaptureConfig
    from factcheck.archive.tsa import TSA
    from factcheck.services.deliveries import DeliveryConfig
    from factcheck.services.exports import ExportConfig
    from factcheck.services.mail import MailConfig
    from factcheck.services.timestamps import TimestampConfig

    store = store or archive_store(settings)
    tsa = TSA(settings.tsa_url, settings.tsa_certificates, settings.fetch_policy) if settings.tsa_url else None
    gate = (RedisGate(settings.redis_url, per_host=settings.fetch_per_host, delay=settings.fetch_host_delay)
            if settings.redis_url else LocalGate(per_host=settings.fetch_per_host, delay=settings.fetch_host_delay))
    return Pieces(
        store=store,
        capture=CaptureConfig(policy=settings.fetch_policy, store=store, chromium=settings.chromium, gate=gate,
                              heartbeat=settings.job_heartbeat, tsa_url=settings.tsa_url),
        export=ExportConfig(base_url=settings.public_url, store=store, chromium=settings.chromium,
                            heartbeat=settings.job_heartbeat, signing_dir=settings.signing_dir, tsa=tsa),
        timestamp=TimestampConfig(tsa=tsa, store=store, heartbeat=settings.job_heartbeat),
        delivery=DeliveryConfig(policy=settings.fetch_policy, base_url=settings.public_url,
                                heartbeat=settings.job_heartbeat),
        mail=MailConfig(mail=settings.mail, base_url=settings.public_url, heartbeat=settings.job_heartbeat,
                        secret=settings.secret_key),
    )


def _limits(soft: float) -> dict:
    # The hard limit leaves the job time to record why the soft one stopped it.
    return {"soft_limit": soft, "hard_limit": soft + max(15.0, soft / 10)}


def task_specs(settings: Settings, pieces: Pieces) -> dict[str, TaskSpec]:
    """Task name -> the service function that runs it and its limits."""
    from factcheck.services import (capture, deliveries, digests, exports, feeds, mail, matching, notifications,
                                    sweep, timestamps)

    return {
        jobs.ARCHIVE_SOURCE: TaskSpec(partial(capture.archive_source, config=pieces.capture),
                                      **_limits(settings.capture_time_limit)),
        jobs.BUILD_EXPORT: TaskSpec(partial(exports.build_export, config=pieces.export),
                                    **_limits(settings.export_time_limit)),
        jobs.SWEEP: TaskSpec(partial(sweep.sweep_jobs, stuck_after=settings.job_stuck_after,
                                     queued_after=settings.job_queued_after), **_limits(120.0)),
        jobs.RECHECK: TaskSpec(partial(capture.schedule_rechecks, older_than=settings.recheck_after),
                               **_limits(120.0)),
        jobs.TIMESTAMP_EVIDENCE: TaskSpec(partial(timestamps.stamp_evidence, config=pieces.timestamp),
                                          **_limits(120.0)),
        jobs.DELIVER_WEBHOOK: TaskSpec(partial(deliveries.deliver_webhook, config=pieces.delivery), **_limits(120.0)),
        jobs.REMIND_DUE: TaskSpec(notifications.remind_due, **_limits(120.0)),
        jobs.SEND_EMAIL: TaskSpec(partial(mail.send_email, config=pieces.mail), **_limits(120.0)),
        jobs.SEND_DIGESTS: TaskSpec(partial(digests.queue_digests, config=pieces.mail), **_limits(120.0)),
        jobs.MATCH_CLAIMS: TaskSpec(partial(matching.match_article, heartbeat=settings.job_heartbeat), **_limits(300.0)),
        jobs.READ_FEEDS: TaskSpec(partial(feeds.read_due_feeds, policy=settings.fetch_policy), **_limits(600.0)),
    }


def bind(engine, specs: dict[str, TaskSpec], runner: jobs.Runner | None) -> dict[str, Callable]:
    """Task name -> a callable taking only the job's arguments: it opens the job's session (whose doorbell is
    `runner`) and calls the service function."""
    def task(name: str, spec: TaskSpec) -> Callable:
        def run(*args, **kwargs):
            with Session(engine, expire_on_commit=False, info={"jobs": runner}) as session:
                return spec.fn(session, *args, **kwargs)

        run.__name__ = run.__qualname__ = name.rsplit(".", 1)[-1]   # Celery names a task's function
        return run

    return {name: task(name, spec) for name, spec in specs.items()}


def make_tasks(engine, settings: Settings, runner: jobs.Runner | None, *, pieces: Pieces | None = None):
    return bind(engine, task_specs(settings, pieces or build_pieces(settings)), runner)
