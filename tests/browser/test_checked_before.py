"""Checked before? in a real browser: a claim that repeats one the desk has checked shows it on its page, with its
verdict and what matched, and an editor dismisses it as a duplicate of that claim."""
from __future__ import annotations

import re
import time

from tests.browser.conftest import login
from tests.browser.test_review_journey import claim_id, paste_article

PAST = """Harbour Bridge Bill Published

The Kelsey harbour bridge cost $58 million to repair, the county roads office said in its annual report.
"""
NEW = """Bridge Repairs Questioned

Repairing the Kelsey harbour bridge cost 58 million dollars, according to the county roads office.
"""


def test_a_repeated_claim_shows_the_past_one_and_is_dismissed_as_its_duplicate(page, server):
    login(page, server, "eve")
    paste_article(page, server, PAST)
    past_id = claim_id(page, "harbour bridge cost")
    new_article = paste_article(page, server, NEW)
    new_id = claim_id(page, "Repairing the Kelsey")
    for _ in range(60):  # the matching job runs in the background after intake
        page.goto(f"{server}/articles/{new_article}")
        if page.locator("#checked-before").get_by_role("link", name=f"#{past_id}", exact=True).count():
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the matching job never listed the past claim on the article page")

    page.goto(f"{server}/claims/{new_id}")
    section = page.locator("#checked-before")
    match = section.locator(".past-match", has=page.get_by_role("link", name=f"#{past_id}", exact=True))
    assert "No verdict yet" in match.inner_text() and "Similarity" in match.inner_text()
    assert re.search(r"numbers: 58", match.inner_text()) and "Kelsey" in match.inner_text()
    match.get_by_role("button", name=f"Dismiss as duplicate of #{past_id}").click()
    page.wait_for_url(re.compile(rf".*/claims/{new_id}#checked-before$"))
    assert "Dismissed as a duplicate of claim" in page.locator("main .alert").first.inner_text()
    assert page.get_by_text(f"Duplicate of claim #{past_id}.", exact=True).count() == 1
    assert "duplicate of this" in page.locator("#checked-before").inner_text()
    assert page.get_by_text("marked as duplicate").count() >= 1  # the history
    page.get_by_role("link", name=f"#{past_id}", exact=True).first.click()
    page.wait_for_url(re.compile(rf".*/claims/{past_id}$"))
