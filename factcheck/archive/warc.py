"""Write the hops of one capture (redirects included) as a gzipped WARC/1.1 file.

Works on duck-typed hops (``url, method, request_headers, status, reason, http_version,
response_headers, body, remote_ip``) so it does not depend on the fetcher module.

Each hop becomes a ``request`` record and a ``response`` record that point at each other with
``WARC-Concurrent-To``. The response keeps the headers as received and the body as transferred
(still compressed if it came with a ``Content-Encoding``); only ``Transfer-Encoding: chunked`` is
taken out, because the fetcher hands us the body already de-chunked and a record that still
announced chunking would not parse back.
"""
from __future__ import annotations

import io
import os
import socket
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_VERSION = "WARC/1.1"


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return target


def _host_header(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != default_port:
        host = f"{host}:{port}"
    return host


def _request_headers(hop: Any) -> list[tuple[str, str]]:
    headers = [(str(k), str(v)) for k, v in (hop.request_headers or [])]
    if not any(k.lower() == "host" for k, _ in headers):
        headers.insert(0, ("Host", _host_header(hop.url)))
    return headers


def _response_headers(hop: Any) -> list[tuple[str, str]]:
    """Headers as received, minus the ``chunked`` transfer coding (the body is de-chunked).

    When chunking was the framing, a ``Content-Length`` for the de-chunked body is added so the
    HTTP message in the record stays self-delimiting.
    """
    out: list[tuple[str, str]] = []
    dechunked = False
    for name, value in hop.response_headers or []:
        name, value = str(name), str(value)
        if name.lower() == "transfer-encoding":
            codings = [c.strip() for c in value.split(",") if c.strip()]
            kept = [c for c in codings if c.lower() != "chunked"]
            if len(kept) != len(codings):
                dechunked = True
            if kept:
                out.append((name, ", ".join(kept)))
            continue
        out.append((name, value))
    if dechunked and not any(k.lower() == "content-length" for k, _ in out):
        out.append(("Content-Length", str(len(hop.body or b""))))
    return out


def _http_version(hop: Any) -> str:
    version = (getattr(hop, "http_version", None) or "HTTP/1.1").strip()
    return version if version.upper().startswith("HTTP/") else "HTTP/1.1"


def write_warc(hops: Iterable[Any], path: Path, *, software: str = "factcheck") -> None:
    """Write ``hops`` (in order) to ``path`` as a gzipped WARC: warcinfo, then request/response
    pairs. Digests (sha1, base32, as warcio computes them) cover block and payload."""
    path = Path(path)
    hops = list(hops)
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version=WARC_VERSION)
        info = {
            "software": software,
            "format": "WARC File Format 1.1",
            "conformsTo": "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": socket.gethostname(),
            "hops": str(len(hops)),
        }
        writer.write_record(writer.create_warcinfo_record(path.name, info))

        for hop in hops:
            date = writer.curr_warc_date()
            request_id = writer._make_warc_id()
            response_id = writer._make_warc_id()
            common = {"WARC-Date": date}
            if getattr(hop, "remote_ip", None):
                common["WARC-IP-Address"] = str(hop.remote_ip)

            version = _http_version(hop)
            method = (hop.method or "GET").upper()
            req_http = StatusAndHeaders(
                f"{method} {_request_target(hop.url)} {version}",
                _request_headers(hop),
                is_http_request=True,
            )
            request = writer.create_warc_record(
                hop.url,
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=req_http,
                warc_headers_dict={**common, "WARC-Record-ID": request_id,
                                   "WARC-Concurrent-To": response_id},
            )

            body = bytes(hop.body or b"")
            statusline = f"{int(hop.status)} {hop.reason or ''}".rstrip()
            resp_http = StatusAndHeaders(statusline, _response_headers(hop), protocol=version)
            response = writer.create_warc_record(
                hop.url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=resp_http,
                warc_headers_dict={**common, "WARC-Record-ID": response_id,
                                   "WARC-Concurrent-To": request_id},
            )
            writer.write_record(request)
            writer.write_record(response)
        fh.flush()
        os.fsync(fh.fileno())
