"""Archived evidence: capture states for live updates, and the archived files themselves.

Archived content is never served as live HTML from the app's origin: text is text/plain, the
WARC is a download, the screenshot a PNG, each with a sandboxing CSP and nosniff (factcheck.http.send_evidence,
which the API's routes share).
"""
from __future__ import annotations

from flask import Blueprint, jsonify

from factcheck.db import get_session
from factcheck.http import capture_urls, send_evidence, send_timestamp
from factcheck.models import Capture
from factcheck.models.jobs import CAPTURE_LABELS, UNFINISHED
from factcheck.services import claim_views
from factcheck.services.claims import get_claim

bp = Blueprint("evidence", __name__)

STATE_LABELS = CAPTURE_LABELS


def capture_json(cap: Capture | None) -> dict | None:
    if cap is None:
        return None
    return {
        "state": cap.state, "reason": cap.reason or None, "attempts": cap.attempts, "final_url": cap.final_url,
        "http_status": cap.http_status, "content_type": cap.content_type, "sha256": cap.sha256, "size": cap.size,
        "title": cap.title, "captured_at": cap.captured_at.isoformat() if cap.captured_at else None,
        "next_try_at": cap.next_try_at.isoformat() if cap.next_try_at else None, **capture_urls(cap),
    }


@bp.get("/claims/<int:claim_id>/captures.json")
def claim_captures(claim_id: int):
    session = get_session()
    claim = get_claim(session, claim_id=claim_id)
    items = [{"source_id": sv.source.id, "health": sv.source.health, "health_reason": sv.source.health_reason,
              "label": STATE_LABELS.get(sv.capture.state, sv.capture.state) if sv.capture else "no capture",
              "capture": capture_json(sv.capture)}
             for sv in claim_views.sources_of(session, [claim.id]).get(claim.id, [])]
    pending = any(i["capture"] and i["capture"]["state"] in UNFINISHED for i in items)
    return jsonify({"sources": items, "pending": pending})


@bp.get("/captures/<int:capture_id>/text")
def text(capture_id: int):
    return send_evidence(capture_id, "text")


@bp.get("/captures/<int:capture_id>/warc")
def warc(capture_id: int):
    return send_evidence(capture_id, "warc")


@bp.get("/captures/<int:capture_id>/screenshot")
def screenshot(capture_id: int):
    return send_evidence(capture_id, "screenshot")


@bp.get("/captures/<int:capture_id>/timestamp.tsr")
def timestamp(capture_id: int):
    return send_timestamp(capture_id)

