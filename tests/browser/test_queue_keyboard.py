"""The queue from the keyboard: j/k move, Enter opens, x selects, ? lists the shortcuts; typing is left alone."""
from __future__ import annotations

import re

from tests.browser.conftest import login
from tests.browser.test_review_journey import long_article, paste_article


def _current(page) -> int | None:
    rows = page.locator("table[data-queue] tbody tr")
    marks = [i for i in range(rows.count()) if "kb-current" in (rows.nth(i).get_attribute("class") or "")]
    return marks[0] if marks else None


def test_queue_shortcuts_move_open_and_select_but_never_while_typing(page, server):
    login(page, server, "eve")
    article_id = paste_article(page, server, long_article(6))
    page.goto(f"{server}/queue?status=all&article_id={article_id}&sort=oldest")
    rows = page.locator("table[data-queue] tbody tr")
    assert rows.count() >= 3 and _current(page) is None
    page.keyboard.press("j")
    assert _current(page) == 0
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert _current(page) == 1
    assert page.evaluate("document.activeElement.getAttribute('aria-current')") == "true"

    page.keyboard.press("x")
    assert rows.nth(1).locator("input[type=checkbox]").is_checked()
    page.keyboard.press("x")
    assert not rows.nth(1).locator("input[type=checkbox]").is_checked()

    search = page.get_by_label("Search claim text")
    search.click()
    page.keyboard.type("jkx?")
    assert search.input_value() == "jkx?" and _current(page) == 1  # typing in a field moves nothing
    assert page.locator("#shortcuts").is_hidden()

    page.locator("h1").click()  # out of the field
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    assert "open the claim" in page.locator("#shortcuts").inner_text()
    page.keyboard.press("Escape")
    assert page.locator("#shortcuts").is_hidden()

    page.keyboard.press("j")
    href = rows.nth(2).locator("a[href*='/claims/']").first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href) + "$"))
