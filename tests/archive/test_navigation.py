"""Pages that move their reader on: the screenshot shows the page as served, the capture says where it tried to go."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlmodel import select

from factcheck import jobs
from factcheck.archive.navigation import COMPUTED, capture_reason, declared_targets, describe
from factcheck.archive.screenshot import Shot, take_screenshot
from factcheck.config import Settings
from factcheck.models import Capture
from factcheck.services import review, sources
from tests.archive.loopback import Site
from tests.archive.test_screenshot import Canary, chromium  # noqa: F401 - the fixture
from tests.builders import Doorbell, article, claims_of, job_table

PAGE = "https://news.example/story"
YELLOW = (255, 212, 0)
STYLE = "<style>html{background:#ffd400} h1{font:bold 64px sans-serif;color:#000;margin:0;padding:8px}</style>"


def page(head: str, marker: str = "Cited page") -> bytes:
    return (f"<!doctype html><html><head><title>{marker}</title>{STYLE}{head}</head>"
            f"<body><h1>{marker}</h1><p>The council's own figures.</p></body></html>").encode()


# --- reading a PNG's top rows, so a test can look at the picture --------------------------------------------------

def top_rows(png: bytes, count: int) -> list[list[tuple[int, int, int]]]:
    """The first `count` rows of an 8-bit RGB or RGBA PNG as RGB pixels (enough of a decoder for a screenshot)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    width, _height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompressobj().decompress(idat, (stride + 1) * count)
    rows, prev = [], bytearray(stride)
    for r in range(count):
        kind, line = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return rows


def assert_shows_the_page(png: bytes) -> None:
    """The page's own background fills the top row, and its dark heading shows below: not a blank error page."""
    rows = top_rows(png, 80)
    assert all(max(abs(a - b) for a, b in zip(px, YELLOW)) <= 8 for px in rows[0]), rows[0][:3]
    assert any(sum(px) < 150 for row in rows for px in row), "no heading text in the top 80 rows"


# --- what a page declares -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("html,expected", [
    ('<meta http-equiv="refresh" content="0; url=https://other.example/x">', ["https://other.example/x"]),
    ("<meta http-equiv='Refresh' content=\"5;URL='/next'\">", ["https://news.example/next"]),
    ('<noscript><meta http-equiv="refresh" content="0;url=/plain"></noscript>', ["https://news.example/plain"]),
    ('<base href="https://cdn.example/d/"><meta http-equiv="refresh" content="1; url=p.html">',
     ["https://cdn.example/d/p.html"]),
    ('<script>location.href = "https:\\/\\/spam.example\\/go?a=1\\u0026b=2";</script>',
     ["https://spam.example/go?a=1&b=2"]),
    ("<script>window.location.replace('/moved')</script>", ["https://news.example/moved"]),
    ('<script>top.location = "/a"; self.location.assign("/b")</script>',
     ["https://news.example/a", "https://news.example/b"]),
    ("<script>document.location.href = next;</script>", [COMPUTED]),
    # not a navigation away
    ('<meta http-equiv="refresh" content="300">', []),                       # a news page reloading itself
    ('<script>location.href = "#comments"; location.hash = "#top"</script>', []),
    ('<script>if (location.href == "https://x.example/") {}</script>', []),
    ('<script>map.location = "/nope"; var here = window.location.href;</script>', []),
    ('<script type="application/ld+json">{"a": "location = \'/x\'"}</script>', []),
    ('<script src="/app.js"></script><p>Set location = "/x" in the form.</p>', []),
    ('<meta http-equiv="refresh" content="0; url=javascript:alert(1)">', []),
])
def test_declared_navigations(html, expected):
    assert declared_targets(f"<html><head>{html}</head><body>x</body></html>".encode(), url=PAGE) == expected


def test_a_refresh_header_is_a_navigation_too():
    assert declared_targets(b"<p>hi</p>", url=PAGE, headers=[("Refresh", "0; url=/elsewhere")]) == \
        ["https://news.example/elsewhere"]


def test_the_sentence_names_a_few_addresses_and_counts_the_rest():
    assert describe([], screenshot=True) == ""
    many = [f"https://x.example/{i}" for i in range(5)] + [COMPUTED]
    assert describe(many, screenshot=False) == (
        "The page tried to navigate to https://x.example/0, https://x.example/1, https://x.example/2, 2 other "
        "addresses and an address its script works out; the archive keeps the page as served.")


