"""Celery for the distributed mode: `celery -A workers worker` and `celery -A workers beat`.

The Celery app is initialised from the Flask app (Flask's own pattern), so every task runs
inside an app context with the same settings and database as the web process. Tasks are thin:
they load rows by id and call factcheck services; they are registered under explicit, stable
names so a rename never strands queued messages.
"""
from __future__ import annotations

from workers.factory import make_celery

__all__ = ["make_celery", "celery"]


def __getattr__(name: str):
    # `celery -A workers` looks up `workers.celery`; build it on first use, never at import.
    if name in {"celery", "app"}:
        global celery
        from factcheck import create_app

        celery = make_celery(create_app())
        return celery
    raise AttributeError(name)
