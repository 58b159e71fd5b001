"""What a newsroom's first week tripped over, walked through again in a real browser (issue 17): the byline without
its credit words and the outlet at review, a warning when an article comes in twice, the Articles page's search,
a rating to choose, who made the claim, the history in the page's words, each action's needs beside it,
confirmations that say what happened, due dates on My work, Workload for a checker, the queue's threshold hint
and exports named by headline. Every page is shot at 1280 and 390 px wide, and audited with axe."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS, login
from tests.browser.test_accessibility import BLOCKING, RUN_AXE, axe_js  # noqa: F401 - axe_js is a fixture
from tests.browser.test_review_journey import alert_text, claim_id, sign_out

WEEK = """Harbour Tunnel Tolls Rise Next Month

Edited by: Jonas Whitfield

The harbour tunnel toll will rise from $4.50 to $5.20 on March 1, 2027, the transport authority said. The authority expects the change to raise $12.4 billion over thirty years.

Councillor Mara Quinn said 61 percent of commuters already pay more than $40 a week in tolls.
"""
ADDRESS = "https://www.harbour-herald.example.org/2027/02/tunnel-tolls"


def shoot(page, name: str) -> None:
    """The page at desktop and at phone width (then back to desktop)."""
    page.screenshot(path=ARTIFACTS / f"week-{name}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.screenshot(path=ARTIFACTS / f"week-{name}-phone.png", full_page=True)
        sideways = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert sideways <= 0, f"{name} scrolls sideways by {sideways}px at 390px"
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def audit(page, axe_path, name: str) -> None:
    page.add_script_tag(path=str(axe_path))
    found = [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]
    assert not found, f"{name}: {found}"


@pytest.fixture
def week_page(browser, request):
    """A page whose context lets the axe script in (the app's CSP refuses inline scripts, rightly)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    pg = context.new_page()
    errors = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and
          msg.location.get("url") != pg.url else None)
    yield pg
    pg.screenshot(path=ARTIFACTS / f"{request.node.name}-last.png", full_page=True)
    context.close()
    assert not errors, f"console errors in the browser: {errors}"


def review_step(page, server):
    page.goto(f"{server}/articles/new")
    page.get_by_label("Article text").fill(WEEK)
    page.get_by_label("Article URL").fill(ADDRESS)
    page.get_by_role("button", name="Detect structure", exact=True).click()
    page.get_by_role("heading", name="Check the detected structure").wait_for()


