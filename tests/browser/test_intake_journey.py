"""An editor brings in the sample article in a real browser and shapes its claims."""
from tests.browser.conftest import ARTIFACTS, login


def test_editor_brings_in_an_article_and_shapes_claims(page, server, sample_text):
    login(page, server, "eve")
    page.get_by_role("link", name="Articles").click()
    page.get_by_role("link", name="Bring in an article").first.click()
    page.get_by_label("Article text").fill(sample_text)
    page.get_by_role("button", name="Detect structure", exact=True).click()

    # The detected structure is shown for correction before anything is saved.
    assert page.get_by_label("Headline").input_value().startswith("Kazakhstan Joins Abraham Accords")
    assert page.get_by_label("Byline").input_value() == "Татьяна Гуринович"
    assert len(page.get_by_label("Cited sources (one per line)").input_value().splitlines()) == 6
    assert "Did you find an error" in page.get_by_label("Set aside as page furniture (one per line)").input_value()
    assert "Did you find an error" not in page.get_by_label("Body").input_value()
    page.get_by_label("Publication date").fill("2025-11-07")
    page.screenshot(path=ARTIFACTS / "intake-review.png", full_page=True)
    page.get_by_role("button", name="Create article and extract claims").click()

    page.wait_for_url("**/articles/*")
    assert "check-worthy claims found" in page.locator(".alert").inner_text()
    claims = page.locator("a.claim")
    assert claims.count() == 17
    # Reasons appear on keyboard focus, not only on hover.
    first = page.locator("a.claim", has_text="On November 6, 2025")
    first.focus()
    tip = page.locator(f"#{first.get_attribute('aria-describedby')}")
    assert tip.is_visible() and "mentions a date" in tip.inner_text()
    page.screenshot(path=ARTIFACTS / "article-claims.png", full_page=True)

    # Promote a candidate, then dismiss it again with a reason typed and sent by keyboard.
    page.locator("details summary", has_text="Candidate sentences").click()
    page.locator("details table a").first.click()
    page.get_by_role("button", name="Promote to claim").click()
    assert "is now a claim in the queue" in page.locator(".alert").inner_text()
    page.get_by_label("Reason").fill("Duplicate of an earlier claim")
    page.get_by_label("Reason").press("Control+Enter")
    assert "is dismissed" in page.locator(".alert").inner_text()
    history = page.locator(".history").inner_text()
    assert "candidate" in history and "dismissed" in history and "Duplicate of an earlier claim" in history


def test_checker_is_told_why_not(page, server):
    login(page, server, "carl")
    page.goto(f"{server}/articles/new")
    assert "may not bring in articles" in page.locator("main").inner_text()
