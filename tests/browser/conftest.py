"""A real `factcheck serve` on a free loopback port, driven by headless Chromium through Playwright."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, need

BIN = Path(sys.executable).parent / "factcheck"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "browser test password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def cited_web():
    """The web the checkers cite: a loopback site the archiver is allowed to reach."""
    from tests.archive.loopback import Site

    with Site() as site:
        yield site


@pytest.fixture(scope="session")
def server(tmp_path_factory, cited_web):
    tmp = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "FACTCHECK_DEV": "1", "FACTCHECK_INSTANCE_DIR": str(tmp),
           "FACTCHECK_DATABASE_URL": f"sqlite:///{tmp / 'app.sqlite3'}",
           "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{cited_web.port}"}
    subprocess.run([str(BIN), "db", "upgrade"], env=env, check=True, capture_output=True)
    for name, role in [("ada", "admin"), ("eve", "editor"), ("carl", "checker")]:
        subprocess.run([str(BIN), "users", "create", name, "--role", role, "--password", PASSWORD], env=env,
                       check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/login", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"factcheck serve did not start: {proc.stdout.read().decode()}")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    chromium = os.environ.get("FACTCHECK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        need("Chromium", f"no browser at {chromium}; apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        need("Playwright", str(exc))
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors = []

    def on_console(msg):
        # A 403/404 page is a document the test asked for; any other failing resource is a bug.
        if msg.type == "error" and msg.location.get("url") != pg.url:
            errors.append(f"{msg.text} ({msg.location.get('url')})")

    pg.on("console", on_console)
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=ARTIFACTS / f"{request.node.name}-last.png", full_page=True)
    context.close()
    assert not errors, f"console errors in the browser: {errors}"


def login(page, base, username, password=PASSWORD):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/queue")
