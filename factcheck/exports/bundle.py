"""The evidence bundle of one article: a ZIP a reader, a lawyer or a court can check on its own.

Layout::

    report.html                            the verification report (self-contained)
    report.pdf                             the same, printed by Chromium (left out without Chromium)
    claimreview.json                       schema.org ClaimReview of every published claim
    evidence/<capture_id>/capture.warc.gz  the archived copy of each cited source, as captured
    evidence/<capture_id>/screenshot.png   its screenshot, when one was taken
    manifest.json                          every other file with its SHA-256 and size

:func:`verify_bundle` re-reads a bundle against its manifest.
"""
from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from factcheck.models.views import ArticleReport

MANIFEST = "manifest.json"
FORMAT = "factcheck-evidence-bundle"
FORMAT_VERSION = 1
_CHUNK = 1024 * 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# The manifest seals itself: SEAL holds the SHA-256 of the manifest's exact bytes as written with
# SEAL set to _UNSEALED, so a changed byte anywhere in it (not only in the file list) is noticed.
# It is a check against damage and casual edits, not a signature: whoever rewrites a file can
# rewrite the manifest too. Keep the manifest's SHA-256 elsewhere to pin a bundle down.
SEAL = "manifest_sha256"
_UNSEALED = "0" * 64


def _seal_field(value: str) -> bytes:
    return json.dumps({SEAL: value}, indent=2).encode("utf-8").split(b"\n")[1].strip()


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return value.isoformat(timespec="seconds")


