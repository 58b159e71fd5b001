"""The evidence bundle of one article: a ZIP a reader, a lawyer or a court can check on its own.

Layout::

    report.html                            the verification report (self-contained)
    report.pdf                             the same, printed by Chromium (left out without Chromium)
    claimreview.json                       schema.org ClaimReview of every published claim
    evidence/<capture_id>/capture.warc.gz  the archived copy of each cited source, as captured
    evidence/<capture_id>/screenshot.png   its screenshot, when one was taken
    evidence.wacz                          the same WARCs as one WACZ 1.1.1, which replay tools open
    timestamps/<capture_id>.tsr            the RFC 3161 timestamp token of that WARC (exports/timestamps.py)
    timestamps/tsa-certs.pem               the time-stamping authority's certificates the tokens chain to
    keys.json                              the newsroom's public keys (when it has a signing key)
    manifest.json                          every other file with its SHA-256 and size, and who signed it
    signature.json                         the Ed25519 signature of manifest.json's exact bytes
    manifest.tsr                           the RFC 3161 timestamp token of manifest.json's exact bytes

:func:`verify_bundle` (in ``factcheck.exports.verify``) re-reads a bundle against its manifest and signature.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from datetime import datetime, timezone
from typing import BinaryIO

from factcheck.archive import wacz
from factcheck.models.views import ArticleReport

MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
KEYS = "keys.json"
WACZ = "evidence.wacz"
FORMAT = "factcheck-evidence-bundle"
FORMAT_VERSION = 2  # 2: signed (manifest "signature", signature.json, keys.json)
_CHUNK = 1024 * 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# The manifest seals itself: SEAL holds the SHA-256 of the manifest's exact bytes as written with
# SEAL set to _UNSEALED, so a changed byte anywhere in it (not only in the file list) is noticed.
# It is a check against damage and casual edits, not a signature: whoever rewrites a file can
# rewrite the manifest too. What pins a bundle down is signature.json: the newsroom's Ed25519 signature of the
# manifest's exact bytes, checked against a public key the verifier trusts.
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
                 chromium: str | None, generated_at: datetime, signer=None, timestamps=None) -> None:
    """Write the evidence bundle of ``report`` as a ZIP to ``out``, signed by ``signer``
    (a ``factcheck.exports.signing.Signer``) when one is given, with the capture tokens of ``timestamps`` (an
    ``exports.timestamps.BundleStamps``) when the newsroom timestamps; the manifest's own token is added after
    (``exports.timestamps.add_manifest_token``).

    The PDF is left out, with a note in the manifest, when ``chromium`` is None; an archived file
    missing from the store is left out with a note too. Anything else that fails raises."""
    from factcheck.meta import __version__
    from factcheck.exports.claimreview import claim_reviews, script_safe_json
    from factcheck.exports import timestamps as stamping
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
        packed: list[wacz.Entry] = []
        for view in report.published:
            for sv in view.sources:
                cap = sv.capture
                if cap is None or cap.id in seen or cap.state != "done":
                    continue
                seen.add(cap.id)
                packed.append(wacz.entry_of(cap))
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
                if timestamps is not None:
                    stamping.add_capture_token(w, cap.id, timestamps, notes)

        try:  # gzipped WARCs inside: stored as it is
            w.add_file(WACZ, wacz.ChunkReader(wacz.stream_wacz(packed, store=store, created=generated_at,
                                                               title=f"Evidence: {report.article.title}")),
                       compress_type=zipfile.ZIP_STORED, kind="wacz", capture_ids=sorted(seen))
        except wacz.NothingToPackage:
            notes.append(f"{WACZ} left out: no cited source has an archived WARC to package.")
        if timestamps is not None:
            stamping.add_certificates(w, timestamps)
        if signer is not None:
            w.add_bytes(KEYS, json.dumps(signer.keys_document(publication.get("name")), indent=2).encode("utf-8"))
        else:
            notes.append("unsigned: this newsroom has no signing key (`factcheck keys create`), so the bundle "
                         "proves only that its files match each other.")
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
            "signature": None if signer is None else {
                "algorithm": "Ed25519", "key_fingerprint": signer.fingerprint,
                "newsroom": publication.get("name"), "signed_at": _iso(generated_at), "file": SIGNATURE},
            "timestamps": stamping.declaration(timestamps),
        }
        raw = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        raw = raw.replace(_seal_field(_UNSEALED), _seal_field(hashlib.sha256(raw).hexdigest()), 1)
        zf.writestr(w._info(MANIFEST, zipfile.ZIP_DEFLATED), raw)
        if signer is not None:
            sig = {"algorithm": "Ed25519", "signed_file": MANIFEST, "key_fingerprint": signer.fingerprint,
                   "signature": base64.b64encode(signer.sign(raw)).decode("ascii")}
            zf.writestr(w._info(SIGNATURE, zipfile.ZIP_DEFLATED), json.dumps(sig, indent=2).encode("utf-8"))

