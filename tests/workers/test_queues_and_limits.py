"""Celery as a newsroom deploys it, with real workers and Redis: a worker per queue keeps captures flowing while
a long PDF export builds, and a capture that hangs is stopped by its time limit and retried with a reason."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert
from sqlmodel import Session

from factcheck import jobs
from factcheck.models import Article, Claim, ClaimStatus, Event, Export, User, Verdict
from factcheck.services import exports
from tests.conftest import need
from tests.exports.test_report import chromium_path
from tests.workers.test_celery_reliability import (  # noqa: F401 - fixtures, used by name
    add_source, claim, cluster, distributed_app, factcheck_env, page, redis, redis_db, redis_url, site)


def published_article(engine, *, claims: int, editor_id: int, checker_id: int) -> int:
    """An article with `claims` published claims (verdict and sign-off each), inserted directly."""
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        article_id = conn.execute(insert(Article.__table__).values(
            title="Port Alder in numbers", url="https://news.example.org/port", byline="Jane Doe", body="x",
            boilerplate=[], threshold=0.5, created_by_id=editor_id, created_at=now)
            .returning(Article.__table__.c.id)).scalar_one()
        texts = [f"The port handled {1000 + i:,} ships in 2024, up {i % 40} per cent." for i in range(claims)]
        ids = conn.execute(insert(Claim.__table__).returning(Claim.__table__.c.id), [dict(
            article_id=article_id, start=i * 80, end=i * 80 + len(t), original_text=t, text=t, score=0.8,
            reasons=["number"], checkworthy=True, status=ClaimStatus.published.value, status_reason="", priority=0,
            version=3, published_at=now, created_at=now, updated_at=now) for i, t in enumerate(texts)]).scalars().all()
        conn.execute(insert(Verdict.__table__), [dict(
            claim_id=cid, rating="Mostly false", proposed_by_id=checker_id, created_at=now,
            rationale="Port records for 2024 list fewer arrivals.", claim_reviewed=f"The port figure {cid}.")
            for cid in ids])
        conn.execute(insert(Event.__table__), [dict(
            article_id=article_id, claim_id=cid, actor_id=editor_id, kind="status", field="status",
            old="in_review", new="published", detail={}, created_at=now) for cid in ids])
    return article_id


# Claims in the long export: enough that its PDF takes several times as long as a capture with a screenshot on
# a loaded two-core machine (200 claims now build in about two seconds, which a capture can outlast).
PDF_CLAIMS = 1000


def _pdf_export_then_captures(engine, people, claim, site, cluster, factcheck_env, *, queues: list[str]):
    """Start workers for `queues` (one each, concurrency 1), ask for a PDF_CLAIMS-claim PDF export and, once it is
    building, for three captures. Returns (export state when the first capture was archived, the workers)."""
    chromium = chromium_path()
    if not chromium:
        need("Chromium", "PDF reports need it")
    cluster.env.update(FACTCHECK_SCREENSHOTS="on", FACTCHECK_CHROMIUM=chromium)
    workers = [cluster.worker(i + 1, queues=q, wait=False) for i, q in enumerate(queues)]
    app = distributed_app(engine, factcheck_env)
    runner = app.extensions["factcheck.jobs"]
    article_id = published_article(engine, claims=PDF_CLAIMS, editor_id=people["eve"].id, checker_id=people["carl"].id)
    bodies = {f"/fig{i}": page(site, f"/fig{i}", f"Figures {i}") for i in range(3)}
    for w in workers:
        cluster.ready(w)
    with Session(engine, expire_on_commit=False, info={"jobs": runner}) as s:
        export = exports.request_export(s, actor=s.get(User, people["eve"].id), fmt="pdf", article_id=article_id)
        s.commit()
    cluster.until(lambda: _export(engine, export.id).state == "running", "the PDF export to start")
    caps = [add_source(engine, runner, claim_id=claim.id, user_id=people["carl"].id, url=site.url(path))[0]
            for path in bodies]
    first = cluster.wait_state(caps[0], "done", timeout=120, every=0.05)
    export_then = _export(engine, export.id).state
    for cap_id, path in zip(caps, bodies):
        cluster.assert_archived(cluster.wait_state(cap_id, "done", timeout=60), bodies[path])
    done = cluster.until(lambda: (e := _export(engine, export.id)).state in ("done", "failed") and e,
                         "the PDF export to finish", timeout=240, every=0.5)
    assert done.state == "done", done.reason
    assert first.state == "done"
    return export_then, workers


def test_captures_are_not_delayed_by_a_long_pdf_export(engine, people, claim, site, cluster, factcheck_env):
    """A worker per queue, as docker-compose.yml runs them: the capture is archived while the export builds."""
    export_then, (export_worker, capture_worker) = _pdf_export_then_captures(
        engine, people, claim, site, cluster, factcheck_env, queues=[jobs.EXPORTS, f"{jobs.CAPTURES},{jobs.DEFAULT}"])
    assert export_then == "running", cluster.logs()
    assert export_worker.count("factcheck.archive_source[") == 0  # each worker took only its own queue's work
    assert capture_worker.count("factcheck.build_export[") == 0


def test_one_busy_worker_for_every_queue_makes_captures_wait(engine, people, claim, site, cluster, factcheck_env):
    """The same work on a single worker process (`celery -A workers worker --concurrency 1`): the capture waits for
    the export. This is what the queue per kind of work prevents, and shows the test above can fail."""
    export_then, _ = _pdf_export_then_captures(engine, people, claim, site, cluster, factcheck_env,
                                               queues=[",".join(jobs.QUEUES)])
    assert export_then == "done", cluster.logs()


def _export(engine, export_id: int) -> Export:
    with Session(engine) as s:
        return s.get(Export, export_id)


def test_a_hung_capture_is_stopped_by_its_time_limit_and_retried_with_a_reason(engine, people, claim, site,
                                                                              cluster, factcheck_env):
    cluster.env.update(FACTCHECK_CAPTURE_TIME_LIMIT="2", FACTCHECK_FETCH_TIMEOUT="60")
    site.slow("/hangs", 30)
    worker = cluster.worker(1)
    app = distributed_app(engine, factcheck_env)
    cap_id, _ = add_source(engine, app.extensions["factcheck.jobs"], claim_id=claim.id, user_id=people["carl"].id,
                           url=site.url("/hangs"))
    started = time.monotonic()
    cap = cluster.wait_state(cap_id, "retrying", timeout=20)
    assert time.monotonic() - started < 12, cluster.logs()  # well before the page (30 s) or the fetch limit (60 s)
    assert cap.reason == "It took longer than the time allowed for it and was stopped.", (cap.reason, cluster.logs())
    assert cap.attempts == 1 and cap.next_try_at is not None
    assert worker.popen.poll() is None  # the worker lives on for the next job
    assert cap.next_try_at > datetime.now(timezone.utc) - timedelta(seconds=1)
