"""Package archived captures as WACZ 1.1.1 (Webrecorder's "Web Archive Collection Zipped").

A WACZ is a ZIP that a replay tool (ReplayWeb.page) or another archive can open on its own::

    archive/capture-<id>.warc.gz   each capture's WARC, byte for byte as archived, ZIP_STORED (already gzipped
                                   record by record; the index's offsets point into it, so it is never recompressed)
    indexes/index.cdx              CDXJ: one line per response record, sorted (SURT key, 14-digit time, JSON)
    pages/pages.jsonl              one page per capture: the URL first fetched (the cited one) and its WARC-Date
    datapackage.json               Frictionless data package: every file above with its sha256 and size
    datapackage-digest.json        the sha256 of datapackage.json

The writer is our own, on warcio (reading the records) and surt (the index key), rather than py-wacz's
``wacz create``: that is a command line tool that takes file paths, prints as it goes and re-reads every WARC,
while here every WARC comes through the archive store and is read once: the same bytes are indexed, hashed and
copied into the ZIP as they stream past. py-wacz's ``wacz validate`` checks the result in the tests.

:func:`stream_wacz` yields the ZIP in pieces as it is made (an HTTP response, memory flat however many captures);
:func:`write_wacz` writes it to a file object (a temporary file, or an entry of the evidence bundle).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, BinaryIO

import surt
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_timestamp

WACZ_VERSION = "1.1.1"
MIMETYPE = "application/wacz"
INDEX = "indexes/index.cdx"
PAGES = "pages/pages.jsonl"
DATAPACKAGE = "datapackage.json"
DIGEST = "datapackage-digest.json"
_CHUNK = 1024 * 1024
_INDEXED = ("response", "revisit", "resource")


class NothingToPackage(LookupError):
    """None of the captures asked for has a WARC in the store: there is no WACZ to make (it needs one WARC)."""


class UnreadableWarc(ValueError):
    """A stored WARC does not parse as WARC records, so it cannot be indexed (the file is damaged)."""


@dataclass(frozen=True)
class Entry:
    """One capture to package: its id, its WARC's name in the archive store, and what the page list shows."""

    capture_id: int
    warc: str
    title: str | None = None


def entry_of(capture: Any) -> Entry | None:
    """The entry for a Capture (or the read model's CaptureRow); None when it has no WARC."""
    if not getattr(capture, "warc_path", None):
        return None
    return Entry(capture_id=int(capture.id), warc=capture.warc_path, title=capture.title or None)


@dataclass
class Packed:
    """What went into a WACZ: the captures packaged and the ones left out (their WARC is missing from the store)."""

    included: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    pages: list[dict] = field(default_factory=list)


def _rfc3339(value: datetime) -> str:
    value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Tee:
    """Reads a stored WARC for the indexer while copying every byte into the ZIP entry and its hash."""

    def __init__(self, src: BinaryIO, dst: BinaryIO):
        self.src, self.dst = src, dst
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.src.read(n)
        if data:
            self.dst.write(data)
            self.sha.update(data)
            self.size += len(data)
        return data

    def drain(self) -> None:
        while self.read(_CHUNK):
            pass


def _index_line(record, it: ArchiveIterator, filename: str) -> tuple[str, str, str]:
    """(CDXJ line, url, WARC-Date) of one record; reading its offset and length consumes the record."""
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI") or ""
    date = headers.get_header("WARC-Date") or ""
    fields: dict[str, str] = {"url": url}
    if record.rec_type == "revisit":
        fields["mime"] = "warc/revisit"
    else:
        http = record.http_headers
        mime = (http.get_header("Content-Type") if http else headers.get_header("Content-Type")) or ""
        mime = mime.split(";", 1)[0].strip()
        if mime:
            fields["mime"] = mime
    if record.http_headers is not None and record.http_headers.get_statuscode():
        fields["status"] = str(record.http_headers.get_statuscode())
    digest = headers.get_header("WARC-Payload-Digest")
    if digest:
        fields["digest"] = digest
    fields["length"] = str(it.get_record_length())
    fields["offset"] = str(it.get_record_offset())
    fields["filename"] = filename
    try:
        key = surt.surt(url)
    except Exception:  # noqa: BLE001 - an odd URL keys as itself, as pywb's indexer does, and stays findable
        key = url
    return f"{key} {iso_date_to_timestamp(date)} {json.dumps(fields, ensure_ascii=False)}", url, date


class _Zip:
    """A ZIP being written, remembering each entry's sha256 and size for the data package."""

    def __init__(self, out: BinaryIO, created: datetime, store):
        self.zf, self.store = zipfile.ZipFile(out, "w", allowZip64=True), store
        stamp = created.astimezone(timezone.utc) if created.tzinfo else created
        self.date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
        self.resources: list[dict] = []

    def info(self, name: str, compress_type: int, size: int = 0) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type, info.file_size, info.external_attr = compress_type, size, 0o644 << 16
        return info

    def add(self, name: str, sha256: str, size: int) -> None:
        self.resources.append({"name": name.rsplit("/", 1)[-1], "path": name, "hash": f"sha256:{sha256}",
                               "bytes": size})

    def add_bytes(self, name: str, data: bytes, *, listed: bool = True) -> None:
        self.zf.writestr(self.info(name, zipfile.ZIP_DEFLATED), data)
        if listed:
            self.add(name, hashlib.sha256(data).hexdigest(), len(data))


