"""Claims: the queue, one claim, and the changes the review desk makes to it.

Every change carries the version the client last saw; a stale one answers 409 naming who changed what.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import request
from spectree import Response

from factcheck.api.core import actor, bp, spec, write
from factcheck.api.present import claim_out, latest_verdicts, one_claim
from factcheck.api.schemas import (AssignIn, ClaimOut, ClaimPage, ClaimPatch, ClaimQuery, ErrorOut, TransitionIn,
                                   VerdictIn)
from factcheck.db import get_session
from factcheck.models import Claim
from factcheck.services import claims as claim_service
from factcheck.services import queue, review
from factcheck.services import settings as newsroom

ID = "<int(min=1, max=2147483647):claim_id>"
READ_ERRORS = {"HTTP_401": ErrorOut, "HTTP_404": ErrorOut, "HTTP_503": ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, "HTTP_400": ErrorOut, "HTTP_403": ErrorOut, "HTTP_409": ErrorOut,
                "HTTP_413": ErrorOut, "HTTP_415": ErrorOut}


def end_of_day(day: date | None) -> datetime | None:
    """A due date means the end of that day in the newsroom's zone, as on the claim page."""
    return newsroom.due_moment(get_session(), day)


def load(claim_id: int) -> Claim:
    return claim_service.get_claim(get_session(), claim_id=claim_id)


@bp.get("/claims")
@spec.validate(resp=Response(HTTP_200=ClaimPage, HTTP_401=ErrorOut, HTTP_503=ErrorOut), tags=["claims"])
def list_claims(query: ClaimQuery):
    """The claim queue, filtered and sorted like the desk's queue page; pass `next_cursor` back as `cursor`."""
    session = get_session()
    page = queue.list_claims(session, filter=queue.QueueFilter.from_params(request.args), actor=actor(),
                             limit=query.limit, cursor=query.cursor or None)
    verdicts = latest_verdicts(session, (row.claim.id for row in page.items))
    items = [claim_out(row.claim, assignee=row.assignee.username if row.assignee else None,
                       verdict=verdicts.get(row.claim.id)) for row in page.items]
    return ClaimPage(items=items, next_cursor=page.next_cursor)


@bp.get(f"/claims/{ID}")
@spec.validate(resp=Response(HTTP_200=ClaimOut, **READ_ERRORS), tags=["claims"])
def get_claim(claim_id: int):
    """One claim with its assignee, due date, version and latest verdict."""
    return one_claim(get_session(), load(claim_id))


@bp.patch(f"/claims/{ID}")
@spec.validate(resp=Response(HTTP_200=ClaimOut, **WRITE_ERRORS), tags=["claims"])
def patch_claim(claim_id: int, json: ClaimPatch):
    """Reword a claim and/or set its due date (null clears it), both against one version."""
    claim = load(claim_id)

    def change(session):
        version = json.version
        if json.text is not None:
            before = claim.version
            claim_service.edit_wording(session, claim=claim, text=json.text, actor=actor(), expected_version=version)
            if claim.version != before:
                version += 1  # the wording took one version; the due date takes the next
        if "due" in json.model_fields_set:
            review.set_due(session, claim=claim, due=end_of_day(json.due), actor=actor(), expected_version=version)
        return claim

    return one_claim(get_session(), write(change))


@bp.post(f"/claims/{ID}/assign")
@spec.validate(resp=Response(HTTP_200=ClaimOut, **WRITE_ERRORS), tags=["claims"])
def assign_claim(claim_id: int, json: AssignIn):
    """Give the claim to a checker by username (or take it yourself), optionally with a due date."""
    claim = load(claim_id)

    def change(session):
        assignee = review.find_user(session, username=json.assignee)
        return review.assign(session, claim=claim, assignee=assignee, actor=actor(), expected_version=json.version,
                             due=end_of_day(json.due))

    return one_claim(get_session(), write(change))


@bp.put(f"/claims/{ID}/verdict")
@spec.validate(resp=Response(HTTP_200=ClaimOut, **WRITE_ERRORS), tags=["claims"])
def put_verdict(claim_id: int, json: VerdictIn):
    """Propose a verdict from the newsroom's rating scale, with a rationale."""
    claim = load(claim_id)
    write(lambda s: review.propose_verdict(s, claim=claim, rating=json.rating, rationale=json.rationale,
                                           claim_reviewed=json.claim_reviewed, actor=actor(),
                                           expected_version=json.version, claimant=json.claimant,
                                           claimant_kind=json.claimant_kind))
    return one_claim(get_session(), claim)


@bp.post(f"/claims/{ID}/transition")
@spec.validate(resp=Response(HTTP_200=ClaimOut, **WRITE_ERRORS), tags=["claims"])
def transition_claim(claim_id: int, json: TransitionIn):
    """Move the claim along its workflow (`to` a status); some moves need a `comment` saying why."""
    claim = load(claim_id)
    write(lambda s: review.transition(s, claim=claim, to=json.to, actor=actor(), expected_version=json.version,
                                      comment=json.comment))
    return one_claim(get_session(), claim)
