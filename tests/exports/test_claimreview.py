"""ClaimReview as outside parsers read it: extruct finds it in HTML, pyld expands it as JSON-LD."""
from __future__ import annotations

import json
from html.parser import HTMLParser

import extruct
import pytest
from pyld import jsonld

from factcheck.exports.claimreview import claim_review, claim_reviews, json_ld_script
from factcheck.exports.tabular import claim_json
from factcheck.services import settings as newsroom
from tests.exports.conftest import ARTICLE_URL, BASE_URL

SCHEMA = "https://schema.org/"
HOSTILE = '</script><script>alert(1)</script><!-- ]]>'


def kw(session):
    return {"publication": newsroom.publication(session), "scale": newsroom.rating_scale(session)}


def page(body: str) -> str:
    return f"<!doctype html><html><head><title>Fact-check</title>{body}</head><body><p>Hi</p></body></html>"


def extract(html: str) -> list[dict]:
    return extruct.extract(html, base_url=BASE_URL, syntaxes=["json-ld"])["json-ld"]


def offline_loader(url, options=None):
    """schema.org's context without the network: every term is a schema.org IRI."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": {"@context": {"@vocab": SCHEMA}}}


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self._in = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append({"attrs": dict(attrs), "data": ""})
            self._in = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.scripts[-1]["data"] += data


def parse_scripts(html: str) -> list[dict]:
    p = Scripts()
    p.feed(html)
    p.close()
    return p.scripts


def no_nulls(value):
    if isinstance(value, dict):
        return all(v is not None and no_nulls(v) for v in value.values())
    if isinstance(value, list):
        return all(no_nulls(v) for v in value)
    return True


def test_every_field_of_a_published_claim(session, desk, published_claim):
    [view] = desk.views([published_claim])
    review = claim_review(view, **kw(session))
    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://factcheck.example.org/fact-checks/{published_claim.id}",
        "claimReviewed": "The terminal cost $31 million.",
        "datePublished": published_claim.published_at.date().isoformat(),
        "author": {"@type": "Organization", "name": "Demo Fact-Check Desk", "url": "https://factcheck.example.org/"},
        "reviewRating": {"@type": "Rating", "alternateName": "Mostly true", "ratingValue": 4, "bestRating": 5,
                         "worstRating": 1},
        "itemReviewed": {"@type": "Claim", "appearance": [{"@type": "CreativeWork", "url": ARTICLE_URL}],
                         "author": {"@type": "Organization", "name": "Port Alder Gazette"},
                         "datePublished": "2025-05-03"},
    }


def test_extruct_finds_only_the_published_review(session, desk, published_claim, in_review_claim, new_claim):
    views = desk.views([new_claim, published_claim, in_review_claim])
    html = page(str(json_ld_script(claim_reviews(views, **kw(session)))))
    [found] = extract(html)
    assert found["@type"] == "ClaimReview"
    assert found["url"].endswith(f"/fact-checks/{published_claim.id}")
    assert found["claimReviewed"] == "The terminal cost $31 million."
    assert found["datePublished"] == published_claim.published_at.date().isoformat()
    assert found["author"] == {"@type": "Organization", "name": "Demo Fact-Check Desk",
                               "url": "https://factcheck.example.org/"}
    rating = found["reviewRating"]
    assert (rating["alternateName"], rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == \
        ("Mostly true", 4, 5, 1)
    item = found["itemReviewed"]
    assert item["@type"] == "Claim" and item["appearance"][0]["url"] == ARTICLE_URL
    assert item["author"] == {"@type": "Organization", "name": "Port Alder Gazette"}
    assert item["datePublished"] == "2025-05-03"
    assert "SECRET" not in html and f"/fact-checks/{in_review_claim.id}" not in html
    assert f"/fact-checks/{new_claim.id}" not in html


def test_pyld_expands_it_to_schema_org_terms(session, desk, published_claim):
    [view] = desk.views([published_claim])
    [found] = extract(page(str(json_ld_script([claim_review(view, **kw(session))]))))
    [node] = jsonld.expand(found, {"documentLoader": offline_loader})
    assert node["@type"] == [SCHEMA + "ClaimReview"]
    assert node[SCHEMA + "claimReviewed"][0]["@value"] == "The terminal cost $31 million."
    assert node[SCHEMA + "url"][0]["@value"].endswith(f"/fact-checks/{published_claim.id}")
    rating = node[SCHEMA + "reviewRating"][0]
    assert rating["@type"] == [SCHEMA + "Rating"]
    assert {k: rating[SCHEMA + k][0]["@value"] for k in ("alternateName", "ratingValue", "bestRating",
                                                           "worstRating")} == \
        {"alternateName": "Mostly true", "ratingValue": 4, "bestRating": 5, "worstRating": 1}
    item = node[SCHEMA + "itemReviewed"][0]
    assert item["@type"] == [SCHEMA + "Claim"]
    assert item[SCHEMA + "appearance"][0][SCHEMA + "url"][0]["@value"] == ARTICLE_URL
    assert item[SCHEMA + "author"][0]["@type"] == [SCHEMA + "Organization"]
    assert node[SCHEMA + "author"][0][SCHEMA + "name"][0]["@value"] == "Demo Fact-Check Desk"


def test_unpublished_claims_raise_and_are_skipped(session, desk, in_review_claim, new_claim):
    for view in desk.views([in_review_claim, new_claim]):
        with pytest.raises(ValueError, match="not published"):
            claim_review(view, **kw(session))
    assert claim_reviews(desk.views([in_review_claim, new_claim]), **kw(session)) == []


def test_a_reopened_claim_leaves_the_markup(session, desk, people, published_claim):
    from factcheck.services import review

    review.transition(session, claim=published_claim, to="in_progress", actor=people["eve"],
                      expected_version=published_claim.version, comment="The council revised the figure.")
    session.commit()
    assert claim_reviews(desk.views([published_claim]), **kw(session)) == []


def test_non_ordinal_rating_has_only_its_label(session, desk):
    c = desk.publish(rating="Misleading")
    [view] = desk.views([c])
    assert claim_review(view, **kw(session))["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading"}


def test_newsroom_scale_and_publication_are_used(session, desk, people):
    from factcheck.models import NewsroomSetting

    session.add(NewsroomSetting(key="rating_scale", value={"ratings": [
        {"label": "Pants on fire", "value": 0}, {"label": "Correct", "value": 10},
        {"label": "Satire", "value": None}]}))
    newsroom.set_publication(session, name="Port Alder Checks", url="https://checks.example.net/",
                             review_url="https://checks.example.net/c/{claim_id}.html", actor=people["ada"])
    session.commit()
    c = desk.publish(rating="pants on FIRE")
    [view] = desk.views([c])
    review = claim_review(view, **kw(session))
    assert review["url"] == f"https://checks.example.net/c/{c.id}.html"
    assert review["author"]["name"] == "Port Alder Checks"
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Pants on fire", "ratingValue": 0,
                                      "bestRating": 10, "worstRating": 0}


def test_missing_values_are_omitted_not_null(session, desk):
    desk.article.url, desk.article.byline, desk.article.published_on, desk.article.outlet = None, "", None, ""
    session.add(desk.article)
    session.commit()
    c = desk.publish()
    [view] = desk.views([c])
    review = claim_review(view, **kw(session))
    assert review["itemReviewed"] == {"@type": "Claim"}
    assert no_nulls(review)
    assert review["claimReviewed"] == c.text  # the restated claim defaults to the claim's wording


@pytest.mark.parametrize("byline", ["Edited by: Jonas Whitfield", "Jonas Whitfield", "BY Newsroom Staff"])
def test_the_byline_is_never_the_claim_author(session, desk, byline):
    """The reporter or editor wrote the article; the claim was made by whoever the article quotes, which is
    the outlet until a checker names someone."""
    desk.article.byline = byline
    session.add(desk.article)
    session.commit()
    c = desk.publish()
    [view] = desk.views([c])
    assert claim_review(view, **kw(session))["itemReviewed"]["author"] == \
        {"@type": "Organization", "name": "Port Alder Gazette"}


def test_without_an_outlet_the_author_is_the_site_of_the_article(session, desk):
    desk.article.outlet = ""
    session.add(desk.article)
    session.commit()
    [view] = desk.views([desk.publish()])
    assert claim_review(view, **kw(session))["itemReviewed"]["author"] == \
        {"@type": "Organization", "name": "news.example.org"}


@pytest.mark.parametrize("kind, schema_type", [("person", "Person"), ("organization", "Organization")])
def test_the_checker_names_who_made_the_claim(session, desk, people, kind, schema_type):
    from factcheck.services import review

    c = desk.claim()
    review.assign(session, claim=c, assignee=people["carl"], actor=people["eve"], expected_version=c.version)
    review.propose_verdict(session, claim=c, rating="False", rationale="No.", claimant="  Mayor  Ann Lee ",
                           claimant_kind=kind, actor=people["carl"], expected_version=c.version)
    session.commit()
    assert (c.claimant, c.claimant_kind) == ("Mayor Ann Lee", kind)
    c = desk.publish(c)
    [view] = desk.views([c])
    assert claim_review(view, **kw(session))["itemReviewed"]["author"] == {"@type": schema_type,
                                                                           "name": "Mayor Ann Lee"}


def test_hostile_strings_cannot_break_out_of_the_script(session, desk):
    desk.article.outlet = HOSTILE
    session.add(desk.article)
    session.commit()
    c = desk.publish(claim_reviewed="Terminal " + HOSTILE, rationale="Because " + HOSTILE)
    [view] = desk.views([c], with_history=True)
    review = claim_review(view, **kw(session))
    everything = {"review": review, "claim": claim_json(view, base_url=BASE_URL)}  # carries the rationale too
    assert HOSTILE in json.dumps(everything, ensure_ascii=False)
    for payload in (review, [review, review], everything):
        html = page(str(json_ld_script(payload))) + "<p>after</p>"
        scripts = parse_scripts(html)
        assert len(scripts) == 1 and scripts[0]["attrs"] == {"type": "application/ld+json"}
        assert "<" not in scripts[0]["data"] and ">" not in scripts[0]["data"] and "&" not in scripts[0]["data"]
        assert json.loads(scripts[0]["data"]) == payload  # the escapes are JSON: nothing lost
    [found] = extract(page(str(json_ld_script(review))))
    assert found["claimReviewed"] == "Terminal " + HOSTILE


def test_json_ld_script_is_markup(session, desk, published_claim):
    from markupsafe import Markup, escape

    out = json_ld_script(claim_reviews(desk.views([published_claim]), **kw(session)))
    assert isinstance(out, Markup) and escape(out) == out
