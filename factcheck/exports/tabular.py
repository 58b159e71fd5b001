"""Streaming exports: CSV, JSON and ClaimReview, each a generator of str chunks.

Nothing is accumulated: every claim is turned into its chunk and handed on, so memory stays flat
for any number of claims (the views themselves arrive a chunk at a time from `claim_views`).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from factcheck.exports.claimreview import claim_review, script_safe_json
from factcheck.models.views import ClaimView, SourceView
from factcheck.models import Capture, User
from factcheck.text.markup import markdown_plain

CSV_COLUMNS = [
    "claim_id", "article_id", "article_title", "article_url", "status", "claim_text", "claim_reviewed", "rating",
    "rationale", "checker", "signed_off_by", "signed_off_at", "published_at", "score", "sources", "source_urls",
    "corrections",
]
# What each export reads of a claim view, for the loader (services/claim_views.claim_views) to read no more.
READS = {"csv": {"captures": False}, "json": {"with_history": True},
         "claimreview": {"sources": False, "corrections": False}}
# OWASP "CSV injection": a cell starting with one of these is a formula to a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Bidirectional controls (embeddings, overrides, isolates) reorder what a spreadsheet shows; each is replaced by
# a visible mark naming it, so a cell never looks like something it is not and nothing is silently dropped.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def neutralise(value: object) -> str:
    """The cell as text, with a leading ' when a spreadsheet would read it as a formula, and bidirectional
    controls shown as [U+202E] and the like."""
    if value is None:
        return ""
    text = value if type(value) is str else value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    if not text.isascii():  # the controls are not ASCII: most cells skip the search (an export has ~20 per claim)
        text = _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _label(user: User | None) -> str | None:
    return user.label if user is not None else None


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def capture_urls(cap: Capture | None, *, base_url: str) -> dict:
    """Absolute URLs of a capture's archived files, built without an app context."""
    root = _base(base_url)
    if cap is None:
        return {"warc_url": None, "text_url": None, "screenshot_url": None}
    return {
        "warc_url": f"{root}/captures/{cap.id}/warc" if cap.warc_path else None,
        "text_url": f"{root}/captures/{cap.id}/text" if cap.text_path else None,
        "screenshot_url": f"{root}/captures/{cap.id}/screenshot" if cap.screenshot_path else None,
    }


# --- CSV -------------------------------------------------------------------------------------------

def _csv_row(view: ClaimView) -> list:
    claim, article, verdict = view.claim, view.article, view.verdict if view.published else None
    urls = [s.source.url for s in view.sources if s.source.url]
    return [
        claim.id, article.id, article.title, article.url, claim.status, claim.text,
        verdict.claim_reviewed if verdict else None,
        verdict.rating if verdict else None,
        markdown_plain(verdict.rationale) if verdict else None,  # a cell holds no markup: the words only
        _label(view.checker) if verdict else None,
        _label(view.signed_off_by) if verdict else None,
        view.signed_off_at if verdict else None,
        claim.published_at if verdict else None,
        claim.score, len(view.sources), " | ".join(urls),
        " | ".join(c.body for c in view.corrections),
    ]


def csv_rows(views: Iterable[ClaimView], *, base_url: str) -> Iterator[str]:
    """The header, then one CSV row per claim. `base_url` is accepted for symmetry with the JSON export."""
    buf = io.StringIO()
    writer = csv.writer(buf)

    def line(cells) -> str:
        buf.seek(0)
        buf.truncate()
        writer.writerow([neutralise(c) for c in cells])
        return buf.getvalue()

    yield line(CSV_COLUMNS)
    for view in views:
        yield line(_csv_row(view))


# --- JSON ------------------------------------------------------------------------------------------

def _user(user: User | None) -> dict | None:
    return None if user is None else {"id": user.id, "username": user.username, "name": user.label}


def _capture(cap: Capture | None, *, base_url: str) -> dict | None:
    if cap is None:
        return None
    return {"id": cap.id, "state": cap.state, "final_url": cap.final_url, "sha256": cap.sha256,
            "captured_at": _iso(cap.captured_at), **capture_urls(cap, base_url=base_url)}


def _source(sv: SourceView, *, base_url: str) -> dict:
    s = sv.source
    return {"id": s.id, "url": s.url, "title": s.title, "stance": s.stance, "note": s.note, "health": s.health,
            "capture": _capture(sv.capture, base_url=base_url)}


def claim_json(view: ClaimView, *, base_url: str) -> dict:
    claim, article = view.claim, view.article
    item = {
        "id": claim.id,
        "status": claim.status,
        "text": claim.text,
        "original_text": claim.original_text,
        "claimant": claim.claimant, "claimant_kind": claim.claimant_kind,
        "score": claim.score,
        "article": {"id": article.id, "title": article.title, "url": article.url, "byline": article.byline,
                    "outlet": article.outlet, "published_on": _iso(article.published_on)},
    }
    if view.published and view.verdict is not None:
        v = view.verdict
        item["verdict"] = {"rating": v.rating, "rationale": v.rationale, "claim_reviewed": v.claim_reviewed,
                           "checker": _user(view.checker), "signed_off_by": _user(view.signed_off_by),
                           "signed_off_at": _iso(view.signed_off_at), "published_at": _iso(claim.published_at)}
    item["sources"] = [_source(s, base_url=base_url) for s in view.sources]
    item["corrections"] = [{"body": c.body, "author_id": c.author_id, "at": _iso(c.created_at)}
                           for c in view.corrections]
    item["history"] = [{"kind": e.kind, "field": e.field or None, "old": e.old, "new": e.new,
                        "actor_id": e.actor_id, "at": _iso(e.created_at)} for e in view.history]
    return item


def _array(items: Iterable[dict], *, head: str, tail: str) -> Iterator[str]:
    yield head
    sep = ""
    for item in items:
        yield sep + script_safe_json(item)  # `<`, `>`, `&` as \u003c etc.: safe to paste into a <script>
        sep = ","
    yield tail


def json_chunks(views: Iterable[ClaimView], *, base_url: str) -> Iterator[str]:
    """`{"claims": [...]}`, one claim per chunk. Load the views `with_history=True` for the history."""
    return _array((claim_json(v, base_url=base_url) for v in views), head='{"claims":[', tail="]}")


def claimreview_chunks(views: Iterable[ClaimView], *, publication: dict, scale: list[dict]) -> Iterator[str]:
    """A JSON array of ClaimReview objects for the published claims among `views`, one per chunk."""
    reviews = (claim_review(v, publication=publication, scale=scale)
               for v in views if v.published and v.verdict is not None)
    return _array(reviews, head="[", tail="]")
