"""Archived evidence as WACZ over the API, for bearer tokens (see factcheck.downloads for how it is packaged)."""
from __future__ import annotations

from flask import Response as FlaskResponse
from flask import current_app, stream_with_context

from factcheck import downloads
from factcheck.api.core import actor, bp, file_route
from factcheck.api.schemas import ErrorOut
from factcheck.db import get_session
from factcheck.services import wacz

ERRORS = {"HTTP_401": ErrorOut, "HTTP_404": ErrorOut, "HTTP_503": ErrorOut}
CAPTURE = "<int(min=1, max=2147483647):capture_id>"
ARTICLE = "<int(min=1, max=2147483647):article_id>"


@bp.get(f"/captures/{CAPTURE}/wacz")
@file_route(wacz.MIMETYPE, "The capture as a WACZ file.", errors=ERRORS, tags=["evidence"])
def capture_wacz(capture_id: int):
    """A capture's archived copy as WACZ 1.1.1 (`application/wacz`, with Content-Length and byte ranges):
    its WARC, a CDXJ index, pages.jsonl and datapackage.json with the SHA-256 of every file. 404, with the
    reason, while the capture has no archived WARC."""
    actor()
    return downloads.capture_wacz(capture_id)


@bp.get(f"/articles/{ARTICLE}/wacz")
@file_route(wacz.MIMETYPE, "The article's archived evidence as a WACZ file.", errors=ERRORS, tags=["evidence"])
def article_wacz(article_id: int):
    """Every archived source of the article's claims in one WACZ 1.1.1 (`application/wacz`), streamed as it is
    packaged. 404 while none of its sources is archived."""
    actor()
    session = get_session()
    chunks = wacz.article_wacz(session, article_id=article_id, store=current_app.extensions["factcheck.archive"])
    article = wacz.get_article(session, article_id=article_id)
    resp = FlaskResponse(stream_with_context(chunks), mimetype=wacz.MIMETYPE)
    resp.headers["Content-Disposition"] = f'attachment; filename="{wacz.article_filename(article)}"'
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
