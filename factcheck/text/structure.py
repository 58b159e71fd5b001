"""Find headline, byline, body, sources and page furniture in text copied from a news page.

Everything works on whole lines: a line is only set aside as furniture (dates, headings,
captions, share prompts, ...; see :mod:`factcheck.text.furniture`) when the *entire* (short)
line looks like one, so body paragraphs that merely mention "newsletter" or "Facebook" are never
eaten. The one cut inside a line is a wire dateline before the first sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from factcheck.text.furniture import furniture_kind, is_heading_line, split_dateline

__all__ = ["ArticleStructure", "Furniture", "byline_name", "site_of", "detect_structure", "plain_structure", "normalise_text"]


@dataclass(frozen=True)
class Furniture:
    text: str
    kind: str  # one of factcheck.text.furniture.KINDS

    def as_dict(self) -> dict:
        return {"text": self.text, "kind": self.kind}


@dataclass
class ArticleStructure:
    title: str = ""
    byline: str = ""
    body: str = ""
    sources: list[str] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)

    @property
    def boilerplate(self) -> list[str]:
        """The set-aside lines as text (what the review form and the article store)."""
        return [f.text for f in self.furniture]


_ZERO_WIDTH = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007"), " ")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")

_BYLINE = re.compile(
    r"((?:by|written by|reporting by|reported by|edited by|words by|story by|text by"
    r"|author|authors|posted by))\b\s*:?\s*\S.*",
    re.IGNORECASE,
)
# The credit words before the names: what a byline is stored without.
_BYLINE_PREFIX = re.compile(
    r"^(?:[-–—|·•]\s*)?(?:by|written by|reporting by|reported by|edited by|words by|story by|text by"
    r"|author|authors|posted by)\b\s*[:\-–—]?\s*(?=\S)",
    re.IGNORECASE,
)
_SOURCES_HEADING = re.compile(
    r"(?:sources?|references?|further reading|read more|see also|related links|external links"
    r"|bibliography|notes and references|sources and references|links)\s*:?",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[•·▪‣◦●○■□➢►▶–—*+-]|\d{1,3}[.)]|\[\d{1,3}\]|\(\d{1,3}\))\s+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


def normalise_text(raw: str) -> str:
    """Unify newlines, drop zero-width characters and BOMs, make NBSPs plain spaces."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n")
    return text.translate(_ZERO_WIDTH).translate(_SPACES)


def _split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]


