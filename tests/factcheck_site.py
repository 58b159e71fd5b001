"""Other organisations' fact-checks on a loopback web site the tests start: a page carrying ClaimReview in JSON-LD,
microdata and RDFa, addresses serving ClaimReview JSON, a feed that answers conditional GETs, and bad answers."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = b"""<!doctype html><html lang="en"><head><title>Harbour Checks: the ferry terminal</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "ClaimReview",
 "url": "https://checks.example.net/ferry-terminal",
 "claimReviewed": "Port Alder's ferry terminal cost $31 million to build.",
 "author": {"@type": "Organization", "name": "Harbour Checks"},
 "reviewRating": {"@type": "Rating", "alternateName": "Mostly true"}, "datePublished": "2025-06-01"}</script>
</head><body><article>
<div itemscope itemtype="https://schema.org/ClaimReview">
  <link itemprop="url" href="/checks/bus-fares">
  <p itemprop="claimReviewed">Bus fares in Port Alder doubled in 2024.</p>
  <div itemprop="author" itemscope itemtype="https://schema.org/Organization"><span itemprop="name">Coast Facts</span></div>
  <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating"><span itemprop="alternateName">False</span></div>
  <meta itemprop="datePublished" content="2025-02-03">
</div>
<div vocab="https://schema.org/" typeof="ClaimReview">
  <a property="url" href="https://rdfa.example.org/library-hours">Library hours</a>
  <p property="claimReviewed">The Port Alder library opens fewer hours than in 2019.</p>
  <div property="author" typeof="Organization"><span property="name">Island Verify</span></div>
  <div property="reviewRating" typeof="Rating"><span property="alternateName">Half true</span></div>
  <span property="datePublished">2025-03-04</span>
</div>
</article></body></html>"""

OTHER_TYPE = b"""<!doctype html><html><head><script type="application/ld+json">{"@context": "https://schema.org",
"@type": "NewsArticle", "headline": "Not a fact-check"}</script></head><body><p>News.</p></body></html>"""


def review(n: int, *, claim: str | None = None, publisher: str = "Feed Facts", rating: str = "False") -> dict:
    return {"@type": "ClaimReview", "url": f"https://feed.example.org/checks/{n}",
            "claimReviewed": claim or f"Claim number {n} about the harbour budget.",
            "author": {"@type": "Organization", "name": publisher},
            "reviewRating": {"@type": "Rating", "alternateName": rating}, "datePublished": "2025-05-05"}


def jsonld(*reviews: dict) -> bytes:
    return json.dumps({"@context": "https://schema.org", "@graph": list(reviews)}).encode()


class ClaimReviewSite:
    """Pages by path: (status, headers, body). A page with an ETag answers 304 to a matching If-None-Match; every
    request's headers are kept (`requests`) so a test can read what the desk sent."""

    def __init__(self):
        self.pages: dict[str, tuple[int, dict, bytes]] = {}
        self.requests: list[tuple[str, dict]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                status, headers, body = site.pages.get(self.path, (404, {"Content-Type": "text/plain"}, b"no"))
                etag = headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
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

    def json(self, path: str, body: bytes, **headers) -> None:
        self.pages[path] = (200, {"Content-Type": "application/ld+json", **headers}, body)

    def html(self, path: str, body: bytes) -> None:
        self.pages[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, body)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
