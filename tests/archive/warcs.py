"""Real WARCs for tests that need archived evidence without fetching: written by the app's own WARC writer into an
archive store, from hops made up here."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from factcheck.archive.warc import write_warc


@dataclass
class Hop:
    url: str
    status: int = 200
    reason: str = "OK"
    body: bytes = b""
    response_headers: list = field(default_factory=list)
    method: str = "GET"
    request_headers: list = field(default_factory=lambda: [("User-Agent", "factcheck-test")])
    http_version: str = "HTTP/1.1"
    remote_ip: str = "127.0.0.1"


def page_hops(url: str, *, title: str = "Ferry figures", text: str = "4,200 passengers in the first week.",
              redirect_from: str | None = None) -> list[Hop]:
    """The hops of fetching one HTML page, after a redirect from ``redirect_from`` when given."""
    body = f"<!doctype html><html><head><title>{title}</title></head><body><p>{text}</p></body></html>".encode()
    hops = []
    if redirect_from:
        hops.append(Hop(redirect_from, 301, "Moved Permanently", b"",
                        [("Location", url), ("Content-Length", "0")]))
    hops.append(Hop(url, body=body, response_headers=[("Content-Type", "text/html; charset=utf-8"),
                                                      ("Content-Length", str(len(body)))]))
    return hops


def store_warc(store, hops) -> str:
    """Write ``hops`` as a WARC into ``store``; its stored name."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "capture.warc.gz"
        write_warc(hops, path)
        return store.put_file(path, suffix=".warc.gz")[1]


def wacz_validate(path: Path) -> str:
    """Run py-wacz's own validator (`wacz validate`) on ``path``; its output, after asserting it succeeded."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(path)], capture_output=True,
                          text=True, timeout=120)
    out = done.stdout + done.stderr
    # py-wacz 0.6 exits 0 whatever it found: its verdict is the last line it prints.
    assert done.returncode == 0 and out.strip().endswith("Validation succeeded, the passed WACZ is valid"), out
    return out


@dataclass
class Wacz:
    names: list[str]
    infos: dict
    datapackage: dict
    digest: dict
    cdxj: list[tuple[str, str, dict]]   # (SURT key, 14-digit timestamp, fields)
    pages: list[dict]                   # the header line first
    files: dict[str, bytes]


def read_wacz(data: bytes) -> Wacz:
    """A WACZ read back with zipfile and json, checking on the way that every file the data package lists has the
    SHA-256 and size it claims, that it lists every file, and that the digest file matches the data package."""
    import hashlib
    import io
    import json
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        files = {n: zf.read(n) for n in names}
        infos = {i.filename: i for i in zf.infolist()}
    package = json.loads(files["datapackage.json"])
    digest = json.loads(files["datapackage-digest.json"])
    assert digest == {"path": "datapackage.json",
                      "hash": "sha256:" + hashlib.sha256(files["datapackage.json"]).hexdigest()}
    listed = {r["path"]: r for r in package["resources"]}
    assert set(listed) == set(names) - {"datapackage.json", "datapackage-digest.json"}
    for path, resource in listed.items():
        assert resource["hash"] == "sha256:" + hashlib.sha256(files[path]).hexdigest(), path
        assert resource["bytes"] == len(files[path]), path
    cdxj = []
    for line in files["indexes/index.cdx"].decode().splitlines():
        key, ts, fields = line.split(" ", 2)
        cdxj.append((key, ts, json.loads(fields)))
    pages = [json.loads(line) for line in files["pages/pages.jsonl"].decode().splitlines()]
    return Wacz(names, infos, package, digest, cdxj, pages, files)


def archived_source(session, store, *, claim, actor, url: str, title: str = "Ferry figures"):
    """Cite ``url`` on ``claim`` and mark its capture archived with a real WARC of that page; the capture."""
    from datetime import datetime, timezone

    from sqlmodel import select

    from factcheck.models import Capture
    from factcheck.services import sources

    source = sources.add_source(session, claim=claim, url=url, title=title, stance="supports", actor=actor)
    session.flush()
    cap = session.exec(select(Capture).where(Capture.source_id == source.id)).one()
    cap.state, cap.final_url, cap.title, cap.http_status = "done", url, title, 200
    cap.warc_path = store_warc(store, page_hops(url, title=title))
    cap.captured_at = datetime(2025, 5, 4, 9, 30, tzinfo=timezone.utc)
    session.add(cap)
    session.commit()
    return cap
