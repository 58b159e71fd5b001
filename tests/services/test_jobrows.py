"""The one durable-job life cycle, on both kinds of job it runs today (capture and export), on each database."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from factcheck import jobs, registry
from factcheck.errors import Unavailable
from factcheck.models import Capture, JobState
from factcheck.services import capture, exports, jobrows, review, sources
from factcheck.services import sweep as sweeper
from tests.builders import Doorbell, article, claims_of

SWEEP = dict(stuck_after=timedelta(minutes=5), queued_after=timedelta(minutes=1))


def _capture_job(session, people) -> int:
    eve = people["eve"]
    claim = next(c for c in claims_of(session, article(session, by=eve)) if c.status == "new")
    review.assign(session, claim=claim, assignee=eve, actor=eve, expected_version=claim.version)
    session.commit()
    src = sources.add_source(session, claim=claim, url="https://stats.example.org/ferry", actor=eve)
    session.commit()
    return session.exec(select(Capture.id).where(Capture.source_id == src.id)).one()


def _export_job(session, people) -> int:
    export = exports.request_export(session, actor=people["eve"], fmt="csv", params={"status": "all"})
    session.commit()
    return export.id


KINDS = {"capture": (capture.KIND, _capture_job), "export": (exports.KIND, _export_job)}


@pytest.fixture(params=sorted(KINDS))
def job(request, session, people):
    kind, make = KINDS[request.param]
    return kind, make(session, people)


def _row(session, kind, job_id):
    session.expire_all()
    return session.get(kind.model, job_id)


def _age(session, kind, job_id, **ago):
    """Move the row's heartbeat back in time, as a worker that stopped beating would leave it."""
    m = kind.model
    session.execute(update(m).where(m.id == job_id).values(updated_at=jobrows.db_now(session) - timedelta(**ago)))
    session.commit()


def test_every_kind_of_job_has_the_same_fields_and_words(job, session):
    kind, job_id = job
    row = _row(session, kind, job_id)
    assert (row.state, row.attempts, row.reason, row.next_try_at) == (JobState.queued, 0, "", None)
    assert kind.task in jobs.ROUTES and kind in sweeper.KINDS


def test_a_job_is_claimed_once_and_every_write_names_the_attempt(job, session):
    kind, job_id = job
    assert jobrows.claim(session, kind, job_id) == 1
    assert jobrows.claim(session, kind, job_id) is None  # a duplicate message finds it taken
    assert jobrows.finish(session, kind, job_id, 2) is False  # not our attempt: nothing changes
    assert _row(session, kind, job_id).state == JobState.running
    assert jobrows.finish(session, kind, job_id, 1) is True
    assert _row(session, kind, job_id).state == JobState.done
    assert jobrows.claim(session, kind, job_id) is None  # done is done


def test_a_silent_job_is_handed_back_and_a_late_writer_changes_nothing(job, session):
    kind, job_id = job
    assert jobrows.claim(session, kind, job_id) == 1
    assert jobrows.sweep(session, kind, **SWEEP) == []  # running and recently touched: alive
    _age(session, kind, job_id, minutes=6)
    assert jobrows.sweep(session, kind, **SWEEP) == [job_id]
    row = _row(session, kind, job_id)
    assert row.state == JobState.queued and f"mid-{kind.noun}" in row.reason
    assert jobrows.claim(session, kind, job_id) == 2
    assert jobrows.finish(session, kind, job_id, 1, state=JobState.failed.value) is False  # the dead one, late
    assert jobrows.finish(session, kind, job_id, 2) is True


def test_a_job_cut_off_too_often_fails_with_a_reason(job, session):
    kind, job_id = job
    m = kind.model
    session.execute(update(m).where(m.id == job_id).values(state="running", attempts=kind.max_attempts))
    session.commit()
    _age(session, kind, job_id, minutes=10)
    assert jobrows.sweep(session, kind, **SWEEP) == []
    row = _row(session, kind, job_id)
    assert row.state == JobState.failed and f"the {kind.noun} was cut off {kind.max_attempts} times" in row.reason


