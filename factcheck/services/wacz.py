"""WACZ packages of archived evidence: one capture's, or an article's (every archived source its claims cite).

The packaging itself is `factcheck.archive.wacz`; this module decides what goes in and says, in the newsroom's
words, why there is nothing to download when there is not.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from sqlmodel import Session, select

from factcheck.archive import wacz
from factcheck.errors import NotFound, Unavailable
from factcheck.models import Article, Capture, Claim, utcnow
from factcheck.models.jobs import CAPTURE_LABELS
from factcheck.services import claim_views

MIMETYPE = wacz.MIMETYPE


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")[:60] or "article"


def capture_filename(capture_id: int) -> str:
    return f"capture-{capture_id}.wacz"


def article_filename(article: Article) -> str:
    return f"factcheck-{article.id}-{_slug(article.title)}-evidence.wacz"


def _capture_entry(session: Session, capture_id: int) -> tuple[Capture, wacz.Entry]:
    cap = session.get(Capture, capture_id)
    if cap is None:
        raise NotFound(f"There is no capture #{capture_id}.")
    entry = wacz.entry_of(cap)
    if entry is None:
        state = CAPTURE_LABELS.get(cap.state, cap.state)
        why = f" ({cap.reason})" if cap.reason else ""
        raise NotFound(f"Capture #{cap.id} has no WARC to package as WACZ: it is {state}{why}. A WACZ can be "
                       f"made once the source is archived.")
    return cap, entry


def write_capture_wacz(session: Session, *, capture_id: int, store, out: BinaryIO,
                       now: datetime | None = None) -> wacz.Packed:
    """Write the WACZ of one capture to ``out``; NotFound (before writing) when it has no archived WARC."""
    cap, entry = _capture_entry(session, capture_id)
    try:
        return wacz.write_wacz([entry], store=store, out=out, created=now or utcnow(),
                               title=f"Capture #{cap.id}: {cap.title or cap.final_url or 'archived page'}",
                               description=f"The archived copy of {cap.final_url or 'a cited source'} "
                                           f"(content SHA-256 {cap.sha256 or 'unknown'}), made by the fact-checking "
                                           f"desk.")
    except wacz.NothingToPackage:
        raise NotFound(f"Capture #{cap.id}'s WARC is missing from the archive store, so there is no WACZ to "
                       f"make. Tell your admin: the archived file should be there.") from None
    except wacz.UnreadableWarc as exc:
        raise Unavailable(f"Capture #{cap.id}'s archived WARC is damaged ({exc}), so it cannot be packaged. "
                          f"Tell your admin; archiving the source again makes a fresh copy.") from None


def article_entries(session: Session, *, article_id: int) -> list[wacz.Entry]:
    """The archived captures of every active source of the article's claims (merged claims excluded), in claim
    order; each capture once."""
    ids = list(session.exec(select(Claim.id).where(Claim.article_id == article_id, Claim.merged_into_id.is_(None))
                            .order_by(Claim.start, Claim.id)).all())
    by_claim = claim_views.sources_of(session, ids)
    entries = [wacz.entry_of(sv.capture) for cid in ids for sv in by_claim.get(cid, [])
               if sv.capture is not None and sv.capture.state == "done"]
    return list(dict.fromkeys(e for e in entries if e is not None))


def get_article(session: Session, *, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"There is no article #{article_id}.")
    return article


def article_wacz(session: Session, *, article_id: int, store, now: datetime | None = None) -> Iterator[bytes]:
    """The article's evidence as one WACZ, streamed as it is made; NotFound (before the first byte) when none of
    its sources is archived yet."""
    article = get_article(session, article_id=article_id)
    entries = article_entries(session, article_id=article_id)
    if not entries:
        raise NotFound(f"Article #{article.id} has no archived sources yet, so there is no evidence to package as "
                       f"WACZ.")
    try:
        return wacz.stream_wacz(entries, store=store, created=now or utcnow(), title=f"Evidence: {article.title}",
                                description=f"The archived sources cited by the claims of article #{article.id} "
                                            f"({len(entries)} captures), made by the fact-checking desk.")
    except wacz.NothingToPackage:
        raise NotFound(f"The WARCs of article #{article.id}'s archived sources are missing from the archive store, "
                       f"so there is no WACZ to make. Tell your admin.") from None
