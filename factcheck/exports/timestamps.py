"""Trusted timestamps in an evidence bundle: the tokens it carries, and checking them offline.

When the newsroom has a time-stamping authority (FACTCHECK_TSA_URL), a bundle adds::

    timestamps/<capture_id>.tsr   the RFC 3161 token of evidence/<capture_id>/capture.warc.gz (listed in the manifest,
                                  with the file it stamps, the authority and its time)
    timestamps/tsa-certs.pem      the authority's certificates the tokens chain to (listed in the manifest)
    manifest.tsr                  the token of manifest.json's exact bytes, beside signature.json: made after the
                                  manifest, so the manifest declares it (its "timestamps" entry) but cannot list it

A token says "the authority saw this SHA-256 at this time". It is checked here without any network: its message
imprint must be the digest of the file it stamps, and its signature must chain to a root among the TSA
certificates (the verifier's own copy, or the one the bundle carries). The same files can be checked with
``openssl ts -verify -in timestamps/3.tsr -data evidence/3/capture.warc.gz -CAfile timestamps/tsa-certs.pem``.

This module imports nothing from ``bundle`` (which uses it), only the names of files.
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone

from factcheck.archive import tsa

MANIFEST_TOKEN = "manifest.tsr"
TSA_CERTS = "timestamps/tsa-certs.pem"
_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BundleStamps:
    """What a bundle is given to carry: the authority, its certificates, and the capture stamps so far."""

    tsa_url: str
    certificates: bytes                                  # PEM
    captures: dict = field(default_factory=dict)        # capture id -> models.Timestamp (granted, waiting or failed)


def token_path(capture_id: int) -> str:
    return f"timestamps/{capture_id}.tsr"


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return value.isoformat(timespec="seconds")


def add_capture_token(writer, capture_id: int, stamps: BundleStamps, notes: list[str]) -> None:
    """After a capture's WARC went into the bundle: its token beside it, or a note saying why there is none."""
    warc = f"evidence/{capture_id}/capture.warc.gz"
    entry = next((f for f in writer.files if f["path"] == warc), None)
    if entry is None:
        return
    row = stamps.captures.get(capture_id)
    if row is not None and row.token and row.digest == entry["sha256"]:
        writer.add_bytes(token_path(capture_id), row.token, kind="timestamp", stamps=warc, capture_id=capture_id,
                         tsa=row.tsa_name, stamped_at=_iso(row.stamped_at))
        return
    if row is None:
        why = "no timestamp was asked for (it was archived before the newsroom had a time-stamping authority)"
    elif row.token:
        why = "its token stamps another digest than this WARC's"
    elif row.state == "failed":
        why = f"the time-stamping authority gave none ({row.reason})"
    else:
        why = "the time-stamping authority has not answered yet" + (f" ({row.reason})" if row.reason else "")
    notes.append(f"{warc} is not timestamped: {why}")


def add_certificates(writer, stamps: BundleStamps) -> None:
    writer.add_bytes(TSA_CERTS, stamps.certificates, kind="tsa-certificates")


def declaration(stamps: BundleStamps | None) -> dict | None:
    """The manifest's "timestamps" entry (None when the newsroom does not timestamp)."""
    if stamps is None:
        return None
    return {"standard": "RFC 3161", "hash": "SHA-256", "authority": stamps.tsa_url, "certificates": TSA_CERTS,
            "manifest_token": MANIFEST_TOKEN}


def add_manifest_token(target, der: bytes) -> None:
    """Add manifest.tsr to a finished bundle (a path, or a seekable file open for reading and writing); the
    manifest and its signature are left exactly as they are."""
    with zipfile.ZipFile(target, "a") as zf:
        if MANIFEST_TOKEN in zf.namelist():
            return
        info = zipfile.ZipInfo(MANIFEST_TOKEN, date_time=zf.infolist()[-1].date_time)
        info.compress_type = zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        zf.writestr(info, der)


def read_manifest(target) -> bytes:
    with zipfile.ZipFile(target) as zf:
        return zf.read(_MANIFEST)


# --- checking offline ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stamp:
    file: str                # the file the token is of
    token: str               # the token's file in the bundle
    tsa_name: str
    stamped_at: datetime


@dataclass
class StampCheck:
    declared: bool = False               # the manifest says the bundle is timestamped
    pinned: bool = False                 # checked against TSA certificates the verifier gave
    manifest: Stamp | None = None
    files: list[Stamp] = field(default_factory=list)
    unstamped: list[str] = field(default_factory=list)   # sentences: what carries no timestamp, and why


def check_stamps(zf: zipfile.ZipFile, names: list[str], manifest: dict, raw: bytes, problems: list[str], *,
                 certificates: bytes | None = None) -> StampCheck:
    """Check every token a bundle carries; each problem names the token's file. ``certificates`` (PEM) are the
    TSA certificates the verifier trusts; None checks against those the bundle carries."""
    declared = manifest.get("timestamps")
    files = {e["path"]: e for e in manifest.get("files") or [] if isinstance(e, dict) and isinstance(e.get("path"), str)}
    tokens = [e for e in files.values() if e.get("kind") == "timestamp"]
    result = StampCheck(declared=isinstance(declared, dict), pinned=certificates is not None)
    if not (result.declared or tokens or MANIFEST_TOKEN in names):
        return result
    if certificates is None:
        if TSA_CERTS not in files or TSA_CERTS not in names:
            problems.append(f"missing file: {TSA_CERTS} (the certificates the bundle's timestamps chain to); give "
                            f"the authority's certificates with --tsa-cert")
            return result
        certificates = zf.read(TSA_CERTS)
    stamped = set()
    for entry in tokens:
        name, target = entry["path"], entry.get("stamps")
        if name not in names:
            continue  # reported as a missing file already
        if not isinstance(target, str) or target not in files:
            problems.append(f"bad timestamp: {name} says it stamps {target!r}, which the manifest does not list")
            continue
        stamp = _check_one(zf.read(name), files[target]["sha256"], certificates, name, target, problems)
        if stamp is not None:
            result.files.append(stamp)
            stamped.add(target)
    if MANIFEST_TOKEN in names:
        stamp = _check_one(zf.read(MANIFEST_TOKEN), hashlib.sha256(raw).hexdigest(), certificates, MANIFEST_TOKEN,
                           _MANIFEST, problems)
        result.manifest = stamp
    elif result.declared:
        result.unstamped.append(f"{_MANIFEST} has no timestamp token ({MANIFEST_TOKEN}): the authority had not "
                                f"granted one when this copy was made, so the bundle's own date is the newsroom's "
                                f"word only")
    for path, entry in files.items():
        if entry.get("kind") == "warc" and path not in stamped and not any(t.get("stamps") == path for t in tokens):
            note = next((n for n in manifest.get("notes") or [] if isinstance(n, str)
                         and n.startswith(f"{path} is not timestamped")), f"{path} is not timestamped")
            result.unstamped.append(note)
    return result


def _check_one(der: bytes, digest: str, certificates: bytes, name: str, target: str,
               problems: list[str]) -> Stamp | None:
    try:
        token = tsa.check(der, digest, certificates)
    except tsa.TokenProblem as exc:
        problems.append(f"bad timestamp: {name} does not prove when {target} existed: {exc}")
        return None
    return Stamp(file=target, token=name, tsa_name=token.tsa_name, stamped_at=token.stamped_at)
