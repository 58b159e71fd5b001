"""Jinja filters: times in the newsroom's zone, scores as words."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import g, has_request_context
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

from factcheck import clock
from factcheck.models.jobs import CAPTURE_LABELS
from factcheck.text.markup import markdown_html


def newsroom_zone():
    """The newsroom's zone, read once per request; UTC outside one (or while the database is away)."""
    if not has_request_context():
        return UTC
    if "newsroom_zone" not in g:
        from factcheck.db import get_session
        from factcheck.services import settings as newsroom

        try:
            g.newsroom_zone = newsroom.newsroom_zone(get_session())
        except SQLAlchemyError:
            return UTC
    return g.newsroom_zone


def when(value: datetime | None) -> Markup:
    """A <time> element in the newsroom's zone, named: the same text for every reader, wherever they are."""
    if value is None:
        return Markup("—")
    tz = newsroom_zone()
    return Markup('<time datetime="{}">{}</time>').format(clock.iso(value, tz), clock.format_moment(value, tz))


def score_band(score: float, threshold: float = 0.5) -> str:
    if score >= max(threshold, 0.75):
        return "high"
    if score >= threshold:
        return "mid"
    return "low"


def init_app(app) -> None:
    app.jinja_env.filters["when"] = when
    app.jinja_env.globals["newsroom_zone"] = lambda: clock.zone_label(newsroom_zone())
    app.jinja_env.filters["score_band"] = score_band
    app.jinja_env.filters["markdown"] = markdown_html
    from factcheck.web.charts import format_duration

    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.filters["label"] = lambda s: escape(str(s).replace("_", " "))
    app.jinja_env.filters["capture_label"] = lambda s: CAPTURE_LABELS.get(str(s), str(s).replace("_", " "))
