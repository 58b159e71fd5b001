"""Requests from the public over the API: the editors' Requests inbox (services/public_requests.py).

Editors and admins only, as the inbox: a checker's token answers 403. A request is decided once: accepting,
linking or declining one that is no longer new answers 409 saying what became of it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import current_app
from pydantic import BaseModel, Field
from spectree import Response

from factcheck import workflow
from factcheck.api.core import actor, bodyless, bp, spec, write
from factcheck.api.present import one_claim, usernames, utc
from factcheck.api.schemas import ClaimOut, ErrorOut, Id, Text, _In
from factcheck.db import get_session
from factcheck.models import Claim, PublicRequest, User
from factcheck.models.requests import REQUEST_STATES
from factcheck.services import public_requests, requester_contact
from factcheck.services import settings as newsroom

ID = "<int(min=1, max=2147483647):request_id>"
ACTION = "bring_in_article"   # who may work the inbox: the same rule as its page
READ_ERRORS = {"HTTP_401": ErrorOut, "HTTP_403": ErrorOut, "HTTP_503": ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, "HTTP_400": ErrorOut, "HTTP_404": ErrorOut, "HTTP_409": ErrorOut,
                "HTTP_413": ErrorOut, "HTTP_415": ErrorOut}
State = Literal[tuple(REQUEST_STATES)]  # type: ignore[valid-type]


class RequestQuery(_In):
    status: Literal[tuple(REQUEST_STATES) + ("all",)] = Field(  # type: ignore[valid-type]
        "new", description="Which requests: " + ", ".join(REQUEST_STATES) + ", or all.")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000, description="`next_offset` of the previous page.")


class SimilarOut(BaseModel):
    claim_id: int
    text: str
    status: str
    similarity: float = Field(description="The matcher's score, 0 to 1.")


class RequestOut(BaseModel):
    id: int
    kind: str = Field(description="check (check a claim) or error (an error in a fact-check).")
    claim_text: str = Field(description="As the reader wrote it: text, never markup.")
    link: str = Field(description="Where the claim was made; not fetched until an editor accepts the request.")
    why: str
    email: str | None = Field(description="The requester's address, if they left one: shown to editors only.")
    email_confirmed: bool | None = Field(description="They followed the confirmation link (editors only), so they "
                                                     "are told when the claim is published.")
    email_erased: bool = Field(description="The address was erased: on the reader's request, by an editor, or "
                                           "past the newsroom's retention.")
    status: State
    reason: str = Field(description="Why it was declined ('' otherwise).")
    claim_id: int | None = Field(description="The claim made of it, or the claim it repeats.")
    decided_by: str | None
    created_at: datetime
    decided_at: datetime | None
    similar: list[SimilarOut] | None = Field(None, description="On one new request: the claims on the desk the "
                                                               "matcher finds closest (at most three).")


class RequestPage(BaseModel):
    items: list[RequestOut]
    counts: dict[str, int] = Field(description="Requests in each status, whatever the filter.")
    next_offset: int | None


class DecisionOut(BaseModel):
    request: RequestOut
    claim: ClaimOut | None = Field(description="The claim made of it (accept) or it repeats (link); null on decline.")


class LinkIn(_In):
    claim_id: Id = Field(..., description="The claim already on the desk that the request asks about.")


class DeclineIn(_In):
    reason: Text = Field(..., max_length=1000, description="Why, for the desk's record.")


def _editor() -> User:
    me = actor()
    workflow.require(me.role, ACTION)
    return me


def _out(row: PublicRequest, names: dict[int, str], *, viewer: User, similar=None) -> RequestOut:
    shown = requester_contact.present(row, viewer=viewer)   # the one rule for who sees a reader's address
    return RequestOut(id=row.id, kind=row.kind, claim_text=row.claim_text, link=row.link, why=row.why,
                      email=shown.get("email"), email_confirmed=shown.get("email_confirmed"),
                      email_erased=shown["email_erased"], status=row.state,
                      reason=row.reason, claim_id=row.claim_id,
                      decided_by=names.get(row.decided_by_id) if row.decided_by_id else None,
                      created_at=utc(row.created_at), decided_at=utc(row.decided_at),
                      similar=None if similar is None else [
                          SimilarOut(claim_id=f.claim.id, text=f.claim.text, status=f.claim.status,
                                     similarity=round(float(f.similarity), 4)) for f in similar])


def _one(row: PublicRequest, viewer: User, *, similar=None) -> RequestOut:
    return _out(row, usernames(get_session(), [row.decided_by_id]), viewer=viewer, similar=similar)


@bp.get("/requests")
@spec.validate(resp=Response(HTTP_200=RequestPage, **READ_ERRORS), tags=["requests"])
def list_requests(query: RequestQuery):
    """The Requests inbox, newest first, filtered by status, with the count in each status."""
    me = _editor()
    session = get_session()
    rows = public_requests.inbox(session, state=query.status, limit=query.limit + 1, offset=query.offset)
    names = usernames(session, (r.decided_by_id for r in rows))
    return RequestPage(items=[_out(r, names, viewer=me) for r in rows[:query.limit]],
                       counts=public_requests.counts(session),
                       next_offset=query.offset + query.limit if len(rows) > query.limit else None)


@bp.get(f"/requests/{ID}")
@spec.validate(resp=Response(HTTP_200=RequestOut, HTTP_404=ErrorOut, **READ_ERRORS), tags=["requests"])
def get_request(request_id: int):
    """One request; while it is new, with the claims on the desk that look like it."""
    me = _editor()
    session = get_session()
    row = public_requests.get(session, request_id=request_id)
    similar = public_requests.similar_claims(session, [row]).get(row.id, []) if row.state == "new" else None
    return _one(row, me, similar=similar)


def _decided(request_id: int, viewer: User) -> DecisionOut:
    session = get_session()
    row = public_requests.get(session, request_id=request_id)
    claim = session.get(Claim, row.claim_id) if row.claim_id else None
    return DecisionOut(request=_one(row, viewer), claim=one_claim(session, claim) if claim else None)


@bp.post(f"/requests/{ID}/accept")
@spec.validate(resp=Response(HTTP_201=DecisionOut, HTTP_422=ErrorOut, **WRITE_ERRORS), tags=["requests"])
@bodyless
def accept_request(request_id: int):
    """Make the request a claim in the queue (a one-claim article "Reader request #n", its link the article's);
    no body needed. A request with only a link answers 422: bring the article in, then link the request."""
    me = _editor()
    config = current_app.extensions["factcheck.settings"]
    write(lambda s: public_requests.accept(s, request_id=request_id, actor=me,
                                           threshold=newsroom.checkworthy_threshold(s),
                                           max_body_chars=config.max_body_chars))
    return _decided(request_id, me), 201


@bp.post(f"/requests/{ID}/link")
@spec.validate(resp=Response(HTTP_200=DecisionOut, **WRITE_ERRORS), tags=["requests"])
def link_request(request_id: int, json: LinkIn):
    """Mark the request as a claim already on the desk (status `duplicate`)."""
    me = _editor()
    write(lambda s: public_requests.mark_duplicate(s, request_id=request_id, claim_id=json.claim_id, actor=me))
    return _decided(request_id, me)


@bp.post(f"/requests/{ID}/decline")
@spec.validate(resp=Response(HTTP_200=DecisionOut, **WRITE_ERRORS), tags=["requests"])
def decline_request(request_id: int, json: DeclineIn):
    """Decline the request, saying why."""
    me = _editor()
    write(lambda s: public_requests.decline(s, request_id=request_id, reason=json.reason, actor=me))
    return _decided(request_id, me)
