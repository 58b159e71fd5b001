"""The archive store: evidence files (WARCs, readable text, screenshots, built exports) kept by content hash.

`ArchiveStore` is the interface every reader and writer of archived files goes through; `LocalArchiveStore` keeps
them in a folder (shared between machines in the distributed mode). An object store would be one more class with
the same methods. A stored name is ``ab/cd/<sha256><suffix>``; a file is stored once and never rewritten. Local
writes go to a temporary file beside the destination and are moved into place with ``os.replace``, so a reader
never sees a half-written file.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol, runtime_checkable

_SUFFIX_RX = re.compile(r"^(\.[A-Za-z0-9_-]{1,16}){0,3}$")
_CHUNK = 1024 * 1024


def _normalise_suffix(suffix: str) -> str:
    suffix = suffix or ""
    if suffix and not suffix.startswith("."):
        suffix = "." + suffix
    if not _SUFFIX_RX.match(suffix):
        raise ValueError(f"unsafe file suffix: {suffix!r}")
    return suffix.lower()


def _relative_for(digest: str, suffix: str) -> str:
    return f"{digest[:2]}/{digest[2:4]}/{digest}{suffix}"


@runtime_checkable
class ArchiveStore(Protocol):
    """Where archived files live. Names are the relative names `put_*` returned; they never contain `..`."""

    def put_bytes(self, data: bytes, *, suffix: str) -> tuple[str, str]:
        """Store `data`; (sha256, name). Storing the same content again is free and returns the same name."""

    def put_file(self, tmp_path: Path, *, suffix: str) -> tuple[str, str]:
        """Store a finished local file by its hash, taking it over (it is moved or deleted); (sha256, name)."""

    def open(self, name: str) -> BinaryIO:
        """Read a stored file. FileNotFoundError when it is not there; ValueError for a name that is not ours."""

    def exists(self, name: str) -> bool: ...

    def size(self, name: str) -> int: ...

    def delete(self, name: str) -> None:
        """Remove a stored file (only for files nothing refers to any more, such as an expired export)."""

    def staging_dir(self) -> Path | None:
        """A local folder where a writer may build a file before `put_file` (None: the system's temp folder)."""


class LocalArchiveStore:
    """An ArchiveStore in a local (or shared network) folder."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalArchiveStore({str(self.root)!r})"

    def staging_dir(self) -> Path | None:
        self.root.mkdir(parents=True, exist_ok=True)  # the same file system as the files, so put_file can move
        return self.root

    def exists(self, relative: str) -> bool:
        try:
            return self.path(relative).is_file()
        except ValueError:
            return False

    def size(self, relative: str) -> int:
        return self.path(relative).stat().st_size

    def delete(self, relative: str) -> None:
        _unlink_quietly(self.path(relative))

    # -- locating ---------------------------------------------------------------------------
    def path(self, relative: str) -> Path:
        """The absolute path of ``relative``, which must stay inside the root."""
        if not isinstance(relative, str) or not relative or "\x00" in relative:
            raise ValueError(f"not a stored path: {relative!r}")
        rel = PurePosixPath(relative.replace("\\", "/"))
        if rel.is_absolute() or relative.startswith(("/", "\\")) or ".." in rel.parts \
                or re.match(r"^[A-Za-z]:", relative):
            raise ValueError(f"path escapes the archive root: {relative!r}")
        root = self.root.resolve()
        candidate = (root / rel).resolve()
        if candidate == root or not candidate.is_relative_to(root):
            raise ValueError(f"path escapes the archive root: {relative!r}")
        return candidate

    def open(self, relative: str) -> BinaryIO:
        return open(self.path(relative), "rb")

    # -- storing ----------------------------------------------------------------------------
    def put_bytes(self, data: bytes, *, suffix: str) -> tuple[str, str]:
        suffix = _normalise_suffix(suffix)
        digest = hashlib.sha256(data).hexdigest()
        relative = _relative_for(digest, suffix)
        target = self.path(relative)
        if target.exists():
            return digest, relative
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            _unlink_quietly(tmp)
            raise
        return digest, relative

    def put_file(self, tmp_path: Path, *, suffix: str) -> tuple[str, str]:
        """Store a finished file by its hash: move it into place, or delete it if the same
        content is already stored."""
        suffix = _normalise_suffix(suffix)
        tmp_path = Path(tmp_path)
        sha = hashlib.sha256()
        with open(tmp_path, "rb") as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                sha.update(chunk)
        digest = sha.hexdigest()
        relative = _relative_for(digest, suffix)
        target = self.path(relative)
        if target.exists():
            tmp_path.unlink()
            return digest, relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(tmp_path, target)
        except OSError:
            # Another file system (EXDEV): copy next to the target, then swap it in atomically.
            fd, staged = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as out, open(tmp_path, "rb") as src:
                    shutil.copyfileobj(src, out, _CHUNK)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(staged, target)
            except BaseException:
                _unlink_quietly(staged)
                raise
            tmp_path.unlink()
        return digest, relative


def _unlink_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
