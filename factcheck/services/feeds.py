"""ClaimReview feeds: addresses an admin configures that serve other organisations' fact-checks (JSON, or a page with
structured data), re-read on a schedule by a periodic job (`factcheck.read_factcheck_feeds`).

Politely: each feed at most once per its interval (never under MIN_MINUTES), a conditional GET (If-None-Match /
If-Modified-Since from the last answer's ETag / Last-Modified; a 304 reads nothing), a Retry-After honoured, and a
failing feed waits longer after each failure in a row (up to a day). Every request goes through the safe fetcher
(the same blocked ranges, redirect rules, time and size bounds as captures). One feed failing never stops the
others; its reason and when are kept on its row for the admin page. Claiming a feed is a compare-and-set on
`next_read_at`, so two runs of the job (a beat tick and a "read now") never read it twice.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from factcheck import workflow
from factcheck.errors import NotFound, ValidationError
from factcheck.models import FactcheckFeed, User, utcnow
from factcheck.services import factchecks

log = logging.getLogger(__name__)

MIN_MINUTES = 15
MAX_MINUTES = 7 * 24 * 60
BACKOFF_CAP = timedelta(days=1)
MAX_URL = 2048


def listing(session: Session) -> list[FactcheckFeed]:
    return list(session.exec(select(FactcheckFeed).order_by(FactcheckFeed.id)))


def get(session: Session, *, feed_id: int) -> FactcheckFeed:
    feed = session.get(FactcheckFeed, feed_id)
    if feed is None:
        raise NotFound(f"There is no feed #{feed_id}.")
    return feed


def create(session: Session, *, url: str, every_minutes: int | None, actor: User, policy) -> FactcheckFeed:
    """A new feed, read at the job's next run. Its address must be one the fetcher may reach (checked now, and again
    at every read)."""
    from factcheck.archive.fetcher import FetchError, check_destination
    from factcheck.services.urls import validate_url

    workflow.require(actor.role, "manage_feeds")
    url = validate_url(url or "", field_name="url") or ""
    if not url:
        raise ValidationError("Give the feed's address.", fields={"url": "Required."})
    if len(url) > MAX_URL:
        raise ValidationError(f"The address is over {MAX_URL} characters.", fields={"url": "Too long."})
    every = every_minutes or 60
    if not MIN_MINUTES <= every <= MAX_MINUTES:
        message = f"Read it every {MIN_MINUTES} minutes at the most often, and at least once a week."
        raise ValidationError(message, fields={"every_minutes": message})
    try:
        check_destination(url, policy)
    except FetchError as exc:
        raise ValidationError(exc.reason, fields={"url": exc.reason}) from None
    if session.exec(select(FactcheckFeed.id).where(FactcheckFeed.url == url)).first() is not None:
        raise ValidationError("That feed is already configured.", fields={"url": "Already a feed."})
    feed = FactcheckFeed(url=url, every_minutes=every, created_by_id=actor.id)
    session.add(feed)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ValidationError("That feed is already configured.", fields={"url": "Already a feed."}) from None
    return feed


def set_active(session: Session, *, feed_id: int, active: bool, actor: User) -> FactcheckFeed:
    workflow.require(actor.role, "manage_feeds")
    feed = get(session, feed_id=feed_id)
    feed.active = active
    if active:
        feed.next_read_at = None   # switched on again: read at the next run
    session.add(feed)
    return feed


def remove(session: Session, *, feed_id: int, actor: User) -> str:
    """Remove a feed; the fact-checks it brought in stay."""
    workflow.require(actor.role, "manage_feeds")
    feed = get(session, feed_id=feed_id)
    session.delete(feed)
    return feed.url


def _claim(session: Session, feed_id: int, now: datetime, *, force: bool) -> FactcheckFeed | None:
    """Take the feed for one read (compare-and-set on next_read_at), or None when it is not due or another run has
    it. Committed at once: the read happens outside any transaction."""
    feed = session.get(FactcheckFeed, feed_id)
    if feed is None or not feed.active:
        return None
    query = update(FactcheckFeed).where(FactcheckFeed.id == feed_id, FactcheckFeed.active.is_(True))
    if force:   # "read now": not while another run is reading it (the last minute), whatever the schedule
        query = query.where(or_(FactcheckFeed.last_tried_at.is_(None),
                                FactcheckFeed.last_tried_at <= now - timedelta(minutes=1)))
    else:
        query = query.where(or_(FactcheckFeed.next_read_at.is_(None), FactcheckFeed.next_read_at <= now))
    claimed = session.execute(query.values(last_tried_at=now,
                                           next_read_at=now + timedelta(minutes=feed.every_minutes))).rowcount
    session.commit()
    if not claimed:
        return None
    session.refresh(feed)
    return feed


def _retry_after(headers) -> float | None:
    from factcheck.archive.fetcher import retry_after_seconds

    return retry_after_seconds(headers)


def read_feed(session: Session, *, feed_id: int, policy, now: datetime | None = None,
              force: bool = False) -> FactcheckFeed | None:
    """Read one feed if it is due (or at once with `force`), store what it serves, record the outcome. None when
    it was not read (not due, switched off, or being read by another run)."""
    from factcheck.archive.fetcher import FetchError, fetch

    now = now or utcnow()
    feed = _claim(session, feed_id, now, force=force)
    if feed is None:
        return None
    conditional = tuple((name, value) for name, value in (("If-None-Match", feed.etag),
                                                           ("If-Modified-Since", feed.last_modified)) if value)
    wait = None
    try:
        try:
            result = fetch(feed.url, policy, headers=factchecks.ACCEPT + conditional)
        except FetchError as exc:
            raise ValidationError(exc.reason) from None
        if result.status == 304:
            _succeeded(feed, now, "not_modified", 0, 0)
        elif result.status >= 300:
            wait = _retry_after(result.headers) if result.status in (429, 503) else None
            raise ValidationError(f"The feed answered {result.status}.")
        else:
            found = factchecks.parse_page(result.body, content_type=result.content_type, url=result.final_url)
            added, known = factchecks.store(session, found, actor=None)
            _succeeded(feed, now, "imported", added, known)
            header = {k.lower(): v for k, v in result.headers}
            feed.etag = header.get("etag", "")[:512]
            feed.last_modified = header.get("last-modified", "")[:128]
    except ValidationError as exc:
        session.rollback()
        _failed(session, feed, now, exc.message, wait)
    except Exception as exc:   # a bug reading one feed must not stop the others; it is logged
        session.rollback()
        log.exception("reading feed #%s failed", feed.id)
        _failed(session, feed, now, f"An unexpected error ({type(exc).__name__}); the log has the details.", wait)
    session.add(feed)
    session.commit()
    return feed


def _succeeded(feed: FactcheckFeed, now: datetime, outcome: str, added: int, known: int) -> None:
    feed.last_outcome, feed.last_read_at, feed.last_added, feed.last_known = outcome, now, added, known
    feed.last_error, feed.failures = "", 0


def _failed(session: Session, feed: FactcheckFeed, now: datetime, reason: str, wait: float | None) -> None:
    session.refresh(feed)
    feed.failures += 1
    feed.last_outcome, feed.last_error, feed.failed_at = "failed", reason[:2000], now
    backoff = min(timedelta(minutes=feed.every_minutes) * 2 ** min(feed.failures - 1, 10), BACKOFF_CAP)
    feed.next_read_at = now + max(backoff, timedelta(seconds=min(wait or 0, BACKOFF_CAP.total_seconds())))


def read_due_feeds(session: Session, *, policy, now: datetime | None = None) -> int:
    """The periodic job: read every active feed that is due, one after another. The number read."""
    now = now or utcnow()
    due = list(session.exec(select(FactcheckFeed.id).where(
        FactcheckFeed.active.is_(True),
        or_(FactcheckFeed.next_read_at.is_(None), FactcheckFeed.next_read_at <= now)).order_by(FactcheckFeed.id)))
    session.commit()
    return sum(read_feed(session, feed_id=feed_id, policy=policy, now=now) is not None for feed_id in due)
