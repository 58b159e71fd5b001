"""A reader in Tokyo and a newsroom in London read the same due date: the newsroom's day, its zone named."""
from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, login
from tests.browser.test_review_journey import alert_text, paste_article

STORY = ("Harbour figures for the year\n\nBy Dana Reyes\n\nThe harbour handled 4,812 ships in 2025, up 12 per cent "
         "on the year before. Fees rose to $31 million, according to the port authority.\n")


@pytest.fixture
def tokyo_page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo",
                                  locale="en-US")
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}-last.png", full_page=True)
    context.close()


def _set_zone(page, server, name: str) -> None:
    page.goto(f"{server}/admin/settings")
    page.get_by_label("Newsroom time zone").select_option(name)
    page.get_by_role("button", name="Save settings").click()
    assert "Settings saved" in alert_text(page)


def test_a_due_date_reads_the_newsrooms_day_wherever_the_reader_is(tokyo_page, server):
    page = tokyo_page
    login(page, server, "ada")
    _set_zone(page, server, "Europe/London")
    try:
        paste_article(page, server, STORY)
        page.locator("a.claim", has_text="4,812 ships").click()
        page.get_by_label("Checker").select_option(label="carl (checker)")
        page.get_by_label("Due date").fill("2026-12-05")
        page.get_by_role("button", name="Assign").click()
        assert "is assigned to carl" in alert_text(page)
        header = page.locator("main").first.inner_text()
        assert "due 5 Dec 2026, 23:59 GMT" in header, header  # not "Dec 6, 8:59 AM" as Tokyo's clock would say
        assert page.get_by_label("Due date").input_value() == "2026-12-05"
        page.reload()
        assert "due 5 Dec 2026, 23:59 GMT" in page.locator("main").first.inner_text()  # the same after a reload
    finally:
        _set_zone(page, server, "UTC")
