"""Replaying an archived page on the claim page: it renders offline, and it can take nothing from the desk.

The cited page is hostile: its script reads document.cookie, calls the desk's API and tries to move the desk's
window, and it links an image and a stylesheet on the open web. It is archived from a loopback site, the site is
then shut down, and the claim page replays it from the WACZ on the replay origin (another host name of this
machine, FACTCHECK_REPLAY_ORIGIN=http://localhost:<port>, served by the same `factcheck serve`).

ReplayWeb.page (npm `replaywebpage`) comes from `make install` (under the venv's replay/); if it is missing this
installs it the same way (tools/install-replaywebpage.sh), or skips (fails under FACTCHECK_REQUIRE_SERVICES=1).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS, BIN, PASSWORD, _free_port, login
from tests.conftest import ROOT, need

PREFIX = Path(sys.prefix) / "replay"
FILES = [PREFIX / "node_modules" / "replaywebpage" / name for name in ("ui.js", "sw.js")]

STORY = """Ferry Service Draws Crowds

By Ana Ruiz

The new ferry carried 4,200 passengers in its first week, the harbour authority said on Monday.
"""

# Every attempt writes what it got into #probe, before the last one tries to move the top window.
LEAKY = """<!doctype html><html><head><title>Harbour authority: ferry figures</title>
<link rel="stylesheet" href="https://cdn.example.net/site.css"></head>
<body><h1 id="headline">Ferry figures, first week</h1><p>4,200 passengers in the first week.</p>
<img src="http://203.0.113.9/pixel.png" alt="">
<pre id="probe">running</pre>
<script>
(async function () {
  var desk = "DESK", out = {};
  var show = function () { document.getElementById("probe").textContent = JSON.stringify(out); };
  out.cookie = document.cookie;
  try {
    var r = await fetch(desk + "/api/v1/claims", {credentials: "include"});
    out.api = r.status + " " + (await r.text()).slice(0, 300);
  } catch (e) { out.api = "failed: " + e; }
  out.done = true;
  show();
  setTimeout(function () {
    try { var t = window["to" + "p"]; t.location = desk + "/queue?hijacked=1"; } catch (e) { out.top = e.name; }
    try { top.location = desk + "/queue?hijacked=2"; } catch (e) { out.top2 = e.name; }
  }, 1500);
})();
</script></body></html>"""


@pytest.fixture(scope="module")
def replaywebpage():
    if not all(f.is_file() for f in FILES):
        if shutil.which("npm") is None:
            need("ReplayWeb.page", f"no {FILES[0]} and no npm to install it (make install)")
        try:
            subprocess.run(["sh", str(ROOT / "tools" / "install-replaywebpage.sh"), str(PREFIX)], check=True,
                           capture_output=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            need("ReplayWeb.page", f"tools/install-replaywebpage.sh {PREFIX} failed: {exc}")
    return PREFIX


@pytest.fixture(scope="module")
def leaky_site():
    from tests.archive.loopback import Site

    site = Site()
    site.__enter__()
    yield site
    site.__exit__(None, None, None)


@pytest.fixture(scope="module")
def desk(tmp_path_factory, leaky_site, replaywebpage):
    """`factcheck serve` at 127.0.0.1:<port>, its replay origin at localhost:<another port>."""
    tmp = tmp_path_factory.mktemp("replay")
    port, replay_port = _free_port(), _free_port()
    base, replay = f"http://desk.localhost:{port}", f"http://replay.desk.localhost:{replay_port}"
    env = {**os.environ, "FACTCHECK_DEV": "1", "FACTCHECK_INSTANCE_DIR": str(tmp),
           "FACTCHECK_DATABASE_URL": f"sqlite:///{tmp / 'app.sqlite3'}", "FACTCHECK_BASE_URL": base,
           "FACTCHECK_REPLAY_ORIGIN": replay, "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{leaky_site.port}"}
    subprocess.run([str(BIN), "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([str(BIN), "users", "create", "eve", "--role", "editor", "--password", PASSWORD], env=env,
                   check=True, capture_output=True)
    proc = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1)
            urllib.request.urlopen(f"http://127.0.0.1:{replay_port}/replay/ui.js", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"factcheck serve did not start: {proc.stdout.read().decode()}")
    yield base, replay
    proc.terminate()
    proc.wait(timeout=10)


def _probe(page, console: list[str], timeout: float = 45) -> tuple[object, dict]:
    """The frame replaying the archived page, and what its script reported."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "/replay/w/" not in frame.url:
                continue
            try:
                text = frame.locator("#probe").inner_text(timeout=500)
            except Exception:  # noqa: BLE001 - the frame is still loading, or was replaced
                continue
            if text.startswith("{"):
                found = json.loads(text)
                if found.get("done"):
                    return frame, found
        page.wait_for_timeout(250)
    page.screenshot(path=ARTIFACTS / "replay-never-reported.png", full_page=True)
    pytest.fail(f"the replayed page never reported; frames: {[f.url for f in page.frames]}; console: {console}")


