"""Checking an evidence bundle offline: its files against its manifest, and the manifest against its signature.

What a check proves depends on what the verifier brings:

- nothing: that the files match each other (the manifest's digests) and, for a signed bundle, that the manifest
  was signed by the key the bundle itself carries. A forger can make such a bundle with a key of their own.
- a public key (``keys``, e.g. saved from the newsroom's ``/.well-known/factcheck-keys.json``) or a fingerprint
  (``fingerprints``) obtained from the newsroom: that the newsroom holding that key signed exactly this manifest,
  hence exactly these files.
- the time-stamping authority's certificates (``tsa_certificates``): that each timestamp token the bundle carries
  was signed by that authority, for exactly the digest of the file it names, at the time it states (see
  ``exports/timestamps.py``). Without them the tokens are checked against the certificates the bundle carries.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from factcheck.exports import signing
from factcheck.exports import timestamps as stamping
from factcheck.exports.bundle import _CHUNK, _HEX64, _UNSEALED, KEYS, MANIFEST, SEAL, SIGNATURE, _seal_field


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    signed: bool = False                 # the manifest's signature checks out against a key
    pinned: bool = False                 # ... and that key is one the verifier gave (by key or fingerprint)
    fingerprint: str | None = None       # the key that signed it
    newsroom: str | None = None
    signed_at: str | None = None         # by the newsroom's own clock
    asked_for: list[str] = field(default_factory=list)  # fingerprints the verifier trusts
    timestamps: stamping.StampCheck = field(default_factory=stamping.StampCheck)  # what the tokens proved

    @property
    def ok(self) -> bool:
        return not self.problems


def _unsafe(name: str) -> bool:
    p = PurePosixPath(name)
    return not name or name.startswith(("/", "\\")) or "\\" in name or ".." in p.parts or bool(
        re.match(r"^[A-Za-z]:", name))


def verify_bundle(path: Path) -> list[str]:
    """The problems found in the bundle at ``path``; [] when every file matches the manifest and, when the
    bundle is signed, the signature matches the key it carries. :func:`check_bundle` says more."""
    return check_bundle(path).problems


def check_bundle(path: Path, *, keys: list[signing.PublicKey] | None = None,
                 fingerprints: list[str] | None = None, tsa_certificates: bytes | None = None) -> Verification:
    """Check an evidence bundle; ``keys``, ``fingerprints`` and ``tsa_certificates`` (PEM) are what the verifier
    trusts (None: nothing).

    Reports a missing file, an altered file (size or SHA-256 differs from the manifest, or the ZIP entry is
    damaged), a file the manifest does not list, an unreadable manifest, and a signature that does not match
    the manifest or was made by a key the verifier does not trust. Each message names the file."""
    result = Verification()
    trusted = None if keys is None and fingerprints is None else \
        {k.fingerprint for k in keys or []} | {signing.normalise_fingerprint(f) for f in fingerprints or []}
    result.asked_for = sorted(trusted or [])
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        result.problems.append(f"not a readable ZIP file: {exc}")
        return result
    with zf:
        names = [i.filename for i in zf.infolist()]
        problems = result.problems
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"duplicate entry: {name} appears {names.count(name)} times")
        if MANIFEST not in names:
            problems.append(f"unreadable manifest: {MANIFEST} is missing")
            return result
        try:
            raw = zf.read(MANIFEST)
            manifest = json.loads(raw.decode("utf-8"))
        except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, OSError) as exc:
            problems.append(f"unreadable manifest: {MANIFEST} is not valid JSON ({exc})")
            return result
        if not isinstance(manifest, dict):
            problems.append("unreadable manifest: it is not a JSON object")
            return result
        claimed = manifest.get(SEAL)
        if not (isinstance(claimed, str) and _HEX64.match(claimed)):
            problems.append(f"unreadable manifest: it carries no {SEAL} seal")
        else:
            unsealed = raw.replace(_seal_field(claimed), _seal_field(_UNSEALED), 1)
            if unsealed == raw or hashlib.sha256(unsealed).hexdigest() != claimed:
                problems.append(f"altered file: {MANIFEST} (its content does not match its {SEAL} seal)")
        files = manifest.get("files")
        if not isinstance(files, list):
            problems.append("unreadable manifest: it has no list of files")
            return result
        listed = _check_files(zf, names, files, problems)
        declared = manifest.get("signature")
        for name in dict.fromkeys(names):
            if name == SIGNATURE and declared is not None or name == stamping.MANIFEST_TOKEN and manifest.get(
                    "timestamps") is not None:
                continue
            if name != MANIFEST and name not in listed:
                problems.append(f"unlisted extra file: {name}" + (
                    " (the manifest says the bundle is unsigned)" if name == SIGNATURE else ""))
        if declared is not None:
            _check_signature(zf, names, raw, declared, trusted, keys or [], result)
        result.timestamps = stamping.check_stamps(zf, names, manifest, raw, problems, certificates=tsa_certificates)
        return result


def _check_files(zf: zipfile.ZipFile, names: list[str], files: list, problems: list[str]) -> set[str]:
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
        if name in (MANIFEST, SIGNATURE) or _unsafe(name):
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
    return listed


def _check_signature(zf: zipfile.ZipFile, names: list[str], raw: bytes, declared, trusted: set[str] | None,
                     given: list[signing.PublicKey], result: Verification) -> None:
    problems = result.problems
    if not (isinstance(declared, dict) and isinstance(declared.get("key_fingerprint"), str)):
        problems.append("unreadable manifest: its signature entry names no key")
        return
    fp = declared["key_fingerprint"]
    result.fingerprint, result.newsroom, result.signed_at = fp, declared.get("newsroom"), declared.get("signed_at")
    if SIGNATURE not in names:
        problems.append(f"missing file: {SIGNATURE} (the manifest says the bundle was signed by key {fp})")
        return
    try:
        sig = json.loads(zf.read(SIGNATURE).decode("utf-8"))
        signature = base64.b64decode(sig["signature"], validate=True)
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, ValueError, KeyError, TypeError,
            binascii.Error) as exc:
        problems.append(f"altered file: {SIGNATURE} cannot be read ({exc})")
        return
    if sig.get("key_fingerprint") != fp or sig.get("signed_file") != MANIFEST:
        problems.append(f"altered file: {SIGNATURE} (it names key {sig.get('key_fingerprint')} and file "
                        f"{sig.get('signed_file')}; the manifest says key {fp} signed {MANIFEST})")
        return
    candidates: list[signing.PublicKey] = []
    if KEYS in names:
        try:
            candidates = signing.parse_keys_document(json.loads(zf.read(KEYS).decode("utf-8")))
        except (zipfile.BadZipFile, OSError, UnicodeDecodeError, ValueError, signing.SigningKeyError) as exc:
            problems.append(f"altered file: {KEYS} cannot be read ({exc})")
    key = next((k for k in candidates if k.fingerprint == fp), None)
    if trusted is not None:
        key = next((k for k in given if k.fingerprint == fp), key)  # the verifier's own copy first
        if fp not in trusted:
            problems.append(f"{SIGNATURE}: the manifest was signed by key {fp}, which is not a key you trust "
                            f"({', '.join(sorted(trusted))}); someone other than that newsroom may have made "
                            f"this bundle")
            return
    if key is None:
        problems.append(f"{KEYS}: it does not hold the public key {fp} that signed {MANIFEST}")
        return
    if not key.verifies(signature, raw):
        problems.append(f"altered file: {MANIFEST} (its signature in {SIGNATURE} does not match key {fp}: the "
                        f"manifest or the signature was changed after signing)")
        return
    result.signed, result.pinned = True, trusted is not None
