"""Search past fact-checks over the API: the desk's matcher (services/matching.py) over claims, restated claims
and rationales, as on the queue page's "Search past fact-checks"."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field
from spectree import Response

from factcheck.api.core import actor, bp, spec
from factcheck.api.schemas import ErrorOut, Text, _In
from factcheck.db import get_session
from factcheck.services import factchecks, matching, past_matches


class SearchQuery(_In):
    q: Text = Field(..., max_length=matching.MAX_SEARCH,
                    description="Words, or a pasted claim (at most 2,000 characters).")
    limit: int = Field(20, ge=1, le=50)


class MatchedOut(BaseModel):
    words: list[str]
    numbers: list[str]
    names: list[str]
    numbers_differ: bool = Field(description="Both texts state numbers and share none.")


class PastClaimOut(BaseModel):
    claim_id: int
    text: str
    status: str
    article_id: int
    article_title: str
    rating: str | None = Field(description="The past claim's latest verdict, if any.")
    claim_reviewed: str | None
    checked_at: datetime | None = Field(description="Published, else the verdict's date, else when it came in.")
    checker: str | None
    similarity: float = Field(description="The matcher's score, 0 to 1.")
    matched: MatchedOut


class ElsewhereOut(BaseModel):
    factcheck_id: int
    url: str = Field(description="The other organisation's fact-check.")
    claim_reviewed: str
    rating: str = Field(description="The publisher's own words ('False', 'Mostly true').")
    publisher: str
    review_date: date | None
    similarity: float = Field(description="The matcher's score, 0 to 1.")
    matched: MatchedOut


class SearchOut(BaseModel):
    items: list[PastClaimOut]
    elsewhere: list[ElsewhereOut] = Field(description="Other organisations' fact-checks (imported ClaimReview) for "
                                                      "`q`, best first, apart from the desk's own claims.")


@bp.get("/search")
@spec.validate(resp=Response(HTTP_200=SearchOut, HTTP_400=ErrorOut, HTTP_401=ErrorOut, HTTP_503=ErrorOut),
               tags=["claims"])
def search(query: SearchQuery):
    """Past claims for `q`, best first, ranked by BM25 over the words beside the sentence vector (one word: by
    words alone), and apart from them (`elsewhere`) the other organisations' fact-checks the desk imported, by the
    same matcher. A `q` with no words to search by, or past 2,000 characters, answers 400."""
    actor()
    found = past_matches.search_results(get_session(), q=query.q, k=query.limit)
    others = factchecks.search_elsewhere(get_session(), q=query.q, k=query.limit)
    return SearchOut(elsewhere=[ElsewhereOut(
        factcheck_id=e.check.id, url=e.check.url, claim_reviewed=e.check.claim_reviewed, rating=e.check.rating,
        publisher=e.check.publisher, review_date=e.check.review_date, similarity=e.similarity,
        matched=MatchedOut(**e.matched)) for e in others], items=[PastClaimOut(
        claim_id=m.claim.id, text=m.claim.text, status=m.claim.status, article_id=m.claim.article_id,
        article_title=m.article.title if m.article else "", rating=m.verdict.rating if m.verdict else None,
        claim_reviewed=m.verdict.claim_reviewed if m.verdict else None, checked_at=m.checked_at,
        checker=m.checker, similarity=m.similarity, matched=MatchedOut(**m.matched)) for m in found])
