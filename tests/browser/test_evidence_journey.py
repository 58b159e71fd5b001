"""A checker cites a page and watches it being archived, without reloading."""
import re

from tests.browser.conftest import ARTIFACTS, login

STORY = """Harbour Bridge Repair Approved

By Mira Okafor

The council voted 7 to 2 on March 3, 2026 to approve a $48.2 million repair of the bridge. The bridge carries about 31,000 vehicles a day, according to the regional transport agency.
"""


def test_checker_watches_a_source_get_archived(page, server, cited_web):
    cited_web.html("/minutes", "Council minutes, 3 March 2026", "The council approved the repair by 7 votes to 2.")
    cited_web.slow("/slow-minutes", 1.5, b"<html><head><title>Minutes (slow)</title></head>"
                                          b"<body><p>The council approved the repair by 7 votes to 2.</p></body></html>")
    login(page, server, "eve")
    page.goto(f"{server}/articles/new")
    page.get_by_label("Article text").fill(STORY)
    page.get_by_role("button", name="Detect structure", exact=True).click()
    page.get_by_role("button", name="Create article and extract claims").click()
    page.locator("a.claim", has_text="voted 7 to 2").click()
    page.get_by_label("Checker").select_option(label="carl (checker)")
    page.get_by_label("Due date").fill("2030-01-31")
    page.get_by_role("button", name="Assign").click()
    claim_url = page.url
    page.get_by_role("button", name="Sign out").click()

    login(page, server, "carl")
    page.get_by_role("link", name="My work").click()
    page.locator("main a", has_text=re.compile(r"^#\d+$")).first.click()
    assert page.url == claim_url
    page.get_by_label("URL").fill(cited_web.url("/slow-minutes"))
    page.get_by_label("Stance").select_option("supports")
    page.get_by_label("Note").fill("Item 4 of the minutes.")
    page.get_by_role("button", name="Add source").click()
    badge = page.locator("[data-capture-for]").first
    assert badge.inner_text() in ("queued", "fetching…", "fetching")
    page.evaluate("window.__noReload = true")
    page.locator("[data-capture-for]", has_text="archived").wait_for(timeout=30_000)
    page.locator(".capture-details", has_text="SHA-256").wait_for(timeout=10_000)
    assert page.evaluate("window.__noReload") is True  # updated in place
    assert page.locator(".capture-details").inner_text().count("Minutes (slow)") >= 1
    page.screenshot(path=ARTIFACTS / "source-archived.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download WARC").click()
    assert download.value.suggested_filename.endswith(".warc.gz")
    text_link = page.get_by_role("link", name="View archived text").get_attribute("href")
    resp = page.request.get(f"{server}{text_link}")
    assert resp.headers["content-type"].startswith("text/plain")
    assert "sandbox" in resp.headers["content-security-policy"]
    assert "7 votes to 2" in resp.text()