def test_the_heartbeat_keeps_a_long_job_alive_and_only_for_its_own_attempt(job, session, engine):
    kind, job_id = job
    assert jobrows.claim(session, kind, job_id) == 1
    _age(session, kind, job_id, hours=1)
    with jobrows.Heartbeat(engine, kind, job_id=job_id, attempt=2, every=0.05):
        time.sleep(0.3)  # another attempt's beat changes nothing
    assert _row(session, kind, job_id).updated_at < jobrows.db_now(session) - timedelta(minutes=30)
    with jobrows.Heartbeat(engine, kind, job_id=job_id, attempt=1, every=0.05):
        time.sleep(0.3)
        assert jobrows.sweep(session, kind, **SWEEP) == []
    assert _row(session, kind, job_id).state == JobState.running


def test_a_passing_failure_waits_with_backoff_then_gives_up(job, session):
    kind, job_id = job
    for attempt in range(1, kind.max_attempts + 1):
        m = kind.model
        session.execute(update(m).where(m.id == job_id).values(next_try_at=jobrows.db_now(session)))
        session.commit()
        assert jobrows.claim(session, kind, job_id) == attempt
        state = jobrows.retry_later(session, kind, job_id, attempt, "The site answered 503.")
        row = _row(session, kind, job_id)
        if attempt < kind.max_attempts:
            assert state == row.state == JobState.retrying and row.next_try_at > jobrows.db_now(session)
            assert jobrows.claim(session, kind, job_id) is None  # not due yet
        else:
            assert state == row.state == JobState.failed
            assert row.reason == f"The site answered 503. Gave up after {attempt} attempts."


def test_run_fails_on_a_reason_for_a_person_and_retries_anything_else(job, session):
    kind, job_id = job

    def unavailable(attempt):
        raise Unavailable("Chromium is not installed on this server.")

    assert jobrows.run(session, kind, job_id, unavailable) == JobState.failed
    assert _row(session, kind, job_id).reason == "Chromium is not installed on this server."


@pytest.mark.parametrize("error, reason", [(KeyError("x"), "It failed unexpectedly (KeyError)."),
                                           (type("SoftTimeLimitExceeded", (Exception,), {})(),
                                            "It took longer than the time allowed for it and was stopped.")])
def test_run_retries_a_bug_or_a_time_limit_with_the_reason_shown(job, session, error, reason):
    kind, job_id = job

    def broken(attempt):
        raise error

    assert jobrows.run(session, kind, job_id, broken) == JobState.retrying
    row = _row(session, kind, job_id)
    assert (row.reason, row.attempts) == (reason, 1)


def test_release_after_an_outage_is_a_compare_and_set(job, session):
    kind, job_id = job
    assert jobrows.claim(session, kind, job_id) == 1
    assert jobrows.release(session, kind, job_id, 2, "stale") is False
    assert jobrows.release(session, kind, job_id, 1, "The database went away.") is True
    assert _row(session, kind, job_id).state == JobState.queued
    assert jobrows.release(session, kind, job_id, 1, "again") is False


def test_the_sweep_rings_for_every_kind_on_its_queue(session, people):
    ids = {kind.task: make(session, people) for kind, make in KINDS.values()}
    for kind, _ in KINDS.values():
        _age(session, kind, ids[kind.task], minutes=2)
    bell = Doorbell()
    session.info["jobs"] = bell
    assert sweeper.sweep_jobs(session, **SWEEP) == 2
    assert sorted(bell.sent) == sorted((task, (job_id,)) for task, job_id in ids.items())
    assert {jobs.queue_for(task) for task in ids} == {jobs.CAPTURES, jobs.EXPORTS}


# --- the registry -------------------------------------------------------------------------------------------

