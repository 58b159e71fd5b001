"""A reader asks the desk to check a claim without an account; an editor finds it in Requests and makes it a claim."""
from __future__ import annotations

import re

from tests.browser.conftest import login
from tests.browser.test_review_journey import alert_text

CLAIM = "The harbour ferry now carries 9,000 passengers every single day."


def test_a_reader_asks_and_an_editor_takes_it(page, browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        reader = context.new_page()
        reader.goto(f"{server}/ask")
        assert reader.get_by_role("heading", name="Ask us to check a claim").is_visible()
        assert not reader.get_by_label("Leave this empty").is_visible()   # the honeypot is not for people
        reader.get_by_label("The claim").fill(CLAIM)
        reader.get_by_label("Why it matters").fill("The council's posters say so, the timetable does not.")
        reader.get_by_label("Your email (optional)").fill("reader@example.org")
        reader.wait_for_timeout(3200)   # a person takes a moment to write
        reader.get_by_role("button", name="Send").click()
        assert "Thank you" in alert_text(reader)
    finally:
        context.close()

    login(page, server, "eve")
    page.get_by_role("link", name="Requests").click()
    card = page.locator("article.card", has_text=CLAIM)
    assert "reader@example.org" in card.inner_text()
    card.get_by_role("button", name="Make it a claim").click()
    page.wait_for_url(re.compile(r".*/claims/\d+$"))
    assert CLAIM in page.locator("main").inner_text()
    page.goto(f"{server}/requests?state=accepted")
    assert page.locator("article.card", has_text=CLAIM).get_by_role("link", name=re.compile(r"claim #\d+")).count()
