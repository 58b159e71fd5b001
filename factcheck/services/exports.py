"""Exports as use cases: what to build for an article or a queue filter, streamed or in the background.

Streaming (API, CLI) yields chunks as they are made, so memory stays flat however many claims; background exports
(the UI) are durable jobs (`services/jobrows.py`): the same chunks are written to a file in the archive store while
the `exports` row records progress, then the download is offered. The renderers are pure (`factcheck/exports/`).
"""
from __future__ import annotations

import io
import logging
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from factcheck import jobs
from factcheck.errors import Unavailable, ValidationError
from factcheck.services import claim_views
from factcheck.models import Export, User, utcnow
from factcheck.services import jobrows
from factcheck.services import settings as newsroom

log = logging.getLogger(__name__)

ARTICLE_FORMATS = ("html", "pdf", "csv", "json", "claimreview", "bundle", "wacz")
QUEUE_FORMATS = ("csv", "json", "claimreview")
MIMETYPES = {
    "html": "text/html; charset=utf-8", "pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
    "json": "application/json", "claimreview": "application/ld+json", "bundle": "application/zip",
    "wacz": "application/wacz",
}
EXTENSIONS = {"html": "html", "pdf": "pdf", "csv": "csv", "json": "json", "claimreview": "jsonld",
              "bundle": "zip", "wacz": "wacz"}
MAX_EXPORT_ATTEMPTS = 3
KIND = jobrows.JobKind(model=Export, task=jobs.BUILD_EXPORT, noun="export", max_attempts=MAX_EXPORT_ATTEMPTS,
                       requeue_values={"done": 0})


@dataclass(frozen=True)
class ExportConfig:
    """What building an export needs besides the database, built once at the composition root."""

    base_url: str                  # this desk's own address, for links in exports
    store: object                  # factcheck.archive.storage.ArchiveStore: evidence in, finished files out
    chromium: str | None = None    # for PDF reports; None = PDF unavailable
    heartbeat: float = 10.0        # seconds between heartbeats while a background export builds; 0 = none
    signing_dir: object = None     # pathlib.Path of the newsroom's signing key (exports.signing); None = unsigned
    tsa: object = None             # archive.tsa.TSA: bundles carry timestamp tokens (services/timestamps.py)


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


def article_export(session: Session, *, article_id: int, fmt: str, config: ExportConfig,
                   now: datetime | None = None, stamp_manifest: bool = True) -> Built:
    from factcheck.exports import tabular

    check_format(fmt, ARTICLE_FORMATS)
    report = claim_views.article_report(session, article_id=article_id)
    pub, scale = newsroom.publication(session), newsroom.rating_scale(session)
    name = f"factcheck-{report.article.id}-{_slug(report.article.title)}.{EXTENSIONS[fmt]}"
    now = now or utcnow()
    if fmt in ("html", "pdf"):
        from factcheck.exports import report as reports

        html = reports.render_report_html(report, publication=pub, scale=scale, generated_at=now,
                                          screenshots=reports.screenshot_data_uris(report, store=config.store),
                                          ask_url=f"{config.base_url}/ask?kind=error")
        if fmt == "html":
            return Built(iter([html.encode("utf-8")]), MIMETYPES[fmt], name)
        if not config.chromium:
            raise ValidationError("PDF reports need Chromium, which is not installed on this server; "
                                  "download the HTML report and print it instead.")
        try:
            pdf = reports.render_report_pdf(html, chromium=config.chromium)
        except RuntimeError as exc:  # its message is written for a person; say what to do instead
            raise Unavailable(f"{exc} The HTML report has the same content: download it and print it instead.") \
                from exc
        return Built(iter([pdf]), MIMETYPES[fmt], name)
    if fmt == "wacz":  # every archived source of the article's claims, streamed as it is packaged
        from factcheck.services import wacz

        chunks = wacz.article_wacz(session, article_id=report.article.id, store=config.store, now=now)
        return Built(chunks, MIMETYPES[fmt], name.removesuffix(".wacz") + "-evidence.wacz")
    if fmt == "bundle":
        from factcheck.exports import bundle

        from factcheck.exports import signing

        from factcheck.services import timestamps

        signer = signing.load_signer(config.signing_dir) if config.signing_dir else None
        stamps = timestamps.bundle_stamps(session, report, config.tsa)
        buffer = io.BytesIO()
        bundle.write_bundle(report, out=buffer, publication=pub, scale=scale, store=config.store,
                            chromium=config.chromium, generated_at=now, signer=signer, timestamps=stamps)
        if stamps is not None and stamp_manifest:  # streamed: one try now (a background bundle's is a job)
            timestamps.stamp_manifest_now(buffer, config.tsa)
        return Built(iter([buffer.getvalue()]), MIMETYPES[fmt], name)
    ids = [v.claim.id for v in report.published] + [c.id for c in report.not_yet_verified]
    return _tabular(session, ids, fmt, base_url=config.base_url, filename=name, publication=pub, scale=scale,
                    tabular=tabular)


