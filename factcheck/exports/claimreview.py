"""schema.org ClaimReview for published fact-checks, as Google's fact-check markup guidance describes it.

Only published claims leave the desk with a verdict: anything else raises (one) or is skipped (many).
Keys without a value are left out rather than emitted as nulls.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache

from markupsafe import Markup

from factcheck.models.views import ClaimView
from factcheck.text.structure import site_of

def _compact(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None and v != "" and v != [] and v != {}}


def claim_author(claim, article) -> dict | None:
    """Who made the claim: the claimant the checker named, else the outlet that published the article (as an
    organisation). Never the byline: the reporter or editor who wrote the article did not make the claim."""
    name = " ".join((claim.claimant or "").split())
    if name:
        kind = "Organization" if claim.claimant_kind == "organization" else "Person"
        return {"@type": kind, "name": name}
    outlet = " ".join((article.outlet or "").split()) or site_of(article.url)
    return {"@type": "Organization", "name": outlet} if outlet else None


def _rating(label: str, scale: list[dict]) -> dict:
    # An export rates thousands of claims on one scale of a few labels: each (label, scale) is worked out once.
    return _rating_on(label, tuple((str(r.get("label", "")), r.get("value")) for r in scale))


@lru_cache(maxsize=256)
def _rating_on(label: str, scale: tuple[tuple[str, object], ...]) -> dict:
    rating = {"@type": "Rating", "alternateName": label}
    entry = next((value for name, value in scale if name.casefold() == label.casefold()), None)
    values = [value for _, value in scale if value is not None]
    if entry is not None and values:
        rating.update(ratingValue=entry, bestRating=max(values), worstRating=min(values))
    return rating


def claim_review(view: ClaimView, *, publication: dict, scale: list[dict]) -> dict:
    """One ClaimReview for one published claim."""
    if not view.published or view.verdict is None:
        raise ValueError(f"Claim #{view.claim.id} is not published; only published fact-checks get a ClaimReview.")
    claim, article, verdict = view.claim, view.article, view.verdict
    published_at = claim.published_at or view.signed_off_at
    item = _compact({
        "@type": "Claim",
        "appearance": [{"@type": "CreativeWork", "url": article.url}] if article.url else None,
        "author": claim_author(claim, article),
        "datePublished": article.published_on.isoformat() if article.published_on else None,
    })
    return _compact({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": publication["review_url"].replace("{claim_id}", str(claim.id)),
        "claimReviewed": verdict.claim_reviewed or claim.text,
        "datePublished": published_at.date().isoformat() if published_at else None,
        "author": _compact({"@type": "Organization", "name": publication.get("name"), "url": publication.get("url")}),
        "reviewRating": _rating(verdict.rating, scale),
        "itemReviewed": item,
    })


def claim_reviews(views: Iterable[ClaimView], **kw) -> list[dict]:
    """ClaimReviews for the published claims among `views`; the others are skipped."""
    return [claim_review(v, **kw) for v in views if v.published and v.verdict is not None]


_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029]")
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # built once: exports call this per claim


def script_safe_json(value, *, indent: int | None = None) -> str:
    """JSON in which no `</script>`, `<!--` or `]]>` can appear: the characters are JSON escapes instead.
    Every JSON the desk hands out goes through this: newsrooms paste it into `<script>` elements."""
    text = _COMPACT.encode(value) if indent is None else \
        json.dumps(value, ensure_ascii=False, indent=indent, separators=(",", ": ") if indent else (",", ":"))
    return _SCRIPT_UNSAFE.sub(lambda m: _SCRIPT_ESCAPES[m.group()], text)


def json_ld_script(reviews: dict | list[dict]) -> Markup:
    """A `<script type="application/ld+json">` element carrying one review (a dict) or several (a list)."""
    if isinstance(reviews, list) and len(reviews) == 1:
        reviews = reviews[0]
    return Markup(f'<script type="application/ld+json">{script_safe_json(reviews)}</script>')
