"""Exports as use cases: what to build for an article or a queue filter, streamed or in the background.

Streaming (API, CLI) yields chunks as they are made, so memory stays flat however many claims;
background exports (the UI) write the same chunks to a file under the archive folder and record
their progress on an `exports` row, then offer the download.
"""
from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from factcheck import jobs
from factcheck.errors import JobInterrupted, Unavailable, ValidationError
from factcheck.exports import data
from factcheck.models import Export, User, utcnow
from factcheck.services import settings as newsroom
from factcheck.services.capture import db_now

log = logging.getLogger(__name__)

ARTICLE_FORMATS = ("html", "pdf", "csv", "json", "claimreview", "bundle")
QUEUE_FORMATS = ("csv", "json", "claimreview")
MIMETYPES = {
    "html": "text/html; charset=utf-8", "pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
    "json": "application/json", "claimreview": "application/ld+json", "bundle": "application/zip",
}
EXTENSIONS = {"html": "html", "pdf": "pdf", "csv": "csv", "json": "json", "claimreview": "jsonld",
              "bundle": "zip"}
BUILD_EXPORT = jobs.BUILD_EXPORT


@dataclass
class Built:
    chunks: Iterator[bytes]
    mimetype: str
    filename: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "export"


def _encode(chunks) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise ValidationError(f"Choose a format: {', '.join(allowed)}.", fields={"format": "Unknown format."})
    return fmt


def article_export(session: Session, *, article_id: int, fmt: str, base_url: str, archive_dir: Path,
                   chromium: str | None, now: datetime | None = None) -> Built:
    from factcheck.exports import tabular

    check_format(fmt, ARTICLE_FORMATS)
    report = data.article_report(session, article_id=article_id)
    pub, scale = newsroom.publication(session), newsroom.rating_scale(session)
    name = f"factcheck-{report.article.id}-{_slug(report.article.title)}.{EXTENSIONS[fmt]}"
    now = now or utcnow()
    if fmt in ("html", "pdf"):
        from factcheck.exports import report as reports

        html = reports.render_report_html(report, publication=pub, scale=scale, generated_at=now,
                                          screenshots=reports.screenshot_data_uris(report, archive_dir=archive_dir))
        if fmt == "html":
            return Built(iter([html.encode("utf-8")]), MIMETYPES[fmt], name)
        if not chromium:
            raise ValidationError("PDF reports need Chromium, which is not installed on this server; "
                                  "download the HTML report and print it instead.")
        try:
            pdf = reports.render_report_pdf(html, chromium=chromium)
        except RuntimeError as exc:  # its message is written for a person; say what to do instead
            raise Unavailable(f"{exc} The HTML report has the same content: download it and print it instead.") \
                from exc
        return Built(iter([pdf]), MIMETYPES[fmt], name)
    if fmt == "bundle":
        from factcheck.exports import bundle

        buffer = io.BytesIO()
        bundle.write_bundle(report, out=buffer, publication=pub, scale=scale, archive_dir=archive_dir,
                            chromium=chromium, generated_at=now)
        return Built(iter([buffer.getvalue()]), MIMETYPES[fmt], name)
    ids = [v.claim.id for v in report.published] + [c.id for c in report.not_yet_verified]
    return _tabular(session, ids, fmt, base_url=base_url, filename=name, publication=pub, scale=scale,
                    tabular=tabular)


def _tabular(session, ids, fmt, *, base_url, filename, publication, scale, tabular, progress=None) -> Built:
    def views():
        for i, view in enumerate(data.claim_views(session, claim_ids=ids, with_history=fmt == "json"), 1):
            if progress and i % 200 == 0:
                progress(i, len(ids))
            yield view
    if fmt == "csv":
        chunks = tabular.csv_rows(views(), base_url=base_url)
    elif fmt == "json":
        chunks = tabular.json_chunks(views(), base_url=base_url)
    else:
        chunks = tabular.claimreview_chunks(views(), publication=publication, scale=scale)
    return Built(_encode(chunks), MIMETYPES[fmt], filename)


