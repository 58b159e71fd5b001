"""The claim's history in the page's own words: statuses as the badges name them, people by their names, due
dates and times like every other time on the page (events store raw values: `in_progress`, usernames, UTC)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from markupsafe import Markup

from factcheck.models import Event, User
from factcheck.web.filters import when

FIELD_WORDS = {"status": "Status", "assignee": "Checker", "due": "Due", "text": "Wording", "verdict": "Verdict",
               "source": "Source", "claimant": "Made by"}
KIND_WORDS = {"source_added": "added a source", "source_removed": "removed a source",
              "source_edited": "edited a source", "capture_retried": "retried the capture of a source",
              "listed_source_linked": "linked a listed source", "merge": "merged sentences",
              "split": "split the claim", "article_created": "brought in the article", "verdict": "proposed a verdict",
              "wording": "reworded the claim", "assign": "assigned the claim", "due": "set the due date",
              "claimant": "named who made the claim", "status": "changed the status"}
STATUS_WORDS = {"candidate": "candidate", "new": "new", "in_progress": "in progress", "in_review": "in review",
                "published": "published", "dismissed": "dismissed"}


@dataclass(frozen=True)
class HistoryLine:
    who: str
    at: datetime
    what: str            # "Status", or a sentence when the event changed no single field
    old: Markup | str | None
    new: Markup | str | None
    reason: str


def _due(value: str) -> Markup | str:
    try:
        moment = datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)
    except ValueError:
        return value
    return when(moment)


def value_words(field: str, value: str | None, *, names: dict[str, str]) -> Markup | str | None:
    if value is None or value == "":
        return None
    if field == "status":
        return STATUS_WORDS.get(value, value.replace("_", " "))
    if field == "assignee":
        return names.get(value, value)
    if field == "due":
        return _due(value)
    return value


def history_lines(events: list[tuple[Event, User | None]], *, people: list[User]) -> list[HistoryLine]:
    """One line per event, newest first as given; `people` resolves the usernames events carry."""
    names = {u.username: u.label for u in people}
    names.update({u.label: u.label for u in people})
    lines = []
    for event, who in events:
        field = event.field or ""
        what = FIELD_WORDS.get(field) if field else None
        lines.append(HistoryLine(
            who=who.label if who else "The desk", at=event.created_at,
            what=what or KIND_WORDS.get(event.kind, event.kind.replace("_", " ")),
            old=value_words(field, event.old, names=names) if what else None,
            new=value_words(field, event.new, names=names) if what else None,
            reason=str((event.detail or {}).get("reason") or "")))
    return lines
