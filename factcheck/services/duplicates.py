"""Is this article in the desk already? The same address, or nearly the same text, found at the review step so
the editor is warned before bringing it in twice (a warning, never a refusal: a corrected version is legitimate).

Text is compared by word shingles (runs of four words) over the opening of each body: a re-paste with a changed
byline, a fixed typo or a dropped paragraph still shares most of them; a different story on the same topic does
not. Only the newest articles are compared by text, so the check costs the same however big the desk grows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlmodel import Session, func, select

from factcheck.models import Article, User

RECENT = 300            # articles compared by text
OPENING = 4000          # characters of each body compared
ALIKE = 0.8             # share of shingles in common that counts as "nearly the same"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Duplicate:
    article: Article
    brought_in_by: User | None
    same_address: bool
    alike: float            # 0..1, share of the shorter text's shingles the two have in common


def address_key(url: str | None) -> str:
    """An address as the same page: no scheme, no "www.", no trailing slash, no fragment; the query kept."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return ""
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return ""
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def _shingles(text: str) -> set[int]:
    words = _WORD.findall((text or "")[:OPENING].casefold())
    return {hash(tuple(words[i:i + 4])) for i in range(max(len(words) - 3, 0))}


def alike(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def likely_duplicates(session: Session, *, url: str = "", body: str = "", limit: int = 3) -> list[Duplicate]:
    """Articles already in the desk with the same address or nearly the same text, the closest first."""
    found: dict[int, Duplicate] = {}
    key = address_key(url)
    people: dict[int, User | None] = {}

    def who(article: Article) -> User | None:
        if article.created_by_id not in people:
            people[article.created_by_id] = session.get(User, article.created_by_id) if article.created_by_id else None
        return people[article.created_by_id]

    if key:
        host = key.split("/", 1)[0]
        same_site = session.exec(select(Article).where(func.lower(Article.url).contains(host))
                                 .order_by(Article.id.desc()).limit(RECENT)).all()
        for a in same_site:
            if address_key(a.url) == key:
                found[a.id] = Duplicate(a, who(a), True, alike(body, a.body) if body else 0.0)
    if body.strip():
        mine = _shingles(body)
        for a in session.exec(select(Article).order_by(Article.id.desc()).limit(RECENT)).all():
            if a.id in found or not mine:
                continue
            theirs = _shingles(a.body)
            share = len(mine & theirs) / min(len(mine), len(theirs)) if theirs else 0.0
            if share >= ALIKE:
                found[a.id] = Duplicate(a, who(a), False, share)
    return sorted(found.values(), key=lambda d: (not d.same_address, -d.alike, -d.article.id))[:limit]
