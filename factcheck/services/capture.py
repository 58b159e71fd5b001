"""Capturing a cited URL: claim the job, fetch safely, keep the evidence, record the outcome.

A capture is a durable job (`services/jobrows.py`): claimed by compare-and-set under an attempt number, beating a
heartbeat while it fetches, handed back when the database goes away, swept when its worker dies. Transient
failures wait in `retrying` until their next try; permanent ones fail with the reason a person reads.
"""
from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, select

from factcheck import jobs
from factcheck.models import Capture, JobState, Source
from factcheck.services import jobrows
from factcheck.services.jobrows import backoff, db_now  # noqa: F401 - part of this module's interface

MAX_ATTEMPTS = 5
PERMANENT_STATUSES = {400, 401, 403, 404, 405, 406, 410, 451}
HTTP_REASONS = {404: "Not Found", 410: "Gone", 403: "Forbidden", 401: "Unauthorized", 451: "Unavailable For Legal Reasons"}
KIND = jobrows.JobKind(model=Capture, task=jobs.ARCHIVE_SOURCE, noun="capture", max_attempts=MAX_ATTEMPTS)


@dataclass(frozen=True)
class CaptureConfig:
    policy: object                       # factcheck.archive.fetcher.FetchPolicy
    store: object                        # factcheck.archive.storage.ArchiveStore
    chromium: str | None = None          # path to Chromium for screenshots; None = skip them
    gate: object = None                  # factcheck.archive.politeness LocalGate or RedisGate
    heartbeat: float = 10.0              # seconds between heartbeats while capturing; 0 = none
    tsa_url: str | None = None           # timestamp each archived WARC with this RFC 3161 authority (FACTCHECK_TSA_URL)


def archive_source(session: Session, capture_id: int, *, config: CaptureConfig,
                   release_attempt: int | None = None) -> str | None:
    """The job: capture one source URL. Returns the state it ended in, or None when the job was not ours.

    After an outage (`release_attempt`), a re-check whose outcome was stored but whose health verdict was not gets
    that verdict recorded again (idempotent)."""
    def redo_health(attempt: int) -> None:
        cap = session.get(Capture, capture_id)
        if cap is not None and cap.purpose == "recheck" and cap.attempts == attempt and \
                cap.state in (JobState.done.value, JobState.failed.value):
            record_health(session, capture_id=capture_id)

    def work(attempt: int) -> str:
        cap = session.get(Capture, capture_id)
        session.refresh(cap)
        state = _capture(session, cap, attempt, config)
        if state == JobState.done.value and config.tsa_url:
            _ask_for_timestamp(session, capture_id, attempt, config)
        if cap.purpose == "recheck" and state in (JobState.done.value, JobState.failed.value):
            record_health(session, capture_id=cap.id)
        return state

    return jobrows.run(session, KIND, int(capture_id), work, release_attempt=release_attempt,
                       heartbeat=config.heartbeat, on_not_released=redo_health)


