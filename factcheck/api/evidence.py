"""What surrounds a claim: its sources, comments and history, and the archived files of its sources' captures."""
from __future__ import annotations

from spectree import Response

from factcheck.api.claims import ID, READ_ERRORS, WRITE_ERRORS, load
from factcheck.api.core import actor, bp, file_route, spec, write
from factcheck.api.present import comment_out, event_out, source_out
from factcheck.api.schemas import CommentIn, CommentList, CommentOut, EventList, SourceIn, SourceOut
from factcheck.db import get_session
from factcheck.http import EVIDENCE, send_evidence, send_timestamp
from factcheck.services import history, review, sources


@bp.post(f"/claims/{ID}/sources")
@spec.validate(resp=Response(HTTP_201=SourceOut, **WRITE_ERRORS), tags=["sources"])
def add_source(claim_id: int, json: SourceIn):
    """Cite a source by URL with a stance and a note; archiving it is queued."""
    claim = load(claim_id)
    source = write(lambda s: sources.add_source(s, claim=claim, url=json.url, actor=actor(), title=json.title,
                                                stance=json.stance, note=json.note))
    return source_out(get_session(), source), 201


@bp.get("/sources/<int(min=1, max=2147483647):source_id>")
@spec.validate(resp=Response(HTTP_200=SourceOut, **READ_ERRORS), tags=["sources"])
def get_source(source_id: int):
    """A source with the state of its newest capture."""
    session = get_session()
    return source_out(session, review.get_source(session, source_id=source_id))


@bp.get(f"/claims/{ID}/history")
@spec.validate(resp=Response(HTTP_200=EventList, **READ_ERRORS), tags=["claims"])
def claim_history(claim_id: int):
    """Who changed what and when, newest first."""
    claim = load(claim_id)
    return EventList([event_out(e, u) for e, u in history.for_claim(get_session(), claim_id=claim.id)])


@bp.get(f"/claims/{ID}/comments")
@spec.validate(resp=Response(HTTP_200=CommentList, **READ_ERRORS), tags=["comments"])
def list_comments(claim_id: int):
    """The claim's discussion, newest first (rejections and correction notes included)."""
    claim = load(claim_id)
    return CommentList([comment_out(c, u) for c, u in review.comments(get_session(), claim_id=claim.id)])


@bp.post(f"/claims/{ID}/comments")
@spec.validate(resp=Response(HTTP_201=CommentOut, **WRITE_ERRORS), tags=["comments"])
def add_comment(claim_id: int, json: CommentIn):
    """Add a comment to the claim's discussion."""
    claim = load(claim_id)
    comment = write(lambda s: review.add_comment(s, claim=claim, body=json.body, actor=actor()))
    return comment_out(comment, actor()), 201


# ------------------------------------------------------------------------------------- archived files

CAPTURE = "<int(min=1, max=2147483647):capture_id>"


def _file(kind: str, description: str):
    return file_route(EVIDENCE[kind].mimetype.split(";")[0], description, errors=READ_ERRORS, tags=["evidence"])


@bp.get(f"/captures/{CAPTURE}/warc")
@_file("warc", "The capture's WARC (gzip), as a download.")
def capture_warc(capture_id: int):
    """The WARC of a capture: every request and response, redirects included (404 until it is archived)."""
    return send_evidence(capture_id, "warc")


@bp.get(f"/captures/{CAPTURE}/text")
@_file("text", "The page's readable text.")
def capture_text(capture_id: int):
    """The readable text extracted from the archived page, as plain text (404 when it had none)."""
    return send_evidence(capture_id, "text")


@bp.get(f"/captures/{CAPTURE}/screenshot")
@_file("screenshot", "A PNG of the archived page.")
def capture_screenshot(capture_id: int):
    """A screenshot of the archived page as it was served, rendered offline (404 when none was taken)."""
    return send_evidence(capture_id, "screenshot")


@bp.get(f"/captures/{CAPTURE}/timestamp")
@file_route("application/timestamp-reply", "The RFC 3161 timestamp token of the capture's WARC (DER).",
            errors=READ_ERRORS, tags=["evidence"])
def capture_timestamp(capture_id: int):
    """The trusted timestamp of a capture's WARC: the time-stamping authority's signed statement that it saw the
    WARC's SHA-256 at a time (404 until the authority granted one, or when the newsroom does not timestamp)."""
    return send_timestamp(capture_id)
