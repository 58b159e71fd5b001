"""A small web server on loopback playing "the cited web" for archiving tests."""
from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Site:
    """Pages by path; each value is (status, headers, body) or a callable returning one."""

    def __init__(self):
        self.pages: dict[str, object] = {}
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                page = site.pages.get(self.path, (404, {"Content-Type": "text/plain"}, b"not here"))
                status, headers, body = page() if callable(page) else page
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def html(self, path: str, title: str, text: str, *, gzip_it: bool = False) -> bytes:
        body = (f"<!doctype html><html><head><title>{title}</title></head><body><nav>Home | World</nav>"
                f"<article><h1>{title}</h1><p>{text}</p><p>{text} Officials confirmed the figures on Monday."
                f"</p></article><footer>Copyright</footer></body></html>").encode()
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if gzip_it:
            headers["Content-Encoding"] = "gzip"
            self.pages[path] = (200, headers, gzip.compress(body))
        else:
            self.pages[path] = (200, headers, body)
        return body

    def slow(self, path: str, seconds: float, body: bytes = b"<html><title>Slow</title><p>late</p></html>"):
        def page():
            time.sleep(seconds)
            return 200, {"Content-Type": "text/html"}, body
        self.pages[path] = page

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
