"""Content-addressed storage: stored once, written atomically, never outside the root."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from factcheck.archive import storage as storage_module
from factcheck.archive.storage import ArchiveStore, LocalArchiveStore


@pytest.fixture
def store(tmp_path) -> ArchiveStore:
    return LocalArchiveStore(tmp_path / "archive")


def test_put_bytes_layout_and_read_back(store):
    data = b"the minister said 4 percent"
    digest, rel = store.put_bytes(data, suffix=".txt")
    assert digest == hashlib.sha256(data).hexdigest()
    assert rel == f"{digest[:2]}/{digest[2:4]}/{digest}.txt"
    assert store.path(rel).read_bytes() == data
    with store.open(rel) as fh:
        assert fh.read() == data
    # suffix without the dot is accepted
    assert store.put_bytes(data, suffix="txt") == (digest, rel)


def test_same_content_stored_once_and_not_rewritten(store):
    digest, rel = store.put_bytes(b"same", suffix=".txt")
    target = store.path(rel)
    os.utime(target, (1_000_000, 1_000_000))
    inode = target.stat().st_ino
    assert store.put_bytes(b"same", suffix=".txt") == (digest, rel)
    assert target.stat().st_mtime == 1_000_000 and target.stat().st_ino == inode
    files = [p for p in store.root.rglob("*") if p.is_file()]
    assert files == [target]
    other = store.put_bytes(b"different", suffix=".txt")
    assert other[0] != digest


def test_put_bytes_is_atomic(store, monkeypatch):
    """A failure while writing leaves neither a partial target nor a temp file behind."""
    real_fsync = os.fsync

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(storage_module.os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        store.put_bytes(b"half written", suffix=".txt")
    monkeypatch.setattr(storage_module.os, "fsync", real_fsync)
    assert [p for p in store.root.rglob("*") if p.is_file()] == []

    # and the final file only appears through os.replace from a temp file in the same directory
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((Path(src), Path(dst), Path(dst).exists()))
        return real_replace(src, dst)

    monkeypatch.setattr(storage_module.os, "replace", spy)
    _, rel = store.put_bytes(b"whole", suffix=".txt")
    (src, dst, existed), = seen
    assert dst == store.path(rel) and src.parent == dst.parent and not existed
    assert not src.exists() and dst.read_bytes() == b"whole"


def test_put_file_moves_or_deletes_duplicate(store, tmp_path):
    first = tmp_path / "one.tmp"
    first.write_bytes(b"WARC" * 1000)
    digest, rel = store.put_file(first, suffix=".warc.gz")
    assert rel.endswith(f"{digest}.warc.gz")
    assert not first.exists()
    assert store.path(rel).read_bytes() == b"WARC" * 1000
    again = tmp_path / "two.tmp"
    again.write_bytes(b"WARC" * 1000)
    assert store.put_file(again, suffix=".warc.gz") == (digest, rel)
    assert not again.exists()
    assert len([p for p in store.root.rglob("*") if p.is_file()]) == 1


@pytest.mark.parametrize("bad", ["../x", "../../etc/passwd", "/etc/passwd", "ab/../../x", "",
                                 "ab/cd/../../..", "..", "a\x00b"])
def test_path_escape_refused(store, bad):
    with pytest.raises(ValueError):
        store.path(bad)
    with pytest.raises(ValueError):
        store.open(bad)


def test_symlink_out_of_root_refused(store, tmp_path):
    store.root.mkdir(parents=True)
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    (store.root / "link").symlink_to(outside)
    with pytest.raises(ValueError):
        store.path("link")


def test_unsafe_suffix_refused(store):
    with pytest.raises(ValueError):
        store.put_bytes(b"x", suffix="/../../evil")


def test_the_local_store_is_an_archive_store_with_exists_size_and_delete(store):
    assert isinstance(store, ArchiveStore)
    _, name = store.put_bytes(b"evidence", suffix=".txt")
    assert store.exists(name) and store.size(name) == len(b"evidence")
    with store.open(name) as fh:
        assert fh.read() == b"evidence"
    store.delete(name)
    assert not store.exists(name)
    with pytest.raises(FileNotFoundError):
        store.open(name)
    store.delete(name)  # deleting what is gone is harmless
    assert not store.exists("../outside.txt")  # a name that is not ours is never "there"
    with pytest.raises(ValueError):
        store.size("../outside.txt")


def test_staging_happens_inside_the_store_so_put_file_moves_instead_of_copying(store):
    staging = store.staging_dir()
    assert staging is not None and staging.is_dir() and staging.resolve().is_relative_to(store.root.resolve())
    tmp = staging / "draft.bin"
    tmp.write_bytes(b"x" * 10)
    _, name = store.put_file(tmp, suffix=".bin")
    assert not tmp.exists() and store.size(name) == 10