def _copy_and_index(z: _Zip, entry: Entry, src: BinaryIO, lines: list[str]) -> Iterator[None]:
    """Copy one stored WARC into the ZIP while indexing it (one read); returns its page, yielding per record."""
    name = f"archive/capture-{entry.capture_id}.warc.gz"
    page = None
    with z.zf.open(z.info(name, zipfile.ZIP_STORED, z.store.size(entry.warc)), "w") as dst:
        tee = _Tee(src, dst)
        it = ArchiveIterator(tee)
        try:
            for record in it:
                if record.rec_type in _INDEXED:
                    line, url, date = _index_line(record, it, name.rsplit("/", 1)[-1])
                    lines.append(line)
                    if page is None and record.rec_type == "response":
                        page = {"id": f"capture-{entry.capture_id}", "url": url, "ts": date}
                        if entry.title:
                            page["title"] = entry.title
                yield
        except ArchiveLoadFailed as exc:
            raise UnreadableWarc(f"the WARC of capture #{entry.capture_id} cannot be read: {exc}") from exc
        tee.drain()
    z.add(name, tee.sha.hexdigest(), tee.size)
    return page


def _finish(z: _Zip, lines: list[str], pages: list[dict], *, title: str, description: str, created: datetime,
            software: str) -> None:
    """The index, the page list and the data package that lists them, then the digest of the data package."""
    lines.sort()
    z.add_bytes(INDEX, "".join(line + "\n" for line in lines).encode("utf-8"))
    header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    z.add_bytes(PAGES, "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in [header, *pages]).encode("utf-8"))
    package: dict[str, Any] = {"profile": "data-package", "wacz_version": WACZ_VERSION, "title": title,
                               "description": description, "created": _rfc3339(created), "software": software}
    if len(pages) == 1:
        package["mainPageUrl"], package["mainPageDate"] = pages[0]["url"], pages[0]["ts"]
    package["resources"] = z.resources
    raw = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
    z.add_bytes(DATAPACKAGE, raw, listed=False)
    z.add_bytes(DIGEST, json.dumps({"path": DATAPACKAGE, "hash": "sha256:" + hashlib.sha256(raw).hexdigest()},
                                   indent=2).encode("utf-8"), listed=False)
    z.zf.close()


def _package(entries: Iterable[Entry], *, store, out: BinaryIO, title: str, created: datetime, description: str,
             software: str, packed: Packed) -> Iterator[None]:
    """Write the WACZ to ``out``, yielding after every piece so a caller can pass the bytes on as they come."""
    entries = [e for e in dict.fromkeys(entries) if e is not None]
    present = [e for e in entries if store.exists(e.warc)]
    packed.missing.extend(e.capture_id for e in entries if e not in present)
    if not present:
        raise NothingToPackage("none of these captures has an archived WARC in the store")
    z, lines = _Zip(out, created, store), []
    try:
        for entry in present:
            try:
                src = store.open(entry.warc)
            except (FileNotFoundError, ValueError):   # gone since it was looked up: left out like a missing one
                packed.missing.append(entry.capture_id)
                continue
            with src:
                page = yield from _copy_and_index(z, entry, src, lines)
            packed.included.append(entry.capture_id)
            if page is not None:
                packed.pages.append(page)
            yield
        if not packed.included:
            raise NothingToPackage("the captures' WARCs disappeared from the store while they were being packaged")
        _finish(z, lines, packed.pages, title=title, description=description, created=created, software=software)
    except BaseException:  # a failed or abandoned package is closed now, not later by the garbage collector
        with contextlib.suppress(Exception):
            z.zf.close()
        raise
    yield


def _software() -> str:
    from factcheck.meta import __version__

    return f"factcheck {__version__}"


def write_wacz(entries: Iterable[Entry], *, store, out: BinaryIO, title: str, created: datetime,
               description: str = "") -> Packed:
    """Write a WACZ of ``entries`` (their WARCs read from ``store``) to ``out``. Raises NothingToPackage (before
    writing anything) when none of them has a WARC in the store; one missing WARC among others is left out and
    named in the result."""
    packed = Packed()
    for _ in _package(entries, store=store, out=out, title=title, created=created, description=description,
                      software=_software(), packed=packed):
        pass
    return packed


class _Pipe:
    """A write-only file the ZIP writer fills and the stream empties (unseekable: zipfile writes data
    descriptors after each entry instead of seeking back)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def stream_wacz(entries: Iterable[Entry], *, store, title: str, created: datetime,
                description: str = "") -> Iterator[bytes]:
    """The WACZ of ``entries`` in pieces, as they are made. NothingToPackage is raised before the first piece."""
    pipe, packed = _Pipe(), Packed()
    steps = _package(entries, store=store, out=pipe, title=title, created=created, description=description,
                     software=_software(), packed=packed)
    next(steps)  # runs the checks, so a WACZ with nothing in it fails before a response has started

    def pieces() -> Iterator[bytes]:
        for _ in steps:
            data = pipe.take()
            if data:
                yield data
        data = pipe.take()
        if data:
            yield data
    first = pipe.take()
    return _prepend(first, pieces())


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


class ChunkReader:
    """A read-only file over an iterator of byte strings (``stream_wacz``), for code that copies from a file."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks, self._buffer = iter(chunks), b""

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buffer) < n:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if n < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data
