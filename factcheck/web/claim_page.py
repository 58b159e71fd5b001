"""The claim page, assembled once for every action that re-shows it (with the user's input kept)."""
from __future__ import annotations

from flask import flash, render_template
from flask_login import current_user
from sqlmodel import select
from wtforms import SelectChoice

from factcheck import workflow
from factcheck.db import get_session
from factcheck.errors import Conflict, ValidationError
from factcheck.models import Article, Claim, User
from factcheck.models.articles import ClaimStatus as S
from factcheck.services import claims as claim_service
from factcheck.services import claim_views, history, review
from factcheck.services import settings as newsroom
from factcheck.services import sources
from factcheck.services import timestamps
from factcheck.web.forms import (AssignForm, CommentForm, DueForm, MergeForm, SourceForm, SplitForm, StatusForm,
                                 VerdictForm, WordingForm)
from factcheck.web.history_view import history_lines

MOVE_LABELS = {
    (S.candidate, S.new): "Promote to claim",
    (S.dismissed, S.new): "Restore as new claim",
    (S.candidate, S.dismissed): "Dismiss",
    (S.new, S.dismissed): "Dismiss",
    (S.new, S.in_progress): "Take this claim",
    (S.in_progress, S.new): "Hand back to the queue",
    (S.in_progress, S.in_review): "Submit for review",
    (S.in_review, S.in_progress): "Send back to the checker",
    (S.in_review, S.published): "Publish",
    (S.published, S.in_progress): "Reopen for a correction",
}


def _next_sentence(session, claim: Claim) -> Claim | None:
    return session.exec(select(Claim).where(Claim.article_id == claim.article_id, Claim.start >= claim.end,
                                            Claim.merged_into_id.is_(None))
                        .order_by(Claim.start).limit(1)).first()


def _context(article: Article, claim: Claim) -> tuple[str, str, str]:
    para_start = article.body.rfind("\n\n", 0, claim.start) + 1
    para_end = article.body.find("\n\n", claim.end)
    para_end = len(article.body) if para_end == -1 else para_end
    return (article.body[para_start:claim.start].lstrip(), article.body[claim.start:claim.end],
            article.body[claim.end:para_end].rstrip())


def checkers(session) -> list[User]:
    return list(session.exec(select(User).where(User.active).order_by(User.role != "checker", User.username)).all())


def render_claim(claim: Claim, *, status: int = 200, **forms):
    session = get_session()
    article = session.get(Article, claim.article_id)
    following = _next_sentence(session, claim)
    ctx = review.ctx(claim, current_user)
    version = {"version": claim.version}
    view = claim_views.desk_view(session, claim=claim, article=article)
    verdict = view.verdict
    people = checkers(session)
    forms.setdefault("wording", WordingForm(formdata=None, data={**version, "text": claim.text}))
    forms.setdefault("split", SplitForm(formdata=None, data=version))
    forms.setdefault("status_form", StatusForm(formdata=None, data=version))
    assign = forms.setdefault("assign", AssignForm(formdata=None, data={
        **version, "assignee": str(claim.assignee_id or ""), "due": newsroom.due_day(session, claim.due_at)}))
    assign.assignee.choices = [("", "—")] + [(str(u.id), f"{u.label} ({u.role})") for u in people]
    forms.setdefault("due_form", DueForm(formdata=None, data={**version, "due": newsroom.due_day(session, claim.due_at)}))
    zone_note = f"The end of that day (23:59), {newsroom.time_zone(session)} time."
    assign.due.description = zone_note
    forms["due_form"].due.description = "Leave empty to clear. " + zone_note
    forms.setdefault("source_form", SourceForm(formdata=None))
    verdict_form = forms.setdefault("verdict_form", VerdictForm(formdata=None, data={
        **version, "rating": verdict.rating if verdict else "", "rationale": verdict.rationale if verdict else "",
        "claim_reviewed": verdict.claim_reviewed if verdict else claim.text,
        "claimant": claim.claimant, "claimant_kind": claim.claimant_kind or "person"}))
    verdict_form.rating.choices = [SelectChoice("", "Choose a rating…")] + [
        SelectChoice(label, label) for label in newsroom.rating_labels(session)]
    forms.setdefault("comment_form", CommentForm(formdata=None))
    if following is not None:
        forms.setdefault("merge", MergeForm(formdata=None, data={**version, "other_id": following.id,
                                                                 "other_version": following.version}))
    moves = []
    for (old, to), action in workflow.TRANSITIONS.items():
        if old == claim.status and workflow.can(current_user.role, action, ctx):
            moves.append({"to": to.value, "label": MOVE_LABELS[(old, to)],
                          "needs": workflow.REASON_REQUIRED.get((old, to))})
    moves.sort(key=lambda m: m["needs"] is not None)  # the moves that need nothing first, then each with its box
    people_by_id = {u.id: u for u in people}
    return render_template(
        "claims/detail.html", claim=claim, article=article, context=_context(article, claim), following=following,
        history=history_lines(history.for_claim(session, claim_id=claim.id), people=list(session.exec(select(User)))),
        comments=review.comments(session, claim_id=claim.id),
        verdict=verdict, verdict_by=view.checker, sources=[sv.source for sv in view.sources],
        captures={sv.source.id: sv.capture for sv in view.sources if sv.capture is not None},
        stamps=timestamps.for_captures(session, [sv.capture.id for sv in view.sources if sv.capture is not None]),
        assignee=session.get(User, claim.assignee_id) if claim.assignee_id else None, people_by_id=people_by_id,
        can=lambda action: workflow.can(current_user.role, action, ctx), moves=moves,
        editable=claim.status in workflow.EDITABLE_STATUSES and claim.merged_into_id is None,
        sources_open=claim.status in (S.new, S.in_progress), signoff=newsroom.signoff_rules(session),
        listed=sources.listed_sources(session, article_id=claim.article_id),
        unarchived=[sv.source for sv in view.sources if sv.capture is None or sv.capture.state != "done"],
        **forms,
    ), status


def version_of(form) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        raise ValidationError("The form is missing the version you saw; reload the page.") from None


def apply(claim: Claim, form_name: str, form, action):
    """Run one service call and commit; on a conflict or bad input re-show the page with the input kept."""
    session = get_session()
    try:
        action(session)
    except Conflict as exc:
        session.rollback()
        flash(exc.message, "warning")
        fresh = claim_service.get_claim(session, claim_id=claim.id)
        if hasattr(form, "version") and form_name != "source_form":
            form.version.data = fresh.version  # resubmitting applies the kept input on the current version
        return render_claim(fresh, status=409, **{form_name: form})
    except ValidationError as exc:
        session.rollback()
        flash(exc.message, "danger")
        for name, message in exc.fields.items():
            field = getattr(form, name, None)
            if field is not None and hasattr(field, "errors") and isinstance(field.errors, list):
                field.errors.append(message)
        return render_claim(claim_service.get_claim(session, claim_id=claim.id), status=422, **{form_name: form})
    session.commit()
    return None
