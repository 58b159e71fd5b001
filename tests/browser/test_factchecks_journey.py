"""Other organisations' fact-checks in a real browser: an editor imports a fact-check's page by its address (fetched
by the desk's safe fetcher from the loopback "cited web") and finds it in Search past fact-checks, apart from the
desk's own claims, with its publisher's rating and a link out."""
from __future__ import annotations

import re

from tests.browser.conftest import login

PAGE = b"""<!doctype html><html lang="en"><head><title>Lighthouse age checked</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "ClaimReview",
 "url": "https://lamp-facts.example.org/lighthouse-age",
 "claimReviewed": "The Kelsey lighthouse is 150 years old.",
 "author": {"@type": "Organization", "name": "Lamp Facts <script>alert(1)<\\/script>"},
 "reviewRating": {"@type": "Rating", "alternateName": "Mostly false"}, "datePublished": "2025-04-05"}</script>
</head><body><h1>Is the Kelsey lighthouse 150 years old?</h1><p>It was built in 1911.</p></body></html>"""


def test_an_editor_imports_a_fact_check_by_address_and_finds_it_in_search(page, server, cited_web):
    cited_web.pages["/checks/lighthouse"] = (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)
    login(page, server, "eve")
    page.goto(f"{server}/search")
    page.get_by_role("link", name="Import fact-checks").click()
    page.wait_for_url(f"{server}/factchecks")
    page.get_by_label("Address", exact=True).fill(cited_web.url("/checks/lighthouse"))
    page.get_by_role("button", name="Import from the address").click()
    page.wait_for_url(f"{server}/factchecks")
    assert "1 fact-check imported, 0 already here (from the address)." in page.locator("main .alert").first.inner_text()
    row = page.locator("tr.external-check", has_text="Kelsey lighthouse")
    assert "Mostly false" in row.inner_text() and "Lamp Facts <script>alert(1)</script>" in row.inner_text()

    page.get_by_label("Address", exact=True).fill("http://10.0.0.9/reviews.json")   # refused before any connection
    page.get_by_role("button", name="Import from the address").click()
    assert "private network" in page.get_by_role("alert").first.inner_text()

    page.goto(f"{server}/search")
    page.locator("#past-q").fill("Kelsey lighthouse 150 years old")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/search\?q=.*"))
    other = page.locator("#search-elsewhere")
    assert "1 fact-check by other organisations" in other.inner_text()
    card = other.locator(".external-check")
    assert "Mostly false" in card.inner_text() and "2025-04-05" in card.inner_text()
    link = card.get_by_role("link", name="https://lamp-facts.example.org/lighthouse-age")
    assert link.get_attribute("href") == "https://lamp-facts.example.org/lighthouse-age"
    assert page.evaluate("() => window.__xss === undefined") and page.locator("main script").count() == 0
