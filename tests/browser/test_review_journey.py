"""The review journey in a real browser: paste, assign, cite, propose, send back, publish, export;
the queue's filters, bulk assignment and keyset pages; a stale edit from a second browser; and the
main forms completed from the keyboard alone."""
from __future__ import annotations

import json
import re

from tests.browser.conftest import ARTIFACTS, login

ARTICLE = """Riverside Water Plant Upgrade Finished Ahead of Schedule

Edited by: Jonas Whitfield

The city completed the $86 million upgrade of the Riverside water treatment plant on April 14, 2026, three months earlier than planned. The plant now treats 240 million litres of water a day, up from 180 million litres before the work began, according to the city's utilities department.

Officials said leaks in the old distribution network wasted about 14 percent of treated water in 2025. The mayor described the upgrade as the largest public works project in the city since 1998.

Residents were invited to tour the new filtration hall later this spring.

Sources

  • City utilities department annual report 2025

  • Council press release on the Riverside upgrade

Did you find an error or inaccuracy?

We will consider your comments as soon as possible.
"""

SHORT = """Ferry Timetable Changes

By Lena Park

The ferry operator cut weekend crossings from 14 to 9 on June 2, 2026, citing a 22 percent drop in passengers since 2024.
"""

PLACES = ["Northport", "Eastfield", "Millbrook", "Stonebridge", "Ashford", "Kelby", "Harwick", "Lowmoor"]
THINGS = [("handled", "containers"), ("recorded", "burglaries"), ("registered", "new businesses"),
          ("planted", "street trees"), ("repaired", "potholes")]


def long_article(n: int = 120) -> str:
    """A headline and n distinct factual sentences, five to a paragraph."""
    sentences = []
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        verb, noun = THINGS[i % len(THINGS)]
        sentences.append(f"In {1990 + i % 35}, {place} {verb} {1000 + 37 * i:,} {noun}, "
                         f"up {3 + i % 40} percent on the year before, according to figure {i + 1} of the county digest.")
    paragraphs = [" ".join(sentences[i:i + 5]) for i in range(0, n, 5)]
    return "County Statistics Digest Summarised\n\nBy Ravi Menon\n\n" + "\n\n".join(paragraphs) + "\n"


