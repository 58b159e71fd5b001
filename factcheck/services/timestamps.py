"""Trusted timestamps of evidence: each archived WARC and each background bundle's manifest is stamped by the
newsroom's RFC 3161 time-stamping authority (FACTCHECK_TSA_URL), as a durable job of its own.

A stamp is a job (`services/jobrows.py`): a capture or an export finishes first and stays usable; its timestamp
row is queued beside it and rung after the commit. When the authority is down or slow the job waits in `retrying`
with the reason, and tries again with backoff. The token is checked before it is kept (archive/tsa.py): it must
stamp the digest asked for, carry the request's nonce and chain to the configured TSA certificates. A bundle built
in the background gets its manifest's token added beside `signature.json` once granted (a new stored file; the
manifest and its signature are unchanged, since the token is *of* the manifest).
"""
from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, select

from factcheck import jobs
from factcheck.exports.bundle import MANIFEST
from factcheck.models import Capture, Export, JobState, Timestamp
from factcheck.services import jobrows

log = logging.getLogger(__name__)

CAPTURE, EXPORT = "capture", "export"
KIND = jobrows.JobKind(model=Timestamp, task=jobs.TIMESTAMP_EVIDENCE, noun="timestamp", max_attempts=8)
INLINE_TIMEOUT = 10.0   # seconds a streamed bundle waits for its manifest's token before going out unstamped


@dataclass(frozen=True)
class TimestampConfig:
    tsa: object = None             # factcheck.archive.tsa.TSA; None = this newsroom does not timestamp
    store: object = None           # factcheck.archive.storage.ArchiveStore
    heartbeat: float = 10.0


def request(session: Session, *, subject: str, subject_id: int, digest: str, tsa_url: str) -> Timestamp:
    """Record that `subject` #`subject_id` (whose SHA-256 is `digest`) is to be timestamped; the job is rung after the
    commit. Asking twice for one subject returns the first row."""
    found = session.exec(select(Timestamp).where(Timestamp.subject == subject,
                                                 Timestamp.subject_id == subject_id)).first()
    if found is not None:
        return found
    row = Timestamp(subject=subject, subject_id=subject_id, digest=digest, tsa_url=tsa_url,
                    updated_at=jobrows.db_now(session))
    session.add(row)
    session.flush()
    jobs.enqueue_after_commit(session, KIND.task, row.id)
    return row


def stamp_evidence(session: Session, timestamp_id: int, *, config: TimestampConfig,
                   release_attempt: int | None = None) -> str | None:
    """The job: get and keep the token of one timestamp row (see jobrows.run)."""
    return jobrows.run(session, KIND, int(timestamp_id), lambda attempt: _stamp(session, int(timestamp_id), attempt,
                                                                                 config),
                       release_attempt=release_attempt, heartbeat=config.heartbeat)


def _stamped_bytes(session: Session, row: Timestamp, store) -> bytes:
    """What the token is of: the capture's WARC, or the manifest inside the export's bundle."""
    if row.subject == CAPTURE:
        cap = session.get(Capture, row.subject_id)
        session.refresh(cap)
        with store.open(cap.warc_path) as fh:
            return fh.read()
    export = session.get(Export, row.subject_id)
    session.refresh(export)
    with store.open(export.file_path) as fh, zipfile.ZipFile(fh) as zf:
        return zf.read(MANIFEST)


