"""The claim page's replay of an archived capture: a sandboxed frame onto the replay origin (factcheck.replay).

The desk only hands out signed links (to someone signed in, on the claim page) and lets its pages frame that one
origin (`frame-src`); everything else about replay happens on the replay origin.
"""
from __future__ import annotations

from flask import Flask, current_app

from factcheck.replay import assets, links


def frame_src(settings) -> str:
    """The CSP directive letting the desk's pages frame the replay origin (and nothing else), or ''."""
    return f"; frame-src {settings.replay_origin}" if settings.replay_origin else ""


def replay_frame(cap) -> dict | None:
    """What the claim page shows for a capture: {"src", "minutes"} for the frame, {"missing": how to install
    ReplayWeb.page}, or None (replay is off, or the capture has no archived copy)."""
    settings = current_app.extensions["factcheck.settings"]
    if not settings.replay_origin or cap is None or cap.state != "done" or not getattr(cap, "warc_path", None):
        return None
    if assets.find(settings) is None:
        return {"missing": assets.install_hint(settings)}
    return {"src": links.replay_url(settings, cap.id), "minutes": links.LINK_MINUTES}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["replay_frame"] = replay_frame
