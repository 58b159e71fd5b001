"""Title, readable text and language from an archived body.

HTML goes through trafilatura (main text without navigation, footers and ads); plain text is
decoded as is; anything else (PDF, images, archives) yields nothing. Nothing in here raises on
bad input: an unreadable body gives empty results.
"""
from __future__ import annotations

import codecs
import html as html_lib
import logging
import re
from dataclasses import dataclass
from datetime import date

log = logging.getLogger(__name__)

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_TEXT_TYPES = {"text/plain"}
_META_CHARSET_RX = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_TITLE_RX = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_HTML_LANG_RX = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)",
                           re.IGNORECASE)
_META_LANG_RX = re.compile(
    r"""<meta[^>]+http-equiv\s*=\s*["']?content-language["']?[^>]*content\s*=\s*["']?\s*"""
    r"""([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class Extracted:
    title: str | None
    text: str | None
    language: str | None


# -- content types and decoding ---------------------------------------------------------------
def parse_content_type(content_type: str | None) -> tuple[str | None, str | None]:
    if not content_type:
        return None, None
    parts = [p.strip() for p in str(content_type).split(";")]
    mime = parts[0].lower() or None
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return mime, charset


def _kind(body: bytes, mime: str | None) -> str | None:
    """'html', 'text' or None (not something we extract text from)."""
    if mime in _HTML_TYPES:
        return "html"
    if mime in _TEXT_TYPES:
        return "text"
    if mime is None or mime in {"application/octet-stream", "text/xml", "application/xml"}:
        head = body[:1024].lstrip().lower()
        if head.startswith(b"%pdf") or head.startswith(b"\x89png"):
            return None
        if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head:
            return "html"
    return None


def _usable(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return codecs.lookup(charset).name
    except (LookupError, TypeError, ValueError):
        return None


def decode(body: bytes, *, charset: str | None = None, html: bool = False) -> str:
    """Decode with the declared charset, then a BOM, a <meta charset> (HTML), then
    charset-normalizer's guess, and finally UTF-8 with replacement characters."""
    candidates: list[str | None] = [_usable(charset)]
    for bom, name in _BOMS:
        if body.startswith(bom):
            candidates.insert(0, name)
            break
    if html:
        m = _META_CHARSET_RX.search(body[:4096])
        if m:
            candidates.append(_usable(m.group(1).decode("ascii", "ignore")))
    for name in candidates:
        if not name:
            continue
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        if best is not None:
            return str(best)
    except Exception:  # noqa: BLE001 - a failed guess falls through to UTF-8
        log.debug("charset-normalizer failed", exc_info=True)
    return body.decode("utf-8", errors="replace")


# -- HTML helpers -----------------------------------------------------------------------------
def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _title_tag(markup: str) -> str | None:
    m = _TITLE_RX.search(markup)
    return _clean(html_lib.unescape(m.group(1))) if m else None


def _language(markup: str) -> str | None:
    m = _HTML_LANG_RX.search(markup) or _META_LANG_RX.search(markup)
    return m.group(1).replace("_", "-") if m else None


def _bare(markup: str, url: str):
    import trafilatura

    return trafilatura.bare_extraction(
        markup, url=url or None, with_metadata=True, include_comments=False,
        include_tables=True, include_images=False, include_links=False,
    )


def _text_of(doc) -> str | None:
    text = getattr(doc, "text", None) if doc is not None else None
    if text is None and isinstance(doc, dict):
        text = doc.get("text")
    return text.strip() or None if isinstance(text, str) else None


def _attr(doc, name: str):
    if doc is None:
        return None
    if isinstance(doc, dict):
        return doc.get(name)
    return getattr(doc, name, None)


# -- public API -------------------------------------------------------------------------------
def extract(body: bytes, *, content_type: str | None, url: str) -> Extracted:
    try:
        return _extract(bytes(body or b""), content_type, url)
    except Exception:  # noqa: BLE001 - extraction is best effort and must never fail a capture
        log.warning("text extraction failed for %s", url, exc_info=True)
        return Extracted(None, None, None)


def _extract(body: bytes, content_type: str | None, url: str) -> Extracted:
    mime, charset = parse_content_type(content_type)
    kind = _kind(body, mime)
    if kind is None or not body:
        return Extracted(None, None, None)
    if kind == "text":
        text = decode(body, charset=charset).strip()
        return Extracted(None, text or None, None)

    markup = decode(body, charset=charset, html=True)
    language = _language(markup[:8192])
    try:
        doc = _bare(markup, url)
    except Exception:  # noqa: BLE001
        log.info("trafilatura could not parse %s", url, exc_info=True)
        doc = None
    title = _clean(_attr(doc, "title")) or _title_tag(markup)
    language = language or _clean(_attr(doc, "language"))
    return Extracted(title, _text_of(doc), language)


def extract_article(body: bytes, *, content_type: str | None, url: str
                    ) -> tuple[str | None, str | None, date | None, str | None]:
    """(title, byline, published, text) for importing an article from its URL."""
    try:
        body = bytes(body or b"")
        mime, charset = parse_content_type(content_type)
        kind = _kind(body, mime)
        if kind is None or not body:
            return None, None, None, None
        if kind == "text":
            return None, None, None, decode(body, charset=charset).strip() or None
        markup = decode(body, charset=charset, html=True)
        doc = _bare(markup, url)
        title = _clean(_attr(doc, "title")) or _title_tag(markup)
        byline = _clean(_attr(doc, "author"))
        published = None
        raw_date = _attr(doc, "date")
        if raw_date:
            try:
                published = date.fromisoformat(str(raw_date)[:10])
            except ValueError:
                published = None
        return title, byline, published, _text_of(doc)
    except Exception:  # noqa: BLE001
        log.warning("article extraction failed for %s", url, exc_info=True)
        return None, None, None, None
