"""Other organisations' fact-checks over the API: import ClaimReview (a document in the body, or an address fetched by
the safe fetcher) and list those imported. The same services and role rules as the "Import fact-checks" page."""
from __future__ import annotations

import json as jsonlib
from datetime import date, datetime
from typing import Any

from flask import current_app, request
from pydantic import BaseModel, Field
from spectree import Response

from factcheck import workflow
from factcheck.api.core import BadRequest, actor, bp, spec, write
from factcheck.api.schemas import ErrorOut, Text, _In
from factcheck.db import get_session
from factcheck.services import factchecks


class FactcheckImportIn(_In):
    """`{"url": "https://…"}` alone: what that address serves is fetched and read (its JSON, or the JSON-LD,
    microdata and RDFa of its page). `{"document": …}`: the document given (a ClaimReview, a list of them, an
    `@graph`, or a claims:search answer). Any other object is itself the document (a JSON-LD ClaimReview node or
    `@graph`, or a claims:search answer with `claims`)."""

    url: Text | None = Field(None, max_length=2048, description="An http(s) address to fetch and read.")
    document: Any = Field(None, description="ClaimReview JSON-LD or a claims:search answer.")


class ImportOut(BaseModel):
    imported: int = Field(description="Fact-checks stored now.")
    already_here: int = Field(description="Fact-checks of the document whose URL was already imported.")


class FactcheckOut(BaseModel):
    id: int
    url: str
    claim_reviewed: str
    rating: str = Field(description="The publisher's own words ('False', 'Mostly true').")
    publisher: str
    claimant: str
    title: str
    review_date: date | None
    language: str
    imported_at: datetime


class FactcheckQuery(_In):
    limit: int = Field(50, ge=1, le=200)
    cursor: Text | None = Field(None, max_length=20, description="`next_cursor` of the previous page.")


class FactcheckPage(BaseModel):
    items: list[FactcheckOut]
    next_cursor: str | None


def present(f) -> FactcheckOut:
    return FactcheckOut(id=f.id, url=f.url, claim_reviewed=f.claim_reviewed, rating=f.rating, publisher=f.publisher,
                        claimant=f.claimant, title=f.title, review_date=f.review_date, language=f.language,
                        imported_at=f.created_at)


@bp.post("/factchecks/import")
@spec.validate(resp=Response(HTTP_200=ImportOut, HTTP_400=ErrorOut, HTTP_401=ErrorOut, HTTP_403=ErrorOut,
                             HTTP_413=ErrorOut, HTTP_415=ErrorOut, HTTP_422=ErrorOut, HTTP_503=ErrorOut),
               tags=["factchecks"])
def import_factchecks(json: FactcheckImportIn):
    """Import other organisations' fact-checks, deduplicated by URL; all or nothing. A document that is not JSON
    of ClaimReview, holds more than 10,000, or has an entry without an http(s) URL, and an address the fetcher may
    not reach or that serves none, answer 422 with the reason and nothing is stored. Editors and admins."""
    user = actor()
    workflow.require(user.role, "import_factchecks")
    body = request.get_json(silent=True) or {}   # the whole object: a JSON-LD node is its own document
    if set(body) == {"url"}:
        policy = current_app.extensions["factcheck.settings"].fetch_policy
        added, known = write(lambda s: factchecks.import_url(s, url=json.url or "", policy=policy, actor=user))
    else:
        data = jsonlib.dumps(body.get("document", body), ensure_ascii=False).encode()
        added, known = write(lambda s: factchecks.import_file(s, data=data, actor=user))
    return ImportOut(imported=added, already_here=known)


@bp.get("/factchecks")
@spec.validate(resp=Response(HTTP_200=FactcheckPage, HTTP_400=ErrorOut, HTTP_401=ErrorOut, HTTP_403=ErrorOut,
                             HTTP_422=ErrorOut, HTTP_503=ErrorOut), tags=["factchecks"])
def list_factchecks(query: FactcheckQuery):
    """The imported fact-checks, newest first, a page at a time (`next_cursor` until the last page). Editors and
    admins."""
    workflow.require(actor().role, "import_factchecks")
    before = None
    if query.cursor is not None:
        if not query.cursor.isdigit() or not 0 < int(query.cursor) < 2**31:
            raise BadRequest("`cursor` is not one this API handed out.")
        before = int(query.cursor)
    rows = factchecks.after(get_session(), before_id=before, limit=query.limit + 1)
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    return FactcheckPage(items=[present(f) for f in rows], next_cursor=str(rows[-1].id) if more else None)
