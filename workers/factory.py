"""The Celery app of the distributed mode, built from the Flask app and the task registry.

Each task name of `factcheck.jobs` is registered under its explicit, stable name with the service function the
registry maps it to, its queue (captures, exports, default) and its time limits. Tasks are thin: they take ids,
run inside an app context, and leave every rule to the factcheck services.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from celery import Celery, Task
from flask import Flask
from kombu import Queue

from factcheck import jobs, registry
from factcheck.config import ConfigError
from factcheck.db import database_unavailable

log = logging.getLogger(__name__)


class CeleryDoorbell:
    """The runner a job's session rings from inside a worker: the same names, the same queues."""

    def __init__(self, celery: Celery) -> None:
        self.celery = celery

    def enqueue(self, name: str, *args) -> None:
        self.celery.send_task(name, args=list(args), retry=False, queue=jobs.queue_for(name))  # fail fast


def make_celery(flask_app: Flask) -> Celery:
    settings = flask_app.extensions["factcheck.settings"]
    if not settings.redis_url:
        raise ConfigError("Celery workers need FACTCHECK_REDIS_URL (distributed mode); "
                          "in embedded mode the web process runs background jobs itself.")

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with flask_app.app_context():
                try:
                    return self.run(*args, **kwargs)
                except Exception as exc:
                    again = jobs.run_again_with(self.name, args, kwargs, exc)
                    if again is not None:  # the database went away: the same rule as the embedded runner
                        raise self.retry(args=list(again[0]), kwargs=again[1], countdown=jobs.DB_RETRY_SECONDS,
                                         max_retries=jobs.DB_MAX_RETRIES, exc=exc)
                    if database_unavailable(exc):  # a periodic job: the next tick of the schedule is the retry
                        log.warning("%s skipped: the database is unavailable", self.name)
                        return None
                    raise

    specs = registry.task_specs(settings, registry.build_pieces(settings,
                                                                store=flask_app.extensions["factcheck.archive"]))
    longest = max(spec.hard_limit or 0 for spec in specs.values())
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    celery = Celery(flask_app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=settings.redis_url,
        result_backend=None,
        task_ignore_result=True,
        task_acks_late=True,               # a killed worker's message is redelivered, not lost
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,      # a worker holds no more than it runs: long jobs never hoard messages
        broker_connection_retry_on_startup=True,
        # Redelivery of an unacknowledged message waits this long; it must outlast the longest job, or a job still
        # running would be delivered twice (harmless, its claim fails, but wasted). A dead worker's jobs are
        # recovered sooner by the sweep, through their heartbeats.
        broker_transport_options={"visibility_timeout": int(longest) + 60},
        task_queues=[Queue(name) for name in jobs.QUEUES],   # a worker without -Q consumes every queue
        task_default_queue=jobs.DEFAULT,
        task_routes={name: {"queue": queue} for name, queue in jobs.ROUTES.items()},
        timezone="UTC",
        beat_schedule_filename=str(settings.instance_dir / "celerybeat-schedule"),
        beat_schedule={
            "sweep-jobs": {"task": jobs.SWEEP, "schedule": timedelta(seconds=settings.sweep_every)},
            "recheck-sources": {"task": jobs.RECHECK, "schedule": timedelta(hours=1)},
            "remind-due": {"task": jobs.REMIND_DUE, "schedule": timedelta(minutes=15)},
            "send-digests": {"task": jobs.SEND_DIGESTS, "schedule": timedelta(minutes=15)},
            "read-factcheck-feeds": {"task": jobs.READ_FEEDS, "schedule": timedelta(minutes=5)},
        },
    )
    doorbell = CeleryDoorbell(celery)
    bound = registry.bind(flask_app.extensions["factcheck.engine"], specs, doorbell)
    for name, fn in bound.items():
        spec = specs[name]
        # Not shared: a task belongs to this app alone (a shared one would be added to every app made after it, and
        # which app's limits a name ends with would depend on the order the apps were made in).
        celery.task(name=name, bind=False, shared=False, soft_time_limit=spec.soft_limit,
                    time_limit=spec.hard_limit)(fn)
    celery.set_default()
    flask_app.extensions["celery"] = celery
    return celery
