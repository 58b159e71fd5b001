"""The newsroom's settings, stored in the database so admins can change them at run time."""
from __future__ import annotations

from sqlmodel import Session

from factcheck import clock
from factcheck.errors import ValidationError
from factcheck.models import NewsroomSetting, User, utcnow
from factcheck.text.checkworthiness import DEFAULT_THRESHOLD


def _get(session: Session, key: str) -> dict:
    row = session.get(NewsroomSetting, key)
    return row.value if row else {}


def _put(session: Session, key: str, value: dict) -> None:
    row = session.get(NewsroomSetting, key) or NewsroomSetting(key=key)
    row.value = value
    row.updated_at = utcnow()
    session.add(row)


def time_zone(session: Session) -> str:
    """The newsroom's time zone (an IANA name); until an admin chooses one, the server's (its TZ)."""
    return _get(session, "time").get("zone") or clock.server_zone_name()


def newsroom_zone(session: Session):
    """The newsroom's zone as a tzinfo, for clock.format_moment and friends."""
    try:
        return clock.zone(time_zone(session))
    except clock.UnknownZone:  # a zone the system's tz database no longer has
        return clock.zone(None)


def due_moment(session: Session, day):
    """A due date (a calendar day) means the end of that day in the newsroom's zone."""
    return clock.end_of_day(day, newsroom_zone(session))


def due_day(session: Session, moment):
    """The calendar day a stored due moment falls on in the newsroom's zone (what the date field shows)."""
    return clock.day_of(moment, newsroom_zone(session))


def set_time_zone(session: Session, *, name: str, actor: User) -> None:
    try:
        name = clock.check_zone_name(name)
    except clock.UnknownZone as exc:
        raise ValidationError(str(exc), fields={"time_zone": str(exc)}) from None
    _put(session, "time", {"zone": name, "set_by": actor.username})


def checkworthy_threshold(session: Session) -> float:
    return float(_get(session, "checkworthiness").get("threshold", DEFAULT_THRESHOLD))


def set_checkworthy_threshold(session: Session, *, value: float, actor: User) -> None:
    if not 0.0 < value < 1.0:
        raise ValidationError("The threshold is a number between 0 and 1 (exclusive).",
                              fields={"threshold": "Between 0 and 1."})
    _put(session, "checkworthiness", {"threshold": round(float(value), 4), "set_by": actor.username})


# The default rating scale of DESIGN.md: ordinal ratings carry a value (5 best), the rest none.
DEFAULT_RATING_SCALE = [
    {"label": "True", "value": 5},
    {"label": "Mostly true", "value": 4},
    {"label": "Half true", "value": 3},
    {"label": "Mostly false", "value": 2},
    {"label": "False", "value": 1},
    {"label": "Misleading", "value": None},
    {"label": "Unverifiable", "value": None},
]


def rating_scale(session: Session) -> list[dict]:
    return _get(session, "rating_scale").get("ratings", DEFAULT_RATING_SCALE)


def rating_labels(session: Session) -> list[str]:
    return [r["label"] for r in rating_scale(session)]


def signoff_rules(session: Session) -> dict:
    """min_sources before submitting (default 1), four_eyes (default on), and require_archived: at least one
    source archived before submitting or publishing (default off)."""
    rules = _get(session, "signoff")
    return {"min_sources": int(rules.get("min_sources", 1)), "four_eyes": bool(rules.get("four_eyes", True)),
            "require_archived": bool(rules.get("require_archived", False))}


def set_signoff_rules(session: Session, *, min_sources: int, four_eyes: bool, actor: User,
                      require_archived: bool = False) -> None:
    if not 0 <= min_sources <= 20:
        raise ValidationError("The minimum number of sources is between 0 and 20.",
                              fields={"min_sources": "Between 0 and 20."})
    _put(session, "signoff", {"min_sources": min_sources, "four_eyes": four_eyes,
                              "require_archived": require_archived, "set_by": actor.username})


DEFAULT_PUBLICATION = {
    "name": "Demo Fact-Check Desk",
    "url": "https://factcheck.example.org/",
    "review_url": "https://factcheck.example.org/fact-checks/{claim_id}",
}


def publication(session: Session) -> dict:
    """The newsroom as ClaimReview names it: organisation name and URL, and the public URL of a fact-check;
    with its time zone, in which reports write every moment."""
    return {**DEFAULT_PUBLICATION, **_get(session, "publication"), "time_zone": time_zone(session)}


def set_publication(session: Session, *, name: str, url: str, review_url: str, actor: User) -> None:
    from factcheck.services.urls import validate_url

    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = "Give the organisation's name."
    for key, value in (("url", url), ("review_url", review_url)):
        try:
            if not validate_url(value.replace("{claim_id}", "1"), field_name=key):
                errors[key] = "Required."
        except ValidationError as exc:
            errors.update(exc.fields)
    if "{claim_id}" not in review_url:
        errors.setdefault("review_url", "Include {claim_id} where the claim's number goes.")
    if errors:
        raise ValidationError(next(iter(errors.values())), fields=errors)
    _put(session, "publication", {"name": name, "url": url.strip(), "review_url": review_url.strip(),
                                  "set_by": actor.username})


DEFAULT_RETENTION_DAYS = 90
MAX_RETENTION_DAYS = 3650


def digest_hour(session: Session, *, default: int = 8) -> int:
    """The hour (0-23, the newsroom's zone) daily digests go out: the admin's choice, else FACTCHECK_DIGEST_HOUR
    (`default`)."""
    value = _get(session, "mail").get("digest_hour")
    return int(value) if isinstance(value, int) and 0 <= value <= 23 else default


def set_digest_hour(session: Session, *, hour: int | None, actor: User) -> None:
    """None goes back to FACTCHECK_DIGEST_HOUR."""
    if hour is not None and not 0 <= hour <= 23:
        raise ValidationError("The digest hour is from 0 to 23.", fields={"digest_hour": "From 0 to 23."})
    _put(session, "mail", {**_get(session, "mail"), "digest_hour": hour, "set_by": actor.username})


def requester_retention_days(session: Session) -> int:
    """How many days a reader's email address is kept with their request before the sweep erases it."""
    value = _get(session, "requests").get("retention_days")
    return int(value) if isinstance(value, int) and 1 <= value <= MAX_RETENTION_DAYS else DEFAULT_RETENTION_DAYS


def set_requester_retention_days(session: Session, *, days: int, actor: User) -> None:
    if not 1 <= days <= MAX_RETENTION_DAYS:
        message = f"Keep readers' addresses from 1 to {MAX_RETENTION_DAYS:,} days."
        raise ValidationError(message, fields={"retention_days": message})
    _put(session, "requests", {**_get(session, "requests"), "retention_days": int(days), "set_by": actor.username})
