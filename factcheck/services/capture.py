"""Capturing a cited URL: claim the job, fetch safely, keep the evidence, record the outcome.

The job's row is the truth. A worker claims it with a compare-and-set update (zero rows means
someone else has it, or it is done), so a duplicate message or a redelivery never produces a
second capture. Transient failures wait in `retrying` until their next try; the sweeper rings
the doorbell again for those, and for rows stuck in `queued` or `fetching`.
"""
from __future__ import annotations

import hashlib
import random
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, or_, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from factcheck.errors import JobInterrupted
from factcheck.models import Capture, CaptureState, Source

MAX_ATTEMPTS = 5
BASE_BACKOFF = 10.0      # seconds; doubled each attempt, with jitter
MAX_BACKOFF = 3600.0
PERMANENT_STATUSES = {400, 401, 403, 404, 405, 406, 410, 451}
HTTP_REASONS = {404: "Not Found", 410: "Gone", 403: "Forbidden", 401: "Unauthorized", 451: "Unavailable For Legal Reasons"}


@dataclass(frozen=True)
class CaptureConfig:
    policy: object                       # factcheck.archive.fetcher.FetchPolicy
    archive_dir: Path
    chromium: str | None = None          # path to Chromium for screenshots; None = skip them
    stuck_after: timedelta = timedelta(minutes=5)
    gate: object = None                  # factcheck.archive.politeness LocalGate or RedisGate


def db_now(session: Session) -> datetime:
    """The database's clock, so every worker and the sweeper agree on what "too long" means."""
    value = session.execute(text("SELECT CURRENT_TIMESTAMP")).scalar_one()
    if isinstance(value, str):  # SQLite answers "YYYY-MM-DD HH:MM:SS" in UTC
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def backoff(attempt: int, *, retry_after: float | None = None, rng: random.Random | None = None) -> float:
    """Seconds to wait before attempt `attempt + 1`: exponential with full jitter, or the server's ask."""
    if retry_after is not None:
        return min(max(retry_after, 1.0), MAX_BACKOFF)
    ceiling = min(BASE_BACKOFF * 2 ** (attempt - 1), MAX_BACKOFF)
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def claim_job(session: Session, *, capture_id: int, now: datetime) -> int | None:
    """Compare-and-set: queued (or retrying and due) -> fetching. The attempt number this caller now owns the job
    under (its token for every later write), or None when someone else has it or it is done."""
    attempt = session.execute(
        update(Capture)
        .where(Capture.id == capture_id,
               or_(Capture.state == CaptureState.queued.value,
                   (Capture.state == CaptureState.retrying.value) & (Capture.next_try_at <= now)))
        .values(state=CaptureState.fetching.value, attempts=Capture.attempts + 1, updated_at=now, reason="")
        .returning(Capture.attempts)
    ).scalar_one_or_none()
    session.commit()
    return attempt


def _finish(session: Session, cap: Capture, now: datetime, **values) -> None:
    # Only the owner of a `fetching` job may finish it: the attempt number it claimed is its token, so a
    # worker whose job was swept back and claimed again (attempt n+1) cannot overwrite the new owner's work.
    session.execute(update(Capture).where(Capture.id == cap.id, Capture.state == CaptureState.fetching.value,
                                          Capture.attempts == cap.attempts)
                    .values(updated_at=now, **values))
    session.commit()


def _fail_or_retry(session: Session, cap: Capture, now: datetime, reason: str, *, permanent: bool,
                   retry_after: float | None = None) -> str:
    if permanent:
        _finish(session, cap, now, state=CaptureState.failed.value, reason=reason, next_try_at=None)
        return CaptureState.failed.value
    if cap.attempts >= MAX_ATTEMPTS:
        _finish(session, cap, now, state=CaptureState.failed.value, next_try_at=None,
                reason=f"{reason} Gave up after {cap.attempts} attempts.")
        return CaptureState.failed.value
    wait = backoff(cap.attempts, retry_after=retry_after)
    _finish(session, cap, now, state=CaptureState.retrying.value, reason=reason,
            next_try_at=now + timedelta(seconds=wait))
    return CaptureState.retrying.value


