"""A Celery worker whose database goes away in the middle of a capture finishes the job once it returns,
without waiting for the stuck-job sweep: the task hands the job back (compare-and-set on its attempt
number) and tries again a few seconds later.

Real components: a private PostgreSQL cluster (initdb on a free loopback port; the machine's shared
cluster is never stopped), the machine's Redis, a `celery -A workers worker` subprocess and a loopback
site whose page stops PostgreSQL while the worker is fetching it.
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlmodel import Session

from factcheck import db
from factcheck.services import capture, jobrows
from tests.workers.test_celery_reliability import (  # noqa: F401 - fixtures, used by name
    add_source, claim, cluster, distributed_app, factcheck_env, page, redis, redis_db, redis_url, site)


@pytest.fixture(scope="module")
def pg(private_postgres):
    return private_postgres


@pytest.fixture(scope="module")
def database_url(pg):
    """Overrides the suite's database for this module: the private cluster, which this test may stop."""
    return pg.url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="module")
def migrated_engine(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def test_a_capture_cut_off_by_a_database_restart_is_retried_and_archived(engine, people, claim, site, cluster,
                                                                         factcheck_env, pg):
    body = page(site, "/story", "Harbour figures")
    served = site.pages["/story"]
    stopped = threading.Event()

    def stop_the_database_then_answer():
        if not stopped.is_set():
            pg.stop("fast")  # every session ends: the worker's next write finds no server
            stopped.set()
        return served

    site.pages["/story"] = stop_the_database_then_answer
    # The sweeper would rescue a stuck job after this long; no beat runs here anyway, so only the task's own
    # retry can finish the job within the wait below.
    cluster.env["FACTCHECK_JOB_STUCK_AFTER"] = "600"
    worker = cluster.worker(1)
    app = distributed_app(engine, factcheck_env)
    cap_id, delayed = add_source(engine, app.extensions["factcheck.jobs"], claim_id=claim.id,
                                 user_id=people["carl"].id, url=site.url("/story"))
    assert not delayed
    try:
        cluster.until(stopped.is_set, "the worker to fetch the page that stops PostgreSQL")
        cluster.until(lambda: "Interrupted" in worker.log(), "the worker to notice the outage")
        time.sleep(1)
    finally:
        if not pg.running():
            pg.start()

    cap = cluster.wait_state(cap_id, "done", timeout=60)
    cluster.assert_archived(cap, body)
    log = worker.log()
    assert "Retry in" in log, cluster.logs()
    # Attempt 1 was cut off after its claim; the retry handed it back and attempt 2 fetched the page again.
    assert (cap.attempts, site.hits["/story"]) == (2, 2), cluster.logs()

    # The hand-back is a compare-and-set on the attempt number: a stale one changes nothing.
    with Session(engine) as s:
        assert jobrows.release(s, capture.KIND, cap_id, 1, "stale") is False
        assert s.get(capture.Capture, cap_id).state == "done"
