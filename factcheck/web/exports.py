"""Exports from the UI: requested here, built in the background with progress, then downloaded."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlmodel import select

from factcheck.db import get_session
from factcheck.errors import ValidationError
from factcheck.services import exports
from factcheck.models import Article, Export
from factcheck.services.queue import QueueFilter
from factcheck.downloads import send_wacz

bp = Blueprint("exports", __name__, url_prefix="/exports")
LABELS = {"html": "HTML report", "pdf": "PDF report", "csv": "CSV", "json": "JSON", "claimreview": "ClaimReview",
          "bundle": "Evidence bundle (ZIP)", "wacz": "Evidence as WACZ"}


def _own(export_id: int) -> Export:
    export = get_session().get(Export, export_id)
    if export is None or (export.created_by_id != current_user.id and current_user.role != "admin"):
        abort(404)
    return export


@bp.get("/")
def index():
    session = get_session()
    rows = exports.recent_exports(session, actor=current_user)
    ids = {e.article_id for e in rows if e.article_id}
    headlines = dict(session.exec(select(Article.id, Article.title).where(Article.id.in_(ids))).all()) if ids else {}
    return render_template("exports/index.html", rows=rows, labels=LABELS, headlines=headlines)


@bp.post("/")
def create():
    session = get_session()
    fmt = request.form.get("format", "")
    article_id = request.form.get("article_id", type=int)
    params = {}
    try:
        if not article_id:
            params = QueueFilter.from_params(request.form).to_params()  # validated, only what differs
        export = exports.request_export(session, actor=current_user, fmt=fmt, article_id=article_id, params=params)
    except ValidationError as exc:
        session.rollback()
        flash(exc.message, "danger")
        back = url_for("articles.detail", article_id=article_id) if article_id else url_for("desk.queue_page")
        return redirect(back)
    session.commit()
    if session.info.pop("jobs_delayed", False):
        flash("The export is queued, but the background workers cannot be reached right now; it will start "
              "when they are back.", "warning")
    return redirect(url_for("exports.show", export_id=export.id))


@bp.get("/<int:export_id>")
def show(export_id: int):
    from factcheck.services import timestamps

    return render_template("exports/show.html", export=_own(export_id), labels=LABELS,
                           stamp=timestamps.for_export(get_session(), export_id))


@bp.get("/<int:export_id>.json")
def status(export_id: int):
    e = _own(export_id)
    return jsonify({"state": e.state, "done": e.done, "total": e.total, "reason": e.reason or None,
                    "download_url": url_for("exports.download", export_id=e.id) if e.state == "done" else None})


@bp.get("/<int:export_id>/download")
def download(export_id: int):
    e = _own(export_id)
    if e.state != "done" or not e.file_path:
        abort(404)
    store = current_app.extensions["factcheck.archive"]
    try:
        fh = store.open(e.file_path)
    except (ValueError, FileNotFoundError):
        abort(404)
    if e.format == "wacz":  # a WACZ is served with its length and byte ranges, as its spec asks
        return send_wacz(fh, size=store.size(e.file_path), filename=e.filename)
    resp = send_file(fh, mimetype=exports.MIMETYPES[e.format], as_attachment=True, download_name=e.filename)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return resp