def plain_structure(raw: str) -> ArticleStructure:
    """The whole input as body, split into paragraphs at blank lines; nothing detected."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return ArticleStructure(body="\n\n".join(_split_paragraphs(text)))


def is_boilerplate(line: str) -> bool:
    """True when the whole line is page furniture of a kind judged line by line."""
    return furniture_kind(line) is not None


def _is_byline(line: str) -> bool:
    """A short credit line: "By Jane Doe", "Edited by: ...", "Author: ..."."""
    s = line.strip()
    m = _BYLINE.fullmatch(s)
    if not m or len(s) > 160 or len(s.split()) > 16 or s.endswith(("!", "?", ",", ":")):
        return False
    rest = s[m.end(1):].lstrip(" :")
    # "By the end of the year ..." is prose; a name starts with a capital letter.
    if not rest or not (rest[0].isupper() or rest[0] in "@"):
        return False
    if s.endswith("."):
        return len(s.rsplit(None, 1)[-1]) <= 4  # "Jr.", "D.C." -- not a sentence
    return True


def byline_name(byline: str | None) -> str:
    """The names of a byline without its credit words: "Edited by: Jonas Whitfield" -> "Jonas Whitfield",
    "By Jane Doe and Li Wei" -> "Jane Doe and Li Wei"; whitespace collapsed."""
    return " ".join(_BYLINE_PREFIX.sub("", " ".join((byline or "").split()), count=1).split())


@lru_cache(maxsize=1024)  # an export asks once per claim, for a handful of articles
def site_of(url: str | None) -> str:
    """The site an address belongs to, as a reader names it: "https://www.example.org/a" -> "example.org"."""
    try:
        host = (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _is_heading(line: str) -> bool:
    return bool(_SOURCES_HEADING.fullmatch(line.strip()))


def _looks_like_headline(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 200 or s.endswith((":", ",", ";")):
        return False
    if is_boilerplate(s) or _is_byline(s) or _is_heading(s) or _BULLET.match(s):
        return False
    if _SENTENCE_END.search(s):
        # A full stop is only tolerated on a short single-sentence line.
        return len(s.split()) <= 15 and not re.search(r"[.!?]\s+[A-Z]", s)
    return True


def _strip_bullet(line: str) -> str:
    return _BULLET.sub("", line, count=1).strip()


def _starts_sentence(line: str) -> bool:
    s = line.lstrip(" \"'“‘(")
    return bool(s) and (s[0].isupper() or s[0].isdigit())


def _headline_then_body(line: str, nxt: str) -> bool:
    """A headline with the body right under it, no blank line between them."""
    if _SENTENCE_END.search(line.strip()) or not _starts_sentence(nxt):
        return False
    if is_heading_line(line):
        return True
    return len(line.strip()) < 0.6 * len(nxt.strip()) and bool(_SENTENCE_END.search(nxt.strip()))


def _block_heading(lines: list[str], k: int) -> bool:
    """Line k of a paragraph block is a heading: alone, or leading a block of prose."""
    line = lines[k].strip()
    if _BULLET.match(line) and not re.match(r"\d", line) or _is_heading(line):
        return False
    if not is_heading_line(line):
        return False
    if len(lines) == 1:
        return True
    last_word = line.rsplit(None, 1)[-1].lower()
    # Leading a block: the next line starts a sentence and this one does not trail off.
    return (k + 1 < len(lines) and _starts_sentence(lines[k + 1]) and last_word not in _TRAILING
            and len(line) < len(lines[k + 1].strip()))


_TRAILING = frozenset("a an the and or but of in on at to for from by with as that which who "
                      "is are was were said says".split())


def detect_structure(raw: str) -> ArticleStructure:
    """Split copied article text into headline, byline, body, sources and furniture."""
    lines = [ln.rstrip() for ln in normalise_text(raw).split("\n")]
    result = ArticleStructure()
    n = len(lines)
    used = [False] * n  # lines consumed as title/byline/sources heading

    nonempty = [i for i, ln in enumerate(lines) if ln.strip()]
    if not nonempty:
        return result
    kinds = {i: furniture_kind(lines[i]) for i in nonempty}

    # Headline: the first line that is not furniture, alone (followed by a blank line or a
    # byline) or directly above the body, with more text after it.
    prose = [i for i in nonempty if not kinds[i]]
    # Navigation above the headline ("Home", "World news"): one or two words on a line of
    # their own directly above another line.
    while len(prose) > 1 and len(lines[prose[0]].split()) <= 2 and prose[0] + 1 < n \
            and lines[prose[0] + 1].strip() and is_heading_line(lines[prose[0]]):
        kinds[prose[0]] = "heading"
        prose.pop(0)
    if prose and len(nonempty) > 1:
        first = prose[0]
        nxt = lines[first + 1] if first + 1 < n else ""
        after = [i for i in nonempty if i > first]
        if after and _looks_like_headline(lines[first]) and (
            not nxt.strip() or _is_byline(nxt) or kinds.get(first + 1) or _headline_then_body(lines[first], nxt)
        ):
            result.title = lines[first].strip()
            used[first] = True

    # Byline: among the first few non-empty lines.
    for i in nonempty[:6]:
        if not used[i] and not kinds[i] and _is_byline(lines[i]):
            result.byline = byline_name(lines[i])
            used[i] = True
            break

    # Sources: the last heading followed only by short list-like lines.
    src_at = None
    for i in reversed(nonempty):
        if used[i] or not _is_heading(lines[i]):
            continue
        after = [j for j in nonempty if j > i]
        items = [j for j in after if not kinds[j]]
        if items and all(len(lines[j].strip()) <= 300 for j in items):
            src_at = i
        break

    paragraphs: list[str] = []
    block: list[str] = []

    def flush() -> None:
        kept = []
        for k, ln in enumerate(block):
            if _block_heading(block, k):
                result.furniture.append(Furniture(ln.strip(), "heading"))
            else:
                kept.append(ln)
        text = "\n".join(kept).strip()
        if text and not paragraphs:
            dateline, text = split_dateline(text)
            if dateline:
                result.furniture.append(Furniture(dateline, "dateline"))
                text = text.strip()
        if text:
            paragraphs.append(text)
        block.clear()

    for i, line in enumerate(lines):
        if used[i] or not line.strip():
            flush()
            continue
        if kinds[i]:
            flush()
            result.furniture.append(Furniture(line.strip(), kinds[i]))
            continue
        if src_at is not None and i >= src_at:
            flush()
            if i > src_at:
                item = _strip_bullet(line)
                if item:
                    result.sources.append(item)
            continue
        block.append(line)
    flush()
    result.body = "\n\n".join(paragraphs)
    return result
