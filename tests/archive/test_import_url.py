"""Importing an article from its web address, through the safe fetcher, on a loopback site."""
import pytest

from factcheck import create_app
from factcheck.config import Settings
from tests.archive.loopback import Site
from tests.conftest import Client

ARTICLE = b"""<!doctype html><html lang="en"><head><title>Harbour bridge repair approved | Daily Example</title>
<meta name="author" content="Mira Okafor"><meta property="article:published_time" content="2026-03-04">
</head><body><nav>Home | Politics | Sport</nav><article><h1>Harbour bridge repair approved</h1>
<p>The council voted 7 to 2 on March 3, 2026 to approve a $48.2 million repair of the bridge.</p>
<p>The bridge carries about 31,000 vehicles a day, according to the regional transport agency.</p>
<p>Some residents believe the council waited far too long to act on the engineers' warnings.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


@pytest.fixture
def site():
    with Site() as s:
        s.pages["/story"] = (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE)
        s.pages["/short"] = (302, {"Location": "/story"}, b"")
        yield s


@pytest.fixture
def editor(site, engine, database_url, tmp_path, people):
    app = create_app(Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                        "FACTCHECK_RUN_JOBS": "0", "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port}"},
                                       instance_dir=tmp_path), engine=engine)
    c = Client(app.test_client())
    c.login("eve")
    return c


def test_import_from_a_web_address(editor, site):
    resp = editor.post("/articles/fetch", {"import-address": site.url("/short")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert "Check the detected structure" in html
    assert "31,000 vehicles a day" in html and "Subscribe to our newsletter" not in html
    assert "Mira Okafor" in html and site.url("/story") in html and "2026-03-04" in html
    # The headline and byline come from the page's details, and the summary says so (not "not found").
    assert "Byline: <strong>from the page&#39;s details</strong>" in html
    assert "Headline: <strong>not found</strong>" not in html and "Byline: <strong>not found</strong>" not in html


@pytest.mark.parametrize("address,words", [
    ("ftp://example.org/x", "Only http:// and https:// links"),
    ("http://10.1.2.3/private", "private"),
    ("http://127.0.0.1:9/elsewhere", "loopback"),
])
def test_refused_addresses_are_explained(editor, address, words):
    resp = editor.post("/articles/fetch", {"import-address": address})
    assert resp.status_code == 422
    assert words in resp.get_data(as_text=True)


def test_a_missing_page_is_explained(editor, site):
    resp = editor.post("/articles/fetch", {"import-address": site.url("/nope")})
    assert resp.status_code == 422 and "The site answered 404" in resp.get_data(as_text=True)


def test_a_headline_taken_from_the_page_title_is_not_reported_missing(editor, site):
    site.pages["/bare"] = (200, {"Content-Type": "text/html; charset=utf-8"}, b"""<!doctype html><html lang="en">
<head><title>Ferry crossings cut to nine</title></head><body><article>
<p>The ferry operator cut weekend crossings from 14 to 9 on June 2, 2026, citing a 22 percent drop.</p>
<p>Passenger numbers fell from 1.2 million in 2024 to 940,000 in 2025, the operator said.</p></article></body></html>""")
    html = editor.post("/articles/fetch", {"import-address": site.url("/bare")}).get_data(as_text=True)
    assert 'value="Ferry crossings cut to nine"' in html
    assert "Headline: <strong>from the page&#39;s details</strong>" in html
