"""Archived evidence as WACZ on the desk's pages (signed in, like every evidence download): see factcheck.downloads
for how it is packaged and why an article's is a background export."""
from __future__ import annotations

from flask import Blueprint

from factcheck import downloads

bp = Blueprint("wacz", __name__)


@bp.get("/captures/<int:capture_id>/wacz")
def capture(capture_id: int):
    """One capture's WACZ; 404 naming the reason when the capture has no archived WARC."""
    return downloads.capture_wacz(capture_id)
