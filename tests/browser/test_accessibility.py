"""axe-core audits of the desk's main pages, with data in every claim status.

axe-core comes from its npm package: `make install-test` puts it under $(VENV)/axe; if it is missing
the first audit installs it there with npm (FACTCHECK_AXE_DIR points elsewhere). The audit browser
context bypasses the app's CSP so the script can be injected.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, login
from tests.browser.test_review_journey import ARTICLE, alert_text, claim_id, paste_article
from tests.conftest import need

AXE_DIR = Path(os.environ.get("FACTCHECK_AXE_DIR") or Path(sys.prefix) / "axe")
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      targets: v.nodes.map(n => n.target.join(' '))}));
}"""


@pytest.fixture(scope="session")
def axe_js() -> Path:
    if not AXE_JS.is_file():
        npm = shutil.which("npm")
        if npm is None:
            need("axe-core", f"no {AXE_JS} and no npm to install it (make install-test)")
        try:
            subprocess.run([npm, "install", "--prefix", str(AXE_DIR), "--no-save", "--no-audit", "--no-fund",
                            "--silent", "axe-core@4"], check=True, capture_output=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            need("axe-core", f"npm install axe-core into {AXE_DIR} failed: {exc}")
        if not AXE_JS.is_file():
            need("axe-core", f"npm did not leave {AXE_JS}")
    return AXE_JS


@pytest.fixture(scope="module")
def desk(browser, server):
    """Browser pages signed in as each person (CSP bypassed for the audit), and a claim in every status."""
    contexts, pages = [], {}
    for who in ("anon", "ada", "eve", "carl"):
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        contexts.append(ctx)
        pages[who] = ctx.new_page()
        if who != "anon":
            login(pages[who], server, who)
    eve = pages["eve"]
    extra = "The contractor hired 310 local workers in 2025, the council said. "
    text = ARTICLE.replace("Residents were", extra + "Residents were")
    article_id = paste_article(eve, server, text)
    claims = {"new": claim_id(eve, "$86 million"), "in_progress": claim_id(eve, "240 million litres"),
              "in_review": claim_id(eve, "14 percent"), "published": claim_id(eve, "since 1998"),
              "dismissed": claim_id(eve, "310 local workers")}
    candidate = eve.locator("details table a").first.get_attribute("href")
    claims["candidate"] = int(candidate.rsplit("/", 1)[1])
    eve.goto(f"{server}/claims/{claims['dismissed']}")
    eve.locator("#reason-dismissed").fill("Already checked last year.")
    eve.get_by_role("button", name="Dismiss", exact=True).click()
    assert "is dismissed" in alert_text(eve)
    for key in ("in_progress", "in_review", "published"):
        eve.goto(f"{server}/claims/{claims[key]}")
        eve.get_by_label("Checker").select_option(label="carl (checker)")
        eve.get_by_label("Due date").fill("2030-06-30")
        eve.get_by_role("button", name="Assign").click()
        assert "is assigned to carl" in alert_text(eve)
        if key == "in_progress":
            continue
        form = eve.locator("form[action$='/sources']")
        form.get_by_label("URL").fill("http://127.0.0.1:9/unreachable-report")
        form.get_by_role("button", name="Add source").click()
        eve.get_by_label("Rating").select_option("Mostly false")
        eve.get_by_label("Rationale").fill("The utilities report gives a **lower** figure.")
        eve.get_by_role("button", name="Save verdict").click()
        eve.locator("#confirm-in_review").check()  # the cited page is unreachable: go on without its copy
        eve.get_by_role("button", name="Submit for review").click()
        assert "is submitted for review" in alert_text(eve)
    ada = pages["ada"]  # eve proposed the verdict: the four-eyes rule needs another editor to publish
    ada.goto(f"{server}/claims/{claims['published']}")
    ada.locator("#confirm-published").check()
    ada.get_by_role("button", name="Publish", exact=True).click()
    assert "is published" in alert_text(ada)
    eve.goto(f"{server}/articles/{article_id}")
    eve.locator(".export-buttons").get_by_role("button", name="HTML report", exact=True).click()
    eve.wait_for_url(re.compile(r".*/exports/\d+$"))
    export_url = eve.url
    yield {"pages": pages, "claims": claims, "article": article_id, "export": export_url}
    for ctx in contexts:
        ctx.close()


def _review_page(page, d, server):
    page.goto(f"{server}/articles/new")
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_role("button", name="Detect structure", exact=True).click()
    page.get_by_role("heading", name="Check the detected structure").wait_for()


def _webhook_page(page, d, server):
    """A webhook's page, the webhook registered through the form (an address checked, never called)."""
    page.goto(f"{server}/admin/webhooks")
    page.get_by_label("Endpoint address").fill("https://8.8.8.8/desk-hook")
    page.get_by_label("A fact-check is published").check()
    page.get_by_role("button", name="Add webhook").click()
    page.get_by_role("link", name=re.compile(r"^#\d+$")).last.click()
    page.get_by_role("button", name="Send test event").wait_for()


def _requests_page(page, d, server):
    """The Requests inbox with one request in it, sent through the public page by a reader who takes their time."""
    page.goto(f"{server}/ask")
    page.get_by_label("The claim").fill("The ferry carries 9,000 people a day.")
    page.get_by_label("Why it matters").fill("It is on every poster in town.")
    page.wait_for_timeout(3200)
    page.get_by_role("button", name="Send").click()
    page.get_by_role("status").filter(has_text="Thank you").wait_for()
    page.goto(f"{server}/requests")
    page.get_by_role("button", name="Make it a claim").first.wait_for()


def _feeds_page(page, d, server):
    """The admin page of fact-check feeds with one feed on it (an address checked, never read)."""
    page.goto(f"{server}/admin/feeds")
    page.get_by_label("Feed address").fill("https://8.8.8.8/claimreview.json")
    page.get_by_role("button", name="Add feed").click()
    page.get_by_role("button", name=re.compile(r"^Read now")).first.wait_for()


# page name -> (who looks, how to get there)
PAGES = {
    "login": ("anon", lambda p, d, s: f"{s}/login"),
    "queue": ("eve", lambda p, d, s: f"{s}/queue"),
    "queue-filtered": ("eve", lambda p, d, s: f"{s}/queue?status=all&article_id={d['article']}"),
    "my-work": ("carl", lambda p, d, s: f"{s}/my-work"),
    "articles": ("eve", lambda p, d, s: f"{s}/articles/"),
    "article": ("eve", lambda p, d, s: f"{s}/articles/{d['article']}"),
    "new-article": ("eve", lambda p, d, s: f"{s}/articles/new"),
    "review": ("eve", _review_page),
    **{f"claim-{status}": ("eve", lambda p, d, s, status=status: f"{s}/claims/{d['claims'][status]}")
       for status in ("candidate", "new", "in_progress", "in_review", "published", "dismissed")},
    "claim-in_progress-as-checker": ("carl", lambda p, d, s: f"{s}/claims/{d['claims']['in_progress']}"),
    "dashboard": ("eve", lambda p, d, s: f"{s}/dashboard"),
    "workload": ("eve", lambda p, d, s: f"{s}/workload"),
    "exports": ("eve", lambda p, d, s: f"{s}/exports/"),
    "export": ("eve", lambda p, d, s: d["export"]),
    "admin-users": ("ada", lambda p, d, s: f"{s}/admin/users"),
    "admin-settings": ("ada", lambda p, d, s: f"{s}/admin/settings"),
    "admin-tokens": ("ada", lambda p, d, s: f"{s}/admin/tokens"),
    "notifications": ("carl", lambda p, d, s: f"{s}/notifications"),
    "notification-choices": ("carl", lambda p, d, s: f"{s}/account/notifications"),
    "admin-webhooks": ("ada", lambda p, d, s: f"{s}/admin/webhooks"),
    "admin-webhook": ("ada", _webhook_page),
    "admin-email": ("ada", lambda p, d, s: f"{s}/admin/email"),
    "ask": ("anon", lambda p, d, s: f"{s}/ask"),
    "requests": ("eve", _requests_page),
    "factchecks": ("eve", lambda p, d, s: f"{s}/factchecks"),
    "admin-feeds": ("ada", _feeds_page),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violations(name, desk, server, axe_js):
    who, where = PAGES[name]
    page = desk["pages"][who]
    target = where(page, desk, server)
    if target:
        response = page.goto(target)
        assert response.ok, f"{target} answered {response.status}"
    status = re.match(r"claim-(\w+?)(-as-checker)?$", name)
    if status:  # the page really shows a claim in that status
        assert page.locator(f"h1 .status-{status.group(1)}").count() == 1, page.locator("h1").inner_text()
    page.add_script_tag(path=str(axe_js))
    found = [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]
    report = "\n".join(f"  {v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"      {t}" for t in v["targets"])
                       for v in found)
    assert not found, f"{name} ({page.url}) has serious or critical accessibility violations:\n{report}"


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_works_at_phone_width(name, desk, server):
    """At 390 x 844 nothing scrolls sideways (wide tables scroll inside their own box) and the menu folds
    behind a button that opens it."""
    who, where = PAGES[name]
    page = desk["pages"][who]
    page.set_viewport_size(PHONE)
    try:
        target = where(page, desk, server)
        if target:
            page.goto(target)
        page.screenshot(path=ARTIFACTS / f"phone-{name}.png", full_page=True)
        sideways = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert sideways <= 0, f"{name} ({page.url}) scrolls sideways by {sideways}px at {PHONE['width']}px wide"
        if who != "anon":
            menu = page.get_by_role("button", name="Menu")
            assert menu.is_visible() and not page.get_by_role("link", name="My work").is_visible()
            menu.click()
            page.get_by_role("link", name="My work").wait_for(state="visible")
            assert menu.get_attribute("aria-expanded") == "true"
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
