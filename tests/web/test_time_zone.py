"""One newsroom zone: due dates end there, every time is written in it (named), whatever the reader's browser."""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone

from factcheck import clock
from factcheck.services import settings as newsroom
from tests.web.test_review import claim, fresh  # noqa: F401 - the fixture


def test_an_admin_sets_the_zone_and_due_dates_end_that_day_there(as_user, session, people, claim):  # noqa: F811
    ada, eve = as_user("ada"), as_user("eve")
    page = ada.get("/admin/settings").get_data(as_text=True)
    assert "Newsroom time zone" in page and '<option value="Asia/Tokyo">' in page
    good = {"threshold": "0.5", "min_sources": "1", "four_eyes": "y", "org_name": "Port Alder Checks",
            "org_url": "https://checks.example.org", "review_url": "https://checks.example.org/c/{claim_id}"}
    resp = ada.post("/admin/settings", {**good, "time_zone": "Mars/Olympus"})
    assert resp.status_code == 422 and "is not a time zone name" in html.unescape(resp.get_data(as_text=True))
    assert ada.post("/admin/settings", {**good, "time_zone": "Asia/Tokyo"}).status_code == 302
    session.expire_all()
    assert newsroom.time_zone(session) == "Asia/Tokyo"

    assert eve.post(f"/claims/{claim.id}/assign", {"version": "1", "assignee": str(people["carl"].id),
                                                   "due": "2026-12-05"}).status_code == 302
    due = clock.aware(fresh(session, claim.id).due_at)
    assert due == datetime(2026, 12, 5, 14, 59, 59, tzinfo=timezone.utc)  # 23:59:59 in Tokyo
    page = eve.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert re.search(r'due <time datetime="2026-12-05T23:59:59\+09:00">5 Dec 2026, 23:59 JST</time>', page)
    assert 'value="2026-12-05"' in page  # the date field shows the same day as the words
    assert "The end of that day (23:59), Asia/Tokyo time." in page
    assert "data-local" not in page  # no script rewrites times into the browser's zone

    # The API takes a due date the same way, and the queue judges "overdue" by that moment.
    assert newsroom.due_moment(session, due.date()) == due


def test_reports_write_times_in_the_newsroom_zone(session, people):
    newsroom.set_time_zone(session, name="America/New_York", actor=people["ada"])
    session.commit()
    assert newsroom.publication(session)["time_zone"] == "America/New_York"
    from factcheck.exports.report import _environment

    template = _environment().from_string("{{ moment|when }} / {{ moment|iso }}")
    moment = datetime(2026, 12, 6, 3, 0, tzinfo=timezone.utc)
    out = template.render(moment=moment, publication=newsroom.publication(session))
    assert out == "5 Dec 2026, 22:00 EST / 2026-12-05T22:00:00-05:00"
