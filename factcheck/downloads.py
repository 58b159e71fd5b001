"""WACZ downloads as the pages and the API both serve them (neither imports the other, so it lives here).

A capture's WACZ holds one WARC, so it is packaged on request (the WARC is read once: indexed, hashed and copied
as it streams past) into an unnamed temporary file beside the archive, and served from there with a
Content-Length and byte ranges, as the WACZ spec asks of a server.

An article's WACZ may hold hundreds of WARCs (bench/wacz.py: 500 captures, 23 MB of WARCs, package in about
0.6 s, 0.5% over the WARCs' size). The pages build it as a background export (format "wacz",
services/exports.py: a registered job with progress; the finished file is stored and served with its length and
ranges, downloadable again without repackaging); the API and the CLI stream it as it is made, memory flat, as
they stream every other export.
"""
from __future__ import annotations

import tempfile

from flask import current_app, request, send_file

from factcheck.db import get_session
from factcheck.services import wacz


def send_wacz(fh, *, size: int, filename: str):
    """Serve a finished WACZ file object of ``size`` bytes as a download, with byte ranges."""
    resp = send_file(fh, mimetype=wacz.MIMETYPE, as_attachment=True, download_name=filename, etag=False)
    resp.content_length = size
    resp = resp.make_conditional(request, accept_ranges=True, complete_length=size)
    resp.headers["Cache-Control"] = "private, no-store"  # evidence needs a sign-in: never in a shared cache
    resp.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def capture_wacz(capture_id: int):
    """The response carrying one capture's WACZ; NotFound naming the reason when it has no archived WARC."""
    store = current_app.extensions["factcheck.archive"]
    fh = tempfile.TemporaryFile(dir=store.staging_dir())
    try:
        wacz.write_capture_wacz(get_session(), capture_id=capture_id, store=store, out=fh)
        size = fh.tell()
        fh.seek(0)
    except BaseException:
        fh.close()
        raise
    return send_wacz(fh, size=size, filename=wacz.capture_filename(capture_id))