def _capture(session: Session, cap: Capture, attempt: int, config: CaptureConfig) -> str:
    from factcheck.archive import extract, navigation, screenshot, warc
    from factcheck.archive.fetcher import FetchError, fetch, retry_after_seconds
    from factcheck.archive.politeness import HostBusy, LocalGate

    def retry(reason: str, retry_after: float | None = None) -> str:
        return jobrows.retry_later(session, KIND, cap.id, attempt, reason, retry_after=retry_after)

    def fail(reason: str) -> str:
        return jobrows.fail(session, KIND, cap.id, attempt, reason)

    source = session.get(Source, cap.source_id)
    gate = config.gate or LocalGate(per_host=1_000, delay=0)
    try:
        with gate.slot((urlsplit(source.url).hostname or "").lower()):
            result = fetch(source.url, config.policy)
    except HostBusy:
        return retry("The site is busy with other captures; waiting our turn.", retry_after=5.0)
    except FetchError as exc:
        return fail(exc.reason) if exc.permanent else retry(exc.reason, exc.retry_after)
    if result.status in PERMANENT_STATUSES:
        return fail(f"The page answered {result.status} {HTTP_REASONS.get(result.status, '')}.".replace(" .", "."))
    if result.status == 429 or result.status >= 500:
        return retry(f"The site answered {result.status}; trying again later.", retry_after_seconds(result.headers))
    now = db_now(session)
    store = config.store
    with tempfile.TemporaryDirectory(dir=store.staging_dir()) as tmp:
        warc_tmp = Path(tmp) / "capture.warc.gz"
        warc.write_warc(result.hops, warc_tmp)
        _, warc_path = store.put_file(warc_tmp, suffix=".warc.gz")
    found = extract.extract(result.body, content_type=result.content_type, url=result.final_url)
    text_path = store.put_bytes(found.text.encode("utf-8"), suffix=".txt")[1] if found.text else None
    shot = screenshot.take_screenshot(result.body, url=result.final_url, chromium=config.chromium,
                                      content_type=result.content_type) \
        if config.chromium else screenshot.Shot(None, "Screenshots are switched off (no Chromium configured).")
    shot_path = store.put_bytes(shot.png, suffix=".png")[1] if shot.png else None
    jobrows.finish(session, KIND, cap.id, attempt, final_url=result.final_url, http_status=result.status,
                   headers={k: v for k, v in result.headers}, content_type=result.content_type,
                   size=len(result.body), sha256=hashlib.sha256(result.body).hexdigest(),
                   title=(found.title or "")[:1000] or None, warc_path=warc_path, text_path=text_path,
                   screenshot_path=shot_path, captured_at=now, next_try_at=None,
                   reason=navigation.capture_reason(result, shot))
    return JobState.done.value


def _ask_for_timestamp(session: Session, capture_id: int, attempt: int, config: CaptureConfig) -> None:
    """The WARC this attempt archived is usable now; its RFC 3161 timestamp is a job of its own
    (services/timestamps.py), asked for the SHA-256 of the WARC as stored."""
    from factcheck.services import timestamps

    cap = session.get(Capture, capture_id)
    session.refresh(cap)
    if cap.state != JobState.done.value or cap.attempts != attempt or not cap.warc_path:
        return  # another worker's capture meanwhile: it asks for its own
    digest = hashlib.sha256()
    with config.store.open(cap.warc_path) as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    timestamps.request(session, subject=timestamps.CAPTURE, subject_id=capture_id, digest=digest.hexdigest(),
                       tsa_url=config.tsa_url)
    session.commit()


def due_for_doorbell(session: Session, *, stuck_after: timedelta,
                     queued_after: timedelta = timedelta(seconds=30)) -> list[int]:
    """Captures whose doorbell should ring again (see jobrows.sweep)."""
    return jobrows.sweep(session, KIND, stuck_after=stuck_after, queued_after=queued_after)


def record_health(session: Session, *, capture_id: int) -> None:
    """After a re-check: is the cited page gone, or changed since it was first archived?"""
    cap = session.get(Capture, capture_id)
    session.refresh(cap)
    source = session.get(Source, cap.source_id)
    first = session.exec(select(Capture).where(Capture.source_id == source.id, Capture.purpose == "cite",
                                               Capture.state == JobState.done.value)
                         .order_by(Capture.id)).first()
    if cap.state == JobState.failed.value:
        source.health, source.health_reason = "gone", cap.reason
    elif first is not None and first.sha256 != cap.sha256:
        source.health = "changed"
        source.health_reason = "The page's content changed since it was cited (the hash differs)."
    else:
        source.health, source.health_reason = "ok", ""
    session.add(source)
    session.commit()


def schedule_rechecks(session: Session, *, older_than: timedelta, limit: int = 500) -> list[int]:
    """The periodic job: new `recheck` captures, rung after the commit, for sources whose newest capture is archived and older than `older_than`."""
    now = db_now(session)
    newest_per_source = select(func.max(Capture.id)).group_by(Capture.source_id)
    due = session.exec(select(Capture.source_id).join(Source, Source.id == Capture.source_id)
                       .where(Capture.id.in_(newest_per_source), Source.removed_at.is_(None),
                              Capture.state == JobState.done.value, Capture.captured_at < now - older_than)
                       .order_by(Capture.captured_at).limit(limit)).all()
    made = []
    for source_id in due:
        fresh = Capture(source_id=source_id, purpose="recheck", created_at=now, updated_at=now)
        session.add(fresh)
        session.flush()
        made.append(fresh.id)
        jobs.enqueue_after_commit(session, KIND.task, fresh.id)
    session.commit()
    return made
