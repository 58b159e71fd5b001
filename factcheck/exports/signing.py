"""The newsroom's signing key: Ed25519 (the `cryptography` package), kept in the instance folder.

Layout of the key folder (``<instance>/signing`` by default)::

    newsroom-key.pem     the current private key, PKCS#8 PEM, owner-only (0600); never leaves the server
    public-keys.json     every public key this newsroom has signed with, the current one and the retired ones

A key's *fingerprint* is the SHA-256 of its 32 raw public-key bytes, in lowercase hex (64 characters). Rotation
makes a new private key, deletes the old private key, and keeps the old public key in ``public-keys.json``
(marked retired) so bundles signed before still verify. ``public-keys.json`` is what the app publishes at
``/.well-known/factcheck-keys.json`` and what every bundle carries as ``keys.json``.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PRIVATE_KEY = "newsroom-key.pem"
PUBLIC_KEYS = "public-keys.json"
KEYS_FORMAT = "factcheck-public-keys"
ALGORITHM = "Ed25519"


class SigningKeyError(RuntimeError):
    """A key cannot be created, read or used; the message says why and what to do."""


def fingerprint_of(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as a person may type it ("SHA256:AB:CD…", spaces) to the 64 lowercase hex digits."""
    value = text.strip().lower().removeprefix("sha256:")
    value = re.sub(r"[\s:]", "", value)
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise SigningKeyError(f"{text!r} is not a key fingerprint: one is 64 hexadecimal digits (the SHA-256 of the "
                        f"public key), as `factcheck keys list` prints it.")
    return value


@dataclass(frozen=True)
class PublicKey:
    fingerprint: str
    key: Ed25519PublicKey
    created_at: str | None = None
    retired_at: str | None = None

    def as_dict(self) -> dict:
        raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"fingerprint": self.fingerprint, "algorithm": ALGORITHM,
                "public_key": base64.b64encode(raw).decode("ascii"),
                "created_at": self.created_at, "retired_at": self.retired_at}

    def verifies(self, signature: bytes, data: bytes) -> bool:
        try:
            self.key.verify(signature, data)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    private: Ed25519PrivateKey
    fingerprint: str
    public_keys: list[PublicKey]

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)

    def keys_document(self, newsroom: str | None = None) -> dict:
        return keys_document(self.public_keys, newsroom=newsroom)


def keys_document(keys: list[PublicKey], *, newsroom: str | None = None) -> dict:
    return {"format": KEYS_FORMAT, "newsroom": newsroom, "keys": [k.as_dict() for k in keys]}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def parse_keys_document(doc: object) -> list[PublicKey]:
    """The public keys of a ``public-keys.json`` document; a key whose bytes do not match its fingerprint
    is refused, so a fingerprint always names exactly one key."""
    if not (isinstance(doc, dict) and isinstance(doc.get("keys"), list)):
        raise SigningKeyError("not a list of public keys: expected a JSON object with a \"keys\" list")
    out = []
    for i, entry in enumerate(doc["keys"]):
        try:
            raw = base64.b64decode(entry["public_key"], validate=True)
            key = Ed25519PublicKey.from_public_bytes(raw)
        except (KeyError, TypeError, ValueError) as exc:
            raise SigningKeyError(f"public key {i + 1} cannot be read ({exc})") from None
        fp = fingerprint_of(key)
        if entry.get("fingerprint") != fp:
            raise SigningKeyError(f"public key {i + 1} says its fingerprint is {entry.get('fingerprint')!r} but its "
                            f"bytes hash to {fp}")
        out.append(PublicKey(fp, key, entry.get("created_at"), entry.get("retired_at")))
    return out


def read_public_keys(path: Path) -> list[PublicKey]:
    """Keys from a file a verifier was given: a ``public-keys.json`` (e.g. saved from the newsroom's
    well-known URL) or one PEM public key."""
    data = Path(path).read_bytes()
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError as exc:
            raise SigningKeyError(f"{path}: not a PEM public key ({exc})") from None
        if not isinstance(key, Ed25519PublicKey):
            raise SigningKeyError(f"{path}: the key is not an Ed25519 key")
        return [PublicKey(fingerprint_of(key), key)]
    try:
        return parse_keys_document(json.loads(data.decode("utf-8")))
    except (UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, SigningKeyError):
            raise SigningKeyError(f"{path}: {exc}") from None
        raise SigningKeyError(f"{path}: neither a PEM public key nor a JSON list of public keys ({exc})") from None


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # O_EXCL: never overwrite a key
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_public(folder: Path, keys: list[PublicKey]) -> None:
    tmp = folder / (PUBLIC_KEYS + ".tmp")
    tmp.write_text(json.dumps(keys_document(keys), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, folder / PUBLIC_KEYS)


def _stored_public(folder: Path) -> list[PublicKey]:
    path = folder / PUBLIC_KEYS
    if not path.exists():
        return []
    return parse_keys_document(json.loads(path.read_text(encoding="utf-8")))


def create_key(folder: Path) -> PublicKey:
    """Make the newsroom's first signing key; refuses when one exists."""
    folder = Path(folder)
    if (folder / PRIVATE_KEY).exists():
        raise SigningKeyError(f"A signing key already exists at {folder / PRIVATE_KEY}; it was left as it is. "
                        f"Use `factcheck keys rotate` to replace it.")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    public = PublicKey(fingerprint_of(key.public_key()), key.public_key(), created_at=_now())
    _write_private(folder / PRIVATE_KEY, key)
    _write_public(folder, [k for k in _stored_public(folder) if k.fingerprint != public.fingerprint] + [public])
    return public


def rotate_key(folder: Path) -> tuple[PublicKey, PublicKey]:
    """Replace the signing key: (retired, new). The old private key is deleted; its public key is kept."""
    folder = Path(folder)
    old = load_signer(folder)
    if old is None:
        raise SigningKeyError(f"There is no signing key at {folder / PRIVATE_KEY} to rotate; create one with "
                        f"`factcheck keys create`.")
    key = Ed25519PrivateKey.generate()
    new = PublicKey(fingerprint_of(key.public_key()), key.public_key(), created_at=_now())
    staged = folder / (PRIVATE_KEY + ".new")
    if staged.exists():
        staged.unlink()
    _write_private(staged, key)
    stamp = _now()
    keys = [PublicKey(k.fingerprint, k.key, k.created_at, k.retired_at or stamp)
            if k.fingerprint == old.fingerprint else k for k in old.public_keys] + [new]
    _write_public(folder, keys)
    os.replace(staged, folder / PRIVATE_KEY)
    retired = next(k for k in keys if k.fingerprint == old.fingerprint)
    return retired, new


def load_signer(folder: Path) -> Signer | None:
    """The current signing key, or None when this newsroom has none yet."""
    folder = Path(folder)
    path = folder / PRIVATE_KEY
    if not path.exists():
        return None
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"The signing key at {path} cannot be read ({exc}).") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"The signing key at {path} is not an Ed25519 key.")
    fp = fingerprint_of(key.public_key())
    keys = _stored_public(folder)
    if not any(k.fingerprint == fp for k in keys):
        keys.append(PublicKey(fp, key.public_key()))
    return Signer(key, fp, keys)


def public_keys(folder: Path) -> list[PublicKey]:
    """Every public key the newsroom has signed with (current and retired); [] when none was made."""
    return _stored_public(Path(folder))