class CaptureInterrupted(JobInterrupted):
    """The database went away after this worker claimed the job: hand it back with `release_job` once it returns."""

    def __init__(self, capture_id: int, attempt: int) -> None:
        super().__init__(f"capture {capture_id} attempt {attempt} interrupted: the database is unavailable",
                         job_args=(capture_id,), job_kwargs={"release_attempt": attempt})
        self.capture_id, self.attempt = capture_id, attempt


def release_job(session: Session, *, capture_id: int, attempt: int) -> bool:
    """Compare-and-set: fetching (still attempt `attempt`, ours) -> queued. False if the sweeper got there first."""
    result = session.execute(
        update(Capture)
        .where(Capture.id == capture_id, Capture.state == CaptureState.fetching.value, Capture.attempts == attempt)
        .values(state=CaptureState.queued.value, updated_at=db_now(session),
                reason="The database went away mid-capture; queued again.")
    )
    session.commit()
    return result.rowcount == 1


def resume_interrupted(session: Session, *, capture_id: int, attempt: int) -> None:
    """After CaptureInterrupted, once the database is back: hand the job back if it was still ours; if it had
    already finished (the outage hit a re-check's health verdict), record that verdict again (idempotent)."""
    if release_job(session, capture_id=capture_id, attempt=attempt):
        return
    cap = session.get(Capture, capture_id)
    if cap is not None and cap.purpose == "recheck" and cap.attempts == attempt and \
            cap.state in (CaptureState.archived.value, CaptureState.failed.value):
        record_health(session, capture_id=capture_id)


def run_capture(session: Session, *, capture_id: int, config: CaptureConfig) -> str | None:
    """Capture one source URL. Returns the state it ended in, or None when the job was not ours.

    Raises CaptureInterrupted when the database goes away after the claim (the row is left `fetching` under our
    attempt number), and the database's own error when it is away before the claim (the row is untouched)."""
    from factcheck.db import database_unavailable

    attempt = claim_job(session, capture_id=capture_id, now=db_now(session))
    if attempt is None:
        return None
    try:
        cap = session.get(Capture, capture_id)
        session.refresh(cap)
        state = _capture(session, cap, config)
        if cap.purpose == "recheck" and state in (CaptureState.archived.value, CaptureState.failed.value):
            record_health(session, capture_id=cap.id)
    except DBAPIError as exc:
        if database_unavailable(exc):
            raise CaptureInterrupted(capture_id, attempt) from exc
        raise
    return state


def _capture(session: Session, cap: Capture, config: CaptureConfig) -> str:
    from factcheck.archive import extract, screenshot, storage, warc
    from factcheck.archive.fetcher import FetchError, fetch, retry_after_seconds

    from factcheck.archive.politeness import HostBusy, LocalGate

    source = session.get(Source, cap.source_id)
    gate = config.gate or LocalGate(per_host=1_000, delay=0)
    try:
        with gate.slot((urlsplit(source.url).hostname or "").lower()):
            result = fetch(source.url, config.policy)
    except HostBusy:
        return _fail_or_retry(session, cap, db_now(session), "The site is busy with other captures; waiting our turn.",
                              permanent=False, retry_after=5.0)
    except FetchError as exc:
        return _fail_or_retry(session, cap, db_now(session), exc.reason, permanent=exc.permanent,
                              retry_after=exc.retry_after)
    now = db_now(session)
    if result.status in PERMANENT_STATUSES:
        return _fail_or_retry(session, cap, now, f"The page answered {result.status} "
                              f"{HTTP_REASONS.get(result.status, '')}.".replace(" .", "."), permanent=True)
    if result.status == 429 or result.status >= 500:
        return _fail_or_retry(session, cap, now, f"The site answered {result.status}; trying again later.",
                              permanent=False, retry_after=retry_after_seconds(result.headers))
    store = storage.ArchiveStore(config.archive_dir)
    with tempfile.TemporaryDirectory(dir=config.archive_dir if config.archive_dir.exists() else None) as tmp:
        warc_tmp = Path(tmp) / "capture.warc.gz"
        warc.write_warc(result.hops, warc_tmp)
        _, warc_path = store.put_file(warc_tmp, suffix=".warc.gz")
    found = extract.extract(result.body, content_type=result.content_type, url=result.final_url)
    text_path = store.put_bytes(found.text.encode("utf-8"), suffix=".txt")[1] if found.text else None
    shot = screenshot.take_screenshot(result.body, url=result.final_url, chromium=config.chromium,
                                      content_type=result.content_type) \
        if config.chromium else screenshot.Shot(None, "Screenshots are switched off (no Chromium configured).")
    shot_path = store.put_bytes(shot.png, suffix=".png")[1] if shot.png else None
    _finish(session, cap, db_now(session), state=CaptureState.archived.value, final_url=result.final_url,
            http_status=result.status, headers={k: v for k, v in result.headers}, content_type=result.content_type,
            size=len(result.body), sha256=hashlib.sha256(result.body).hexdigest(), title=(found.title or "")[:1000] or None,
            warc_path=warc_path, text_path=text_path, screenshot_path=shot_path, captured_at=now, next_try_at=None,
            reason=shot.skipped_reason or "")
    return CaptureState.archived.value


