"""The newsroom's time: one zone, one way of writing a moment, due dates that end there."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from factcheck import clock

TOKYO, LONDON = clock.zone("Asia/Tokyo"), clock.zone("Europe/London")


def test_a_moment_is_written_one_way_with_the_zone_named():
    moment = datetime(2026, 12, 5, 23, 59, 59, tzinfo=timezone.utc)
    assert clock.format_moment(moment, TOKYO) == "6 Dec 2026, 08:59 JST"
    assert clock.format_moment(moment, LONDON) == "5 Dec 2026, 23:59 GMT"
    assert clock.format_moment(moment.replace(tzinfo=None), clock.zone(None)) == "5 Dec 2026, 23:59 UTC"  # SQLite
    assert clock.iso(moment, TOKYO) == "2026-12-06T08:59:59+09:00"


def test_a_due_date_is_the_end_of_that_day_in_the_newsrooms_zone():
    assert clock.end_of_day(date(2026, 12, 5), TOKYO) == datetime(2026, 12, 5, 14, 59, 59, tzinfo=timezone.utc)
    summer = clock.end_of_day(date(2026, 7, 1), LONDON)  # British Summer Time: an hour ahead of UTC
    assert summer == datetime(2026, 7, 1, 22, 59, 59, tzinfo=timezone.utc)
    assert clock.day_of(summer, LONDON) == date(2026, 7, 1)
    assert clock.day_of(clock.end_of_day(date(2026, 12, 5), TOKYO), TOKYO) == date(2026, 12, 5)
    assert clock.end_of_day(None, TOKYO) is None


def test_an_unknown_zone_is_refused_with_a_hint():
    with pytest.raises(clock.UnknownZone, match="Europe/London"):
        clock.zone("Mars/Olympus")
    assert clock.check_zone_name(" ") == "UTC"
    assert "Asia/Tokyo" in clock.zone_names() and clock.zone_names()[0] == "UTC"


def test_the_default_is_the_servers_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    import tzlocal

    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "America/New_York")
    assert clock.server_zone_name() == "America/New_York"
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Etc/UTC")
    assert clock.server_zone_name() == "UTC"
