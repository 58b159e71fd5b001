"""ClaimReview feeds: re-read by the periodic job through the safe fetcher from a loopback site the test starts,
politely (an interval, a conditional GET, a backoff after failures), one failing feed never stopping the others."""
from datetime import timedelta

import pytest
from sqlmodel import select

from factcheck import jobs, registry
from factcheck.archive.fetcher import FetchPolicy
from factcheck.errors import PermissionDenied, ValidationError
from factcheck.models import ExternalFactCheck, FactcheckFeed, utcnow
from factcheck.services import feeds
from tests.factcheck_site import ClaimReviewSite, closed_port, jsonld, review


@pytest.fixture
def site():
    with ClaimReviewSite() as s:
        s.json("/feed.json", jsonld(review(1), review(2)), ETag='"v1"')
        s.json("/other.json", jsonld(review(3)))
        yield s


@pytest.fixture
def dead():
    return closed_port()


@pytest.fixture
def policy(site, dead):
    return FetchPolicy(allow=frozenset({("127.0.0.1", site.port), ("127.0.0.1", dead)}), total_timeout=5)


def add(session, people, policy, url, every=None):
    feed = feeds.create(session, url=url, every_minutes=every, actor=people["ada"], policy=policy)
    session.commit()
    return feed


def test_feeds_are_read_politely_and_a_broken_one_does_not_stop_the_others(session, people, site, dead, policy):
    broken = add(session, people, policy, f"http://127.0.0.1:{dead}/feed.json")
    good = add(session, people, policy, site.url("/feed.json"))
    now = utcnow()
    assert feeds.read_due_feeds(session, policy=policy, now=now) == 2
    session.expire_all()
    good, broken = session.get(FactcheckFeed, good.id), session.get(FactcheckFeed, broken.id)
    assert (good.last_outcome, good.last_added, good.last_known, good.etag) == ("imported", 2, 0, '"v1"')
    assert good.last_read_at is not None and good.last_error == ""
    assert broken.last_outcome == "failed" and "Could not connect" in broken.last_error
    assert broken.failed_at is not None and broken.failures == 1 and broken.last_read_at is None
    assert len(session.exec(select(ExternalFactCheck)).all()) == 2

    # Not again before the interval; after it, a conditional GET that the site answers 304.
    assert feeds.read_due_feeds(session, policy=policy, now=now + timedelta(minutes=30)) == 0
    assert feeds.read_due_feeds(session, policy=policy, now=now + timedelta(minutes=61)) == 2
    session.expire_all()
    good, broken = session.get(FactcheckFeed, good.id), session.get(FactcheckFeed, broken.id)
    assert site.requests[-1][1]["if-none-match"] == '"v1"'
    assert good.last_outcome == "not_modified" and good.etag == '"v1"' and good.last_added == 0
    assert broken.failures == 2   # and now it waits twice its interval
    assert feeds.read_due_feeds(session, policy=policy, now=now + timedelta(minutes=125)) == 1
    session.expire_all()
    assert session.get(FactcheckFeed, broken.id).failures == 2
    assert len(session.exec(select(ExternalFactCheck)).all()) == 2


def test_a_changed_feed_adds_only_what_is_new(session, people, site, policy):
    feed = add(session, people, policy, site.url("/feed.json"))
    feeds.read_feed(session, feed_id=feed.id, policy=policy)
    site.json("/feed.json", jsonld(review(1), review(2), review(9)), ETag='"v2"')
    feed = feeds.read_feed(session, feed_id=feed.id, policy=policy, force=True, now=utcnow() + timedelta(minutes=2))
    assert (feed.last_outcome, feed.last_added, feed.last_known, feed.etag) == ("imported", 1, 2, '"v2"')


def test_a_feed_serving_garbage_says_why_and_imports_nothing(session, people, site, policy):
    site.pages["/feed.json"] = (200, {"Content-Type": "application/json"}, b"<script>alert(1)</script>")
    feed = add(session, people, policy, site.url("/feed.json"))
    feed = feeds.read_feed(session, feed_id=feed.id, policy=policy)
    assert feed.last_outcome == "failed" and "not JSON" in feed.last_error
    site.pages["/feed.json"] = (503, {"Retry-After": "36000"}, b"busy")
    feed = feeds.read_feed(session, feed_id=feed.id, policy=policy, force=True, now=utcnow() + timedelta(minutes=2))
    assert feed.last_error == "The feed answered 503." and feed.failures == 2
    assert feed.next_read_at >= utcnow() + timedelta(hours=9)   # Retry-After honoured (beyond the backoff)
    assert session.exec(select(ExternalFactCheck)).all() == []


def test_switched_off_feeds_are_not_read_and_two_runs_never_read_one_twice(session, people, site, policy):
    feed = add(session, people, policy, site.url("/feed.json"))
    feeds.set_active(session, feed_id=feed.id, active=False, actor=people["ada"])
    session.commit()
    assert feeds.read_due_feeds(session, policy=policy) == 0
    feeds.set_active(session, feed_id=feed.id, active=True, actor=people["ada"])
    session.commit()
    assert feeds.read_feed(session, feed_id=feed.id, policy=policy) is not None
    assert feeds.read_feed(session, feed_id=feed.id, policy=policy) is None            # not due
    assert feeds.read_feed(session, feed_id=feed.id, policy=policy, force=True) is None  # just read by a run
    assert len([p for p, _ in site.requests if p == "/feed.json"]) == 1


@pytest.mark.parametrize("url, every, says", [
    ("http://10.0.0.8/feed.json", None, "private network"),
    ("http://169.254.169.254/", None, "link-local"),
    ("file:///etc/passwd", None, "Only http:// and https://"),
    ("https://feeds.example.org/x", 5, "every 15 minutes"),
])
def test_feeds_the_fetcher_may_not_reach_are_refused(session, people, policy, url, every, says):
    with pytest.raises(ValidationError, match=says):
        feeds.create(session, url=url, every_minutes=every, actor=people["ada"], policy=policy)


def test_only_admins_configure_feeds(session, people, site, policy):
    with pytest.raises(PermissionDenied, match="admin"):
        feeds.create(session, url=site.url("/feed.json"), every_minutes=None, actor=people["eve"], policy=policy)


def test_the_feed_job_is_registered_and_scheduled(settings, tmp_path, database_url):
    from factcheck import create_app
    from factcheck.config import Settings
    from workers.factory import make_celery

    assert jobs.READ_FEEDS in registry.task_specs(settings, registry.build_pieces(settings))
    assert jobs.READ_FEEDS in jobs.PERIODIC and jobs.queue_for(jobs.READ_FEEDS) == jobs.DEFAULT
    celery = make_celery(create_app(Settings.from_env({
        "FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_REDIS_URL": "redis://127.0.0.1:6379/15",
        "FACTCHECK_RUN_JOBS": "0"}, instance_dir=tmp_path / "instance")))
    beat = {entry["task"]: entry["schedule"] for entry in celery.conf.beat_schedule.values()}
    assert beat[jobs.READ_FEEDS] <= timedelta(minutes=feeds.MIN_MINUTES)
    embedded = create_app(Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                             "FACTCHECK_RUN_JOBS": "1"}, instance_dir=tmp_path / "embedded"))
    try:
        runner = embedded.extensions["factcheck.jobs"]
        assert runner._periodic[jobs.READ_FEEDS] <= feeds.MIN_MINUTES * 60 and jobs.READ_FEEDS in runner.tasks
    finally:
        runner.shutdown()
