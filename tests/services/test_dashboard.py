"""Dashboard figures, on SQLite and PostgreSQL. Rows are set up directly: the review services are elsewhere."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from factcheck.models import Article, Claim, User, Verdict
from factcheck.services.dashboard import desk_stats

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=timezone.utc)
SCALE = ["True", "Mostly true", "Misleading", "False"]


@pytest.fixture
def desk(session, people):
    a = Article(title="Ferry terminal opens", body="Port Alder opened a terminal.", created_by_id=people["eve"].id)
    session.add(a)
    session.commit()

    def claim(status="new", *, created=NOW - timedelta(days=1), published=None, assignee=None, due=None):
        c = Claim(article_id=a.id, start=0, end=5, original_text="Port", text="Port", score=0.9, status=status,
                  created_at=created, published_at=published, assignee_id=assignee.id if assignee else None,
                  due_at=due)
        session.add(c)
        session.commit()
        return c

    def verdict(c, rating):
        session.add(Verdict(claim_id=c.id, rating=rating, rationale="because"))
        session.commit()

    return claim, verdict


def test_empty_desk(session, people):
    stats = desk_stats(session, rating_scale=SCALE, now=NOW)
    assert stats.by_status == [("new", 0), ("in_progress", 0), ("in_review", 0), ("published", 0), ("dismissed", 0)]
    assert stats.by_rating == [(r, 0) for r in SCALE]
    assert len(stats.published_per_day) == 30 and all(n == 0 for _, n in stats.published_per_day)
    assert stats.workload == [("Carl", 0, 0, 0), ("Cora", 0, 0, 0)]
    assert stats.median_new_to_published is None
    assert stats.total_claims == 0


def test_by_status_in_life_cycle_order_without_candidates(session, desk):
    claim, _ = desk
    for status in ["candidate", "candidate", "new", "in_review", "in_review", "dismissed"]:
        claim(status)
    stats = desk_stats(session, rating_scale=SCALE, now=NOW)
    assert stats.by_status == [("new", 1), ("in_progress", 0), ("in_review", 2), ("published", 0), ("dismissed", 1)]
    assert stats.total_claims == 4


def test_by_rating_uses_the_latest_verdict_of_published_claims(session, desk):
    claim, verdict = desk
    a = claim("published", published=NOW)
    verdict(a, "True")
    verdict(a, "False")                       # the later verdict wins
    b = claim("published", published=NOW)
    verdict(b, "Misleading")
    c = claim("published", published=NOW)
    verdict(c, "Pants on fire")               # a label no longer on the scale comes after it
    d = claim("in_review")
    verdict(d, "True")                        # not published: not counted
    claim("published", published=NOW)         # published without a verdict: not counted
    stats = desk_stats(session, rating_scale=SCALE, now=NOW)
    assert stats.by_rating == [("True", 0), ("Mostly true", 0), ("Misleading", 1), ("False", 1),
                               ("Pants on fire", 1)]


def test_published_per_day_covers_thirty_days_ending_today(session, desk):
    claim, _ = desk
    claim("published", published=NOW - timedelta(hours=1))
    claim("published", published=datetime(2025, 6, 15, 0, 0, tzinfo=timezone.utc))   # midnight counts as today
    claim("published", published=NOW - timedelta(days=3))
    claim("published", published=datetime(2025, 5, 17, 0, 0, 1, tzinfo=timezone.utc))  # first day of the window
    claim("published", published=datetime(2025, 5, 16, 23, 59, tzinfo=timezone.utc))  # the day before: out
    # An offset timestamp is bucketed by its UTC day: 01:30 at +02:00 is 23:30 UTC the day before.
    claim("published", published=datetime(2025, 6, 14, 1, 30, tzinfo=timezone(timedelta(hours=2))))
    per_day = dict(desk_stats(session, rating_scale=SCALE, now=NOW).published_per_day)
    days = list(per_day)
    assert days[0] == date(2025, 5, 17) and days[-1] == date(2025, 6, 15) and days == sorted(days)
    assert per_day[date(2025, 6, 15)] == 2
    assert per_day[date(2025, 6, 12)] == 1
    assert per_day[date(2025, 6, 13)] == 1
    assert per_day[date(2025, 5, 17)] == 1
    assert sum(per_day.values()) == 5


def test_median_over_the_last_ninety_days(session, desk):
    claim, _ = desk
    for hours in [10, 30, 50, 1000]:
        claim("published", created=NOW - timedelta(days=5, hours=hours), published=NOW - timedelta(days=5))
    claim("published", created=NOW - timedelta(days=200), published=NOW - timedelta(days=100))   # too old
    stats = desk_stats(session, rating_scale=SCALE, now=NOW)
    assert stats.median_new_to_published == timedelta(hours=40)


def test_workload_per_active_checker(session, people, desk, password_hash):
    claim, _ = desk
    carl, cora = people["carl"], people["cora"]
    claim("in_progress", assignee=carl, due=NOW - timedelta(hours=1))     # overdue
    claim("in_progress", assignee=carl, due=NOW + timedelta(days=1))
    claim("in_review", assignee=carl)
    claim("new", assignee=carl, due=NOW - timedelta(days=2))              # open and overdue
    claim("published", published=NOW, assignee=carl, due=NOW - timedelta(days=2))   # done: not overdue
    claim("in_review", assignee=cora)
    claim("in_progress", assignee=people["eve"])                          # editors are not on the chart
    gone = User(username="old", display_name="Old Timer", role="checker", active=False, password_hash=password_hash)
    session.add(gone)
    session.commit()
    claim("in_progress", assignee=gone)
    stats = desk_stats(session, rating_scale=SCALE, now=NOW)
    assert stats.workload == [("Carl", 2, 1, 2), ("Cora", 0, 1, 0)]


def test_a_handful_of_queries(session, desk, engine):
    claim, verdict = desk
    for i in range(40):
        c = claim("published", published=NOW - timedelta(days=i))
        verdict(c, "True")
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        desk_stats(session, rating_scale=SCALE, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) <= 6


def test_defaults_to_now(session, desk):
    claim, _ = desk
    claim("published", published=datetime.now(timezone.utc))
    stats = desk_stats(session, rating_scale=SCALE)
    assert sum(n for _, n in stats.published_per_day) == 1
    assert stats.published_per_day[-1][0] in {datetime.now(timezone.utc).date() - timedelta(days=d) for d in (0, 1)}