def test_every_task_name_has_one_service_function_limits_and_a_queue(settings):
    specs = registry.task_specs(settings, registry.build_pieces(settings))
    assert set(specs) == set(jobs.ROUTES) == {jobs.ARCHIVE_SOURCE, jobs.BUILD_EXPORT, jobs.SWEEP, jobs.RECHECK,
                                              jobs.TIMESTAMP_EVIDENCE, jobs.MATCH_CLAIMS, jobs.DELIVER_WEBHOOK,
                                              jobs.REMIND_DUE, jobs.SEND_EMAIL, jobs.SEND_DIGESTS, jobs.READ_FEEDS}
    for name, spec in specs.items():
        assert 0 < spec.soft_limit < spec.hard_limit, name
        assert jobs.queue_for(name) in jobs.QUEUES
    assert specs[jobs.ARCHIVE_SOURCE].soft_limit == settings.capture_time_limit
    assert specs[jobs.BUILD_EXPORT].soft_limit == settings.export_time_limit


@pytest.fixture
def embedded_app(tmp_path, database_url, engine):
    from factcheck import create_app
    from factcheck.config import Settings

    app = create_app(Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                        "FACTCHECK_RUN_JOBS": "1"}, instance_dir=tmp_path / "instance"),
                     engine=engine)
    yield app
    app.extensions["factcheck.jobs"].shutdown()


def test_the_shared_pieces_are_built_once_per_process(embedded_app):
    store = embedded_app.extensions["factcheck.archive"]
    assert embedded_app.extensions["factcheck.export_config"].store is store
    runner = embedded_app.extensions["factcheck.jobs"]
    assert set(runner.tasks) == set(jobs.ROUTES)


def test_the_embedded_runner_keeps_a_pool_per_queue(embedded_app):
    runner = embedded_app.extensions["factcheck.jobs"]
    assert set(runner.pools) == set(jobs.QUEUES)
    assert runner.pools[jobs.CAPTURES] is not runner.pools[jobs.EXPORTS]


def test_the_celery_app_routes_limits_and_keeps_beat_files_in_the_instance_folder(tmp_path, database_url):
    from factcheck import create_app
    from factcheck.config import Settings
    from workers.factory import make_celery

    settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                  "FACTCHECK_REDIS_URL": "redis://127.0.0.1:6379/15", "FACTCHECK_RUN_JOBS": "0",
                                  "FACTCHECK_CAPTURE_TIME_LIMIT": "40"}, instance_dir=tmp_path / "instance")
    celery = make_celery(create_app(settings))
    conf = celery.conf
    assert {q.name for q in conf.task_queues} == set(jobs.QUEUES)
    assert conf.task_routes[jobs.ARCHIVE_SOURCE] == {"queue": jobs.CAPTURES}
    assert conf.task_routes[jobs.BUILD_EXPORT] == {"queue": jobs.EXPORTS}
    assert conf.worker_prefetch_multiplier == 1 and conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.beat_schedule_filename == str(tmp_path / "instance" / "celerybeat-schedule")
    task = celery.tasks[jobs.ARCHIVE_SOURCE]
    assert (task.soft_time_limit, task.time_limit) == (40, 55)
    longest = max(celery.tasks[name].time_limit for name in jobs.ROUTES)
    assert conf.broker_transport_options["visibility_timeout"] > longest


def test_each_celery_app_keeps_its_own_task_limits(tmp_path, database_url):
    """Tasks are not shared between apps: an app made after another with other limits still has its own (a shared
    task was added to every later app, and which limits won depended on the order of a set)."""
    from factcheck import create_app
    from factcheck.config import Settings
    from workers.factory import make_celery

    def app(**extra):
        return make_celery(create_app(Settings.from_env({
            "FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_REDIS_URL": "redis://127.0.0.1:6379/15",
            "FACTCHECK_RUN_JOBS": "0", **extra}, instance_dir=tmp_path / "instance")))

    assert app().tasks[jobs.ARCHIVE_SOURCE].soft_time_limit != 40
    for _ in range(6):
        task = app(FACTCHECK_CAPTURE_TIME_LIMIT="40").tasks[jobs.ARCHIVE_SOURCE]
        assert (task.soft_time_limit, task.time_limit) == (40, 55)
