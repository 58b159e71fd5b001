"""Other organisations' fact-checks: ClaimReview imported from a JSON-LD file, from the JSON of Google Fact Check
Tools' `claims:search` answers, or from an address (its JSON, or the JSON-LD, microdata and RDFa of its page, fetched
by the safe fetcher), kept as external fact-checks (deduplicated by URL) and matched like past claims.

An import is all or nothing: a file that is not JSON, holds no ClaimReview, or holds more than MAX_ENTRIES of them
is refused with the reason and nothing is stored. What a file carries is stored as text and only ever shown escaped.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from factcheck.archive import structured_data
from factcheck.errors import ValidationError
from factcheck.models import ExternalFactCheck, User
from factcheck.services import matching
from factcheck.text import matching as words
from factcheck.text.claim_index import ClaimIndex

MAX_ENTRIES = 10_000
MAX_BYTES = 50 * 1024 * 1024
SHOWN = 3


def _first(value):
    return (value[0] if value else None) if isinstance(value, list) else value


def _text(value, limit: int) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = _first(value.get("name") or value.get("alternateName") or value.get("@id") or "")
    if isinstance(value, (dict, list)):
        value = ""
    return str(value or "").strip()[:limit]


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _from_jsonld(item: dict) -> dict:
    rating = _first(item.get("reviewRating")) or {}
    author = item.get("author") or {}
    reviewed = _first(item.get("itemReviewed")) or {}
    return {"url": _text(item.get("url"), 2048), "claim_reviewed": _text(item.get("claimReviewed"), 5000),
            "publisher": _text(author, 300),
            "rating": _text(rating.get("alternateName") or rating.get("name") or rating.get("ratingValue")
                            if isinstance(rating, dict) else rating, 300),
            "claimant": _text(reviewed.get("author") if isinstance(reviewed, dict) else "", 300),
            "title": _text(item.get("headline") or item.get("name"), 1000),
            "review_date": _day(item.get("datePublished")), "language": _text(item.get("inLanguage"), 16)}


def _from_google(claim: dict, review: dict) -> dict:
    return {"url": _text(review.get("url"), 2048), "claim_reviewed": _text(claim.get("text"), 5000),
            "publisher": _text(review.get("publisher") or {}, 300), "rating": _text(review.get("textualRating"), 300),
            "claimant": _text(claim.get("claimant"), 300), "title": _text(review.get("title"), 1000),
            "review_date": _day(review.get("reviewDate")), "language": _text(review.get("languageCode"), 16)}


def _is_review(kind) -> bool:
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and structured_data.short(k) == "ClaimReview" for k in kinds)


def _walk(doc, found: list, what: str) -> None:
    """Every ClaimReview in a JSON-LD document: a node, a list of nodes, an @graph, or nested in another item (a page
    whose `review` is one); never looked for inside a ClaimReview. Iterative: no nesting depth breaks it."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if _is_review(node.get("@type")):
                found.append(_from_jsonld(node))
                if len(found) > MAX_ENTRIES:
                    raise ValidationError(f"{what} holds more than {MAX_ENTRIES:,} fact-checks; split it.")
            else:
                stack.extend(reversed([v for v in node.values() if isinstance(v, (list, dict))]))


def _collect(doc, what: str) -> list[dict]:
    found: list[dict] = []
    if isinstance(doc, dict) and isinstance(doc.get("claims"), list):
        for claim in doc["claims"]:
            for review in (claim.get("claimReview") or []) if isinstance(claim, dict) else []:
                if isinstance(review, dict):
                    found.append(_from_google(claim, review))
            if len(found) > MAX_ENTRIES:
                raise ValidationError(f"{what} holds more than {MAX_ENTRIES:,} fact-checks; split it.")
    else:
        _walk(doc, found, what)
    return found


def _checked(found: list[dict], what: str, where: str = "") -> list[dict]:
    if not found:
        raise ValidationError(f"{what} holds no ClaimReview{where} (JSON-LD of another type, or an empty answer).")
    bad = next((i for i, f in enumerate(found, 1) if not f["url"].startswith(("http://", "https://"))
                or not f["claim_reviewed"]), None)
    if bad:
        raise ValidationError(f"Fact-check {bad} has no http(s) URL or no claim reviewed; nothing was imported.")
    return found


