"""The "Import fact-checks" page (a file or an address, for editors and admins), its list, the admin page of feeds,
and other organisations' fact-checks on the search page, apart from the desk's own and escaped."""
import io
import json

import pytest

from factcheck import create_app
from factcheck.config import Settings
from factcheck.services import factchecks
from tests.conftest import Client
from tests.factcheck_site import PAGE, ClaimReviewSite, closed_port, jsonld, review


@pytest.fixture
def site():
    with ClaimReviewSite() as s:
        s.html("/checks/ferry", PAGE)
        s.json("/feed.json", jsonld(review(1), review(2)))
        yield s


@pytest.fixture
def dead():
    return closed_port()


@pytest.fixture
def signed_in(site, dead, engine, database_url, tmp_path, people):
    allow = f"127.0.0.1:{site.port},127.0.0.1:{dead}"
    app = create_app(Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                        "FACTCHECK_RUN_JOBS": "0", "FACTCHECK_FETCH_ALLOW": allow},
                                       instance_dir=tmp_path), engine=engine)

    def make(name):
        c = Client(app.test_client())
        c.login(name)
        return c
    return make


def upload(client, body: bytes, name="reviews.json"):
    client.get("/factchecks")
    return client.post("/factchecks/import-file", {"file": (io.BytesIO(body), name)},
                       content_type="multipart/form-data")


def test_an_editor_imports_a_file_and_sees_the_counts_and_the_list(signed_in):
    eve = signed_in("eve")
    page = eve.get("/factchecks").get_data(as_text=True)
    assert "No fact-checks imported yet" in page and 'name="csrf_token"' in page
    resp = upload(eve, jsonld(review(1), review(2)))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/factchecks")
    page = eve.get("/factchecks").get_data(as_text=True)
    assert "2 fact-checks imported, 0 already here (from the file)." in page
    assert "Imported fact-checks (2)" in page and 'href="https://feed.example.org/checks/1"' in page
    upload(eve, jsonld(review(2)))
    assert "0 fact-checks imported, 1 already here" in eve.get("/factchecks").get_data(as_text=True)


@pytest.mark.parametrize("body, says", [
    (b"not json at all", "not JSON"),
    (json.dumps({"@type": "NewsArticle", "headline": "x"}).encode(), "no ClaimReview"),
    (jsonld(*[review(n) for n in range(50_000)]), "more than 10,000"),
])
def test_bad_files_say_why_and_import_nothing(signed_in, session, body, says):
    eve = signed_in("eve")
    resp = upload(eve, body)
    html = resp.get_data(as_text=True)
    if resp.status_code == 413:   # over the desk's upload limit: refused before it is read
        assert "larger than" in html
    else:
        assert resp.status_code == 422 and says in html
    assert factchecks.listing(session)[1] == 0


def test_script_in_a_file_is_shown_as_text(signed_in):
    eve = signed_in("eve")
    upload(eve, jsonld(review(4, claim="<script>alert(1)</script> The pier is 400 m long.",
                              publisher="<b onmouseover=alert(2)>Bold</b>")))
    html = eve.get("/factchecks").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b onmouseover" not in html and "&lt;b onmouseover=alert(2)&gt;" in html


def test_import_from_an_address_through_the_safe_fetcher(signed_in, site):
    eve = signed_in("eve")
    eve.get("/factchecks")
    resp = eve.post("/factchecks/import-url", {"url": site.url("/checks/ferry")})
    assert resp.status_code == 302
    html = eve.get("/factchecks").get_data(as_text=True)
    assert "3 fact-checks imported, 0 already here (from the address)." in html
    assert "Island Verify" in html and "Coast Facts" in html and "Harbour Checks" in html
    resp = eve.post("/factchecks/import-url", {"url": "http://192.168.0.5/reviews.json"})
    assert resp.status_code == 422 and "private network" in resp.get_data(as_text=True)
    resp = eve.post("/factchecks/import-url", {"url": site.url("/missing")})
    assert resp.status_code == 422 and "answered 404" in resp.get_data(as_text=True)


