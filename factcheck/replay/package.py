"""A capture's WACZ for replay: packaged once, kept in the archive store by its content hash.

ReplayWeb.page reads a WACZ in byte ranges, over many requests, so each request must see the very same bytes.
The package is made deterministic (its creation time is the capture's own time, not the clock's), stored like
any archived file (named by its SHA-256, written once), and remembered per WARC (itself named by its hash) for
the life of the process: a later request, or another thread, serves the stored file without repackaging. After a
restart the first request packages again (milliseconds for one capture) and the store keeps the one copy it has.
"""
from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlmodel import Session

from factcheck.errors import NotFound
from factcheck.models import Capture
from factcheck.services import wacz

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class ReplayPackage:
    name: str           # the WACZ's name in the archive store
    size: int
    sha256: str
    url: str            # the page to open first (the cited URL, as pages.jsonl lists it)
    ts: str             # its capture time, as pages.jsonl writes it


_packages: dict[str, ReplayPackage] = {}
_lock = threading.Lock()


def replay_package(session: Session, *, capture_id: int, store) -> ReplayPackage:
    """The stored WACZ of an archived capture; NotFound (naming why) when it has no WARC to package."""
    cap = session.get(Capture, capture_id)
    if cap is None or not cap.warc_path:
        raise NotFound(f"Capture #{capture_id} has no archived copy to replay.")
    known = _packages.get(cap.warc_path)
    if known is not None and store.exists(known.name):
        return known
    with _lock:
        known = _packages.get(cap.warc_path)
        if known is not None and store.exists(known.name):
            return known
        fd, tmp = tempfile.mkstemp(prefix=".tmp-replay-", suffix=".wacz", dir=store.staging_dir())
        try:
            with os.fdopen(fd, "wb") as out:
                packed = wacz.write_capture_wacz(session, capture_id=capture_id, store=store, out=out,
                                                 now=cap.captured_at or _EPOCH)
            digest, name = store.put_file(tmp, suffix=".wacz")
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        page = packed.pages[0] if packed.pages else {"url": cap.final_url or "", "ts": ""}
        known = ReplayPackage(name=name, size=store.size(name), sha256=digest, url=page.get("url") or "",
                              ts=page.get("ts") or "")
        _packages[cap.warc_path] = known
        return known
