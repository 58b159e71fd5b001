"""Walk the demo newsroom's main pages in headless Chromium and save the README's screenshots.

Start a demo desk first (`make run`, or `factcheck db upgrade && factcheck demo && factcheck serve`), then:

    python tools/screenshots.py BASE_URL USERNAME PASSWORD OUTDIR

USERNAME should be an editor (the demo's `editor`). Writes, at 1280 px wide: queue.png, article.png, claim.png
(the claim furthest along its life cycle), dashboard.png, intake-review.png; and at 390 x 844 (a phone):
phone-queue.png, phone-claim.png.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
STATUS_ORDER = ("in_review", "in_progress", "published", "new")


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base}/queue")


def _furthest_claim(page, base: str) -> str:
    """The address of a claim in review if there is one, else the next status along."""
    for status in STATUS_ORDER:
        page.goto(f"{base}/queue?status={status}")
        link = page.locator("table[data-queue] a[href*='/claims/']").first
        if link.count():
            return base + link.get_attribute("href")
    raise SystemExit("no claim in the queue: run `factcheck demo` first")


def main(base: str, username: str, password: str, outdir: str) -> None:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("FACTCHECK_CHROMIUM", "/usr/bin/chromium"),
                                    args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=DESKTOP)
        _sign_in(page, base, username, password)
        page.goto(f"{base}/queue")
        page.screenshot(path=out / "queue.png", full_page=True)
        page.goto(f"{base}/articles/")
        page.locator("table a[href*='/articles/']").first.click()
        page.wait_for_url(re.compile(r".*/articles/\d+$"))
        page.focus("a.claim")
        page.screenshot(path=out / "article.png", full_page=True)
        claim = _furthest_claim(page, base)
        page.goto(claim)
        page.screenshot(path=out / "claim.png", full_page=True)
        page.goto(f"{base}/dashboard")
        page.screenshot(path=out / "dashboard.png", full_page=True)
        page.goto(f"{base}/articles/new")
        page.get_by_label("Article text").fill(Path(__file__).resolve().parents[1].joinpath(
            "factcheck", "demo", "harbour-bridge.txt").read_text(encoding="utf-8"))
        page.get_by_role("button", name="Detect structure", exact=True).click()
        page.get_by_role("heading", name="Check the detected structure").wait_for()
        page.screenshot(path=out / "intake-review.png", full_page=True)
        page.set_viewport_size(PHONE)
        page.goto(f"{base}/queue")
        page.screenshot(path=out / "phone-queue.png", full_page=True)
        page.goto(claim)
        page.screenshot(path=out / "phone-claim.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    main(*sys.argv[1:5])
