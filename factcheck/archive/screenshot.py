"""A screenshot of an ARCHIVED page, rendered with no network at all.

The browser is handed our stored bytes for the main document under the page's original URL and
every other request the page makes (images, scripts, styles, frames) is aborted, so rendering an
archived page can never reach the internet or the newsroom network. Scripts are switched off and
service workers blocked for the same reason. The picture is therefore the page as its HTML and
inline styles describe it, without remote images, fonts or stylesheets.

A page that moves the window on (a ``<meta http-equiv="refresh">``, say) would otherwise leave a
blank error page to photograph: a later navigation of the top window is answered "204 No Content",
which leaves the archived document in place, and its address is kept in ``Shot.navigations``.

Never raises: a missing browser, a failed launch or a render error gives ``Shot(None, reason)``.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from urllib.parse import urldefrag

log = logging.getLogger(__name__)

VIEWPORT = {"width": 1280, "height": 900}
MAX_HEIGHT = 2000
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Belt and braces beneath the request routing: speculative connections (<link rel=preconnect>,
# DNS prefetch) are opened by the network stack without a request that page.route could abort.
# Resolve no name at all, and send anything that still tries to go out to a proxy that does not
# exist (Chromium never falls back to a direct connection; "<-loopback>" stops it from bypassing
# the proxy for 127.0.0.1/localhost).
ISOLATION_ARGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://blackhole.invalid:9",
    "--proxy-bypass-list=<-loopback>",
]
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Shot:
    png: bytes | None
    skipped_reason: str | None
    navigations: list[str] = field(default_factory=list)   # where the page tried to take the window, blocked


def looks_like_html(html: bytes, content_type: str | None) -> bool:
    if content_type:
        return content_type.split(";")[0].strip().lower() in _HTML_TYPES
    head = html[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head


def take_screenshot(html: bytes, *, url: str, chromium: str | None, timeout_s: float = 20,
                    content_type: str | None = None) -> Shot:
    """PNG of the top (at most 1280x2000) of ``html`` rendered as if served from ``url``.

    ``content_type`` is optional; without it the body is sniffed for HTML."""
    try:
        html = bytes(html or b"")
        if not html.strip() or not looks_like_html(html, content_type):
            return Shot(None, "not a web page")
        if not chromium:
            return Shot(None, "no browser configured for screenshots")
        if not os.path.isfile(chromium) or not os.access(chromium, os.X_OK):
            return Shot(None, f"browser not found at {chromium}")
        if not url.lower().startswith(("http://", "https://")):
            return Shot(None, "only http and https pages can be rendered")
    except Exception as exc:  # noqa: BLE001
        return Shot(None, f"screenshot skipped: {exc}")

    # Playwright's sync API refuses to run in a thread that has an asyncio loop running, so the
    # browser always lives in a thread of its own; the join bounds the whole attempt.
    outcome: list[Shot] = []

    def work() -> None:
        try:
            outcome.append(_render(html, url=url, chromium=chromium, timeout_s=timeout_s,
                                   content_type=content_type or "text/html"))
        except Exception as exc:  # noqa: BLE001
            log.warning("screenshot of %s failed", url, exc_info=True)
            outcome.append(Shot(None, f"screenshot failed: {_first_line(exc)}"))

    thread = threading.Thread(target=work, name="screenshot", daemon=True)
    thread.start()
    thread.join(timeout_s + 30)
    if thread.is_alive() or not outcome:
        return Shot(None, f"screenshot timed out after {timeout_s:g} s")
    return outcome[0]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def _render(html: bytes, *, url: str, chromium: str, timeout_s: float, content_type: str) -> Shot:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    timeout_ms = max(1.0, timeout_s) * 1000
    document_url = urldefrag(url)[0]
    served = threading.Event()
    navigations: list[str] = []

    def handle(route) -> None:
        request = route.request
        try:
            top = request.is_navigation_request() and request.frame.parent_frame is None
            if top and not served.is_set():
                served.set()
                route.fulfill(status=200, body=html,
                              headers={"Content-Type": content_type,
                                       "X-Content-Type-Options": "nosniff"})
            elif top:
                # The page moves the window on. An aborted navigation would replace the page with an
                # error page; a 204 cancels it and the archived document stays.
                if request.url not in navigations:
                    navigations.append(request.url)
                route.fulfill(status=204, body=b"")
            else:
                route.abort("blockedbyclient")
        except PlaywrightError:
            log.debug("route for %s already handled", request.url, exc_info=True)

    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS + ISOLATION_ARGS,
                                        headless=True, timeout=timeout_ms)
        except Exception as exc:  # noqa: BLE001
            return Shot(None, f"could not start the browser: {_first_line(exc)}")
        try:
            context = browser.new_context(
                viewport=VIEWPORT, java_script_enabled=False, service_workers="block",
                accept_downloads=False, offline=False, bypass_csp=False,
            )
            context.set_default_timeout(timeout_ms)
            context.route("**/*", handle)
            if hasattr(context, "route_web_socket"):
                context.route_web_socket("**/*", lambda ws: ws.close())
            page = context.new_page()
            try:
                page.goto(document_url, wait_until="load", timeout=timeout_ms)
            except PlaywrightError as exc:
                if not served.is_set():
                    return Shot(None, f"page did not load: {_first_line(exc)}")
                # The document was served; a sub-resource or a later navigation failed. Render
                # what is there.
                log.info("navigation to %s ended with %s", url, _first_line(exc))
            height = MAX_HEIGHT
            try:
                height = int(page.evaluate(
                    "() => Math.max(document.documentElement ? document.documentElement.scrollHeight : 0,"
                    " document.body ? document.body.scrollHeight : 0)"))
            except PlaywrightError:
                pass
            height = max(VIEWPORT["height"], min(MAX_HEIGHT, height or MAX_HEIGHT))
            png = page.screenshot(type="png", full_page=True, animations="disabled",
                                  clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height},
                                  timeout=timeout_ms)
            return Shot(png, None, list(navigations))
        finally:
            try:
                browser.close()
            except Exception:  # noqa: BLE001
                pass
