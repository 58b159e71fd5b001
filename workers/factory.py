from __future__ import annotations

import logging
from datetime import timedelta

from celery import Celery, Task
from flask import Flask

from factcheck import jobs
from factcheck.config import ConfigError
from factcheck.db import database_unavailable

log = logging.getLogger(__name__)


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

    celery = Celery(flask_app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=settings.redis_url,
        result_backend=None,
        task_ignore_result=True,
        task_acks_late=True,               # a killed worker's message is redelivered, not lost
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": int(settings.capture_stuck_after.total_seconds()) + 60},
        timezone="UTC",
        beat_schedule={
            "sweep-captures": {"task": jobs.SWEEP, "schedule": timedelta(seconds=settings.sweep_every)},
            "recheck-sources": {"task": jobs.RECHECK, "schedule": timedelta(hours=1)},
        },
    )

    def enqueue(name: str, *args) -> None:
        celery.send_task(name, args=list(args), retry=False)  # fail fast; the sweeper rings again

    # Thin tasks under explicit, stable names: load by id, call the factcheck job function.
    for name, fn in jobs.make_tasks(flask_app.extensions["factcheck.engine"], settings, enqueue).items():
        celery.task(name=name, bind=False)(fn)
    celery.set_default()
    flask_app.extensions["celery"] = celery
    return celery
