"""The one check of a web address a person types (an article's, a source's, the newsroom's): http or https, a
host, no spaces, a bounded length. Pure, so that any service may use it without importing intake."""
from __future__ import annotations

from urllib.parse import urlsplit

from factcheck.errors import ValidationError

MAX_URL = 2048


def validate_url(url: str, *, field_name: str = "url") -> str | None:
    url = url.strip()
    if not url:
        return None
    problem = None
    if len(url) > MAX_URL:
        problem = f"The URL is {len(url)} characters long; the limit is {MAX_URL}."
    else:
        try:
            parts = urlsplit(url)
            if parts.scheme.lower() not in {"http", "https"}:
                problem = "Only http:// and https:// links are accepted."
            elif not parts.hostname or any(c.isspace() for c in url):
                problem = "That does not look like a web address (e.g. https://example.org/story)."
            else:
                parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            problem = "That does not look like a web address (e.g. https://example.org/story)."
    if problem:
        raise ValidationError(problem, fields={field_name: problem})
    return url
