"""The claim page and the editor's shaping actions (reword, split, merge)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user

from factcheck.db import get_session
from factcheck.errors import ValidationError
from factcheck.services import claims as claim_service
from factcheck.web.claim_page import apply, render_claim, version_of
from factcheck.web.forms import MergeForm, SplitForm, WordingForm

bp = Blueprint("claims", __name__, url_prefix="/claims")


@bp.get("/<int:claim_id>")
def detail(claim_id: int):
    return render_claim(claim_service.get_claim(get_session(), claim_id=claim_id))


@bp.post("/<int:claim_id>/wording")
def wording(claim_id: int):
    claim = claim_service.get_claim(get_session(), claim_id=claim_id)
    form = WordingForm()
    if not form.validate_on_submit():
        return render_claim(claim, status=422, wording=form)
    failed = apply(claim, "wording", form, lambda s: claim_service.edit_wording(
        s, claim=claim, text=form.text.data, actor=current_user, expected_version=version_of(form)))
    if failed:
        return failed
    flash("Wording saved; the original sentence is kept.", "success")
    return redirect(url_for("claims.detail", claim_id=claim.id))


@bp.post("/<int:claim_id>/split")
def split(claim_id: int):
    claim = claim_service.get_claim(get_session(), claim_id=claim_id)
    form = SplitForm()
    if not form.validate_on_submit():
        return render_claim(claim, status=422, split=form)
    at = claim.text.find(form.second_part.data.strip(), 1)
    if at <= 0:
        form.second_part.errors.append("Those words do not appear inside the claim; copy them exactly.")
        return render_claim(claim, status=422, split=form)
    result = {}
    failed = apply(claim, "split", form, lambda s: result.update(parts=claim_service.split(
        s, claim=claim, at=at, actor=current_user, expected_version=version_of(form))))
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
        return render_claim(claim, status=422, merge=form)
    try:
        other = claim_service.get_claim(session, claim_id=int(form.other_id.data))
        other_version = int(form.other_version.data)
    except ValueError:
        raise ValidationError("The merge form is malformed; reload the page.") from None
    failed = apply(claim, "merge", form, lambda s: claim_service.merge(
        s, first=claim, second=other, actor=current_user, first_version=version_of(form),
        second_version=other_version))
    if failed:
        return failed
    flash(f"Merged claim #{other.id} into claim #{claim.id}.", "success")
    return redirect(url_for("claims.detail", claim_id=claim.id))
