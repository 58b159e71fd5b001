"""The sources an article lists in its own "Sources" section: attach a link to each (it is archived like any
cited page) on the article's page, and cite one as evidence from the page of any claim of that article."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from factcheck import workflow
from factcheck.db import get_session
from factcheck.errors import NotFound, ValidationError
from factcheck.models import Article, Source
from factcheck.services import claims as claim_service
from factcheck.services import sources
from factcheck.web.claim_page import apply
from factcheck.web.forms import STANCE_CHOICES

bp = Blueprint("listed", __name__)


class LinkForm(FlaskForm):
    url = StringField("Link", validators=[DataRequired(message="Give the source's web address."), Length(max=2048)],
                      render_kw={"inputmode": "url", "placeholder": "https://"})
    submit = SubmitField("Attach link")


class CiteForm(FlaskForm):
    stance = SelectField("Stance", choices=STANCE_CHOICES, default="", validate_choice=False)
    submit = SubmitField("Cite for this claim")


def _listed(article_id: int, listed_id: int) -> Source:
    source = get_session().get(Source, listed_id)
    if source is None or source.article_id != article_id or source.claim_id is not None:
        raise NotFound(f"Article #{article_id} lists no source #{listed_id}.")
    return source


@bp.post("/articles/<int:article_id>/sources/<int:listed_id>/link")
def link(article_id: int, listed_id: int):
    session = get_session()
    if session.get(Article, article_id) is None:
        raise NotFound(f"There is no article #{article_id}.")
    source = _listed(article_id, listed_id)
    form = LinkForm()
    if form.validate_on_submit():
        try:
            sources.link_listed_source(session, source=source, url=form.url.data, actor=current_user)
        except ValidationError as exc:
            session.rollback()
            form.url.errors = [*form.url.errors, exc.fields.get("url", exc.message)]
        else:
            session.commit()
            flash(f"Link attached to “{source.title}”; its archive copy is being made.", "success")
            return redirect(url_for("articles.detail", article_id=article_id) + "#sources-heading")
    for message in form.url.errors:
        flash(f"“{source.title}”: {message}", "danger")
    return redirect(url_for("articles.detail", article_id=article_id) + "#sources-heading")


@bp.post("/claims/<int:claim_id>/listed/<int:listed_id>/cite")
def cite(claim_id: int, listed_id: int):
    session = get_session()
    claim = claim_service.get_claim(session, claim_id=claim_id)
    source = _listed(claim.article_id, listed_id)
    form = CiteForm()
    if not form.validate_on_submit():
        flash("The form expired; try again.", "danger")
        return redirect(url_for("claims.detail", claim_id=claim.id) + "#listed-heading")
    failed = apply(claim, "cite_form", form, lambda s: sources.cite_listed_source(
        s, claim=claim, source=source, actor=current_user, stance=form.stance.data or None))
    if failed:
        return failed
    flash(f"“{source.title}” is cited for claim #{claim.id}; its archive copy is being made.", "success")
    return redirect(url_for("claims.detail", claim_id=claim.id) + "#sources")


def may(action: str) -> bool:
    """For templates outside a claim: may the signed-in person take this (claim-independent) action?"""
    return workflow.can(current_user.role, action)


def init_app(app) -> None:
    app.jinja_env.globals.update(LinkForm=LinkForm, CiteForm=CiteForm, may=may)