def queue_export(session: Session, *, filter, actor: User, fmt: str, base_url: str, progress=None) -> Built:
    from factcheck.exports import tabular

    check_format(fmt, QUEUE_FORMATS)
    ids = data.claim_ids_for(session, filter=filter, actor=actor)
    name = f"factcheck-claims-{utcnow():%Y%m%d-%H%M}.{EXTENSIONS[fmt]}"
    return _tabular(session, ids, fmt, base_url=base_url, filename=name, publication=newsroom.publication(session),
                    scale=newsroom.rating_scale(session), tabular=tabular, progress=progress)


def request_export(session: Session, *, actor: User, fmt: str, article_id: int | None = None,
                   params: dict | None = None) -> Export:
    """Record an export to build in the background; the job starts after the commit."""
    check_format(fmt, ARTICLE_FORMATS if article_id else QUEUE_FORMATS)
    export = Export(scope="article" if article_id else "queue", article_id=article_id, params=params or {},
                    format=fmt, created_by_id=actor.id, updated_at=db_now(session))
    session.add(export)
    session.flush()
    jobs.enqueue_after_commit(session, BUILD_EXPORT, export.id)
    return export


MAX_EXPORT_ATTEMPTS = 3


class ExportInterrupted(JobInterrupted):
    """The database went away while this export was being built: build it again once it is back, handing the
    export back first (compare-and-set on `attempt`)."""

    def __init__(self, export_id: int, attempt: int) -> None:
        super().__init__(f"export {export_id} attempt {attempt} interrupted: the database is unavailable",
                         job_args=(export_id,), job_kwargs={"release_attempt": attempt})
        self.export_id, self.attempt = export_id, attempt


def _release(session: Session, export_id: int, attempt: int) -> None:
    session.execute(update(Export).where(Export.id == export_id, Export.state == "running",
                                         Export.attempts == attempt)
                    .values(state="queued", done=0, updated_at=db_now(session)))
    session.commit()


def build_export(session: Session, *, export_id: int, base_url: str, archive_dir: Path,
                 chromium: str | None, release_attempt: int | None = None, heartbeat: float = 30.0) -> str | None:
    """Claim the export (compare-and-set), build its file with progress, and record the outcome.

    The claim raises the attempt number, and every later write names it: a builder that was given up for dead
    (swept after `stuck_after` without a heartbeat) cannot overwrite the work of the one that took over.
    release_attempt (only the retry after ExportInterrupted passes it) first hands that attempt back."""
    from factcheck.db import database_unavailable

    if release_attempt is not None:
        _release(session, export_id, release_attempt)
    attempt = session.execute(
        update(Export).where(Export.id == export_id, Export.state == "queued")
        .values(state="running", attempts=Export.attempts + 1, updated_at=db_now(session), error="")
        .returning(Export.attempts)).scalar_one_or_none()
    session.commit()
    if attempt is None:
        return None
    try:
        return _build(session, export_id=export_id, attempt=attempt, base_url=base_url, archive_dir=archive_dir,
                      chromium=chromium, heartbeat=heartbeat)
    except DBAPIError as exc:
        if database_unavailable(exc):
            raise ExportInterrupted(export_id, attempt) from exc
        raise


class Heartbeat:
    """While an export builds, touch its `updated_at` every `every` seconds from a connection of its own, so a
    long step that reports no progress (a big PDF through Chromium) is not taken for a dead worker by the sweep.
    Only the running attempt's row is touched; a beat that fails is logged and the next one tries again."""

    def __init__(self, engine, *, export_id: int, attempt: int, every: float) -> None:
        self.engine, self.export_id, self.attempt, self.every = engine, export_id, attempt, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"export-{export_id}-heartbeat", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every + 5)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                with Session(self.engine) as s:
                    s.execute(update(Export).where(Export.id == self.export_id, Export.state == "running",
                                                   Export.attempts == self.attempt)
                              .values(updated_at=db_now(s)))
                    s.commit()
            except Exception as exc:  # noqa: BLE001 - a missed beat is not the export's failure
                log.warning("export %s heartbeat failed: %s", self.export_id, exc)


