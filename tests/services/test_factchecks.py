"""Other organisations' fact-checks: ClaimReview JSON-LD and claims:search answers imported (all or nothing,
deduplicated by URL), matched beside the desk's claims and shown apart on the claim page."""
import json

import pytest
from click.testing import CliRunner
from sqlmodel import select

from factcheck.cli import main
from factcheck.errors import ValidationError
from factcheck.models import ExternalFactCheck
from factcheck.services import factchecks, matching
from tests.builders import article, claims_of

JSONLD = {"@context": "https://schema.org", "@graph": [
    {"@type": "ClaimReview", "url": "https://checks.example.net/ferry-cost",
     "claimReviewed": "Port Alder's ferry terminal cost $31 million.", "headline": "Did the terminal cost $31m?",
     "author": {"@type": "Organization", "name": "Harbour Checks <script>alert(1)</script>"},
     "reviewRating": {"@type": "Rating", "alternateName": "Mostly true"}, "datePublished": "2025-06-01",
     "inLanguage": "en", "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "The mayor"}}},
    {"@type": "WebPage", "url": "https://checks.example.net/about"}]}
GOOGLE = {"claims": [{"text": "Unemployment in Port Alder rose to 7% last year.", "claimant": "A councillor",
                      "claimReview": [{"publisher": {"name": "Coast Facts", "site": "coastfacts.example"},
                                       "url": "https://coastfacts.example/jobs", "title": "Jobs figure",
                                       "reviewDate": "2025-02-03T00:00:00Z", "textualRating": "False",
                                       "languageCode": "en"}]}]}


def test_both_formats_import_once_by_url(session):
    assert factchecks.import_file(session, data=json.dumps(JSONLD).encode(), actor=None) == (1, 0)
    assert factchecks.import_file(session, data=json.dumps(GOOGLE).encode(), actor=None) == (1, 0)
    assert factchecks.import_file(session, data=json.dumps(JSONLD).encode(), actor=None) == (0, 1)
    rows = {r.url: r for r in session.exec(select(ExternalFactCheck))}
    ferry = rows["https://checks.example.net/ferry-cost"]
    assert (ferry.rating, ferry.claimant, ferry.review_date.isoformat()) == ("Mostly true", "The mayor", "2025-06-01")
    jobs = rows["https://coastfacts.example/jobs"]
    assert (jobs.publisher, jobs.rating, jobs.claimant) == ("Coast Facts", "False", "A councillor")
    assert jobs.model == matching.MODEL and len(jobs.vector) == 512 * 4


@pytest.mark.parametrize("data, says", [
    (b"not json", "not JSON"),
    (json.dumps({"@type": "NewsArticle", "headline": "x"}).encode(), "no ClaimReview"),
    (json.dumps({"claims": []}).encode(), "no ClaimReview"),
    (json.dumps([{"@type": "ClaimReview", "url": "https://a.example/1", "claimReviewed": "x"}] * 10_001).encode(),
     "more than 10,000"),
    (json.dumps([{"@type": "ClaimReview", "url": "https://a.example/1", "claimReviewed": "A claim."},
                 {"@type": "ClaimReview", "url": "javascript:alert(1)", "claimReviewed": "B claim."}]).encode(),
     "nothing was imported"),
])
def test_bad_files_are_refused_whole(session, data, says):
    with pytest.raises(ValidationError, match=says):
        factchecks.import_file(session, data=data, actor=None)
    assert session.exec(select(ExternalFactCheck)).all() == []


def test_the_claim_page_shows_them_apart_and_escaped(session, people, as_user):
    factchecks.import_file(session, data=json.dumps(JSONLD).encode(), actor=None)
    session.commit()
    a = article(session, by=people["eve"], body="The ferry terminal in Port Alder cost 31 million dollars.",
                sources=())
    claim = claims_of(session, a)[0]
    found = factchecks.checked_elsewhere(session, text=claim.text, vector=matching.vector_of(session, claim))
    assert [e.check.url for e in found] == ["https://checks.example.net/ferry-cost"]
    html = as_user("carl").get(f"/claims/{claim.id}").get_data(as_text=True)
    part = html[html.index('id="checked-elsewhere"'):]
    assert "Mostly true" in part and 'href="https://checks.example.net/ferry-cost"' in part
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in part


def test_cli_import(session, database_url, tmp_path, monkeypatch):
    for k, v in {"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                 "FACTCHECK_INSTANCE_DIR": str(tmp_path / "instance")}.items():
        monkeypatch.setenv(k, v)
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(GOOGLE))
    result = CliRunner().invoke(main, ["factchecks", "import", str(path)])
    assert result.exit_code == 0 and "1 fact-check imported, 0 already here." in result.output
    path.write_text("{")
    result = CliRunner().invoke(main, ["factchecks", "import", str(path)])
    assert result.exit_code == 1 and "not JSON" in result.output
