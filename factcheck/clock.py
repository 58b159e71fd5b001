"""The newsroom's time: one zone (an admin setting), one way of writing a moment, due dates that end there.

The desk stores every moment in UTC. What a person reads is the newsroom's zone, named ("6 Dec 2026, 08:59
JST"), the same on every page, report and export and whatever the reader's browser thinks. A due date is a
day in that zone and means the end of it, so "overdue" is judged there. Pure functions: used by web, api,
services and the export renderers alike.
"""
from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

UTC_NAME = "UTC"


class UnknownZone(ValueError):
    """Not an IANA time zone name; the message says what is expected."""


@lru_cache(maxsize=64)
def zone(name: str | None) -> tzinfo:
    """The zone called `name` ("Europe/London"); UTC for None or an empty name."""
    if not name or name == UTC_NAME:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownZone(f"{name!r} is not a time zone name; use one like Europe/London, America/New_York or "
                          f"Asia/Tokyo (the IANA names).") from None


def check_zone_name(name: str) -> str:
    name = (name or "").strip()
    zone(name)
    return name or UTC_NAME


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every zone a newsroom may choose, sorted; UTC first."""
    names = sorted(n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/")))
    return (UTC_NAME, *names)


def server_zone_name() -> str:
    """The server's own zone, the default for a newsroom that has not chosen one."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except (ImportError, OSError, LookupError, ValueError):  # no zone information on this machine: TZ, else UTC
        name = os.environ.get("TZ", "")
    if not name or name in ("Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal", "Zulu"):
        return UTC_NAME
    try:
        zone(name)
    except UnknownZone:
        return UTC_NAME
    return name


def zone_label(tz: tzinfo) -> str:
    """How the zone is named beside a form field: "Asia/Tokyo" (or "UTC")."""
    return getattr(tz, "key", None) or UTC_NAME


def aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; the desk stores UTC throughout."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def local(value: datetime, tz: tzinfo) -> datetime:
    return aware(value).astimezone(tz)


def format_moment(value: datetime | None, tz: tzinfo) -> str:
    """The one way a moment is written for people: "6 Dec 2026, 08:59 JST"."""
    if value is None:
        return ""
    moment = local(value, tz)
    return f"{moment.day} {moment:%b %Y, %H:%M} {moment.tzname() or 'UTC'}"


def format_day(value: datetime | date | None, tz: tzinfo) -> str:
    """A day as people write it ("6 Dec 2026"); a moment is first put in the newsroom's zone."""
    if value is None:
        return ""
    day = local(value, tz).date() if isinstance(value, datetime) else value
    return f"{day.day} {day:%b %Y}"


def iso(value: datetime | None, tz: tzinfo) -> str | None:
    """ISO 8601 with the newsroom's offset, for machines (JSON, CSV, datetime attributes)."""
    return local(value, tz).isoformat(timespec="seconds") if value is not None else None


def end_of_day(day: date | None, tz: tzinfo) -> datetime | None:
    """A due date: the last second of `day` in the newsroom's zone, as a UTC moment."""
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=tz).astimezone(UTC)


def day_of(value: datetime | None, tz: tzinfo) -> date | None:
    """The newsroom's calendar day of a moment (what a date field shows for a stored due date)."""
    return local(value, tz).date() if value is not None else None
