"""Review actions on the claim page: status moves, assignment, due dates, sources, verdict, comments.

Each view parses one form, calls one service, commits, and redirects (POST/redirect/GET); on a
conflict or bad input the claim page is shown again with the user's input kept.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user

from factcheck.db import get_session
from factcheck.errors import ValidationError
from factcheck.models import User
from factcheck.services import claims as claim_service
from factcheck.services import review, sources
from factcheck.services import settings as newsroom
from factcheck.web.claim_page import apply, checkers, render_claim, version_of
from factcheck.web.converters import parse_id
from factcheck.web.forms import AssignForm, CommentForm, DueForm, SourceForm, StatusForm, VerdictForm

bp = Blueprint("review", __name__, url_prefix="/claims")

DONE = {
    "new": "is in the queue as a new claim", "dismissed": "is dismissed", "in_progress": "is in progress",
    "in_review": "is submitted for review", "published": "is published",
}


def _what_happened(claim, old: str, to: str) -> str:
    """The confirmation of a move, saying what happened and to whom, in the newsroom's words."""
    checker = get_session().get(User, claim.assignee_id) if claim.assignee_id else None
    name = checker.label if checker else "the checker"
    said = {
        ("candidate", "new"): f"Sentence #{claim.id} is now a claim in the queue.",
        ("dismissed", "new"): f"Claim #{claim.id} is restored to the queue as a new claim.",
        ("new", "dismissed"): f"Claim #{claim.id} is dismissed; your reason is kept in its history.",
        ("candidate", "dismissed"): f"Sentence #{claim.id} is dismissed; your reason is kept in its history.",
        ("new", "in_progress"): f"You took claim #{claim.id}; it is in My work.",
        ("in_progress", "new"): f"Claim #{claim.id} is back in the queue for someone else to take.",
        ("in_progress", "in_review"): f"Claim #{claim.id} is submitted for review; an editor signs it off next.",
        ("in_review", "in_progress"): f"Sent back to {name} with your comment.",
        ("in_review", "published"): f"Claim #{claim.id} is published; reports and ClaimReview now carry it.",
        ("published", "in_progress"): f"Claim #{claim.id} is reopened for {name}; your correction note is kept "
                                      "and shown in reports.",
    }
    return said.get((old, to)) or f"Claim #{claim.id} {DONE.get(to, 'is now ' + to.replace('_', ' '))}."


def end_of_day(d: date | None) -> datetime | None:
    """A due date means the end of that day in the newsroom's zone."""
    return newsroom.due_moment(get_session(), d)


def _back(claim_id: int, anchor: str = ""):
    return redirect(url_for("claims.detail", claim_id=claim_id) + (f"#{anchor}" if anchor else ""))


def _claim(claim_id: int):
    return claim_service.get_claim(get_session(), claim_id=claim_id)


def _claim_source(claim_id: int, source_id: int):
    claim = _claim(claim_id)
    source = review.get_source(get_session(), source_id=source_id)
    if source.claim_id != claim.id:
        raise ValidationError("That source belongs to another claim.")
    return claim, source