def test_a_week_at_the_desk(week_page, server, axe_js):  # noqa: F811
    page = week_page
    login(page, server, "eve")
    review_step(page, server)
    assert page.get_by_label("Byline").input_value() == "Jonas Whitfield"
    assert page.get_by_label("Outlet").input_value() == "harbour-herald.example.org"
    page.get_by_label("Outlet").fill("Harbour Herald")
    assert page.locator("#duplicate-notice").count() == 0
    page.get_by_role("button", name="Create article and extract claims").click()
    page.wait_for_url(re.compile(r".*/articles/\d+$"))
    article_id = int(page.url.rsplit("/", 1)[1])
    toll = claim_id(page, "$12.4 billion")

    # The same article again: warned at review, with a link to the one already in.
    review_step(page, server)
    notice = page.locator("#duplicate-notice")
    assert "may be in the desk already" in notice.inner_text() and "the same address" in notice.inner_text()
    assert notice.get_by_role("link").first.get_attribute("href") == f"/articles/{article_id}"
    shoot(page, "review-duplicate")
    audit(page, axe_js, "review with a duplicate warning")

    # The Articles page finds it by headline and outlet; the filter is kept in the address.
    page.goto(f"{server}/articles/")
    page.get_by_label("Headline").fill("tunnel tolls")
    page.get_by_label("Outlet").select_option("Harbour Herald")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(re.compile(r".*q=tunnel\+tolls.*"))
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "Harbour Tunnel Tolls Rise Next Month" in rows.first.inner_text()
    assert "Harbour Herald" in rows.first.inner_text() and "Jonas Whitfield" in rows.first.inner_text()
    shoot(page, "articles-filtered")
    audit(page, axe_js, "articles, filtered")

    # The queue's score box: empty, the threshold as its hint.
    page.goto(f"{server}/queue")
    box = page.get_by_label("Score ≥")
    assert box.input_value() == "" and box.get_attribute("placeholder") is None
    assert re.fullmatch(r"Threshold 0\.\d\d", page.locator("#f-min-hint").inner_text())

    # Assign to carl with a due date; the claim page's actions each carry their own needs.
    page.goto(f"{server}/claims/{toll}")
    take = page.locator("form.move", has=page.get_by_role("button", name="Take this claim"))
    assert take.locator("textarea").count() == 0 and "required" not in take.inner_text()
    dismiss = page.locator("form.move", has=page.get_by_role("button", name="Dismiss", exact=True))
    assert "Reason for “Dismiss” (required)" in dismiss.inner_text()
    page.get_by_label("Checker").select_option(label="carl (checker)")
    page.get_by_label("Due date").fill("2027-02-26")
    page.get_by_role("button", name="Assign").click()
    assert "is assigned to carl" in alert_text(page)
    sign_out(page)

    # carl: the rating starts empty and must be chosen; he names who made the claim.
    login(page, server, "carl")
    page.goto(f"{server}/claims/{toll}")
    assert page.get_by_label("Rating").input_value() == ""
    page.get_by_label("Rationale").fill("The authority's own forecast is **$12.4 billion** in *nominal* dollars.")
    page.get_by_role("button", name="Save verdict").click()
    assert "Choose a rating from the newsroom's scale." in page.locator("#verdict").inner_text()
    page.get_by_label("Rating").select_option("Mostly true")
    page.get_by_label("Who made the claim").fill("Harbour Transport Authority")
    page.get_by_label("Made by").select_option("organization")
    page.get_by_role("button", name="Save verdict").click()
    assert "Verdict saved" in alert_text(page)
    verdict = page.locator("#verdict")
    assert verdict.locator("strong", has_text="$12.4 billion").count() == 1
    assert "Made by: Harbour Transport Authority (organisation)" in verdict.inner_text()
    history = page.locator(".history").inner_text()
    assert "Status: new → in progress" in history and "Checker: — → carl" in history
    assert "in_progress" not in history
    shoot(page, "claim-as-checker")
    audit(page, axe_js, "claim page, as its checker")

    form = page.locator("form[action$='/sources']")
    form.get_by_label("URL").fill("http://127.0.0.1:9/authority-forecast")
    form.get_by_role("button", name="Add source").click()
    page.locator("#confirm-in_review").check()
    page.get_by_role("button", name="Submit for review").click()
    assert "is submitted for review" in alert_text(page)
    sign_out(page)

    # eve: Publish needs nothing typed; sending back needs a comment, asked for in its own box.
    login(page, server, "eve")
    page.goto(f"{server}/claims/{toll}")
    publish = page.locator("form.move", has=page.get_by_role("button", name="Publish", exact=True))
    assert publish.locator("textarea").count() == 0
    back = page.locator("form.move", has=page.get_by_role("button", name="Send back to the checker"))
    assert "Comment for “Send back to the checker” (required)" in back.inner_text()
    shoot(page, "claim-in-review")
    back.locator("textarea").fill("Say which year's dollars the forecast uses.")
    back.get_by_role("button", name="Send back to the checker").click()
    assert "Sent back to carl with your comment." in alert_text(page)

    # Exports are listed by headline.
    page.goto(f"{server}/articles/{article_id}")
    page.locator(".export-buttons").get_by_role("button", name="CSV", exact=True).click()
    page.wait_for_url(re.compile(r".*/exports/\d+$"))
    page.goto(f"{server}/exports/")
    assert page.get_by_role("link", name="Harbour Tunnel Tolls Rise Next Month").count() >= 1
    shoot(page, "exports")
    sign_out(page)

    # carl: the sent-back card has its due date; Workload is his to read.
    login(page, server, "carl")
    page.goto(f"{server}/my-work")
    card = page.locator(".comment-rejection", has_text="$12.4 billion")
    assert re.search(r"Due \d+ Feb 2027", card.inner_text()), card.inner_text()
    shoot(page, "my-work")
    audit(page, axe_js, "my work")
    page.get_by_role("link", name="Workload").click()
    assert page.get_by_role("heading", name="Workload").is_visible()
    assert "may not" not in page.locator("main").inner_text()
    assert page.locator("table tbody tr", has_text="carl").count() == 1
    shoot(page, "workload-as-checker")
    audit(page, axe_js, "workload, as a checker")

    # The dashboard's bars open the queue filtered to what they count.
    page.goto(f"{server}/dashboard")
    page.locator(".chart-links").get_by_role("link", name=re.compile(r"^carl, in progress")).click()
    page.wait_for_url(re.compile(r".*/queue\?.*assignee=carl.*"))
    assert page.locator("#bulk tbody tr", has_text="$12.4 billion").count() == 1