def due_for_doorbell(session: Session, *, stuck_after: timedelta,
                     queued_after: timedelta = timedelta(seconds=30)) -> list[int]:
    """Jobs whose message may be lost: queued too long, fetching too long (a dead worker), or due retries.

    Stuck `fetching` jobs are put back to `queued` first (compare-and-set on their update time)."""
    now = db_now(session)
    stuck = (Capture.state == CaptureState.fetching.value) & (Capture.updated_at < now - stuck_after)
    # A job that has used up its attempts this way fails for good instead of looping.
    session.execute(update(Capture).where(stuck, Capture.attempts >= MAX_ATTEMPTS).values(
        state=CaptureState.failed.value, updated_at=now, next_try_at=None,
        reason=f"Timed out: no worker finished it in {MAX_ATTEMPTS} attempts."))
    session.execute(update(Capture).where(stuck).values(
        state=CaptureState.queued.value, updated_at=now - queued_after,
        reason="The worker stopped mid-capture; queued again."))
    due = or_((Capture.state == CaptureState.queued.value) & (Capture.updated_at <= now - queued_after),
              (Capture.state == CaptureState.retrying.value) & (Capture.next_try_at <= now))
    rows = list(session.exec(select(Capture.id).where(due).order_by(Capture.id).limit(1000)).all())
    if rows:  # rung now: the next ring for these comes only after another `queued_after`, not every sweep
        session.execute(update(Capture).where(Capture.id.in_(rows), Capture.state == CaptureState.queued.value)
                        .values(updated_at=now))
    session.commit()
    return rows


def record_health(session: Session, *, capture_id: int) -> None:
    """After a re-check: is the cited page gone, or changed since it was first archived?"""
    cap = session.get(Capture, capture_id)
    session.refresh(cap)
    source = session.get(Source, cap.source_id)
    first = session.exec(select(Capture).where(Capture.source_id == source.id, Capture.purpose == "cite",
                                               Capture.state == CaptureState.archived.value)
                         .order_by(Capture.id)).first()
    if cap.state == CaptureState.failed.value:
        source.health, source.health_reason = "gone", cap.reason
    elif first is not None and first.sha256 != cap.sha256:
        source.health = "changed"
        source.health_reason = "The page's content changed since it was cited (the hash differs)."
    else:
        source.health, source.health_reason = "ok", ""
    session.add(source)
    session.commit()


def schedule_rechecks(session: Session, *, older_than: timedelta, limit: int = 500) -> list[int]:
    """New `recheck` captures for sources whose newest capture is archived and older than `older_than`."""
    now = db_now(session)
    newest_per_source = select(func.max(Capture.id)).group_by(Capture.source_id)
    due = session.exec(select(Capture.source_id).join(Source, Source.id == Capture.source_id)
                       .where(Capture.id.in_(newest_per_source), Source.removed_at.is_(None),
                              Capture.state == CaptureState.archived.value, Capture.captured_at < now - older_than)
                       .order_by(Capture.captured_at).limit(limit)).all()
    made = []
    for source_id in due:
        fresh = Capture(source_id=source_id, purpose="recheck", created_at=now, updated_at=now)
        session.add(fresh)
        session.flush()
        made.append(fresh.id)
    session.commit()
    return made
