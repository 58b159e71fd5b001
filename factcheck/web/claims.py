"""The claim page and the editor's shaping actions (promote, dismiss, restore, reword, split, merge)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlmodel import select

from factcheck import workflow
from factcheck.db import get_session
from factcheck.errors import Conflict, ValidationError
from factcheck.models import Article, Claim
from factcheck.services import claims as claim_service
from factcheck.services import history
from factcheck.web.forms import MergeForm, SplitForm, StatusForm, WordingForm

bp = Blueprint("claims", __name__, url_prefix="/claims")


def _next_sentence(session, claim: Claim) -> Claim | None:
    return session.exec(select(Claim).where(Claim.article_id == claim.article_id, Claim.start >= claim.end,
                                            Claim.merged_into_id.is_(None))
                        .order_by(Claim.start).limit(1)).first()


def _page(claim: Claim, *, status: int = 200, **forms):
    session = get_session()
    article = session.get(Article, claim.article_id)
    following = _next_sentence(session, claim)
    version = {"version": claim.version}
    forms.setdefault("wording", WordingForm(formdata=None, data={**version, "text": claim.text}))
    forms.setdefault("split", SplitForm(formdata=None, data=version))
    forms.setdefault("status_form", StatusForm(formdata=None, data=version))
    if following is not None:
        forms.setdefault("merge", MergeForm(formdata=None, data={**version, "other_id": following.id,
                                                                 "other_version": following.version}))
    para_start = article.body.rfind("\n\n", 0, claim.start) + 1
    para_end = article.body.find("\n\n", claim.end)
    para_end = len(article.body) if para_end == -1 else para_end
    context = (article.body[para_start:claim.start].lstrip(), article.body[claim.start:claim.end],
               article.body[claim.end:para_end].rstrip())
    return render_template(
        "claims/detail.html", claim=claim, article=article, context=context, following=following,
        events=history.for_claim(session, claim_id=claim.id), can_edit=workflow.can(current_user.role, "edit_wording"),
        moves=[to for (old, to) in workflow.TRANSITIONS if old == claim.status
               and workflow.can(current_user.role, workflow.TRANSITIONS[(old, to)])],
        editable=claim.status in workflow.EDITABLE_STATUSES and claim.merged_into_id is None,
        reason_required={to for (old, to) in workflow.REASON_REQUIRED if old == claim.status},
        **forms,
    ), status


def _version(form) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        raise ValidationError("The form is missing the claim's version; reload the page.") from None


def _apply(claim: Claim, form_name: str, form, action):
    """Run one service call; on a conflict or bad input re-show the page with the user's input kept."""
    session = get_session()
    try:
        action(session)
    except Conflict as exc:
        session.rollback()
        flash(exc.message, "warning")
        fresh = claim_service.get_claim(session, claim_id=claim.id)
        form.version.data = fresh.version  # resubmitting now applies the kept input on the current version
        return _page(fresh, status=409, **{form_name: form})
    except ValidationError as exc:
        session.rollback()
        flash(exc.message, "danger")
        return _page(claim_service.get_claim(session, claim_id=claim.id), status=422, **{form_name: form})
    session.commit()
    return None


@bp.get("/<int:claim_id>")
def detail(claim_id: int):
    return _page(claim_service.get_claim(get_session(), claim_id=claim_id))


@bp.post("/<int:claim_id>/status")
def change_status(claim_id: int):
    claim = claim_service.get_claim(get_session(), claim_id=claim_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _page(claim, status=422, status_form=form)
    to = form.to.data
    failed = _apply(claim, "status_form", form, lambda s: claim_service.change_status(
        s, claim=claim, to=to, actor=current_user, expected_version=_version(form), reason=form.reason.data or ""))
    if failed:
        return failed
    flash(f"Claim #{claim.id} is now {to.replace('_', ' ')}.", "success")
    return redirect(url_for("claims.detail", claim_id=claim.id))


@bp.post("/<int:claim_id>/wording")
def wording(claim_id: int):
    claim = claim_service.get_claim(get_session(), claim_id=claim_id)
    form = WordingForm()
    if not form.validate_on_submit():
        return _page(claim, status=422, wording=form)
    failed = _apply(claim, "wording", form, lambda s: claim_service.edit_wording(
        s, claim=claim, text=form.text.data, actor=current_user, expected_version=_version(form)))
    if failed:
        return failed
    flash("Wording saved; the original sentence is kept.", "success")
    return redirect(url_for("claims.detail", claim_id=claim.id))


@bp.post("/<int:claim_id>/split")
def split(claim_id: int):
    claim = claim_service.get_claim(get_session(), claim_id=claim_id)
    form = SplitForm()
    if not form.validate_on_submit():
        return _page(claim, status=422, split=form)
    at = claim.text.find(form.second_part.data.strip(), 1)
    if at <= 0:
        form.second_part.errors.append("Those words do not appear inside the claim; copy them exactly.")
        return _page(claim, status=422, split=form)
    result = {}
    failed = _apply(claim, "split", form, lambda s: result.update(parts=claim_service.split(
        s, claim=claim, at=at, actor=current_user, expected_version=_version(form))))
    if failed:
        return failed
    flash(f"Split into claims #{result['parts'][0].id} and #{result['parts'][1].id}.", "success")
    return redirect(url_for("articles.detail", article_id=claim.article_id))


@bp.post("/<int:claim_id>/merge")
def merge(claim_id: int):
    session = get_session()
    claim = claim_service.get_claim(session, claim_id=claim_id)
    form = MergeForm()
    if not form.validate_on_submit():
        return _page(claim, status=422, merge=form)
    try:
        other = claim_service.get_claim(session, claim_id=int(form.other_id.data))
        other_version = int(form.other_version.data)
    except ValueError:
        raise ValidationError("The merge form is malformed; reload the page.") from None
    failed = _apply(claim, "merge", form, lambda s: claim_service.merge(
        s, first=claim, second=other, actor=current_user, first_version=_version(form), second_version=other_version))
    if failed:
        return failed
    flash(f"Merged claim #{other.id} into claim #{claim.id}.", "success")
    return redirect(url_for("claims.detail", claim_id=claim.id))
