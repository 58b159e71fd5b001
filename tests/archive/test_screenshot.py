"""Screenshots of archived bodies: a real PNG, and not one byte fetched from the network."""
from __future__ import annotations

import os
import shutil
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from factcheck.archive.screenshot import Shot, take_screenshot
from tests.conftest import need

CHROMIUM = os.environ.get("FACTCHECK_CHROMIUM") or "/usr/bin/chromium"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        need("Chromium", f"no browser at {CHROMIUM}; apt-get install chromium")
    return CHROMIUM


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", png[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", png[16:24])
    assert struct.unpack(">I", png[29:33])[0] == zlib.crc32(png[12:29])
    return width, height


class Canary:
    """A loopback server that records every connection and every request made to it."""

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                canary.requests.append(self.path)
                body = b"canary"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_OPTIONS = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request, client_address):
                canary.connections += 1
                return True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_renders_a_real_png(chromium):
    html = ("<!doctype html><html><head><title>Shot</title><style>body{background:#ffd400;"
            "font:24px serif} h1{color:#c00}</style></head><body><h1>Budget claim</h1>"
            + "<p>The minister said spending rose 2.5 percent; the data say 4.2 percent.</p>" * 120
            + "</body></html>").encode()
    shot = take_screenshot(html, url="https://news.example/story", chromium=chromium)
    assert shot.skipped_reason is None, shot.skipped_reason
    assert shot.png and len(shot.png) > 1024
    width, height = _png_size(shot.png)
    assert width == 1280
    assert 900 <= height <= 2000
    assert height == 2000  # long page: cut at 2000 px


def test_short_page_is_at_least_the_viewport(chromium):
    shot = take_screenshot(b"<html><body><p>short</p></body></html>", url="https://x.example/",
                           chromium=chromium)
    assert shot.png, shot.skipped_reason
    assert _png_size(shot.png) == (1280, 900)


def test_browser_fetches_nothing(chromium):
    with Canary() as canary:
        c = canary.base
        html = f"""<!doctype html><html><head>
          <meta http-equiv="refresh" content="0; url={c}/refresh">
          <link rel="dns-prefetch" href="{c}/">
          <link rel="preconnect" href="{c}/">
          <link rel="prefetch" href="{c}/prefetch">
          <link rel="preload" href="{c}/preload.js" as="script">
          <link rel="stylesheet" href="{c}/style.css">
          <link rel="icon" href="{c}/favicon.ico">
          <style>@import url("{c}/import.css");
            @font-face {{ font-family: X; src: url("{c}/font.woff2"); }}
            body {{ background: url("{c}/bg.png"); font-family: X }}</style>
          <script src="{c}/script.js"></script>
          <script>fetch("{c}/fetch"); new WebSocket("ws://127.0.0.1:{canary.port}/ws");</script>
        </head><body><h1>Archived</h1>
          <img src="{c}/image.png" width="200" height="100">
          <iframe src="{c}/frame.html"></iframe>
          <video src="{c}/video.mp4" autoplay></video>
          <object data="{c}/object.swf"></object>
          <form action="{c}/form"></form>
        </body></html>""".encode()
        # the page's own URL is on the canary too: the main document must come from our bytes
        shot = take_screenshot(html, url=f"{c}/article", chromium=chromium)
        assert shot.png, shot.skipped_reason
        assert _png_size(shot.png)[0] == 1280
    assert canary.requests == []
    assert canary.connections == 0


def test_non_html_is_skipped(chromium):
    assert take_screenshot(b"%PDF-1.7\n...", url="https://x.example/r.pdf", chromium=chromium) == \
        Shot(None, "not a web page")
    png = PNG_SIGNATURE + b"\x00" * 100
    assert take_screenshot(png, url="https://x.example/i.png", chromium=chromium).skipped_reason == \
        "not a web page"
    shot = take_screenshot(b"<html></html>", url="https://x.example/", chromium=chromium,
                           content_type="application/json")
    assert shot == Shot(None, "not a web page")


def test_missing_chromium_is_skipped_not_raised(tmp_path):
    html = b"<html><body>hi</body></html>"
    shot = take_screenshot(html, url="https://x.example/", chromium=None)
    assert shot.png is None and "no browser" in shot.skipped_reason
    missing = str(tmp_path / "no-such-chromium")
    shot = take_screenshot(html, url="https://x.example/", chromium=missing)
    assert shot.png is None and missing in shot.skipped_reason


def test_failed_launch_is_skipped_not_raised():
    false = shutil.which("false") or "/bin/false"
    shot = take_screenshot(b"<html><body>hi</body></html>", url="https://x.example/",
                           chromium=false, timeout_s=10)
    assert shot.png is None
    assert shot.skipped_reason and "browser" in shot.skipped_reason


def test_canary_sees_a_real_request():
    """Positive control: the canary does record traffic, so zero above means zero."""
    from urllib.request import urlopen

    with Canary() as canary:
        with urlopen(f"{canary.base}/probe", timeout=5) as resp:
            assert resp.read() == b"canary"
    assert canary.requests == ["/probe"] and canary.connections == 1
