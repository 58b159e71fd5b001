"""Walk the main pages in headless Chromium and save screenshots (for the README and for review).

Usage: python tools/screenshots.py BASE_URL USERNAME PASSWORD OUTDIR
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def main(base: str, username: str, password: str, outdir: str) -> None:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("FACTCHECK_CHROMIUM", "/usr/bin/chromium"),
                                    args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/login")
        page.screenshot(path=out / "login.png")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url(f"{base}/queue")
        page.goto(f"{base}/articles/")
        page.screenshot(path=out / "articles.png")
        page.click("table a")
        page.wait_for_load_state()
        page.focus("a.claim")
        page.screenshot(path=out / "article.png", full_page=True)
        page.click("a.claim")
        page.wait_for_load_state()
        page.screenshot(path=out / "claim.png", full_page=True)
        page.goto(f"{base}/articles/new")
        page.screenshot(path=out / "new.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