def test_forms_need_their_csrf_token_and_the_right_role(signed_in, site):
    eve = signed_in("eve")
    resp = eve.post("/factchecks/import-url", {"url": site.url("/feed.json")}, csrf=False)
    assert resp.status_code == 400
    carl = signed_in("carl")
    resp = carl.get("/factchecks")
    assert resp.status_code == 403 and "editor" in resp.get_data(as_text=True)
    assert carl.post("/factchecks/import-url", {"url": site.url("/feed.json")}).status_code == 403
    assert eve.get("/admin/feeds").status_code == 403
    assert site.requests == []


def test_the_list_is_paginated(signed_in):
    eve = signed_in("eve")
    upload(eve, jsonld(*[review(n) for n in range(60)]))
    first = eve.get("/factchecks").get_data(as_text=True)
    second = eve.get("/factchecks?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and first.count('class="external-check"') == 50
    assert "Page 2 of 2" in second and second.count('class="external-check"') == 10
    assert "checks/0\"" in second and "checks/59\"" in first   # newest first: the file's last entry on top
    assert eve.get("/factchecks?page=abc").status_code == 200


def test_admins_configure_feeds_and_see_why_one_is_broken(signed_in, site, dead):
    ada = signed_in("ada")
    assert "No feeds yet" in ada.get("/admin/feeds").get_data(as_text=True)
    assert ada.post("/admin/feeds", {"url": site.url("/feed.json"), "every_minutes": "30"}).status_code == 302
    assert ada.post("/admin/feeds", {"url": f"http://127.0.0.1:{dead}/feed.json"}).status_code == 302
    resp = ada.post("/admin/feeds", {"url": "http://10.9.9.9/feed", "every_minutes": "60"})
    assert resp.status_code == 422 and "private network" in resp.get_data(as_text=True)
    resp = ada.post("/admin/feeds", {"url": site.url("/other"), "every_minutes": "1"})
    assert resp.status_code == 422 and "between 15" in resp.get_data(as_text=True)
    html = ada.get("/admin/feeds").get_data(as_text=True)
    assert "Not read yet." in html and "every 30 min" in html

    ada.post("/admin/feeds/1/read")
    html = ada.get("/admin/feeds").get_data(as_text=True)
    assert "Feed #1 read: 2 fact-checks imported, 0 already here." in html
    assert "2 imported, 0 already here" in html and "Last read <time" in html
    ada.post("/admin/feeds/2/read")
    html = ada.get("/admin/feeds").get_data(as_text=True)
    feed2 = html[html.index('id="feed-2"'):]
    assert "Broken" in feed2 and "Could not connect" in feed2 and "since <time" in feed2
    ada.post("/admin/feeds/2/active", {"active": "0"})
    assert "Feed #2 is off." in ada.get("/admin/feeds").get_data(as_text=True)
    ada.post("/admin/feeds/2/remove")
    html = ada.get("/admin/feeds").get_data(as_text=True)
    assert 'id="feed-2"' not in html and "removed; the fact-checks it brought in stay" in html


def test_search_shows_other_organisations_apart_and_escaped(signed_in):
    eve = signed_in("eve")
    upload(eve, jsonld(review(5, claim="The Port Alder lighthouse is 150 years old <script>x()</script>",
                              publisher="Lamp Facts", rating="Mostly false")))
    html = eve.get("/search?q=Port+Alder+lighthouse+age").get_data(as_text=True)
    part = html[html.index('id="search-elsewhere"'):]
    assert "1 fact-check by other organisations" in part
    assert "Mostly false" in part and "Lamp Facts" in part and "2025-05-05" in part
    assert 'href="https://feed.example.org/checks/5"' in part and 'rel="noopener noreferrer nofollow"' in part
    assert "<script>x()" not in html and "&lt;script&gt;x()" in part
    assert html.index("past claim") < html.index('id="search-elsewhere"')   # the desk's own come first
    assert 'href="/factchecks"' in html
