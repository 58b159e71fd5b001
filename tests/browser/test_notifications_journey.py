"""The bell: an editor assigns a claim and mentions the checker; the checker sees the count, opens the list, follows a
notification to the claim, and marks everything read."""
from __future__ import annotations

import re

from tests.browser.conftest import login
from tests.browser.test_review_journey import ARTICLE, alert_text, claim_id, paste_article


def _read_everything(browser, server):
    """Carl starts with nothing unread (other journeys on this server may have told him things)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    carl = context.new_page()
    login(carl, server, "carl")
    carl.goto(f"{server}/notifications")
    if carl.get_by_role("button", name="Mark all read").count():
        carl.get_by_role("button", name="Mark all read").click()
    assert carl.locator("#bell-count").count() == 0
    context.close()


def test_the_bell_tells_the_checker(page, browser, server):
    _read_everything(browser, server)
    login(page, server, "eve")
    paste_article(page, server, ARTICLE)
    cid = claim_id(page, "240 million litres")
    page.goto(f"{server}/claims/{cid}")
    page.get_by_label("Checker").select_option(label="carl (checker)")
    page.get_by_role("button", name="Assign").click()
    assert "is assigned to carl" in alert_text(page)
    page.get_by_role("textbox", name="Comment").fill("@carl the utilities report has the daily figure.")
    page.get_by_role("button", name="Add comment").click()
    assert page.get_by_role("link", name="Notifications").count() == 1

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        carl = context.new_page()
        login(carl, server, "carl")
        bell = carl.get_by_role("link", name="Notifications 2 unread")
        assert bell.is_visible()
        bell.click()
        carl.wait_for_url(f"{server}/notifications")
        assert carl.get_by_role("heading", name="Notifications").is_visible()
        items = carl.locator(".notification-list li.notification-unread")   # older ones may be there, read
        assert items.count() == 2
        assert "You were mentioned" in items.nth(0).inner_text()
        assert "the utilities report has the daily figure" in items.nth(0).inner_text()
        assert "Assigned to you" in items.nth(1).inner_text()
        carl.get_by_role("button", name=re.compile(r"^Mark read.*Assigned to you")).click()
        assert carl.get_by_role("link", name="Notifications 1 unread").is_visible()
        carl.locator(".notification-list li").nth(0).get_by_role("link", name=re.compile(f"Claim #{cid}")).click()
        carl.wait_for_url(f"{server}/claims/{cid}")
        carl.get_by_role("link", name="Notifications 1 unread").click()
        carl.get_by_role("button", name="Mark all read").click()
        assert "1 notification marked read" in alert_text(carl)
        assert carl.locator("#bell-count").count() == 0
        assert carl.get_by_role("link", name="Notifications", exact=True).get_attribute("aria-current") == "page"
        carl.get_by_role("link", name="How you hear about each kind").click()
        carl.get_by_role("radio", name="You were mentioned In a daily digest").check()
        carl.get_by_role("button", name="Save").click()
        assert "choices are saved" in alert_text(carl)
        assert carl.get_by_role("radio", name="You were mentioned In a daily digest").is_checked()
    finally:
        context.close()
