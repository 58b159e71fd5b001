"""Checked before?: the claim page's and the article page's past matches, an editor's decision on one, and the
"Search past fact-checks" page. The two page sections are template globals, so the pages that show them only
include a partial."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired

from factcheck import workflow
from factcheck.db import get_session
from factcheck.errors import ValidationError
from factcheck.models import Claim
from factcheck.services import claims as claim_service
from factcheck.services import factchecks, matching, past_matches
from factcheck.web.claim_page import apply, version_of

bp = Blueprint("matches", __name__)


class MatchForm(FlaskForm):
    version = HiddenField(validators=[InputRequired()])
    match_id = HiddenField(validators=[InputRequired()])
    action = HiddenField(validators=[InputRequired()])


DONE = {"duplicate": "Dismissed as a duplicate of claim #{n}; its verdict is shown, nothing was copied.",
        "related": "Marked as related to claim #{n}.", "ignore": "Suggestion of claim #{n} ignored."}


@bp.app_template_global()
def checked_before(claim: Claim):
    """(past matches, number ignored, whether the person may act on them) for the claim page."""
    session = get_session()
    shown, ignored = past_matches.checked_before(session, claim=claim)
    return shown, ignored, workflow.can(current_user.role, "act_on_match")


@bp.app_template_global()
def checked_elsewhere(claim: Claim):
    """Other organisations' fact-checks (imported ClaimReview) close to the claim, for the claim page."""
    session = get_session()
    return factchecks.checked_elsewhere(session, text=claim.text, vector=matching.vector_of(session, claim))


@bp.app_template_global()
def article_past_matches(article_id: int):
    """(claim id -> its stored past matches, the state of the article's matching job, groups of its claims that
    repeat each other) for the article page."""
    session = get_session()
    return past_matches.article_matches(session, article_id=article_id), \
        matching.matching_state(session, article_id=article_id), past_matches.near_duplicates(session,
                                                                                           article_id=article_id)


@bp.post("/claims/<int:claim_id>/past-matches")
def decide(claim_id: int):
    claim = claim_service.get_claim(get_session(), claim_id=claim_id)
    form = MatchForm()
    if not form.validate_on_submit() or not str(form.match_id.data).isdigit() or len(form.match_id.data) > 10:
        raise ValidationError("The form is missing what you chose; reload the page.")
    match_id = int(form.match_id.data)
    failed = apply(claim, "match_form_post", form, lambda s: past_matches.decide(
        s, claim=claim, match_id=match_id, action=form.action.data, actor=current_user,
        expected_version=version_of(form)))
    if failed:
        return failed
    flash(DONE.get(form.action.data, "Done.").format(n=match_id), "success")
    return redirect(url_for("claims.detail", claim_id=claim.id) + "#checked-before")


@bp.get("/search")
def search():
    q = request.args.get("q", "")
    results, elsewhere, problem = [], [], None
    if q.strip():
        try:
            results = past_matches.search_results(get_session(), q=q)
            elsewhere = factchecks.search_elsewhere(get_session(), q=q)
        except ValidationError as exc:
            problem = exc.message
    return render_template("matching/search.html", q=q[:matching.MAX_SEARCH], results=results, elsewhere=elsewhere,
                           problem=problem, may_import=workflow.can(current_user.role, "import_factchecks")), \
        422 if problem else 200