def test_the_reason_adds_navigations_the_browser_saw_and_why_there_is_no_screenshot():
    result = SimpleNamespace(body=page(""), final_url=PAGE, headers=[], content_type="text/html; charset=utf-8")
    shot = Shot(b"png", None, ["https://news.example/story#x", "https://other.example/"])
    assert capture_reason(result, shot) == \
        "The page tried to navigate to https://other.example/; the screenshot shows the page as served."
    result.headers = [("Refresh", "1; url=/next")]
    assert capture_reason(result, Shot(None, "Screenshots are switched off.")) == (
        "The page tried to navigate to https://news.example/next; the archive keeps the page as served. "
        "Screenshots are switched off.")
    pdf = SimpleNamespace(body=b"%PDF-1.7 location='/x'", final_url=PAGE, headers=[], content_type="application/pdf")
    assert capture_reason(pdf, Shot(None, "not a web page")) == "not a web page"


# --- the screenshot -----------------------------------------------------------------------------------------------

def test_a_meta_refresh_leaves_the_archived_page_in_the_screenshot(chromium):  # noqa: F811
    with Canary() as canary:
        away = f"{canary.base}/elsewhere"
        shot = take_screenshot(page(f'<meta http-equiv="refresh" content="0; url={away}">'), url=f"{canary.base}/a",
                               chromium=chromium)
    assert shot.png, shot.skipped_reason
    assert_shows_the_page(shot.png)
    assert canary.requests == [] and canary.connections == 0
    assert shot.navigations in ([away], [])  # blocked; seen unless the picture was taken before the refresh fired


def test_a_plain_page_tries_nothing(chromium):  # noqa: F811
    shot = take_screenshot(page(""), url=PAGE, chromium=chromium)
    assert shot.png and shot.navigations == []
    assert_shows_the_page(shot.png)


# --- the capture, end to end against a loopback site -------------------------------------------------------------

@pytest.fixture
def site():
    with Site() as s:
        yield s


@pytest.fixture
def capture_job(site, engine, database_url, tmp_path, chromium):  # noqa: F811
    settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                  "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port}", "FACTCHECK_SCREENSHOTS": "on",
                                  "FACTCHECK_CHROMIUM": chromium, "FACTCHECK_FETCH_TIMEOUT": "5"},
                                 instance_dir=tmp_path / "instance")
    return job_table(engine, settings, Doorbell())[jobs.ARCHIVE_SOURCE], settings.archive_dir


@pytest.fixture
def cite(session, people):
    eve = people["eve"]
    claim = next(c for c in claims_of(session, article(session, by=eve)) if c.status == "new")
    review.assign(session, claim=claim, assignee=eve, actor=eve, expected_version=1)
    session.commit()

    def cite(url: str) -> int:
        source = sources.add_source(session, claim=claim, url=url, actor=eve)
        session.commit()
        return session.exec(select(Capture).where(Capture.source_id == source.id)).one().id
    return cite


@pytest.mark.parametrize("head", [
    '<meta http-equiv="refresh" content="0; url={away}">',
    '<script>location.href = "{away}";</script>',
], ids=["meta-refresh", "script"])
def test_a_cited_page_that_navigates_away_is_archived_as_served(session, site, cite, capture_job, head):
    run, archive = capture_job
    away = site.url("/elsewhere")
    site.html("/elsewhere", "Somewhere else", "Not the cited page.")
    body = page(head.format(away=away))
    site.pages["/cited"] = (200, {"Content-Type": "text/html; charset=utf-8"}, body)
    capture_id = cite(site.url("/cited"))
    assert run(capture_id) == "done"
    session.expire_all()
    cap = session.get(Capture, capture_id)
    assert cap.reason == f"The page tried to navigate to {away}; the screenshot shows the page as served."
    assert cap.final_url == site.url("/cited") and cap.title == "Cited page"
    assert cap.screenshot_path, cap.reason
    assert_shows_the_page(Path(archive, cap.screenshot_path).read_bytes())
    assert "/elsewhere" not in site.hits  # neither the fetcher nor the browser went there


def test_a_page_that_stays_says_nothing_about_navigating(session, site, cite, capture_job):
    run, archive = capture_job
    site.pages["/plain"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page(""))
    capture_id = cite(site.url("/plain"))
    assert run(capture_id) == "done"
    session.expire_all()
    cap = session.get(Capture, capture_id)
    assert cap.reason == "" and cap.screenshot_path
    assert_shows_the_page(Path(archive, cap.screenshot_path).read_bytes())
