"""Fact-checks imported from an address: fetched through the safe fetcher from a loopback site the test starts, read
from the page's JSON-LD, microdata and RDFa (extruct) or from JSON served directly; bad answers refused whole."""
import json

import pytest
from click.testing import CliRunner
from sqlmodel import select

from factcheck.archive.fetcher import FetchError, FetchPolicy, check_destination
from factcheck.cli import main
from factcheck.errors import ValidationError
from factcheck.models import ExternalFactCheck
from factcheck.services import factchecks
from tests.factcheck_site import OTHER_TYPE, PAGE, ClaimReviewSite, jsonld, review


@pytest.fixture
def site():
    with ClaimReviewSite() as s:
        s.html("/checks/ferry", PAGE)
        s.pages["/moved"] = (301, {"Location": "/checks/ferry"}, b"")
        s.json("/reviews.json", jsonld(review(1), review(2)))
        s.pages["/google"] = (200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(
            {"claims": [{"text": "The harbour wall is 300 years old.", "claimant": "A guide", "claimReview": [
                {"publisher": {"name": "Old Facts"}, "url": "https://old.example/wall", "textualRating": "False",
                 "reviewDate": "2025-01-01T00:00:00Z", "languageCode": "en"}]}]}).encode())
        s.html("/news", OTHER_TYPE)
        s.pages["/text"] = (200, {"Content-Type": "text/plain"}, b"just words")
        s.pages["/broken.json"] = (200, {"Content-Type": "application/json"}, b'{"@type": "ClaimReview",')
        s.json("/many.json", jsonld(*[review(n) for n in range(50_000)]))
        s.json("/partly-bad.json", jsonld(review(7), {**review(8), "url": "javascript:alert(1)"}))
        yield s


@pytest.fixture
def policy(site):
    return FetchPolicy(allow=frozenset({("127.0.0.1", site.port)}))


def stored(session):
    return {f.url: f for f in session.exec(select(ExternalFactCheck))}


def test_a_page_is_read_in_all_three_syntaxes_once_by_url(session, site, policy):
    assert factchecks.import_url(session, url=site.url("/moved"), policy=policy, actor=None) == (3, 0)
    rows = stored(session)
    ferry = rows["https://checks.example.net/ferry-terminal"]
    assert (ferry.publisher, ferry.rating, ferry.review_date.isoformat()) == ("Harbour Checks", "Mostly true",
                                                                              "2025-06-01")
    bus = rows[site.url("/checks/bus-fares")]   # microdata: its relative link resolves from the final address
    assert (bus.publisher, bus.rating, bus.claim_reviewed) == ("Coast Facts", "False",
                                                               "Bus fares in Port Alder doubled in 2024.")
    library = rows["https://rdfa.example.org/library-hours"]   # RDFa
    assert (library.publisher, library.rating, library.review_date.isoformat()) == ("Island Verify", "Half true",
                                                                                    "2025-03-04")
    assert factchecks.import_url(session, url=site.url("/checks/ferry"), policy=policy, actor=None) == (0, 3)
    accept = dict(site.requests[-1][1])["accept"]
    assert accept.startswith("application/ld+json") and "cookie" not in dict(site.requests[-1][1])


def test_json_served_directly_in_either_format(session, site, policy):
    assert factchecks.import_url(session, url=site.url("/reviews.json"), policy=policy, actor=None) == (2, 0)
    assert factchecks.import_url(session, url=site.url("/google"), policy=policy, actor=None) == (1, 0)
    assert stored(session)["https://old.example/wall"].publisher == "Old Facts"


@pytest.mark.parametrize("path, says", [
    ("/news", "no ClaimReview in its JSON-LD, microdata or RDFa"),
    ("/text", "neither JSON nor an HTML page"),
    ("/broken.json", "not JSON"),
    ("/many.json", "more than 10,000"),
    ("/partly-bad.json", "nothing was imported"),
    ("/nowhere", "answered 404"),
])
def test_bad_answers_are_refused_whole(session, site, policy, path, says):
    with pytest.raises(ValidationError, match=says):
        factchecks.import_url(session, url=site.url(path), policy=policy, actor=None)
    assert stored(session) == {}


@pytest.mark.parametrize("url, says", [
    ("ftp://example.org/reviews.json", "Only http:// and https://"),
    ("http://10.1.2.3/reviews.json", "private network"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://100.64.0.1/x", "carrier-grade NAT"),
    ("http://[::ffff:192.168.0.1]/x", "IPv4-mapped IPv6"),
    ("http://127.0.0.1:9/x", "loopback"),   # loopback, but not the allow-listed port
])
def test_blocked_addresses_are_refused_before_any_connection(session, policy, url, says):
    with pytest.raises(ValidationError, match=says):
        factchecks.import_url(session, url=url, policy=policy, actor=None)
    assert stored(session) == {}


@pytest.mark.parametrize("url, says", [("http://192.168.1.10/", "private network"),
                                       ("http://[fd00::1]/", "unique-local"),
                                       ("http://0.0.0.0/", "unspecified")])
def test_the_address_check_refuses_private_ranges(url, says):
    with pytest.raises(FetchError, match=says):
        check_destination(url, FetchPolicy())


def test_loopback_is_refused_without_the_test_setting(session, site):
    with pytest.raises(ValidationError, match="loopback"):
        factchecks.import_url(session, url=site.url("/reviews.json"), policy=FetchPolicy(), actor=None)
    assert site.requests == []


def test_script_in_fields_is_kept_as_text(session, site, policy):
    site.json("/script.json", jsonld(review(3, claim="<script>alert(1)</script> The harbour is 3 km long.",
                                            publisher="<img src=x onerror=alert(2)>")))
    assert factchecks.import_url(session, url=site.url("/script.json"), policy=policy, actor=None) == (1, 0)
    row = stored(session)["https://feed.example.org/checks/3"]
    assert row.claim_reviewed.startswith("<script>") and row.publisher == "<img src=x onerror=alert(2)>"


def test_cli_imports_an_address(session, site, database_url, tmp_path, monkeypatch):
    for k, v in {"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                 "FACTCHECK_INSTANCE_DIR": str(tmp_path / "instance"),
                 "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port}"}.items():
        monkeypatch.setenv(k, v)
    result = CliRunner().invoke(main, ["factchecks", "import", site.url("/checks/ferry")])
    assert result.exit_code == 0, result.output
    assert "3 fact-checks imported, 0 already here." in result.output
    result = CliRunner().invoke(main, ["factchecks", "import", site.url("/news")])
    assert result.exit_code != 0 and "no ClaimReview" in result.output
    result = CliRunner().invoke(main, ["factchecks", "import", "http://10.0.0.7/feed.json"])
    assert result.exit_code != 0 and "private network" in result.output
    result = CliRunner().invoke(main, ["factchecks", "import", str(tmp_path / "missing.json")])
    assert result.exit_code != 0 and "No file at" in result.output