@bp.post("/<int:claim_id>/status")
def transition(claim_id: int):
    claim = _claim(claim_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return render_claim(claim, status=422, status_form=form)
    to, old = form.to.data, claim.status
    failed = apply(claim, "status_form", form, lambda s: review.transition(
        s, claim=claim, to=to, actor=current_user, expected_version=version_of(form), comment=form.reason.data or "",
        confirm_unarchived=bool(form.confirm_unarchived.data)))
    if failed:
        return failed
    flash(_what_happened(claim, old, to), "success")
    return _back(claim.id)


@bp.post("/<int:claim_id>/assign")
def assign(claim_id: int):
    session = get_session()
    claim = _claim(claim_id)
    form = AssignForm()
    form.assignee.choices = [(str(u.id), u.username) for u in checkers(session)]
    if not form.validate_on_submit():
        return render_claim(claim, status=422, assign=form)
    assignee_id = parse_id(form.assignee.data)
    assignee = session.get(User, assignee_id) if assignee_id is not None else None
    if assignee is None:
        form.assignee.errors.append("Choose who checks this claim.")
        return render_claim(claim, status=422, assign=form)
    failed = apply(claim, "assign", form, lambda s: review.assign(
        s, claim=claim, assignee=assignee, actor=current_user, expected_version=version_of(form),
        due=end_of_day(form.due.data)))
    if failed:
        return failed
    flash(f"Claim #{claim.id} is assigned to {assignee.label}.", "success")
    return _back(claim.id)


@bp.post("/<int:claim_id>/due")
def due(claim_id: int):
    claim = _claim(claim_id)
    form = DueForm()
    if not form.validate_on_submit():
        return render_claim(claim, status=422, due_form=form)
    failed = apply(claim, "due_form", form, lambda s: review.set_due(
        s, claim=claim, due=end_of_day(form.due.data), actor=current_user, expected_version=version_of(form)))
    if failed:
        return failed
    flash("Due date saved." if form.due.data else "Due date cleared.", "success")
    return _back(claim.id)


@bp.post("/<int:claim_id>/sources")
def add_source(claim_id: int):
    claim = _claim(claim_id)
    form = SourceForm()
    if not form.validate_on_submit():
        return render_claim(claim, status=422, source_form=form)
    failed = apply(claim, "source_form", form, lambda s: sources.add_source(
        s, claim=claim, url=form.url.data, title=form.title.data or "", stance=form.stance.data or None,
        note=form.note.data or "", actor=current_user))
    if failed:
        return failed
    if get_session().info.pop("jobs_delayed", False):
        flash("Source added. The archiver cannot be reached right now, so its capture is delayed; it will "
              "start automatically when the archiver is back. Nothing was lost.", "warning")
    else:
        flash("Source added. Its archive copy is being made; the badge beside it shows how that goes.", "success")
    return _back(claim.id, "sources")


@bp.post("/<int:claim_id>/sources/<int:source_id>")
def edit_source(claim_id: int, source_id: int):
    claim, source = _claim_source(claim_id, source_id)
    form = SourceForm()
    if not form.validate_on_submit():
        return render_claim(claim, status=422, source_form=form)
    failed = apply(claim, "source_form", form, lambda s: sources.update_source(
        s, source=source, claim=claim, actor=current_user, expected_version=version_of(form), url=form.url.data,
        title=form.title.data or "", stance=form.stance.data or None, note=form.note.data or ""))
    if failed:
        return failed
    flash(f"Source #{source.id} saved.", "success")
    return _back(claim.id, "sources")


@bp.post("/<int:claim_id>/sources/<int:source_id>/remove")
def remove_source(claim_id: int, source_id: int):
    claim, source = _claim_source(claim_id, source_id)
    form = SourceForm()
    form.url.data = source.url  # only the version matters for removal
    failed = apply(claim, "source_form", form, lambda s: sources.remove_source(
        s, source=source, claim=claim, actor=current_user, expected_version=version_of(form)))
    if failed:
        return failed
    flash(f"Source #{source.id} removed; the history keeps its address.", "success")
    return _back(claim.id, "sources")


@bp.post("/<int:claim_id>/sources/<int:source_id>/retry")
def retry_capture(claim_id: int, source_id: int):
    claim, source = _claim_source(claim_id, source_id)
    form = SourceForm()
    form.url.data = source.url
    failed = apply(claim, "source_form", form, lambda s: sources.retry_capture(s, source=source, claim=claim,
                                                                               actor=current_user))
    if failed:
        return failed
    flash(f"Archiving {source.url} again; the failed attempt stays in the history.", "success")
    return _back(claim.id, "sources")


@bp.post("/<int:claim_id>/verdict")
def verdict(claim_id: int):
    claim = _claim(claim_id)
    form = VerdictForm()
    if not form.validate_on_submit():
        return render_claim(claim, status=422, verdict_form=form)
    failed = apply(claim, "verdict_form", form, lambda s: review.propose_verdict(
        s, claim=claim, rating=form.rating.data or "", rationale=form.rationale.data,
        claim_reviewed=form.claim_reviewed.data or "", actor=current_user, expected_version=version_of(form),
        claimant=form.claimant.data or "", claimant_kind=form.claimant_kind.data or ""))
    if failed:
        return failed
    flash("Verdict saved. Submit the claim for review when the sources are in.", "success")
    return _back(claim.id, "verdict")


@bp.post("/<int:claim_id>/comments")
def comment(claim_id: int):
    claim = _claim(claim_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return render_claim(claim, status=422, comment_form=form)
    failed = apply(claim, "comment_form", form, lambda s: review.add_comment(
        s, claim=claim, body=form.body.data, actor=current_user))
    if failed:
        return failed
    flash("Comment added.", "success")
    return _back(claim.id, "comments")
