"""Where an archived page tries to send its reader, and what the capture says about it.

A cited page may move its reader on: a ``<meta http-equiv="refresh">`` (also inside ``<noscript>``), a
``Refresh`` response header, or a script that sets ``location`` / calls ``location.replace()``. The archive keeps
the page as it was served, and the screenshot renders that page with every navigation blocked
(factcheck.archive.screenshot), so the capture says where the page tried to go: the checker may want to cite
that page instead.

Scripts never run here or in the screenshot browser; a script's navigation is recognised in its text (inline
scripts only: the archive holds the page, not the scripts it loads). The patterns are deliberately narrow
(assignments to ``location`` or ``location.href`` of a window, and ``location.assign``/``replace``), so an
ordinary page is not reported; a page that computes its target says so without a target.
"""
from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from factcheck.archive.extract import decode, parse_content_type
from factcheck.archive.screenshot import looks_like_html

log = logging.getLogger(__name__)

MAX_SCAN_CHARS = 2_000_000        # a page's first two million characters; navigation code sits near the top
MAX_NAMED = 3                     # addresses spelt out in the capture's reason; more are counted
MAX_URL_CHARS = 200
COMPUTED = None                   # a script navigates to an address it works out when it runs

_REFRESH_RX = re.compile(r"""^\s*\d*(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?(?P<q>['"]?)(?P<url>[^'"]*)(?P=q)""",
                         re.IGNORECASE)
_WINDOW = r"(?:(?<![\w$.])(?:window|self|top|parent|document)\s*\.\s*|(?<![\w$.]))"
_QUOTED = r"""(?P<q>['"`])(?P<url>(?:[^'"`\\\n]|\\.){0,2000})(?P=q)"""
_ASSIGN_RX = re.compile(_WINDOW + r"location(?:\s*\.\s*href)?\s*=(?!=)\s*(?:" + _QUOTED + r"|(?P<expr>[\w$(\[]))")
_CALL_RX = re.compile(_WINDOW + r"location\s*\.\s*(?:assign|replace)\s*\(\s*(?:" + _QUOTED + r"|(?P<expr>[\w$(\[]))")
_JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript"}


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.refreshes: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"].strip()
        elif tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
            self.refreshes.append(values.get("content", ""))
        elif tag == "script":
            kind = values.get("type", "").split(";")[0].strip().lower()
            self._in_script = "src" not in values and kind in _JS_TYPES

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def refresh_target(content: str) -> str | None:
    """The address of a refresh's content ("5; url=/next"); None when it only reloads the page."""
    m = _REFRESH_RX.match(content or "")
    url = m.group("url").strip() if m else ""
    return url or None


def script_targets(script: str) -> list[str | None]:
    """The addresses an inline script sends the window to (COMPUTED for one it works out when it runs)."""
    found = []
    for rx in (_ASSIGN_RX, _CALL_RX):
        for m in rx.finditer(script):
            url = m.group("url")
            found.append((m.start(), _unescape(url).strip() if url is not None else COMPUTED))
    return [target for _, target in sorted(found, key=lambda pair: pair[0])]


def _unescape(literal: str) -> str:
    """A script string read as the browser would: \\xNN and \\uNNNN escapes, and a backslash before any other
    character dropped (JSON-style "https:\\/\\/…")."""
    return re.sub(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|(.))",
                  lambda m: chr(int(m.group(1) or m.group(2), 16)) if (m.group(1) or m.group(2)) else m.group(3),
                  literal)


def same_document(a: str, b: str) -> bool:
    return urldefrag(a)[0] == urldefrag(b)[0]


def declared_targets(body: bytes | str, *, url: str, headers=(), text: str | None = None) -> list[str | None]:
    """Where the archived page asks to go, in the order it asks: absolute http(s) addresses, COMPUTED for a
    script's worked-out one. Reloads of the page itself and jumps within it are not navigations away."""
    refreshes = [v for k, v in headers if k.lower() == "refresh"]
    if text is None:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    scanner = _Scanner()
    try:
        scanner.feed(text[:MAX_SCAN_CHARS])
        scanner.close()
    except Exception:  # noqa: BLE001 - HTMLParser is lenient; a page it still trips on must not fail its capture
        log.info("could not read %s for navigations", url, exc_info=True)
    refreshes += scanner.refreshes
    raw: list[str | None] = [t for t in map(refresh_target, refreshes) if t]  # a bare delay only reloads
    for script in scanner.scripts:
        raw += script_targets(script)
    base = urljoin(url, scanner.base) if scanner.base else url
    targets: list[str | None] = []
    for target in raw:
        if target is COMPUTED:
            resolved = COMPUTED
        else:
            resolved = _absolute(base, target)
            if resolved is None or same_document(resolved, url):
                continue
        if resolved not in targets:
            targets.append(resolved)
    return targets


def _absolute(base: str, target: str) -> str | None:
    try:
        resolved = urljoin(base, target.strip())
        return resolved if urlsplit(resolved).scheme in ("http", "https") else None
    except ValueError:
        return None


def describe(targets: list[str | None], *, screenshot: bool) -> str:
    """The capture's sentence about a page that tried to navigate ('' when it did not)."""
    if not targets:
        return ""
    named = [t if len(t) <= MAX_URL_CHARS else t[:MAX_URL_CHARS] + "…" for t in targets if t is not COMPUTED]
    parts = named[:MAX_NAMED]
    if len(named) > MAX_NAMED:
        parts.append(f"{len(named) - MAX_NAMED} other address{'es' if len(named) - MAX_NAMED > 1 else ''}")
    if COMPUTED in targets:
        parts.append("an address its script works out")
    where = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    kept = "the screenshot shows the page as served" if screenshot else "the archive keeps the page as served"
    return f"The page tried to navigate to {where}; {kept}."


def capture_reason(result, shot) -> str:
    """What a finished capture says: where the page tried to go (declared in the page or attempted while the
    screenshot rendered it), then why there is no screenshot, if there is none."""
    targets: list[str | None] = []
    if looks_like_html(result.body, result.content_type):
        text = decode(result.body[:MAX_SCAN_CHARS * 4], charset=parse_content_type(result.content_type)[1], html=True)
        targets = declared_targets(result.body, url=result.final_url, headers=result.headers, text=text)
    for attempted in shot.navigations:
        if attempted not in targets and not same_document(attempted, result.final_url):
            targets.append(attempted)
    sentences = [describe(targets, screenshot=shot.png is not None), shot.skipped_reason or ""]
    return " ".join(s for s in sentences if s)[:1000]
