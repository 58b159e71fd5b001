"""Reports and exports over the API, streamed as they are made."""
from __future__ import annotations

from flask import Response as FlaskResponse
from flask import current_app, request, stream_with_context
from spectree import Response

from factcheck.api.core import actor, bp, spec
from factcheck.api.schemas import ClaimExportQuery, ErrorOut, ReportQuery
from factcheck.db import get_session
from factcheck.services import exports, queue

ID = "<int(min=1, max=2147483647):article_id>"


def _download(built: exports.Built) -> FlaskResponse:
    resp = FlaskResponse(stream_with_context(built.chunks), mimetype=built.mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{built.filename}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.get(f"/articles/{ID}/report")
@spec.validate(resp=Response(HTTP_401=ErrorOut, HTTP_404=ErrorOut, HTTP_422=ErrorOut, HTTP_503=ErrorOut),
              tags=["exports"])
def article_report(article_id: int, query: ReportQuery):
    """An article's verification report (HTML, PDF), its claims (CSV, JSON, ClaimReview) or evidence bundle."""
    actor()
    return _download(exports.article_export(get_session(), article_id=article_id, fmt=query.format,
                                            config=current_app.extensions["factcheck.export_config"]))


@bp.get("/claims/export")
@spec.validate(resp=Response(HTTP_401=ErrorOut, HTTP_422=ErrorOut, HTTP_503=ErrorOut), tags=["exports"])
def claims_export(query: ClaimExportQuery):
    """Every claim the queue filters select, as CSV, JSON or ClaimReview (published claims only)."""
    # Links use the configured public address, never the request's Host header (which a client controls).
    return _download(exports.queue_export(get_session(), filter=queue.QueueFilter.from_params(request.args),
                                          actor=actor(), fmt=query.format,
                                          base_url=current_app.extensions["factcheck.settings"].public_url))