def parse(data: bytes, *, what: str = "The file") -> list[dict]:
    """The fact-checks in a ClaimReview JSON-LD file or a claims:search answer, or ValidationError."""
    if len(data) > MAX_BYTES:
        raise ValidationError(f"{what} is over {MAX_BYTES // 2**20} MB.")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError(f"{what} is not JSON: give a ClaimReview JSON-LD file or a claims:search answer.") \
            from None
    return _checked(_collect(doc, what), what)


_JSON_TYPES = ("application/json", "application/ld+json", "text/json")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def parse_page(body: bytes, *, content_type: str | None, url: str) -> list[dict]:
    """The fact-checks at an address: its JSON (a ClaimReview file or a claims:search answer, as `parse` reads),
    or the ClaimReview items of its HTML page (JSON-LD, microdata and RDFa). A review without a URL of its own is
    the page's. ValidationError when there are none or the answer is neither."""
    kind, _, params = (content_type or "").partition(";")
    kind = kind.strip().lower()
    head = body.lstrip()[:1]
    if kind in _JSON_TYPES or kind.endswith("+json") or (kind in ("", "text/plain") and head in (b"{", b"[")):
        return parse(body, what="The page")
    if kind not in _HTML_TYPES and not (kind in ("", "text/plain") and head == b"<"):
        raise ValidationError(f"The address answered {kind or 'content of no stated type'}, neither JSON nor an "
                              "HTML page; nothing was imported.")
    if len(body) > MAX_BYTES:
        raise ValidationError(f"The page is over {MAX_BYTES // 2**20} MB.")
    charset = next((p.split("=", 1)[1].strip().strip('"') for p in params.split(";")
                    if p.strip().lower().startswith("charset=")), None)
    try:
        items = structured_data.items(body, url=url, encoding=charset)
    except (ValueError, LookupError):   # an empty or undecodable document, an unknown charset
        items = []
    found: list[dict] = []
    _walk(items, found, "The page")
    missing = [f for f in found if not f["url"]]
    for n, f in enumerate(missing, 1):
        f["url"] = url if len(missing) == 1 else f"{url.split('#')[0]}#claimreview-{n}"
    return _checked(found, "The page", " in its JSON-LD, microdata or RDFa")


def store(session: Session, found: list[dict], *, actor: User | None) -> tuple[int, int]:
    """Store the fact-checks not already here (by URL), with their vectors: (added, already here). All or
    nothing: another import storing the same URL at the same moment refuses this one whole."""
    found = list({f["url"]: f for f in found}.values())
    have = set(session.exec(select(ExternalFactCheck.url).where(ExternalFactCheck.url.in_([f["url"] for f in found]))))
    new = [f for f in found if f["url"] not in have]
    try:
        with session.begin_nested():
            for start in range(0, len(new), 256):
                chunk = new[start:start + 256]
                for fields, vector in zip(chunk, matching.embed([f["claim_reviewed"] for f in chunk])):
                    session.add(ExternalFactCheck(**fields, model=matching.MODEL,
                                                  vector=vector.astype(np.float32).tobytes(),
                                                  imported_by_id=actor.id if actor else None))
    except IntegrityError:
        raise ValidationError("Another import stored some of these fact-checks at the same moment; nothing was "
                              "imported from this one. Try again: what is already here is skipped.") from None
    return len(new), len(found) - len(new)


def import_file(session: Session, *, data: bytes, actor: User | None) -> tuple[int, int]:
    """Store the file's fact-checks not already here (by URL), with their vectors: (added, already here)."""
    return store(session, parse(data), actor=actor)


ACCEPT = (("Accept", "application/ld+json, application/json;q=0.9, text/html;q=0.8, */*;q=0.1"),)


