"""The editors' Requests inbox: what readers asked, turned into claims, marked as already on the desk, or declined."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from factcheck import workflow
from factcheck.db import get_session
from factcheck.errors import Conflict, ValidationError
from factcheck.models.requests import REQUEST_KINDS, REQUEST_STATES
from factcheck.services import public_requests, requester_contact
from factcheck.services import settings as newsroom

bp = Blueprint("requests_inbox", __name__, url_prefix="/requests")


@bp.before_request
def _editors_only():
    workflow.require(current_user.role, "bring_in_article")


@bp.get("")
def index():
    session = get_session()
    state = request.args.get("state", "new")
    state = state if state in REQUEST_STATES else "new"
    rows = public_requests.inbox(session, state=state)
    similar = public_requests.similar_claims(session, rows) if state == "new" else {}
    return render_template("requests/index.html", rows=rows, state=state, similar=similar,
                           counts=public_requests.counts(session), states=REQUEST_STATES, kinds=REQUEST_KINDS)


def _done(change, message: str):
    session = get_session()
    try:
        result = change(session)
    except (ValidationError, Conflict) as exc:
        session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("requests_inbox.index")), None
    session.commit()
    flash(message, "success")
    return redirect(url_for("requests_inbox.index")), result


@bp.post("/<int:request_id>/accept")
def accept(request_id: int):
    settings = current_app.extensions["factcheck.settings"]
    response, claim = _done(lambda s: public_requests.accept(
        s, request_id=request_id, actor=current_user._get_current_object(),
        threshold=newsroom.checkworthy_threshold(s), max_body_chars=settings.max_body_chars),
        f"Request #{request_id} is a claim in the queue now.")
    return redirect(url_for("claims.detail", claim_id=claim.id)) if claim is not None else response


@bp.post("/<int:request_id>/duplicate")
def duplicate(request_id: int):
    claim_id = request.form.get("claim_id", type=int) or 0
    response, _ = _done(lambda s: public_requests.mark_duplicate(
        s, request_id=request_id, claim_id=claim_id, actor=current_user._get_current_object()),
        f"Request #{request_id} is marked as claim #{claim_id}, already on the desk.")
    return response


@bp.post("/<int:request_id>/decline")
def decline(request_id: int):
    response, _ = _done(lambda s: public_requests.decline(
        s, request_id=request_id, reason=request.form.get("reason", "")[:1000],
        actor=current_user._get_current_object()), f"Request #{request_id} is declined.")
    return response


@bp.post("/<int:request_id>/erase-email")
def erase_email(request_id: int):
    response, _ = _done(lambda s: requester_contact.erase_by_editor(
        s, request_id=request_id, actor=current_user._get_current_object()),
        f"The reader's email address is erased from request #{request_id}; the request stays.")
    return response
