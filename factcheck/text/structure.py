"""Find headline, byline, body, sources and boilerplate in text copied from a news page.

Everything works on whole lines: a line is only treated as boilerplate, a byline
or a heading when the *entire* (short) line looks like one, so body paragraphs
that merely mention "newsletter" or "Facebook" are never eaten.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["ArticleStructure", "detect_structure", "plain_structure", "normalise_text"]


@dataclass
class ArticleStructure:
    title: str = ""
    byline: str = ""
    body: str = ""
    sources: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)


_ZERO_WIDTH = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007"), " ")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")

_BYLINE = re.compile(
    r"((?:by|written by|reporting by|reported by|edited by|words by|story by|text by"
    r"|author|authors|posted by))\b\s*:?\s*\S.*",
    re.IGNORECASE,
)
_SOURCES_HEADING = re.compile(
    r"(?:sources?|references?|further reading|read more|see also|related links|external links"
    r"|bibliography|notes and references|sources and references|links)\s*:?",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[•·▪‣◦●○■□➢►▶–—*+-]|\d{1,3}[.)]|\[\d{1,3}\]|\(\d{1,3}\))\s+")
_SHARE_WORDS = {
    "facebook", "twitter", "x", "email", "e-mail", "mail", "whatsapp", "linkedin", "telegram",
    "reddit", "print", "copy", "link", "copy link", "share", "pinterest", "messenger", "vk",
    "tumblr", "flipboard", "bluesky", "threads", "sms", "viber", "pocket", "weibo", "wechat",
    "line", "mastodon", "comment", "comments", "save", "gift", "article", "tweet",
}
_SHARE_SPLIT = re.compile(r"[\s|•·,/]+")

_DATE = (
    r"(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d"
    r"|\d{1,4}[/.-]\d{1,2}|\d{1,2}:\d{2}|\d+\s+(?:minutes?|hours?|days?)\s+ago"
)
# (pattern, maximum line length) -- the pattern must match the whole stripped line.
_BOILERPLATE = [
    (r"did you (?:find|spot|notice) (?:an? )?(?:error|mistake|typo)(?: or (?:an? )?inaccuracy)?\s*\??", 120),
    (r"we will consider your comments.*", 160),
    (r"(?:report|submit) an? (?:error|typo|mistake|correction|issue)\b.*", 120),
    (r"share(?: this| the)?(?: article| story| post| page| link)?\s*:?", 40),
    (r"share (?:on|via|to|with) \w.*", 60),
    (r"(?:sign up|subscribe)\b.*", 120),
    (r"(?:get|join) (?:our|the) .*newsletters?\b.*", 120),
    (r"newsletters?(?: sign[- ]?up)?\s*:?", 40),
    (r"(?:related|read also|also read|read more|see also|more on this|more|recommended"
     r"|watch|listen|most read|trending|don't miss|do not miss)\s*:\s*\S.*", 250),
    (r"(?:advertisement|advert|ad|sponsored(?: content)?|promoted|paid content"
     r"|scroll (?:down )?to continue(?: with content)?|continue reading(?: below)?"
     r"|story continues below(?: advertisement)?|article continues below(?: advertisement)?)\s*", 60),
    (r"\(?(?:photo|photos|image|images|picture|pictures|photograph|video|illustration|graphic)"
     r"(?:s)?(?: credit| courtesy)?s?\s*(?::|/|\||©|by\b|credit\b|courtesy\b).*", 200),
    (r"(?:image|photo|picture) credit\b.*", 200),
    (r"(?:we|this (?:web)?site|our (?:web)?site) uses? cookies\b.*", 400),
    (r"(?:by continuing to (?:use|browse)|accept (?:all )?cookies|cookie (?:settings|policy"
     r"|preferences|notice)|manage cookies|reject all|accept all)\b.*", 300),
    (r"(?:©|\(c\)|copyright\b).*", 200),
    (r"all rights reserved\.?", 40),
    (r"click here\b.*", 120),
    (r"follow (?:us|me) on\b.*", 100),
    (r"listen to (?:this|the) (?:article|story)\b.*", 80),
    (r"(?:reading time:?\s*)?\d+\s*min(?:ute)?s?(?: read)?", 30),
    (r"(?:published|updated|last updated|posted)(?: on| at)?\s*:?\s*(?:\w+,?\s+)?" + _DATE + ".*", 80),
    (r"(?:comments?|print|top of page|back to top|skip to (?:main )?content)\s*", 30),
]
_BOILERPLATE_RE = [(re.compile(p, re.IGNORECASE), n) for p, n in _BOILERPLATE]
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
    s = line.strip()
    if not s or len(s) > 400:
        return False
    for pattern, limit in _BOILERPLATE_RE:
        if len(s) <= limit and pattern.fullmatch(s):
            return True
    words = [w for w in _SHARE_SPLIT.split(s.lower()) if w]
    return len(words) >= 2 and len(s) <= 120 and all(w in _SHARE_WORDS for w in words)


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


def detect_structure(raw: str) -> ArticleStructure:
    """Split copied article text into headline, byline, body, sources and boilerplate."""
    lines = [ln.rstrip() for ln in normalise_text(raw).split("\n")]
    result = ArticleStructure()
    n = len(lines)
    used = [False] * n  # lines consumed as title/byline/sources heading

    nonempty = [i for i, ln in enumerate(lines) if ln.strip()]
    if not nonempty:
        return result

    # Headline: a lone short line (followed by a blank line) with more text after it.
    first = nonempty[0]
    single_line = first + 1 >= n or not lines[first + 1].strip()
    has_more = len(nonempty) > 1
    if has_more and _looks_like_headline(lines[first]) and (
        single_line or _is_byline(lines[first + 1])
    ):
        result.title = lines[first].strip()
        used[first] = True

    # Byline: among the first few non-empty lines.
    for i in nonempty[:5]:
        if not used[i] and _is_byline(lines[i]):
            result.byline = lines[i].strip()
            used[i] = True
            break

    # Sources: the last heading followed only by short list-like lines.
    src_at = None
    for i in reversed(nonempty):
        if used[i] or not _is_heading(lines[i]):
            continue
        after = [j for j in nonempty if j > i]
        items = [j for j in after if not is_boilerplate(lines[j])]
        if items and all(len(lines[j].strip()) <= 300 for j in items):
            src_at = i
        break

    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = "\n".join(current).strip()
        if text:
            paragraphs.append(text)
        current.clear()

    for i, line in enumerate(lines):
        if used[i]:
            flush()
            continue
        if not line.strip():
            flush()
            continue
        if is_boilerplate(line):
            flush()
            result.boilerplate.append(line.strip())
            continue
        if src_at is not None and i >= src_at:
            flush()
            if i > src_at:
                item = _strip_bullet(line)
                if item:
                    result.sources.append(item)
            continue
        current.append(line)
    flush()
    result.body = "\n\n".join(paragraphs)
    return result