def _stamp(session: Session, timestamp_id: int, attempt: int, config: TimestampConfig) -> str:
    from factcheck.archive.tsa import TimestampError, request_token

    row = session.get(Timestamp, timestamp_id)
    session.refresh(row)
    if config.tsa is None:
        return jobrows.fail(session, KIND, timestamp_id, attempt,
                            "No time-stamping authority is configured any more (FACTCHECK_TSA_URL).")
    try:
        data = _stamped_bytes(session, row, config.store)
    except (FileNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        return jobrows.fail(session, KIND, timestamp_id, attempt,
                            f"The {row.subject}'s file could not be read to timestamp it ({type(exc).__name__}).")
    if hashlib.sha256(data).hexdigest() != row.digest:
        return jobrows.fail(session, KIND, timestamp_id, attempt,
                            f"The {row.subject}'s file no longer has the SHA-256 it was archived with; not stamped.")
    try:
        token = request_token(data, config.tsa)
    except TimestampError as exc:
        if exc.permanent:
            return jobrows.fail(session, KIND, timestamp_id, attempt, exc.reason)
        return jobrows.retry_later(session, KIND, timestamp_id, attempt, exc.reason, retry_after=exc.retry_after)
    if row.subject == EXPORT:
        _add_to_bundle(session, row.subject_id, token.der, config.store)
    if not jobrows.finish(session, KIND, timestamp_id, attempt, token=token.der, tsa_name=token.tsa_name[:255],
                          stamped_at=token.stamped_at, serial=token.serial[:64], tsa_url=config.tsa.url,
                          next_try_at=None, reason=""):
        return None
    return JobState.done.value


def _add_to_bundle(session: Session, export_id: int, der: bytes, store) -> None:
    """Store the export's bundle again with its manifest's token added, and point the export at it."""
    from factcheck.exports.timestamps import add_manifest_token

    export = session.get(Export, export_id)
    old = export.file_path
    with tempfile.TemporaryDirectory(dir=store.staging_dir()) as tmp:
        path = Path(tmp) / "bundle.zip"
        with store.open(old) as src, path.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        add_manifest_token(path, der)
        _, stored = store.put_file(path, suffix=".zip")
    session.execute(update(Export).where(Export.id == export_id, Export.file_path == old).values(file_path=stored))
    session.commit()
    if stored != old and not session.exec(select(Export.id).where(Export.file_path == old)).first():
        store.delete(old)


def for_captures(session: Session, capture_ids) -> dict[int, Timestamp]:
    """Capture id -> its timestamp row (granted, waiting or failed), for the claim page and bundles."""
    ids = sorted(set(capture_ids))
    if not ids:
        return {}
    rows = session.exec(select(Timestamp).where(Timestamp.subject == CAPTURE, Timestamp.subject_id.in_(ids)))
    return {row.subject_id: row for row in rows}



def for_export(session: Session, export_id: int) -> Timestamp | None:
    """The timestamp of a background bundle's manifest, or None (another format, or no authority)."""
    return session.exec(select(Timestamp).where(Timestamp.subject == EXPORT, Timestamp.subject_id == export_id)).first()


def bundle_stamps(session: Session, report, tsa):
    """What an article's bundle carries of timestamps (exports.timestamps.BundleStamps), or None without a TSA."""
    if tsa is None:
        return None
    from factcheck.exports.timestamps import BundleStamps

    ids = [sv.capture.id for view in report.published for sv in view.sources if sv.capture is not None]
    return BundleStamps(tsa_url=tsa.url, certificates=tsa.certificates, captures=for_captures(session, ids))


def stamp_manifest_now(buffer, tsa) -> str | None:
    """One try at the token of a streamed bundle's manifest, added to the ZIP in `buffer` (a BytesIO). The reason
    when there is none: the bundle stays whole, and verify-bundle says its manifest is not timestamped."""
    from factcheck.archive.tsa import TimestampError, request_token
    from factcheck.exports.timestamps import add_manifest_token, read_manifest

    from dataclasses import replace

    buffer.seek(0)
    quick = replace(tsa, policy=replace(tsa.policy, total_timeout=min(tsa.policy.total_timeout, INLINE_TIMEOUT)))
    try:
        token = request_token(read_manifest(buffer), quick)
    except TimestampError as exc:
        log.warning("bundle manifest not timestamped: %s", exc.reason)
        return exc.reason
    add_manifest_token(buffer, token.der)
    return None


def request_for_bundle(session: Session, *, export_id: int, store, tsa_url: str) -> Timestamp:
    """A background bundle is built: ask for its manifest's token (a job; the bundle is replaced once it arrives)."""
    from factcheck.exports.timestamps import read_manifest

    export = session.get(Export, export_id)
    session.refresh(export)
    with store.open(export.file_path) as fh:
        digest = hashlib.sha256(read_manifest(fh)).hexdigest()
    row = request(session, subject=EXPORT, subject_id=export_id, digest=digest, tsa_url=tsa_url)
    session.commit()
    return row