def paste_article(page, server, text: str) -> int:
    """Bring in an article through the two-step form; returns its id (the browser is left on its page)."""
    page.goto(f"{server}/articles/new")
    page.get_by_label("Article text").fill(text)
    page.get_by_role("button", name="Detect structure", exact=True).click()
    page.get_by_role("button", name="Create article and extract claims").click()
    page.wait_for_url(re.compile(r".*/articles/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def claim_id(page, text: str) -> int:
    """The id of the highlighted claim containing `text` on an article page."""
    href = page.locator("a.claim", has_text=text).first.get_attribute("href")
    return int(href.rsplit("/", 1)[1])


def alert_text(page) -> str:
    return " ".join(page.locator("main .alert").all_inner_texts())


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/login.*"))


def queue_ids(page) -> list[int]:
    hrefs = page.locator("#bulk tbody tr td:nth-child(2) a[href*='/claims/']").evaluate_all(
        "els => els.map(a => a.getAttribute('href'))")
    # a row may link its claim twice (the "checked before?" marker points at the claim's #checked-before)
    return list(dict.fromkeys(int(re.search(r"/claims/(\d+)", h).group(1)) for h in hrefs))


def add_source_and_watch(page, url: str, note: str):
    form = page.locator("form[action$='/sources']")
    form.get_by_label("URL").fill(url)
    form.get_by_label("Stance").select_option("supports")
    form.get_by_label("Note").fill(note)
    form.get_by_role("button", name="Add source").click()
    assert "Source added" in alert_text(page)
    badge = page.locator("[data-capture-for]").first
    assert badge.inner_text() != "archived"  # the cited page answers slowly: the capture is still under way
    page.evaluate("window.__noReload = true")
    page.locator("[data-capture-for]", has_text="archived").wait_for(timeout=30_000)
    assert page.evaluate("window.__noReload") is True  # updated in place, not by a reload


def propose(page, rating: str, rationale: str):
    page.get_by_label("Rating").select_option(rating)
    page.get_by_label("Rationale").fill(rationale)
    page.get_by_role("button", name="Save verdict").click()
    assert "Verdict saved" in alert_text(page)


def move(page, button: str, expect: str):
    page.get_by_role("button", name=button, exact=True).click()
    assert expect in alert_text(page), alert_text(page)


def export(page, label: str):
    """Click an Export button on the current page and download the result from the export page."""
    page.locator(".export-buttons").get_by_role("button", name=label, exact=True).click()
    page.wait_for_url(re.compile(r".*/exports/\d+$"))
    box = page.locator("#export-status")
    assert box.locator("progress").count() == 1 or box.get_by_role("link").count() == 1
    link = box.get_by_role("link", name=re.compile(r"^Download"))
    link.wait_for(timeout=60_000)
    with page.expect_download() as info:
        link.click()
    return info.value


def test_claims_go_from_paste_to_published_and_exported(page, server, cited_web):
    for path in ("/plant-report", "/plant-capacity"):
        cited_web.slow(path, 1.0, b"<html><head><title>Utilities annual report</title></head><body>"
                                  b"<p>The Riverside plant treats 240 million litres a day.</p></body></html>")
    login(page, server, "eve")
    page.goto(f"{server}/articles/new")
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_role("button", name="Detect structure", exact=True).click()
    assert page.get_by_label("Headline").input_value() == "Riverside Water Plant Upgrade Finished Ahead of Schedule"
    assert page.get_by_label("Byline").input_value() == "Jonas Whitfield"  # the names, no credit words
    assert len(page.get_by_label("Cited sources (one per line)").input_value().splitlines()) == 2
    assert "Did you find an error" in page.get_by_label("Set aside as page furniture (one per line)").input_value()
    page.screenshot(path=ARTIFACTS / "review-intake-structure.png", full_page=True)
    page.get_by_role("button", name="Create article and extract claims").click()
    page.wait_for_url(re.compile(r".*/articles/\d+$"))
    article_url = page.url
    article_id = int(article_url.rsplit("/", 1)[1])
    assert "check-worthy claims found" in alert_text(page)

    # Each claim is listed with its score and the reasons for it.
    rows = page.locator("table caption", has_text="Claims in article order").locator("xpath=..").locator("tbody tr")
    assert rows.count() >= 2
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        assert re.fullmatch(r"[01]\.\d\d", cells.nth(2).inner_text().strip())
        assert cells.nth(3).inner_text().strip()  # why it scored
    page.screenshot(path=ARTIFACTS / "review-article-claims.png", full_page=True)
    first, second = claim_id(page, "$86 million"), claim_id(page, "240 million litres")

    # One claim assigned on its own page...
    page.locator("a.claim", has_text="$86 million").click()
    page.get_by_label("Checker").select_option(label="carl (checker)")
    page.get_by_label("Due date").fill("2030-03-01")
    page.get_by_role("button", name="Assign").click()
    assert "is assigned to carl" in alert_text(page)
    # ...the other from the queue's bulk form.
    page.goto(f"{server}/queue?article_id={article_id}")
    page.locator(f"#sel-{second}").check()
    page.locator("#b-action").select_option("assign")
    page.locator("#b-assignee").select_option(label="carl")
    page.locator("#b-due").fill("2030-03-02")
    page.get_by_role("button", name="Apply to selected").click()
    assert f"Done for 1 claim: #{second}." in alert_text(page)
    sign_out(page)

    # carl cites a page for each, sees it archived in place, proposes verdicts and submits.
    login(page, server, "carl")
    page.get_by_role("link", name="My work").click()
    assigned = page.locator("section", has=page.locator("#assigned-heading"))
    for cid in (first, second):
        assert assigned.get_by_role("link", name=f"#{cid}", exact=True).is_visible()
    page.screenshot(path=ARTIFACTS / "review-my-work.png", full_page=True)
    for cid, path, rating in ((first, "/plant-report", "True"), (second, "/plant-capacity", "Mostly true")):
        page.get_by_role("link", name="My work").click()
        page.get_by_role("link", name=f"#{cid}", exact=True).click()
        add_source_and_watch(page, cited_web.url(path), "Page 12 of the annual report.")
        if cid == first:
            page.screenshot(path=ARTIFACTS / "review-source-archived.png", full_page=True)
        propose(page, rating, "The annual report gives the same figures.")
        move(page, "Submit for review", "is submitted for review")
    sign_out(page)

    # eve sends one back with a comment.
    login(page, server, "eve")
    page.goto(f"{server}/claims/{first}")
    page.locator("#reason-in_progress").fill("The report gives the **planned** date, not the completion date.")
    move(page, "Send back to the checker", "Sent back to carl with your comment")
    sign_out(page)

    # carl sees it on top of his work with the comment, fixes the verdict and resubmits.
    login(page, server, "carl")
    page.get_by_role("link", name="My work").click()
    assert page.locator("main h2").first.inner_text() == "Sent back to you"
    back = page.locator(".comment-rejection").first
    assert back.get_by_role("link", name=f"#{first}", exact=True).is_visible()
    assert "not the completion date" in back.inner_text()
    page.screenshot(path=ARTIFACTS / "review-sent-back.png", full_page=True)
    back.get_by_role("link", name=f"#{first}", exact=True).click()
    propose(page, "Half true", "The upgrade finished on time; the report confirms the date, not the cost.")
    move(page, "Submit for review", "is submitted for review")
    sign_out(page)

    # The proposer was carl, so the four-eyes rule lets eve publish both.
    login(page, server, "eve")
    for cid in (first, second):
        page.goto(f"{server}/claims/{cid}")
        assert "Four-eyes" in page.locator("#status-heading").locator("xpath=..").inner_text()
        move(page, "Publish", "is published")
    page.screenshot(path=ARTIFACTS / "review-published.png", full_page=True)

    page.goto(article_url)
    pdf = export(page, "PDF report")
    page.screenshot(path=ARTIFACTS / "review-export-done.png", full_page=True)
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    page.goto(article_url)
    review = export(page, "ClaimReview")
    with open(review.path(), encoding="utf-8") as fh:
        data = json.load(fh)
    reviewed = json.dumps(data, ensure_ascii=False)
    assert "$86 million upgrade" in reviewed and "240 million litres" in reviewed
    assert '"Half true"' in reviewed and '"Mostly true"' in reviewed


def test_queue_filters_bulk_assign_and_keyset_pages(page, server):
    login(page, server, "eve")
    article_id = paste_article(page, server, long_article())
    page.goto(f"{server}/queue")

    # Filter by status and assignee: the URL carries the filter, and a reload keeps it.
    page.locator("#f-status").select_option("new")
    page.locator("#f-assignee").select_option("unassigned")
    page.locator("#f-article").select_option(str(article_id))
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r".*status=new.*"))
    assert "assignee=unassigned" in page.url and f"article_id={article_id}" in page.url
    page.reload()
    assert page.locator("#f-status").input_value() == "new"
    assert page.locator("#f-assignee").input_value() == "unassigned"
    assert page.locator("#f-article").input_value() == str(article_id)
    statuses = page.locator("#bulk tbody .badge.status").all_inner_texts()
    assert statuses and set(statuses) == {"new"}
    assert set(page.locator("#bulk tbody tr td:nth-child(5)").all_inner_texts()) == {"—"}
    page.screenshot(path=ARTIFACTS / "review-queue-filtered.png", full_page=True)

    # Bulk-assign two of them to carl.
    picked = queue_ids(page)[:2]
    for cid in picked:
        page.locator(f"#sel-{cid}").check()
    page.locator("#b-action").select_option("assign")
    page.locator("#b-assignee").select_option(label="carl")
    page.locator("#b-due").fill("2030-05-01")
    page.get_by_role("button", name="Apply to selected").click()
    assert "Done for 2 claims" in alert_text(page)
    assert "status=new" in page.url  # back on the same filtered view
    assert not set(picked) & set(queue_ids(page))
    page.goto(f"{server}/queue?status=in_progress&assignee=carl&article_id={article_id}")
    assert sorted(queue_ids(page)) == sorted(picked)

    # Keyset pages: every claim of the article once, page after page, until there is no next page.
    page.locator("#f-status").select_option("all")
    page.locator("#f-assignee").select_option("anyone")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r".*status=all.*"))
    total = int(re.search(r"\((\d+) claims?\)", page.locator("main h1").inner_text()).group(1))
    assert total > 100  # more than two pages of fifty
    seen, pages = [], 0
    while True:
        pages += 1
        seen.extend(queue_ids(page))
        nxt = page.get_by_role("link", name="Next page")
        if nxt.count() == 0:
            break
        nxt.click()
        page.wait_for_url(re.compile(r".*cursor=.*"))
        assert "status=all" in page.url  # the filter travels with the cursor
    page.screenshot(path=ARTIFACTS / "review-queue-last-page.png", full_page=True)
    assert pages >= 3
    assert len(seen) == len(set(seen)), "a claim appeared on two pages"
    assert len(seen) == total


