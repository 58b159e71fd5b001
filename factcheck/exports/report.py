"""The verification report of one article: a standalone HTML document and its PDF.

The HTML is a file handed to a reader or a lawyer, not an app page: its CSS is inline, it loads
nothing from anywhere (screenshots travel inside it as ``data:`` URIs) and it names only
published claims with a verdict; open claims are listed apart under "Not yet verified".

The PDF is that HTML printed by Chromium through Playwright with every network request aborted
and the same launch flags as the archive's screenshots (no name resolution, a black-hole proxy).
"""
from __future__ import annotations

import base64
import logging
import os
import threading
from datetime import date, datetime, timezone
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from factcheck import clock
from factcheck.models.views import ArticleReport
from factcheck.text.markup import markdown_html

log = logging.getLogger(__name__)

TEMPLATE = "reports/article.html"
PDF_MARGIN = {"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_FOOTER = ('<div style="width:100%;font-family:\'DejaVu Sans\',sans-serif;font-size:8px;color:#555;'
           'text-align:center;">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>')


# -- HTML ----------------------------------------------------------------------------------------
# Moments are written in the newsroom's zone, named (publication["time_zone"]), as on the desk's pages.
def _zone(ctx):
    try:
        return clock.zone((ctx.get("publication") or {}).get("time_zone"))
    except clock.UnknownZone:
        return timezone.utc


@pass_context
def _when(ctx, value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return clock.format_moment(value, _zone(ctx))
    if isinstance(value, date):
        return clock.format_day(value, _zone(ctx))
    return str(value)


@pass_context
def _iso(ctx, value) -> str:
    if isinstance(value, datetime):
        return clock.iso(value, _zone(ctx))
    if isinstance(value, date):
        return value.isoformat()
    return ""


def _person(user) -> str:
    if user is None:
        return ""
    return user.display_name or user.username


@lru_cache(maxsize=1)
def _environment() -> Environment:
    from factcheck.meta import templates_dir

    env = Environment(loader=FileSystemLoader(str(templates_dir())), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = _when
    env.filters["iso"] = _iso
    env.filters["person"] = _person
    env.filters["markdown"] = markdown_html  # the claim page's rendering: raw HTML shown as text
    return env


def render_report_html(report: ArticleReport, *, publication: dict, scale: list[dict], generated_at: datetime,
                       screenshots: dict[int, str] | None = None, ask_url: str = "") -> str:
    """The whole report as one self-contained HTML document (autoescaped; no external resources).

    ``screenshots`` maps a capture id to a ``data:image/png;base64,...`` URI (see
    :func:`screenshot_data_uris`); captures without one are listed without a thumbnail."""
    from factcheck.exports.claimreview import claim_reviews, json_ld_script

    reviews = claim_reviews(report.published, publication=publication, scale=scale)
    safe_shots = {cid: uri for cid, uri in (screenshots or {}).items()
                  if isinstance(uri, str) and uri.startswith("data:image/png;base64,")}
    values = {str(r.get("label", "")).casefold(): r.get("value") for r in scale}
    best = max((r["value"] for r in scale if r.get("value") is not None), default=None)
    return _environment().get_template(TEMPLATE).render(
        report=report, article=report.article, publication=publication, generated_at=generated_at,
        screenshots=safe_shots, json_ld=json_ld_script(reviews) if reviews else "",
        rating_value=lambda label: values.get(str(label).casefold()), best_rating=best, ask_url=ask_url,
    )


def screenshot_data_uris(report: ArticleReport, *, store) -> dict[int, str]:
    """Capture id -> ``data:image/png;base64,...`` for every stored screenshot of the report's
    sources, read from `store` (an ArchiveStore). A screenshot missing from the store, or not a PNG, is left out
    (and logged)."""
    uris: dict[int, str] = {}
    for view in report.published:
        for sv in view.sources:
            cap = sv.capture
            if cap is None or cap.id in uris or not cap.screenshot_path:
                continue
            try:
                with store.open(cap.screenshot_path) as fh:
                    data = fh.read()
            except (OSError, ValueError) as exc:
                log.warning("screenshot of capture %s not readable: %s", cap.id, exc)
                continue
            if not data.startswith(_PNG_MAGIC):
                log.warning("screenshot of capture %s is not a PNG; left out", cap.id)
                continue
            uris[cap.id] = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return uris


# -- PDF -----------------------------------------------------------------------------------------
def render_report_pdf(html: str, *, chromium: str, timeout_s: float = 60) -> bytes:
    """Print ``html`` to an A4 PDF with Chromium, with no network at all.

    Raises RuntimeError when Chromium is missing, fails to start, fails to print or takes longer
    than ``timeout_s`` (plus a grace period for start-up)."""
    if not chromium or not os.path.isfile(chromium) or not os.access(chromium, os.X_OK):
        raise RuntimeError(f"Chromium is needed to print the report as PDF, but none was found at "
                           f"{chromium or '(not configured)'}; install chromium or set FACTCHECK_CHROMIUM.")
    # Playwright's sync API refuses a thread with a running asyncio loop: print in a thread of our own.
    result: list[bytes] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            result.append(_print(html, chromium=chromium, timeout_s=timeout_s))
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
            failure.append(exc)

    thread = threading.Thread(target=work, name="report-pdf", daemon=True)
    thread.start()
    thread.join(timeout_s + 30)
    if thread.is_alive():
        raise RuntimeError(f"Printing the report as PDF timed out after {timeout_s:g} s.")
    if failure:
        exc = failure[0]
        if isinstance(exc, RuntimeError):
            raise exc
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        raise RuntimeError(f"Printing the report as PDF failed: {first}") from exc
    if not result or not result[0].startswith(b"%PDF"):
        raise RuntimeError("Printing the report as PDF produced no PDF.")
    return result[0]


def _print(html: str, *, chromium: str, timeout_s: float) -> bytes:
    from playwright.sync_api import sync_playwright

    from factcheck.archive.screenshot import CHROMIUM_ARGS, ISOLATION_ARGS

    timeout_ms = max(1.0, timeout_s) * 1000
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS + ISOLATION_ARGS,
                                        headless=True, timeout=timeout_ms)
        except Exception as exc:  # noqa: BLE001
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            raise RuntimeError(f"Could not start Chromium at {chromium}: {first}") from exc
        try:
            context = browser.new_context(java_script_enabled=False, service_workers="block",
                                          accept_downloads=False)
            context.set_default_timeout(timeout_ms)
            # The document is self-contained: anything it would fetch is refused.
            context.route("**/*", lambda route: route.abort("blockedbyclient"))
            if hasattr(context, "route_web_socket"):
                context.route_web_socket("**/*", lambda ws: ws.close())
            page = context.new_page()
            page.set_content(html, wait_until="load", timeout=timeout_ms)
            page.emulate_media(media="print")
            return page.pdf(format="A4", print_background=True, margin=PDF_MARGIN, display_header_footer=True,
                            header_template="<span></span>", footer_template=_FOOTER)
        finally:
            try:
                browser.close()
            except Exception:  # noqa: BLE001
                pass