def test_a_replayed_page_renders_offline_and_gets_nothing_from_the_desk(browser, desk, leaky_site):
    base, replay = desk
    leaky_site.pages["/ferry"] = (200, {"Content-Type": "text/html; charset=utf-8"},
                                  LEAKY.replace("DESK", base).encode())
    # A private window, as Playwright's contexts are: it blocks third-party storage, which a replay origin on the
    # desk's own site (a subdomain) does not need.
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    login(page, base, "eve")
    page.goto(f"{base}/articles/new")
    page.get_by_label("Article text").fill(STORY)
    page.get_by_role("button", name="Detect structure", exact=True).click()
    page.get_by_role("button", name="Create article and extract claims").click()
    page.locator("a.claim", has_text="4,200 passengers").click()
    claim_url = page.url
    page.get_by_label("URL").fill(leaky_site.url("/ferry"))
    page.get_by_role("button", name="Add source").click()
    page.locator("[data-capture-for]", has_text="archived").wait_for(timeout=30_000)

    leaky_site.__exit__(None, None, None)  # the cited site is gone: what follows comes from the archive alone
    # A cookie of the desk's that its own scripts can read (the session cookie is HttpOnly besides).
    context.add_cookies([{"name": "desk_visible", "value": "desk-only", "url": base}])
    assert "desk_visible=desk-only" in page.evaluate("document.cookie")
    requests, console = [], []
    context.on("request", lambda r: requests.append(r))
    page.on("console", lambda m: console.append(f"{m.type}: {m.text} ({m.location.get('url')})"))
    page.goto(claim_url)
    frame_el = page.locator(f"iframe[src^='{replay}/c/']")
    assert frame_el.get_attribute("sandbox") == "allow-scripts allow-same-origin"

    replayed, seen = _probe(page, console)
    assert replayed.locator("#headline").inner_text() == "Ferry figures, first week"  # rendered from the WACZ
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "replay-isolated.png", full_page=True)
    assert "desk_visible" not in seen["cookie"] and "session" not in seen["cookie"], seen
    assert not seen["api"].startswith("200"), seen
    page.wait_for_timeout(4000)  # give the attempts on the top window time to land, if they could
    assert page.url == claim_url and page.locator("#sources").is_visible()
    assert not [r.url for r in requests if "hijacked" in r.url and r.url.startswith(base)]

    # The replay origin itself, outside ReplayWeb.page's rewriting, has no desk cookie and no way into its API.
    outer = next(f for f in page.frames if f.url.startswith(f"{replay}/c/"))
    assert "desk_visible" not in outer.evaluate("document.cookie")
    # ReplayWeb.page points an archived page's `top` at its own frame; code on the replay origin that reaches the
    # real top window is stopped by the sandbox (no allow-top-navigation).
    moved = outer.evaluate("""url => { try { window.top.location = url; return 'assigned'; }
                                       catch (e) { return 'blocked: ' + e.name; } }""", f"{base}/queue?hijacked=3")
    page.wait_for_timeout(1000)
    assert moved.startswith("blocked") and page.url == claim_url, moved
    answer = outer.evaluate("""url => fetch(url, {credentials: 'include'}).then(
        r => 'status ' + r.status, e => 'failed: ' + e)""", f"{base}/api/v1/claims")
    # Refused before it leaves (the replay page's connect-src is its own origin); were it sent, the desk's API
    # takes bearer tokens only and sends no CORS header, so the answer could not be read either.
    assert answer.startswith("failed"), answer
    assert [r.url for r in requests if r.url.startswith(f"{base}/api/")] == []
    print("what the replayed page got:", seen)

    allowed = {urlsplit(base).netloc, urlsplit(replay).netloc}
    left = sorted({r.url for r in requests if urlsplit(r.url).netloc not in allowed
                   and not r.url.startswith(("data:", "blob:", "about:"))})
    assert left == [], f"requests left the desk and its replay origin during replay: {left}"
    assert any(re.search(r"/c/\d+/\d+/[^/]+/capture\.wacz$", r.url) for r in requests)  # from the replay origin
    context.close()
