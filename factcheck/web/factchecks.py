"""Other organisations' fact-checks: the "Import fact-checks" page (a ClaimReview file, or an address fetched by the
safe fetcher) with the list of those imported, for editors and admins; and the admin page of ClaimReview feeds."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from factcheck import workflow
from factcheck.db import get_session
from factcheck.errors import ValidationError
from factcheck.services import factchecks, feeds

bp = Blueprint("factchecks", __name__)
PER_PAGE = 50


class FileImportForm(FlaskForm):
    file = FileField("ClaimReview file", validators=[FileRequired(message="Choose a file to import.")],
                     description="JSON-LD (a ClaimReview, a list of them or an @graph), or the JSON of a Fact Check "
                                 "Tools claims:search answer.",
                     render_kw={"accept": ".json,.jsonld,application/json,application/ld+json"})
    submit = SubmitField("Import the file")


class UrlImportForm(FlaskForm):
    url = StringField("Address", validators=[InputRequired(message="Give the address of a page or a feed."),
                                             Length(max=feeds.MAX_URL)],
                      description="A fact-check's page (its JSON-LD, microdata or RDFa is read) or an address "
                                  "that serves ClaimReview JSON. Fetched under the archiver's rules: private and "
                                  "local addresses are refused.",
                      render_kw={"inputmode": "url", "autocomplete": "off", "placeholder": "https://"})
    submit = SubmitField("Import from the address")


class FeedForm(FlaskForm):
    url = StringField("Feed address", validators=[InputRequired(message="Give the feed's address."),
                                                  Length(max=feeds.MAX_URL)],
                      description="An address that serves ClaimReview: JSON, or a page with ClaimReview in its "
                                  "structured data.", render_kw={"inputmode": "url", "autocomplete": "off"})
    every_minutes = IntegerField("Read every (minutes)", default=60,
                                 validators=[Optional(), NumberRange(min=feeds.MIN_MINUTES, max=feeds.MAX_MINUTES)],
                                 description=f"At least {feeds.MIN_MINUTES}; a feed that fails waits longer each "
                                             "time, up to a day.")
    submit = SubmitField("Add feed")


def _actor():
    return current_user._get_current_object()


def _policy():
    return current_app.extensions["factcheck.settings"].fetch_policy


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


def _index(file_form=None, url_form=None, status: int = 200, problem: str | None = None):
    page = _page_number()
    rows, total = factchecks.listing(get_session(), page=page, per_page=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    return render_template("factchecks/index.html", rows=rows, total=total, page=min(page, pages), pages=pages,
                           file_form=file_form or FileImportForm(), url_form=url_form or UrlImportForm(),
                           problem=problem, may_manage_feeds=workflow.can(current_user.role, "manage_feeds")), status


@bp.before_request
def _who_may():
    if request.endpoint and request.endpoint.startswith("factchecks.feed"):
        workflow.require(current_user.role, "manage_feeds")
    else:
        workflow.require(current_user.role, "import_factchecks")


def _done(added: int, known: int, where: str) -> None:
    flash(f"{added} fact-check{'' if added == 1 else 's'} imported, {known} already here ({where}).", "success")


@bp.get("/factchecks")
def index():
    return _index()


@bp.post("/factchecks/import-file")
def import_file():
    form = FileImportForm()
    if not form.validate_on_submit():
        return _index(file_form=form, status=422)
    session = get_session()
    try:
        added, known = factchecks.import_file(session, data=form.file.data.read(factchecks.MAX_BYTES + 1),
                                              actor=_actor())
    except ValidationError as exc:
        session.rollback()
        form.file.errors.append(exc.message)
        return _index(file_form=form, status=422, problem=exc.message)
    session.commit()
    _done(added, known, "from the file")
    return redirect(url_for("factchecks.index"))


@bp.post("/factchecks/import-url")
def import_url():
    form = UrlImportForm()
    if not form.validate_on_submit():
        return _index(url_form=form, status=422)
    session = get_session()
    try:
        added, known = factchecks.import_url(session, url=form.url.data, policy=_policy(), actor=_actor())
    except ValidationError as exc:
        session.rollback()
        form.url.errors.append(exc.message)
        return _index(url_form=form, status=422, problem=exc.message)
    session.commit()
    _done(added, known, "from the address")
    return redirect(url_for("factchecks.index"))


# --- feeds (admins) ---------------------------------------------------------------------------------------------

def _feeds(form=None, status: int = 200):
    return render_template("admin/feeds.html", rows=feeds.listing(get_session()), form=form or FeedForm(),
                           min_minutes=feeds.MIN_MINUTES), status


@bp.get("/admin/feeds")
def feeds_page():
    return _feeds()


@bp.post("/admin/feeds")
def feed_create():
    form = FeedForm()
    if not form.validate_on_submit():
        return _feeds(form, 422)
    session = get_session()
    try:
        feed = feeds.create(session, url=form.url.data or "", every_minutes=form.every_minutes.data, actor=_actor(),
                            policy=_policy())
    except ValidationError as exc:
        session.rollback()
        for name, message in (exc.fields or {"url": exc.message}).items():
            getattr(form, name, form.url).errors.append(message)
        return _feeds(form, 422)
    session.commit()
    flash(f"Feed #{feed.id} added; it is read at the next run of the feed job (every few minutes), or now with "
          "“Read now”.", "success")
    return redirect(url_for("factchecks.feeds_page"))


@bp.post("/admin/feeds/<int:feed_id>/read")
def feed_read(feed_id: int):
    session = get_session()
    feeds.get(session, feed_id=feed_id)
    feed = feeds.read_feed(session, feed_id=feed_id, policy=_policy(), force=True)
    if feed is None:
        flash(f"Feed #{feed_id} is switched off or being read right now; nothing was read.", "warning")
    elif feed.last_outcome == "failed":
        flash(f"Feed #{feed_id} could not be read: {feed.last_error}", "danger")
    elif feed.last_outcome == "not_modified":
        flash(f"Feed #{feed_id} has not changed since it was last read.", "success")
    else:
        flash(f"Feed #{feed_id} read: {feed.last_added} fact-check{'' if feed.last_added == 1 else 's'} imported, "
              f"{feed.last_known} already here.", "success")
    return redirect(url_for("factchecks.feeds_page"))


@bp.post("/admin/feeds/<int:feed_id>/active")
def feed_active(feed_id: int):
    session = get_session()
    feed = feeds.set_active(session, feed_id=feed_id, active=request.form.get("active") == "1", actor=_actor())
    session.commit()
    flash(f"Feed #{feed.id} is {'on' if feed.active else 'off'}.", "success")
    return redirect(url_for("factchecks.feeds_page"))


@bp.post("/admin/feeds/<int:feed_id>/remove")
def feed_remove(feed_id: int):
    session = get_session()
    url = feeds.remove(session, feed_id=feed_id, actor=_actor())
    session.commit()
    flash(f"Feed {url} removed; the fact-checks it brought in stay.", "success")
    return redirect(url_for("factchecks.feeds_page"))
