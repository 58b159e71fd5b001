"""Article intake (paste, upload, structure review) and the article page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import func, select

from factcheck import workflow
from factcheck.db import get_session
from factcheck.errors import NotFound, ValidationError
from factcheck.models import Article, Claim, ClaimStatus
from factcheck.services import article_list, intake, sources as evidence
from factcheck.services import settings as newsroom
from factcheck.services.claims import article_claims
from factcheck.services.duplicates import likely_duplicates
from factcheck.text.container import ContainerLimits
from factcheck.text.decode import IntakeError, read_upload
from factcheck.text.structure import byline_name, detect_structure, plain_structure, site_of
from factcheck.http import settings
from factcheck.text.furniture import furniture_kind
from factcheck.text.language import LANGUAGES, detect_language
from factcheck.web.forms import ImportUrlForm, LanguageForm, PageForm, PasteForm, ReviewForm
from factcheck.web.intake_forms import UploadWithEncodingForm as UploadForm, bidi_warnings
from factcheck.web.highlight import paragraphs_with_claims

bp = Blueprint("articles", __name__, url_prefix="/articles")
PER_PAGE = 25


@bp.get("/")
def index():
    session = get_session()
    page = min(max(PageForm(request.args).page.data or 1, 1), 1_000_000)  # a page past the last is just empty
    try:
        flt = article_list.ArticleFilter.from_params(request.args)
    except ValidationError as exc:
        flash(f"{exc.message} Showing every article instead.", "warning")
        flt = article_list.ArticleFilter()
    articles, total = article_list.list_articles(session, filter=flt, page=page, per_page=PER_PAGE)
    outlets, people = article_list.filter_choices(session)
    counts = {}
    if articles:
        rows = session.exec(select(Claim.article_id, Claim.status, func.count())
                            .where(Claim.article_id.in_([a.id for a in articles]))
                            .group_by(Claim.article_id, Claim.status)).all()
        for article_id, status, n in rows:
            counts.setdefault(article_id, {})[status] = n
    return render_template("articles/index.html", articles=articles, counts=counts, page=page,
                           pages=max(1, -(-total // PER_PAGE)), total=total, flt=flt, params=flt.to_params(),
                           outlets=outlets, people=people, evidence_choices=article_list.EVIDENCE,
                           can_add=workflow.can(current_user.role, "bring_in_article"))


@bp.get("/new")
def new():
    workflow.require(current_user.role, "bring_in_article")
    return _new_page()


def _new_page(*, paste=None, upload=None, fetch_form=None, status: int = 200):
    return render_template("articles/new.html", paste=paste or PasteForm(formdata=None),
                           upload=upload or UploadForm(prefix="upload", formdata=None),
                           fetch_form=fetch_form or ImportUrlForm(prefix="import", formdata=None)), status


def _review(structure, *, url: str = "", byline: str = "", title: str = "", published_on=None, reading=None,
            outlet: str = "", given_by: str = "what you typed"):
    form = ReviewForm(formdata=None, data={
        "title": title or structure.title,
        "url": url,
        "byline": byline_name(byline or structure.byline),
        "outlet": outlet or site_of(url),
        "published_on": published_on,
        "body": structure.body,
        "sources": "\n".join(structure.sources),
        "boilerplate": "\n".join(structure.boilerplate),
        "language": detect_language(structure.body).code,
    })
    bidi = bidi_warnings(Headline=form.title.data, Byline=form.byline.data, Body=form.body.data,
                         Sources=form.sources.data)
    duplicates = likely_duplicates(get_session(), url=form.url.data or "", body=structure.body)
    return render_template("articles/review.html", form=form, structure=structure, reading=reading, bidi=bidi,
                           given_by=given_by, duplicates=duplicates)


@bp.post("/new")
def paste():
    workflow.require(current_user.role, "bring_in_article")
    form = PasteForm()
    if not form.validate_on_submit():
        return _new_page(paste=form, status=422)
    raw = intake.clean_text(form.body.data)
    if len(raw) > settings().max_body_chars * 2:
        form.body.errors.append(f"The text is {len(raw):,} characters; the limit is {settings().max_body_chars:,}.")
        return _new_page(paste=form, status=413)
    structure = plain_structure(raw) if form.plain.data else detect_structure(raw)
    return _review(structure, url=form.url.data or "", byline=form.byline.data or "", title=form.title.data or "",
                   published_on=form.published_on.data)


@bp.post("/upload")
def upload():
    workflow.require(current_user.role, "bring_in_article")
    form = UploadForm(prefix="upload")
    if not form.validate_on_submit():
        return _new_page(upload=form, status=422)
    data = form.file.data.read(settings().max_upload_bytes + 1)
    try:
        reading = read_upload(data, form.file.data.filename or "", max_bytes=settings().max_upload_bytes,
                              max_chars=settings().max_body_chars,
                              limits=ContainerLimits(max_unpacked=settings().max_unpacked_bytes),
                              encoding=form.encoding.data or None)
    except IntakeError as exc:
        form.file.errors.append(str(exc))
        return _new_page(upload=form, status=422)
    text = intake.clean_text(reading.text)
    return _review(plain_structure(text) if form.plain.data else detect_structure(text), reading=reading)


@bp.post("/fetch")
def fetch_url():
    workflow.require(current_user.role, "bring_in_article")
    form = ImportUrlForm(prefix="import")
    if not form.validate_on_submit():
        return _new_page(fetch_form=form, status=422)
    try:
        draft, final_url = intake.draft_from_url(form.address.data, policy=settings().fetch_policy)
    except ValidationError as exc:
        form.address.errors.append(exc.fields.get("address", exc.message))
        return _new_page(fetch_form=form, status=422)
    structure = detect_structure(draft.body)
    return _review(structure, url=final_url, byline=draft.byline, title=draft.title,
                   published_on=draft.published_on, given_by="the page's details")


@bp.post("/confirm")
def confirm():
    workflow.require(current_user.role, "bring_in_article")
    form = ReviewForm()
    if form.validate_on_submit():
        draft = intake.ArticleDraft(
            title=form.title.data, body=form.body.data, url=form.url.data or "", byline=form.byline.data or "",
            outlet=form.outlet.data or "", published_on=form.published_on.data, sources=(form.sources.data or "").splitlines(),
            boilerplate=(form.boilerplate.data or "").splitlines(), language=form.language.data or "",
        )
        session = get_session()
        try:
            article = intake.create_article(session, draft=draft, actor=current_user,
                                            threshold=newsroom.checkworthy_threshold(session),
                                            max_body_chars=settings().max_body_chars,
                                            max_sentences=settings().max_sentences)
        except ValidationError as exc:
            session.rollback()
            for name, message in exc.fields.items():
                if hasattr(form, name):
                    getattr(form, name).errors.append(message)
                else:
                    flash(message, "danger")
        else:
            session.commit()
            claims = session.exec(select(func.count()).select_from(Claim).where(
                Claim.article_id == article.id, Claim.status == ClaimStatus.new)).one()
            flash(f"Article created: {claims} check-worthy claim{'s' if claims != 1 else ''} found.", "success")
            return redirect(url_for("articles.detail", article_id=article.id))
    return render_template("articles/review.html", form=form, structure=None), 422


@bp.get("/<int:article_id>")
def detail(article_id: int):
    session = get_session()
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"There is no article #{article_id}.")
    claims = article_claims(session, article_id=article_id)
    visible = [c for c in claims if c.merged_into_id is None]
    return render_template(
        "articles/detail.html", article=article,
        listed=evidence.listed_sources(session, article_id=article_id),
        paragraphs=paragraphs_with_claims(article.body, visible),
        claims=[c for c in visible if c.status != ClaimStatus.candidate],
        candidates=[c for c in visible if c.status == ClaimStatus.candidate],
        can_edit=workflow.can(current_user.role, "edit_wording"),
        progress=evidence.article_capture_progress(session, article_id=article_id),
        language_form=LanguageForm(formdata=None, data={"language": article.language}),
        can_correct_language=workflow.can(current_user.role, "bring_in_article"),
        furniture=[(line, furniture_kind(line)) for line in article.boilerplate],
    )


@bp.post("/<int:article_id>/language")
def correct_language(article_id: int):
    """An editor corrects the detected language (claims already extracted are kept as they are)."""
    workflow.require(current_user.role, "bring_in_article")
    session = get_session()
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"There is no article #{article_id}.")
    form = LanguageForm()
    if form.validate_on_submit():
        article.language = form.language.data.strip().lower()
        session.add(article)
        session.commit()
        flash(f"Language set to {LANGUAGES.get(article.language, article.language)}.", "success")
    else:
        for message in form.language.errors:
            flash(message, "danger")
    return redirect(url_for("articles.detail", article_id=article_id))