def test_stale_wording_edit_is_refused_and_keeps_the_input(page, server, browser):
    login(page, server, "eve")
    paste_article(page, server, SHORT)
    cid = claim_id(page, "ferry operator")
    claim_url = f"{server}/claims/{cid}"
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        ada = other.new_page()
        login(ada, server, "ada")
        page.goto(claim_url)
        ada.goto(claim_url)
        ada.get_by_label("Claim wording").fill("The operator cut weekend ferry crossings from 14 to 9 in June 2026.")
        ada.get_by_role("button", name="Save wording").click()
        assert "Wording saved" in alert_text(ada)
    finally:
        other.close()

    mine = "Weekend ferry crossings fell from 14 to 9 on June 2, 2026."
    page.get_by_label("Claim wording").fill(mine)
    page.get_by_role("button", name="Save wording").click()
    message = alert_text(page)
    assert f"Claim #{cid} was changed by ada" in message, message
    assert "The operator cut weekend ferry crossings" in message  # what she changed
    assert "Nothing was saved" in message
    assert page.get_by_label("Claim wording").input_value() == mine
    page.screenshot(path=ARTIFACTS / "review-stale-edit.png", full_page=True)


def _focused(page) -> str:
    return page.evaluate("() => { const e = document.activeElement; "
                         "return e ? (e.id || e.name || e.tagName.toLowerCase()) : ''; }")