def fetch_address(url: str, *, policy, headers: tuple[tuple[str, str], ...] = ()):
    """GET `url` through the safe fetcher (its address checks, redirect rules, time and size bounds): the
    FetchResult (a 304 is returned as it came), or ValidationError saying why there is nothing to read."""
    from factcheck.archive.fetcher import FetchError, fetch
    from factcheck.services.urls import validate_url

    url = validate_url(url or "", field_name="url") or ""
    if not url:
        raise ValidationError("Give the address of a page or a feed of fact-checks.", fields={"url": "Required."})
    try:
        result = fetch(url, policy, headers=ACCEPT + tuple(headers))
    except FetchError as exc:
        raise ValidationError(exc.reason, fields={"url": exc.reason}) from None
    if result.status >= 400 or (result.status >= 300 and result.status != 304):
        message = f"The address answered {result.status}; nothing was imported."
        raise ValidationError(message, fields={"url": message})
    return result


def import_url(session: Session, *, url: str, policy, actor: User | None) -> tuple[int, int]:
    """Fetch `url` safely and store the fact-checks it serves (JSON, or a page's structured data)."""
    result = fetch_address(url, policy=policy)
    return store(session, parse_page(result.body, content_type=result.content_type, url=result.final_url),
                 actor=actor)


def listing(session: Session, *, page: int = 1, per_page: int = 50) -> tuple[list[ExternalFactCheck], int]:
    """One page of the imported fact-checks, newest first, and how many there are."""
    total = session.exec(select(func.count(ExternalFactCheck.id))).one()
    rows = list(session.exec(select(ExternalFactCheck).order_by(ExternalFactCheck.id.desc())
                             .offset((max(page, 1) - 1) * per_page).limit(per_page)))
    return rows, total


def after(session: Session, *, before_id: int | None, limit: int) -> list[ExternalFactCheck]:
    """Up to `limit` imported fact-checks, newest first, older than `before_id` (keyset pages for the API)."""
    query = select(ExternalFactCheck).order_by(ExternalFactCheck.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(ExternalFactCheck.id < before_id)
    return list(session.exec(query))


@dataclass(frozen=True)
class Elsewhere:
    check: ExternalFactCheck
    similarity: float
    matched: dict


_cache: dict[str, tuple[tuple, ClaimIndex]] = {}
_lock = threading.Lock()


def _index(session: Session) -> ClaimIndex:
    key = str(session.get_bind().url)
    newest = session.exec(select(ExternalFactCheck.id, ExternalFactCheck.created_at)
                          .order_by(ExternalFactCheck.id.desc()).limit(1)).first()
    newest = tuple(newest) if newest else (0, None)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == newest:
            return cached[1]
        index = ClaimIndex()
        rows = session.exec(select(ExternalFactCheck.id, ExternalFactCheck.claim_reviewed, ExternalFactCheck.title,
                                   ExternalFactCheck.vector).where(ExternalFactCheck.model == matching.MODEL))
        for fid, claim, title, blob in rows:
            index.add(fid, f"{claim} {title}", np.frombuffer(blob, dtype=np.float32))
        _cache[key] = (newest, index)
        return index


def checked_elsewhere(session: Session, *, text: str, vector: np.ndarray | None, k: int = SHOWN) -> list[Elsewhere]:
    """The other organisations' fact-checks closest to `text`, from the desk's threshold up."""
    ranked = [r for r in _index(session).rank(text, vector, k=k) if r.score >= matching.THRESHOLD]
    checks = {c.id: c for c in session.exec(select(ExternalFactCheck).where(
        ExternalFactCheck.id.in_([r.key for r in ranked])))} if ranked else {}
    return [Elsewhere(checks[r.key], round(r.score, 3), words.overlap(text, checks[r.key].claim_reviewed).as_dict())
            for r in ranked if r.key in checks]


def search_elsewhere(session: Session, *, q: str, k: int = 10) -> list[Elsewhere]:
    """Other organisations' fact-checks for the words of a search (the search page and the API), best first: the
    same matcher and the same question rules as the desk's own past claims (`matching.check_search`)."""
    q = matching.check_search(q)
    vector = matching.embed([q])[0] if len(words.tokens(q)) > 1 else None
    ranked = _index(session).rank(q, vector, k=k)
    checks = {c.id: c for c in session.exec(select(ExternalFactCheck).where(
        ExternalFactCheck.id.in_([r.key for r in ranked])))} if ranked else {}
    return [Elsewhere(checks[r.key], round(r.score, 3), words.overlap(q, checks[r.key].claim_reviewed).as_dict())
            for r in ranked if r.key in checks]