def _build(session: Session, *, export_id: int, attempt: int, base_url: str, archive_dir: Path,
           chromium: str | None, heartbeat: float) -> str:
    with Heartbeat(session.get_bind(), export_id=export_id, attempt=attempt, every=heartbeat):
        return _build_file(session, export_id=export_id, attempt=attempt, base_url=base_url,
                           archive_dir=archive_dir, chromium=chromium)


def _build_file(session: Session, *, export_id: int, attempt: int, base_url: str, archive_dir: Path,
                chromium: str | None) -> str:
    from factcheck.db import database_unavailable
    from factcheck.services.queue import QueueFilter

    ours = (Export.id == export_id) & (Export.state == "running") & (Export.attempts == attempt)
    export = session.get(Export, export_id)
    session.refresh(export)
    scope, fmt, article_id, params, created_by = (export.scope, export.format, export.article_id, export.params,
                                                  export.created_by_id)

    def progress(done: int, total: int) -> None:  # also the heartbeat the sweep looks at
        session.execute(update(Export).where(ours).values(done=done, total=total, updated_at=db_now(session)))
        session.commit()

    folder = archive_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if scope == "article":
            built = article_export(session, article_id=article_id, fmt=fmt, base_url=base_url,
                                   archive_dir=archive_dir, chromium=chromium)
        else:
            actor = session.get(User, created_by)
            built = queue_export(session, filter=QueueFilter.from_params(params), actor=actor,
                                 fmt=fmt, base_url=base_url, progress=progress)
        # Each attempt writes its own file, so a builder given up for dead cannot clobber its successor's.
        path = folder / f"{export_id}-{attempt}.{EXTENSIONS[fmt]}"
        with path.open("wb") as fh:
            for chunk in built.chunks:
                fh.write(chunk)
    except Exception as exc:  # the user sees why; the log has the trace
        if isinstance(exc, DBAPIError) and database_unavailable(exc):
            raise  # not the export's fault: it is built again once the database is back
        session.rollback()
        message = getattr(exc, "message", None) or "The export failed unexpectedly; please try again."
        session.execute(update(Export).where(ours)
                        .values(state="failed", error=message[:1000], finished_at=utcnow(), updated_at=utcnow()))
        session.commit()
        if not hasattr(exc, "message"):
            raise
        return "failed"
    total = session.execute(select(Export.total).where(Export.id == export_id)).scalar_one() or 1
    finished = session.execute(update(Export).where(ours).values(
        state="done", file_path=str(path.relative_to(archive_dir)), filename=built.filename,
        finished_at=utcnow(), updated_at=utcnow(), done=total, total=total)).rowcount
    session.commit()
    if finished != 1:  # swept and taken over meanwhile: the newer attempt's file is the one offered
        path.unlink(missing_ok=True)
        return None
    return "done"


def sweep_exports(session: Session, *, stuck_after: timedelta, queued_after: timedelta) -> list[int]:
    """Exports whose job may be lost: `running` without a heartbeat for `stuck_after` (a dead worker) go back
    to `queued`, or fail after MAX_EXPORT_ATTEMPTS; `queued` ones waiting `queued_after` (a lost message, Redis
    down when it was asked for) are returned to be enqueued again."""
    now = db_now(session)
    stuck = (Export.state == "running") & (Export.updated_at < now - stuck_after)
    session.execute(update(Export).where(stuck, Export.attempts >= MAX_EXPORT_ATTEMPTS).values(
        state="failed", finished_at=now, updated_at=now,
        error=f"The export was interrupted {MAX_EXPORT_ATTEMPTS} times before it finished; please start it again."))
    session.execute(update(Export).where(stuck).values(state="queued", done=0, updated_at=now - queued_after))
    due = list(session.exec(select(Export.id).where(Export.state == "queued", Export.updated_at <= now - queued_after)
                            .order_by(Export.id).limit(100)).all())
    if due:  # rung now; the next ring only after another `queued_after`
        session.execute(update(Export).where(Export.id.in_(due), Export.state == "queued").values(updated_at=now))
    session.commit()
    return due


def recent_exports(session: Session, *, actor: User, limit: int = 20) -> list[Export]:
    return list(session.exec(select(Export).where(Export.created_by_id == actor.id)
                             .order_by(Export.id.desc()).limit(limit)).all())