def _tabular(session, ids, fmt, *, base_url, filename, publication, scale, tabular, progress=None) -> Built:
    def views():
        for i, view in enumerate(claim_views.claim_views(session, claim_ids=ids, **tabular.READS[fmt]), 1):
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
    ids = claim_views.claim_ids_for(session, filter=filter, actor=actor)
    name = f"factcheck-claims-{utcnow():%Y%m%d-%H%M}.{EXTENSIONS[fmt]}"
    return _tabular(session, ids, fmt, base_url=base_url, filename=name, publication=newsroom.publication(session),
                    scale=newsroom.rating_scale(session), tabular=tabular, progress=progress)


def request_export(session: Session, *, actor: User, fmt: str, article_id: int | None = None,
                   params: dict | None = None) -> Export:
    """Record an export to build in the background; the job starts after the commit."""
    check_format(fmt, ARTICLE_FORMATS if article_id else QUEUE_FORMATS)
    export = Export(scope="article" if article_id else "queue", article_id=article_id, params=params or {},
                    format=fmt, created_by_id=actor.id, updated_at=jobrows.db_now(session))
    session.add(export)
    session.flush()
    jobs.enqueue_after_commit(session, KIND.task, export.id)
    return export


def build_export(session: Session, export_id: int, *, config: ExportConfig,
                 release_attempt: int | None = None) -> str | None:
    """The job: build export `export_id`'s file with progress and record the outcome (see jobrows.run)."""
    return jobrows.run(session, KIND, int(export_id), lambda attempt: _build_file(session, int(export_id), attempt,
                                                                                   config),
                       release_attempt=release_attempt, heartbeat=config.heartbeat)


def _build_file(session: Session, export_id: int, attempt: int, config: ExportConfig) -> str:
    from factcheck.services.queue import QueueFilter

    export = session.get(Export, export_id)
    session.refresh(export)
    scope, fmt, article_id, params, created_by = (export.scope, export.format, export.article_id, export.params,
                                                  export.created_by_id)

    def progress(done: int, total: int) -> None:  # progress is a heartbeat too
        jobrows.beat(session, KIND, export_id, attempt, done=done, total=total)

    if scope == "article":
        built = article_export(session, article_id=article_id, fmt=fmt, config=config, stamp_manifest=False)
    else:
        built = queue_export(session, filter=QueueFilter.from_params(params), actor=session.get(User, created_by),
                             fmt=fmt, base_url=config.base_url, progress=progress)
    store = config.store
    with tempfile.TemporaryDirectory(dir=store.staging_dir()) as tmp:
        path = Path(tmp) / f"export.{EXTENSIONS[fmt]}"
        with path.open("wb") as fh:
            for chunk in built.chunks:
                fh.write(chunk)
        _, stored = store.put_file(path, suffix="." + EXTENSIONS[fmt])
    total = session.execute(select(Export.total).where(Export.id == export_id)).scalar_one() or 1
    # Stored by content hash: a builder given up for dead that finishes late stores the same bytes under the same
    # name, and its `finish` finds the job no longer its own.
    if not jobrows.finish(session, KIND, export_id, attempt, file_path=stored, filename=built.filename,
                          finished_at=utcnow(), done=total, total=total):
        return None
    if fmt == "bundle" and config.tsa is not None:  # usable now; its manifest's timestamp follows as a job
        from factcheck.services import timestamps

        timestamps.request_for_bundle(session, export_id=export_id, store=store, tsa_url=config.tsa.url)
    return "done"


def sweep_exports(session: Session, *, stuck_after: timedelta, queued_after: timedelta) -> list[int]:
    """Exports whose doorbell should ring again (see jobrows.sweep)."""
    return jobrows.sweep(session, KIND, stuck_after=stuck_after, queued_after=queued_after, limit=100)


def recent_exports(session: Session, *, actor: User, limit: int = 20) -> list[Export]:
    return list(session.exec(select(Export).where(Export.created_by_id == actor.id)
                             .order_by(Export.id.desc()).limit(limit)).all())
