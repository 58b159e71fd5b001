"""Other organisations' fact-checks: ClaimReview imported from a JSON-LD file or from the JSON of Google Fact Check
Tools' `claims:search` answers, kept as external fact-checks (deduplicated by URL) and matched like past claims.

An import is all or nothing: a file that is not JSON, holds no ClaimReview, or holds more than MAX_ENTRIES of them
is refused with the reason and nothing is stored. What a file carries is stored as text and only ever shown escaped.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlmodel import Session, select

from factcheck.errors import ValidationError
from factcheck.models import ExternalFactCheck, User
from factcheck.services import matching
from factcheck.text import matching as words
from factcheck.text.claim_index import ClaimIndex

MAX_ENTRIES = 10_000
MAX_BYTES = 50 * 1024 * 1024
SHOWN = 3


def _text(value, limit: int) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName") or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()[:limit]


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _from_jsonld(item: dict) -> dict:
    rating = item.get("reviewRating") or {}
    author = item.get("author") or {}
    reviewed = item.get("itemReviewed") or {}
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


def _walk(node, found: list) -> None:
    """Every ClaimReview in a JSON-LD document (a node, a list of nodes, or an @graph)."""
    if isinstance(node, list):
        for item in node:
            _walk(item, found)
    elif isinstance(node, dict):
        kind = node.get("@type")
        if kind == "ClaimReview" or (isinstance(kind, list) and "ClaimReview" in kind):
            found.append(_from_jsonld(node))
        elif "@graph" in node:
            _walk(node["@graph"], found)
        if len(found) > MAX_ENTRIES:
            raise ValidationError(f"The file holds more than {MAX_ENTRIES:,} fact-checks; split it.")


def parse(data: bytes) -> list[dict]:
    """The fact-checks in a ClaimReview JSON-LD file or a claims:search answer, or ValidationError."""
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The file is over {MAX_BYTES // 2**20} MB.")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationError("The file is not JSON: give a ClaimReview JSON-LD file or a claims:search answer.") \
            from None
    found: list[dict] = []
    if isinstance(doc, dict) and isinstance(doc.get("claims"), list):
        for claim in doc["claims"]:
            for review in (claim.get("claimReview") or []) if isinstance(claim, dict) else []:
                if isinstance(review, dict):
                    found.append(_from_google(claim, review))
            if len(found) > MAX_ENTRIES:
                raise ValidationError(f"The file holds more than {MAX_ENTRIES:,} fact-checks; split it.")
    else:
        _walk(doc, found)
    if not found:
        raise ValidationError("The file holds no ClaimReview (JSON-LD of another type, or an empty answer).")
    bad = next((i for i, f in enumerate(found, 1) if not f["url"].startswith(("http://", "https://"))
                or not f["claim_reviewed"]), None)
    if bad:
        raise ValidationError(f"Fact-check {bad} has no http(s) URL or no claim reviewed; nothing was imported.")
    return found


def import_file(session: Session, *, data: bytes, actor: User | None) -> tuple[int, int]:
    """Store the file's fact-checks not already here (by URL), with their vectors: (added, already here)."""
    found = list({f["url"]: f for f in parse(data)}.values())
    have = set(session.exec(select(ExternalFactCheck.url).where(ExternalFactCheck.url.in_([f["url"] for f in found]))))
    new = [f for f in found if f["url"] not in have]
    for start in range(0, len(new), 256):
        chunk = new[start:start + 256]
        for fields, vector in zip(chunk, matching.embed([f["claim_reviewed"] for f in chunk])):
            session.add(ExternalFactCheck(**fields, model=matching.MODEL, vector=vector.astype(np.float32).tobytes(),
                                          imported_by_id=actor.id if actor else None))
    session.flush()
    return len(new), len(found) - len(new)


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
