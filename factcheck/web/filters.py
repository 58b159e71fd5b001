"""Jinja filters: times in the reader's terms, scores as words."""
from __future__ import annotations

from datetime import datetime, timezone

from markupsafe import Markup, escape

from factcheck.models.jobs import CAPTURE_LABELS
from factcheck.text.markup import markdown_html


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def when(value: datetime | None) -> Markup:
    """A <time> element: UTC in the page, turned into the reader's local time by app.js."""
    if value is None:
        return Markup("—")
    value = _aware(value).astimezone(timezone.utc)
    text = value.strftime("%d %b %Y, %H:%M UTC")
    return Markup('<time datetime="{}" data-local>{}</time>').format(value.isoformat(), text)


def score_band(score: float, threshold: float = 0.5) -> str:
    if score >= max(threshold, 0.75):
        return "high"
    if score >= threshold:
        return "mid"
    return "low"


def init_app(app) -> None:
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["score_band"] = score_band
    app.jinja_env.filters["markdown"] = markdown_html
    from factcheck.web.charts import format_duration

    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.filters["label"] = lambda s: escape(str(s).replace("_", " "))
    app.jinja_env.filters["capture_label"] = lambda s: CAPTURE_LABELS.get(str(s), str(s).replace("_", " "))