class _Writer:
    """Adds entries to the ZIP, hashing each one as it streams through."""

    def __init__(self, zf: zipfile.ZipFile, when: datetime):
        self.zf = zf
        self.files: list[dict] = []
        stamp = when.astimezone(timezone.utc) if when.tzinfo else when
        self.date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)

    def _info(self, name: str, compress_type: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type = compress_type
        info.external_attr = 0o644 << 16
        return info

    def add_bytes(self, name: str, data: bytes, *, compress_type: int = zipfile.ZIP_DEFLATED, **extra) -> None:
        self.zf.writestr(self._info(name, compress_type), data)
        self.files.append({"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), **extra})

    def add_file(self, name: str, src: BinaryIO, *, compress_type: int, **extra) -> None:
        sha, size = hashlib.sha256(), 0
        with self.zf.open(self._info(name, compress_type), "w", force_zip64=True) as dst:
            for chunk in iter(lambda: src.read(_CHUNK), b""):
                sha.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        self.files.append({"path": name, "sha256": sha.hexdigest(), "size": size, **extra})


def write_bundle(report: ArticleReport, *, out: BinaryIO, publication: dict, scale: list[dict], store,
                 chromium: str | None, generated_at: datetime) -> None:
    """Write the evidence bundle of ``report`` as a ZIP to ``out``.

    The PDF is left out, with a note in the manifest, when ``chromium`` is None; an archived file
    missing from the store is left out with a note too. Anything else that fails raises."""
    from factcheck.meta import __version__
    from factcheck.exports.claimreview import claim_reviews, script_safe_json
    from factcheck.exports.report import render_report_html, render_report_pdf, screenshot_data_uris

    notes: list[str] = []
    html = render_report_html(report, publication=publication, scale=scale, generated_at=generated_at,
                              screenshots=screenshot_data_uris(report, store=store))
    reviews = claim_reviews(report.published, publication=publication, scale=scale)

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        w = _Writer(zf, generated_at)
        w.add_bytes("report.html", html.encode("utf-8"))
        if chromium is None:
            notes.append("report.pdf left out: no Chromium was configured to print it.")
        else:
            w.add_bytes("report.pdf", render_report_pdf(html, chromium=chromium))
        w.add_bytes("claimreview.json", script_safe_json(reviews, indent=2).encode("utf-8"))

        seen: set[int] = set()
        for view in report.published:
            for sv in view.sources:
                cap = sv.capture
                if cap is None or cap.id in seen or cap.state != "done":
                    continue
                seen.add(cap.id)
                about = {"capture_id": cap.id, "claim_id": view.claim.id, "source_url": sv.source.url,
                         "final_url": cap.final_url, "captured_at": _iso(cap.captured_at),
                         "content_sha256": cap.sha256}
                # Both are compressed already (gzip, PNG): stored as they are.
                for kind, rel, name in (("warc", cap.warc_path, "capture.warc.gz"),
                                        ("screenshot", cap.screenshot_path, "screenshot.png")):
                    if not rel:
                        continue
                    target = f"evidence/{cap.id}/{name}"
                    try:
                        fh = store.open(rel)
                    except ValueError:
                        notes.append(f"{target} left out: the stored path {rel!r} is not inside the archive.")
                        continue
                    except FileNotFoundError:
                        notes.append(f"{target} left out: the archived file is missing from the store.")
                        continue
                    with fh:
                        w.add_file(target, fh, compress_type=zipfile.ZIP_STORED, kind=kind, **about)

        manifest = {
            SEAL: _UNSEALED,
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "tool": "factcheck",
            "tool_version": __version__,
            "generated_at": _iso(generated_at),
            "article_id": report.article.id,
            "article_title": report.article.title,
            "publication": publication.get("name"),
            "published_claims": [v.claim.id for v in report.published],
            "not_yet_verified_claims": [c.id for c in report.not_yet_verified],
            "files": w.files,
            "notes": notes,
        }
        raw = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        raw = raw.replace(_seal_field(_UNSEALED), _seal_field(hashlib.sha256(raw).hexdigest()), 1)
        zf.writestr(w._info(MANIFEST, zipfile.ZIP_DEFLATED), raw)


def _unsafe(name: str) -> bool:
    p = PurePosixPath(name)
    return not name or name.startswith(("/", "\\")) or "\\" in name or ".." in p.parts or bool(
        re.match(r"^[A-Za-z]:", name))


def verify_bundle(path: Path) -> list[str]:
    """Check an evidence bundle against its manifest; the problems found, or [] when it verifies.

    Reports a missing file, an altered file (size or SHA-256 differs from the manifest, or the ZIP
    entry is damaged), a file the manifest does not list, and a missing or unreadable manifest.
    Backs the CLI command ``factcheck verify-bundle PATH``, which prints these lines and exits
    non-zero when there are any."""
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"not a readable ZIP file: {exc}"]
    with zf:
        names = [i.filename for i in zf.infolist()]
        problems: list[str] = []
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"duplicate entry: {name} appears {names.count(name)} times")
        if MANIFEST not in names:
            return problems + [f"unreadable manifest: {MANIFEST} is missing"]
        try:
            raw = zf.read(MANIFEST)
            manifest = json.loads(raw.decode("utf-8"))
        except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, OSError) as exc:
            return problems + [f"unreadable manifest: {exc}"]
        if not isinstance(manifest, dict):
            return problems + ["unreadable manifest: it is not a JSON object"]
        claimed = manifest.get(SEAL)
        if not (isinstance(claimed, str) and _HEX64.match(claimed)):
            problems.append(f"unreadable manifest: it carries no {SEAL} seal")
        else:
            unsealed = raw.replace(_seal_field(claimed), _seal_field(_UNSEALED), 1)
            if unsealed == raw or hashlib.sha256(unsealed).hexdigest() != claimed:
                problems.append(f"altered file: {MANIFEST} (its content does not match its {SEAL} seal)")
        files = manifest.get("files")
        if not isinstance(files, list):
            return problems + ["unreadable manifest: it has no list of files"]

        listed: set[str] = set()
        for i, entry in enumerate(files):
            if not (isinstance(entry, dict) and isinstance(entry.get("path"), str)
                    and isinstance(entry.get("sha256"), str) and _HEX64.match(entry["sha256"])
                    and isinstance(entry.get("size"), int) and not isinstance(entry.get("size"), bool)):
                problems.append(f"unreadable manifest: entry {i + 1} lacks a path, a SHA-256 or a size")
                continue
            name = entry["path"]
            if name in listed:
                problems.append(f"unreadable manifest: {name} is listed twice")
                continue
            listed.add(name)
            if name == MANIFEST or _unsafe(name):
                problems.append(f"unreadable manifest: it lists an invalid path {name!r}")
                continue
            if name not in names:
                problems.append(f"missing file: {name}")
                continue
            sha, size = hashlib.sha256(), 0
            try:
                with zf.open(name) as fh:
                    for chunk in iter(lambda: fh.read(_CHUNK), b""):
                        sha.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                problems.append(f"altered file: {name} cannot be read back ({exc})")
                continue
            if sha.hexdigest() != entry["sha256"] or size != entry["size"]:
                problems.append(f"altered file: {name} (SHA-256 {sha.hexdigest()}, {size} bytes; the manifest "
                                f"says {entry['sha256']}, {entry['size']} bytes)")
        for name in dict.fromkeys(names):
            if name != MANIFEST and name not in listed:
                problems.append(f"unlisted extra file: {name}")
        return problems
