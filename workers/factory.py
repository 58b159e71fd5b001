from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from factcheck.config import ConfigError


def make_celery(flask_app: Flask) -> Celery:
    settings = flask_app.extensions["factcheck.settings"]
    if not settings.redis_url:
        raise ConfigError("Celery workers need FACTCHECK_REDIS_URL (distributed mode); "
                          "in embedded mode the web process runs background jobs itself.")

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with flask_app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(flask_app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=settings.redis_url,
        result_backend=None,
        task_ignore_result=True,
        task_acks_late=True,               # a killed worker's job is redelivered, not lost
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="UTC",
    )
    celery.set_default()
    flask_app.extensions["celery"] = celery
    return celery
