"""WARC writing: a redirect chain ending in a gzipped page, checked with warcio's own tools."""
from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

warcio = pytest.importorskip("warcio")
from warcio.archiveiterator import ArchiveIterator  # noqa: E402

from factcheck.archive.warc import write_warc  # noqa: E402

try:
    from factcheck.archive.fetcher import FetchResult, Hop
except ImportError:  # the fetcher is written separately; same shape
    from dataclasses import dataclass

    @dataclass
    class Hop:  # type: ignore[no-redef]
        url: str
        method: str
        request_headers: list
        status: int
        reason: str
        http_version: str
        response_headers: list
        body: bytes
        remote_ip: str

    @dataclass
    class FetchResult:  # type: ignore[no-redef]
        hops: list
        final_url: str
        status: int
        headers: list
        content_type: str | None
        body: bytes

WARCIO = Path(sys.executable).with_name("warcio")
PAGE = ("<!doctype html><html><head><title>Budget</title></head><body><p>"
        + "The minister said the budget grew by 4 percent. " * 50 + "</p></body></html>").encode()


def _req(url: str, host: str) -> list[tuple[str, str]]:
    return [("Host", host), ("User-Agent", "factcheck-test"), ("Accept", "*/*"),
            ("Accept-Encoding", "gzip")]


def _result() -> FetchResult:
    gz = gzip.compress(PAGE)
    hops = [
        Hop("http://news.example/a?id=1", "GET", _req("", "news.example"), 302, "Found", "HTTP/1.1",
            [("Location", "https://news.example/a?id=1"), ("Content-Length", "0"),
             ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
            b"", "93.184.216.34"),
        Hop("https://news.example/a?id=1", "GET", _req("", "news.example"), 301, "Moved Permanently",
            "HTTP/1.1",
            [("Location", "https://www.news.example/story"), ("Content-Type", "text/html"),
             ("Content-Length", "9")],
            b"moved<br>", "93.184.216.34"),
        Hop("https://www.news.example/story", "GET", _req("", "www.news.example"), 200, "OK",
            "HTTP/1.1",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
             ("Transfer-Encoding", "chunked"), ("Vary", "Accept-Encoding"), ("X-Dup", "1"),
             ("X-Dup", "2")],
            gz, "2001:db8::1"),
    ]
    return FetchResult(hops, hops[-1].url, 200, hops[-1].response_headers,
                       "text/html; charset=utf-8", PAGE)


@pytest.fixture
def warc_file(tmp_path) -> tuple[Path, FetchResult]:
    result = _result()
    path = tmp_path / "capture.warc.gz"
    write_warc(result.hops, path, software="factcheck-test 1.0")
    return path, result


def _records(path: Path):
    out = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            out.append((record.rec_type, record.rec_headers, record.http_headers,
                        record.content_stream().read()))
    return out


def test_is_gzipped(warc_file):
    path, _ = warc_file
    assert path.read_bytes()[:2] == b"\x1f\x8b"


def test_warcio_check_and_index_pass(warc_file):
    path, _ = warc_file
    check = subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout
    assert "digest fail" not in check.stdout
    index = subprocess.run([str(WARCIO), "index", "-f", "warc-type,warc-target-uri,http:status",
                            str(path)], capture_output=True, text=True)
    assert index.returncode == 0, index.stderr
    lines = [line for line in index.stdout.splitlines() if line.strip()]
    assert len(lines) == 7
    assert '"http:status": "302"' in lines[2] and '"http:status": "200"' in lines[6]


def test_record_types_order_and_links(warc_file):
    path, result = warc_file
    records = _records(path)
    assert [r[0] for r in records] == ["warcinfo"] + ["request", "response"] * 3
    info = records[0][3].decode()
    assert "software: factcheck-test 1.0" in info
    for i, hop in enumerate(result.hops):
        (_, req_h, req_http, _), (_, resp_h, resp_http, _) = records[1 + 2 * i], records[2 + 2 * i]
        assert req_h.get_header("WARC-Target-URI") == hop.url == resp_h.get_header("WARC-Target-URI")
        assert req_h.get_header("WARC-Concurrent-To") == resp_h.get_header("WARC-Record-ID")
        assert resp_h.get_header("WARC-Concurrent-To") == req_h.get_header("WARC-Record-ID")
        assert resp_h.get_header("WARC-IP-Address") == hop.remote_ip
        assert req_h.get_header("WARC-IP-Address") == hop.remote_ip
        assert resp_h.get_header("WARC-Date") and req_h.get_header("WARC-Date")
        assert resp_h.get_header("WARC-Payload-Digest", "").startswith("sha1:")
        assert resp_h.get_header("WARC-Block-Digest", "").startswith("sha1:")
        assert resp_http.get_statuscode() == str(hop.status)
        assert resp_http.protocol == "HTTP/1.1"
        assert req_http.protocol == "GET"
        assert req_http.get_header("Host") == dict(hop.request_headers)["Host"]
    first_req = records[1][2]
    assert first_req.statusline == "/a?id=1 HTTP/1.1"


def test_headers_preserved(warc_file):
    path, result = warc_file
    records = _records(path)
    redirect = records[2][2]
    assert redirect.statusline == "302 Found"
    assert redirect.get_header("Location") == "https://news.example/a?id=1"
    assert [v for k, v in redirect.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    final = records[6][2]
    names = [k.lower() for k, _ in final.headers]
    assert "transfer-encoding" not in names  # the body is no longer chunked
    assert final.get_header("Content-Length") == str(len(result.hops[-1].body))
    assert final.get_header("Content-Encoding") == "gzip"
    assert [v for k, v in final.headers if k == "X-Dup"] == ["1", "2"]
    assert final.get_header("Vary") == "Accept-Encoding"


def test_response_reads_back_decoded_with_matching_sha256(warc_file):
    path, result = warc_file
    records = _records(path)
    body = records[6][3]
    assert body == result.body
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(result.body).hexdigest()
    # the record keeps the payload as transferred: gzip bytes
    with open(path, "rb") as fh:
        raw = [r.raw_stream.read() for r in ArchiveIterator(fh) if r.rec_type == "response"][-1]
    assert raw == result.hops[-1].body and raw[:2] == b"\x1f\x8b"
    assert records[4][3] == b"moved<br>"


def test_host_header_added_when_missing(tmp_path):
    hop = Hop("http://127.0.0.1:8080/x", "GET", [("Accept", "*/*")], 200, "OK", "HTTP/1.1",
              [("Content-Type", "text/plain")], b"hi", "127.0.0.1")
    path = tmp_path / "one.warc.gz"
    write_warc([hop], path)
    records = _records(path)
    assert records[1][2].get_header("Host") == "127.0.0.1:8080"
    assert records[2][3] == b"hi"
    check = subprocess.run([str(WARCIO), "check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