def tab_to(page, selector: str, *, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def walk(page, js_test: str, *, limit: int = 20) -> list[str]:
    """Press Tab until the focused element `e` passes `js_test`; name each distinct stop on the way
    (a date input takes one press per part)."""
    order = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = _focused(page)
        if not order or order[-1] != name:
            order.append(name)
        if focused_is(page, js_test):
            return order
    raise AssertionError(f"Tab never reached the element ({js_test}); it went {order}")


def focused_is(page, js_test: str) -> bool:
    return page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({js_test}); }}")


def test_forms_work_from_the_keyboard_alone(page, server, cited_web):
    cited_web.html("/ferry-data", "Ferry operator statistics", "Weekend crossings were cut from 14 to 9.")
    # Sign in.
    page.goto(f"{server}/login")
    if _focused(page) != "username":  # the field has autofocus
        tab_to(page, "#username")
    page.keyboard.type("eve")
    page.keyboard.press("Tab")
    assert _focused(page) == "password"
    page.keyboard.type("browser test password")
    page.keyboard.press("Tab")
    assert focused_is(page, "e.type === 'submit' && e.form && e.form.querySelector('#password')")
    page.keyboard.press("Shift+Tab")
    assert _focused(page) == "password"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/queue")

    # Paste an article.
    page.goto(f"{server}/articles/new")
    tab_to(page, "#body")
    page.keyboard.insert_text(SHORT)
    detect = "e.type === 'submit' && e.value === 'Detect structure'"
    order = walk(page, detect)
    assert order == ["title", "byline", "url", "published_on", "plain", "submit"], order
    page.keyboard.press("Shift+Tab")
    assert _focused(page) == "plain"
    page.keyboard.press("Tab")
    assert focused_is(page, detect)
    page.screenshot(path=ARTIFACTS / "review-keyboard-paste.png", full_page=True)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check the detected structure").wait_for()
    assert page.locator("#title").input_value() == "Ferry Timetable Changes"
    tab_to(page, "[type=submit][value='Create article and extract claims']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/articles/\d+$"))
    cid = claim_id(page, "ferry operator")

    # Add a source to one of its claims.
    page.goto(f"{server}/claims/{cid}")
    tab_to(page, "form[action$='/sources'] #url")
    page.keyboard.type(cited_web.url("/ferry-data"))
    page.keyboard.press("Tab")
    assert _focused(page) == "title"
    page.keyboard.type("Ferry operator statistics")
    page.keyboard.press("Tab")
    assert _focused(page) == "stance"
    page.keyboard.press("ArrowDown")
    assert page.locator("form[action$='/sources'] #stance").input_value() != ""
    page.keyboard.press("Tab")
    assert _focused(page) == "note"
    page.keyboard.type("Table 3, weekend sailings.")
    page.keyboard.press("Tab")
    add_button = "e.type === 'submit' && e.form && e.form.action.endsWith('/sources')"
    assert focused_is(page, add_button)
    page.keyboard.press("Shift+Tab")
    assert _focused(page) == "note"
    page.keyboard.press("Tab")
    assert focused_is(page, add_button)
    page.screenshot(path=ARTIFACTS / "review-keyboard-source.png", full_page=True)
    page.keyboard.press("Enter")
    page.locator("main .alert", has_text="Source added").wait_for()
    assert "Ferry operator statistics" in page.locator("#sources").inner_text()
