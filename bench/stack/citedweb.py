"""The "cited web" for the stack benchmark: a small loopback HTTP server with pages of mixed sizes,
slow pages, redirects, 404s, flaky 500s (fail once, then answer) and dead 500s (always fail).

    python bench/stack/citedweb.py PORT

Every page's bytes depend only on its path, so a re-fetch gives the same SHA-256.
"""
from __future__ import annotations

import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SIZES = [1_000, 8_000, 40_000, 120_000, 300_000]
WORDS = ("harbour council budget million percent survey report minister said figures rose fell since "
         "according authority statement year record study residents ferry tax rate school hospital").split()
_seen_flaky: set[str] = set()
_lock = threading.Lock()


def page(path: str, n: int) -> bytes:
    rng = random.Random(path)
    target = SIZES[n % len(SIZES)]
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>Cited page {path}</title></head><body>",
             f"<h1>Cited page {path}</h1>"]
    size = sum(len(p) for p in parts)
    while size < target:
        para = "<p>" + " ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + f" {rng.randint(1, 9999)}.</p>"
        parts.append(para)
        size += len(para)
    parts.append("</body></html>")
    return "".join(parts).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8", **headers) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        kind, _, num = path.strip("/").partition("/")
        try:
            n = int(num)
        except ValueError:
            return self._send(404, b"not found", "text/plain")
        if kind == "p":
            return self._send(200, page(path, n))
        if kind == "slow":
            time.sleep(1 + n % 3)
            return self._send(200, page(path, n))
        if kind == "r":
            return self._send(302, b"", Location=f"/p/{n}")
        if kind == "gone":
            return self._send(404, b"<h1>Not here</h1>")
        if kind == "flaky":
            with _lock:
                first = path not in _seen_flaky
                _seen_flaky.add(path)
            if first:
                return self._send(500, b"<h1>Oops</h1>", Retry_After="1")
            return self._send(200, page(path, n))
        if kind == "down":
            return self._send(500, b"<h1>Down</h1>", Retry_After="1")
        return self._send(404, b"not found", "text/plain")

    do_HEAD = do_GET


def main() -> None:
    port = int(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(f"cited web on http://127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
