"""Turn an uploaded file into plain text, or explain in plain words why not."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from factcheck.text.container import ContainerLimits
from factcheck.text.docx_text import DocxError, docx_text

__all__ = ["IntakeError", "ACCEPTED_TYPES", "Reading", "decode_upload", "read_upload", "html_to_text",
           "markdown_to_text"]

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


def _decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str, bool]:
    """The text, the encoding it was read with, and whether that was a guess."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), codec, False
            except UnicodeDecodeError:
                raise IntakeError("The file says it is Unicode text but could not be decoded.") from None
    if b"\x00" in data:
        raise _not_text(None)
    if encoding:
        return _decode_as(data, encoding), encoding, False
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # charset-normalizer proposes a reading, but on short texts it often prefers a rare code page (Mac Central
    # European for a Western text, say), so the legacy pages are read too and judged first: fewest odd words,
    # then the least mess by charset-normalizer's own measure (it sees "rozpoèet", Czech read as Western),
    # then our preference order. Its own pick wins only with strictly fewer odd words than all of ours.
    readings: list[tuple[int, str, str]] = []
    for codec in _LEGACY:
        try:
            readings.append((0, data.decode(codec), codec))
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is not None and best.encoding is not None:
        readings.append((0 if best.encoding in _LEGACY else 1, str(best), best.encoding))
    if not readings:
        raise IntakeError(
            "The text encoding of this file could not be recognised; "
            "please save it as UTF-8 text and upload it again."
        )
    from charset_normalizer.md import mess_ratio

    def judged(reading: tuple[int, str, str]) -> tuple[int, int, float]:
        rank, text, _codec = reading
        sample = text[:100_000]  # enough to judge a reading, and keeps a 2 MB upload fast
        return _odd_words(sample), rank, round(mess_ratio(sample, 1.0), 3)

    _rank, text, codec = min(readings, key=judged)  # min keeps the first of equals: the preference order
    if sum(not (c.isprintable() or c.isspace()) for c in text) > len(text) * 0.05:
        raise _not_text(None)
    return text, codec, True


ENCODING_CHOICES = {
    "utf-8": "UTF-8", "cp1252": "Windows-1252 (Western)", "cp1251": "Windows-1251 (Cyrillic)",
    "cp1250": "Windows-1250 (Central European)", "koi8_r": "KOI8-R (Cyrillic)", "iso8859_5": "ISO-8859-5 (Cyrillic)",
    "mac_cyrillic": "Mac Cyrillic", "iso8859_1": "ISO-8859-1 (Latin-1)",
    "utf-8+cp1252": "UTF-8, with Windows-1252 where it is not UTF-8",
    "utf-8+cp1251": "UTF-8, with Windows-1251 where it is not UTF-8",
    "utf-8+cp1250": "UTF-8, with Windows-1250 where it is not UTF-8",
}
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def encoding_label(codec: str) -> str:
    return ENCODING_CHOICES.get(codec, codec)


def _decode_as(data: bytes, encoding: str) -> str:
    """Read `data` as the encoding the editor chose; "utf-8+cp1252" reads UTF-8 and falls back to the code
    page byte by byte where the bytes are not UTF-8 (a file pasted together from two sources)."""
    if encoding not in ENCODING_CHOICES:
        raise IntakeError(f"Unknown encoding {encoding!r}; choose one from the list.")
    first, _, fallback = encoding.partition("+")
    if not fallback:
        try:
            return data.decode(first)
        except UnicodeDecodeError as exc:
            raise IntakeError(f"This file cannot be read as {encoding_label(encoding)} (byte {exc.start:,} does "
                              "not fit); choose another encoding, or leave it to automatic detection.") from None
    parts, pos = [], 0
    while pos < len(data):
        try:
            parts.append(data[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            parts.append(data[pos:pos + exc.start].decode("utf-8"))
            bad_end = pos + exc.end
            parts.append(data[pos + exc.start:bad_end].decode(fallback, errors="replace"))
            pos = bad_end
    return "".join(parts)


def looks_mixed(data: bytes) -> bool:
    """Not UTF-8 as a whole, yet holding UTF-8 sequences: likely two sources pasted into one file."""
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return _UTF8_MULTIBYTE.search(data) is not None


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


@dataclass(frozen=True)
class Reading:
    """An upload's text and how it was read, for the review step to tell the editor."""
    text: str
    encoding: str | None = None     # None: not a text file (a .docx is always Unicode)
    guessed: bool = False           # the encoding was detected, not declared or chosen
    mixed: bool = False             # the bytes mix UTF-8 with something else

    @property
    def encoding_label(self) -> str:
        return encoding_label(self.encoding) if self.encoding else ""


def decode_upload(data: bytes, filename: str, *, max_bytes: int, max_chars: int | None = None,
                  limits: ContainerLimits | None = None) -> str:
    """Decode an uploaded file to plain text; raise IntakeError with a readable message (see read_upload)."""
    return read_upload(data, filename, max_bytes=max_bytes, max_chars=max_chars, limits=limits).text


def read_upload(data: bytes, filename: str, *, max_bytes: int, max_chars: int | None = None,
                limits: ContainerLimits | None = None, encoding: str | None = None) -> Reading:
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
        used, guessed, mixed = None, False, False
    else:
        for magic, kind in _BINARY_MAGIC.items():
            if data.startswith(magic):
                raise _not_text(kind)
        text, used, guessed = _decode_bytes(data, encoding or None)
        mixed = looks_mixed(data)
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
    return Reading(text=text, encoding=used, guessed=guessed, mixed=mixed)
