"""Turn an uploaded file into plain text, or explain in plain words why not."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import PurePath

from factcheck.text.container import ContainerLimits
from factcheck.text.docx_text import DocxError, docx_text

__all__ = ["IntakeError", "ACCEPTED_TYPES", "decode_upload", "html_to_text", "markdown_to_text"]

ACCEPTED_TYPES = (".txt", ".md", ".html", ".htm", ".docx")
_ACCEPTED_TEXT = ", ".join(ACCEPTED_TYPES)


class IntakeError(ValueError):
    """An upload that cannot be used; the message is meant for the person uploading."""


_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"PK\x03\x04": "a ZIP archive",
    b"\xd0\xcf\x11\xe0": "an old-style Office document",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
    b"{\\rtf": "an RTF document",
    b"\x7fELF": "a program",
}
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "head", "nav",
              "footer", "aside", "form", "object", "embed", "canvas", "button", "select")
_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre",
               "article", "section", "header", "main", "figure", "figcaption", "table", "tr",
               "ul", "ol", "dl", "dt", "dd", "address", "hr", "br", "td", "th", "caption")


def _megabytes(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.1f}".rstrip("0").rstrip(".") if mb >= 0.1 else f"{mb:.2f}"


def _not_text(kind: str | None) -> IntakeError:
    what = f"This looks like {kind}, not a text document." if kind else "This is not a text document."
    return IntakeError(f"{what} Please upload one of: {_ACCEPTED_TEXT}.")


# Legacy code pages a newsroom meets, in order of preference when readings tie: Western, Cyrillic and
# Central European Windows pages first, then the older Cyrillic ones (KOI8-R above all, then ISO and Mac).
_LEGACY = ("cp1252", "cp1251", "cp1250", "koi8_r", "iso8859_5", "mac_cyrillic")
_WORD = re.compile(r"[^\s\d.,;:!?()\[\]{}\"'“”‘’«»/\\|<>=+*&%$#@-]+")


def _odd_words(text: str) -> int:
    """Words no language writes: scripts mixed in one word, symbols inside words, Latin words made
    mostly of accented letters (the look of Cyrillic or CJK read with the wrong code page), a capital
    after a small letter, or long words all in capitals (the look of one Cyrillic code page read as
    another, which swaps the cases: KOI8-R read as Windows-1251 turns "Министр" into "нЙОЙУФТ")."""
    odd = 0
    for word in _WORD.findall(text):
        if word.isascii() or len(word) < 2:
            continue
        if not word.isalpha():
            odd += 1
            continue
        if any(a.islower() and b.isupper() for a, b in zip(word, word[1:])) or (len(word) >= 5 and word.isupper()):
            odd += 1
            continue
        scripts = {("latin" if c.isascii() or "LATIN" in unicodedata.name(c, "") else
                    unicodedata.name(c, "?").split(" ")[0]) for c in word}
        if len(scripts) > 1:
            odd += 1
        elif scripts == {"latin"} and sum(not c.isascii() for c in word) * 2 > len(word):
            odd += 1
    return odd


def _decode_bytes(data: bytes) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                raise IntakeError("The file says it is Unicode text but could not be decoded.") from None
    if b"\x00" in data:
        raise _not_text(None)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # charset-normalizer proposes a reading, but on short texts it often prefers a rare code page (Mac Central
    # European for a Western text, say), so the legacy pages are read too and judged first: fewest odd words,
    # then the least mess by charset-normalizer's own measure (it sees "rozpoèet", Czech read as Western),
    # then our preference order. Its own pick wins only with strictly fewer odd words than all of ours.
    readings: list[tuple[int, str]] = []
    for codec in _LEGACY:
        try:
            readings.append((0, data.decode(codec)))
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is not None and best.encoding is not None:
        readings.append((0 if best.encoding in _LEGACY else 1, str(best)))
    if not readings:
        raise IntakeError(
            "The text encoding of this file could not be recognised; "
            "please save it as UTF-8 text and upload it again."
        )
    from charset_normalizer.md import mess_ratio

    def judged(reading: tuple[int, str]) -> tuple[int, int, float]:
        rank, text = reading
        sample = text[:100_000]  # enough to judge a reading, and keeps a 2 MB upload fast
        return _odd_words(sample), rank, round(mess_ratio(sample, 1.0), 3)

    text = min(readings, key=judged)[1]  # min keeps the first of equals: the preference order
    if sum(not (c.isprintable() or c.isspace()) for c in text) > len(text) * 0.05:
        raise _not_text(None)
    return text


def html_to_text(html: str) -> str:
    """Reduce HTML to paragraphs of plain text; markup never survives."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    text = soup.get_text()
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", text):
        line = re.sub(r"\s+", " ", chunk).strip()
        if line:
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\[[^\]]*\]")
_MD_REFDEF = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]+\S+.*$", re.MULTILINE)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_MD_EMPHASIS = re.compile(
    r"(\*\*|\*|~~)(?=\S)(.+?)(?<=\S)\1|(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\3(?!\w)"
)
_MD_CODE = re.compile(r"`([^`]*)`")
_MD_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE)
_MD_RULE = re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.MULTILINE)
_MD_FENCE = re.compile(r"^[ \t]*(```|~~~).*$", re.MULTILINE)


def markdown_to_text(md: str) -> str:
    """Strip Markdown syntax lightly, keeping the words."""
    text = _MD_FENCE.sub("", md)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _MD_REFDEF.sub("", text)
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_RULE.sub("", text)
    text = _MD_QUOTE.sub("", text)
    text = _MD_CODE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis: ***bold italic***
        text = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(4) or "", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def decode_upload(data: bytes, filename: str, *, max_bytes: int, max_chars: int | None = None,
                  limits: ContainerLimits | None = None) -> str:
    """Decode an uploaded file to plain text; raise IntakeError with a readable message.

    `max_chars` (the body limit) is checked on the extracted text before anyone detects structure in it
    or renders it; container formats are unpacked within `limits` (see factcheck.text.container)."""
    ext = PurePath(filename or "").suffix.lower()
    if ext not in ACCEPTED_TYPES:
        shown = f"“{ext}” files" if ext else "Files without an extension"
        raise IntakeError(f"{shown} cannot be used. Please upload one of: {_ACCEPTED_TEXT}.")
    if len(data) > max_bytes:
        raise IntakeError(
            f"The file is {_megabytes(len(data))} MB; the limit is {_megabytes(max_bytes)} MB."
        )
    if not data or not data.strip():
        raise IntakeError("The file is empty; there is no text to check.")
    if ext == ".docx":
        if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
            raise IntakeError(
                "This file could not be read as a Word document; it may be damaged "
                "or in an older format (.doc). Please save it as .docx or plain text."
            )
        try:
            text = docx_text(data, limits=limits or ContainerLimits(), max_chars=max_chars)
        except DocxError as exc:
            raise IntakeError(str(exc)) from None
    else:
        for magic, kind in _BINARY_MAGIC.items():
            if data.startswith(magic):
                raise _not_text(kind)
        text = _decode_bytes(data)
        if ext in (".html", ".htm"):
            text = html_to_text(text)
        elif ext == ".md":
            text = markdown_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise IntakeError("The file contains no readable text.")
    if max_chars is not None and len(text) > max_chars:
        raise IntakeError(f"The file holds {len(text):,} characters of text; the limit for an article is "
                          f"{max_chars:,}. Split it into parts, or ask an admin to raise FACTCHECK_MAX_BODY_CHARS.")
    return text
