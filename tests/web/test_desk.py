"""Queue, bulk actions, my work, workload and dashboard pages."""
import re

import pytest
from sqlmodel import select

from factcheck.models import Claim
from factcheck.services import review
from tests.builders import article, claims_of


@pytest.fixture
def desk(session, people):
    a = article(session, by=people["eve"], threshold=0.0001)  # every sentence a claim
    return a, claims_of(session, a)


def ids_on(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="selected" value="(\d+):', html)]


def test_queue_filters_live_in_the_url_and_pages_walk_everything(as_user, desk, monkeypatch):
    from factcheck.web import desk as desk_views
    monkeypatch.setattr(desk_views, "PAGE_SIZE", 2)
    eve = as_user("eve")
    _, claims = desk
    seen, url = [], "/queue?sort=oldest"
    while url:
        html = eve.get(url).get_data(as_text=True)
        seen += ids_on(html)
        m = re.search(r'rel="next" href="([^"]+)"', html)
        url = m.group(1).replace("&amp;", "&") if m else None
    assert seen == [c.id for c in sorted(claims, key=lambda c: (c.created_at, c.id))]
    html = eve.get("/queue?q=ferry&status=new").get_data(as_text=True)
    assert ids_on(html) == [claims[0].id]
    assert 'value="ferry"' in html  # the filter is shown back, so the view can be bookmarked


def test_bad_filter_falls_back_with_a_message(as_user, desk):
    html = as_user("eve").get("/queue?status=bogus").get_data(as_text=True)
    assert "not a claim status" in html and "Showing the default view" in html
    html = as_user("eve").get("/queue?cursor=garbage").get_data(as_text=True)
    assert "no longer valid" in html


def test_bulk_assign_reports_stale_claims_without_undoing_the_rest(as_user, session, people, desk):
    _, claims = desk
    eve = as_user("eve")
    stale = claims[1]
    review.assign(session, claim=stale, assignee=people["cora"], actor=people["ada"], expected_version=1)
    session.commit()
    resp = eve.post("/queue/bulk", {"selected": [f"{c.id}:1" for c in claims[:3]], "action": "assign",
                                    "assignee": str(people["carl"].id), "due": "2026-12-31", "back": "/queue"},
                    follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert f"#{stale.id}: Claim #{stale.id} was changed by Ada" in html
    session.expire_all()
    got = {c.id: c for c in session.exec(select(Claim)).all()}
    assert got[claims[0].id].assignee_id == people["carl"].id and got[claims[2].id].assignee_id == people["carl"].id
    assert got[stale.id].assignee_id == people["cora"].id


def test_bulk_dismiss_needs_a_reason_and_checkers_cannot_bulk(as_user, desk):
    _, claims = desk
    resp = as_user("eve").post("/queue/bulk", {"selected": [f"{claims[0].id}:1"], "action": "dismiss", "reason": ""},
                               follow_redirects=True)
    assert "Say why" in resp.get_data(as_text=True)
    assert as_user("carl").post("/queue/bulk", {"selected": [f"{claims[0].id}:1"], "action": "assign"}
                                ).status_code == 403
    assert "Apply to selected" not in as_user("carl").get("/queue").get_data(as_text=True)


def test_my_work_puts_sent_back_claims_on_top(as_user, session, people, desk):
    _, claims = desk
    carl, eve = people["carl"], people["eve"]
    c = claims[0]
    review.assign(session, claim=c, assignee=carl, actor=eve, expected_version=1)
    from factcheck.services import sources
    sources.add_source(session, claim=c, url="https://example.org/x", actor=carl)
    review.propose_verdict(session, claim=c, rating="True", rationale="ok", actor=carl, expected_version=2)
    review.transition(session, claim=c, to="in_review", actor=carl, expected_version=3)
    review.transition(session, claim=c, to="in_progress", actor=eve, expected_version=4, comment="Needs the **2024** figure")
    review.assign(session, claim=claims[1], assignee=carl, actor=eve, expected_version=1)
    session.commit()
    html = as_user("carl").get("/my-work").get_data(as_text=True)
    assert html.index("Sent back to you") < html.index("Also assigned to you")
    assert "<strong>2024</strong>" in html
    assert "Nothing assigned to you" not in html


def test_my_work_shows_a_due_date_on_every_card(as_user, session, people, desk):
    from datetime import datetime, timezone

    _, claims = desk
    carl, eve = people["carl"], people["eve"]
    c = claims[0]
    review.assign(session, claim=c, assignee=carl, actor=eve, expected_version=1,
                  due=datetime(2020, 1, 31, 23, 59, 59, tzinfo=timezone.utc))
    from factcheck.services import sources
    sources.add_source(session, claim=c, url="https://example.org/x", actor=carl)
    review.propose_verdict(session, claim=c, rating="True", rationale="ok", actor=carl, expected_version=c.version)
    review.transition(session, claim=c, to="in_review", actor=carl, expected_version=c.version,
                      confirm_unarchived=True)
    review.transition(session, claim=c, to="in_progress", actor=eve, expected_version=c.version, comment="Again")
    session.commit()
    html = as_user("carl").get("/my-work").get_data(as_text=True)
    card = html[html.index("Sent back to you"):html.index("Also assigned to you")]
    assert "Due " in card and "2020" in card and "overdue" in card
    assert "Nothing else is assigned to you" in html


def test_workload_and_dashboard(as_user, session, people, desk):
    _, claims = desk
    review.assign(session, claim=claims[0], assignee=people["carl"], actor=people["eve"], expected_version=1)
    session.commit()
    html = as_user("eve").get("/workload").get_data(as_text=True)
    assert "Carl" in html
    carl = as_user("carl").get("/workload")  # a checker reads the workload; only editors act on it
    assert carl.status_code == 200 and "Carl" in carl.get_data(as_text=True)
    assert "Editors balance the assignments" in carl.get_data(as_text=True)
    dash = as_user("carl").get("/dashboard")
    assert dash.status_code == 200
    body = dash.get_data(as_text=True)
    assert body.count("<svg") >= 4 and "Claims by status" in body


def test_root_goes_to_the_queue(as_user):
    assert as_user("eve").get("/").headers["Location"].endswith("/queue")


def test_queue_page_query_count_does_not_grow_with_rows(as_user, session, people, app):
    from sqlalchemy import event

    eve = as_user("eve")
    engine = app.extensions["factcheck.engine"]

    def statements_for_queue():
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert eve.get("/queue?status=all").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    article(session, by=people["eve"], threshold=0.0001)
    few = statements_for_queue()
    for i in range(8):
        a = article(session, by=people["eve"], threshold=0.0001, title=f"More {i}")
        for c in claims_of(session, a)[:2]:
            review.assign(session, claim=c, assignee=people["carl"], actor=people["eve"], expected_version=c.version)
    session.commit()
    assert statements_for_queue() == few

def test_the_score_box_hints_the_newsrooms_threshold(as_user, desk):
    html = as_user("eve").get("/queue").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="f-min"[^>]*>', html).group(0)
    assert "placeholder" not in box and 'value=""' in box
    assert re.search(r"id=\"f-min-hint\">Threshold 0\.\d\d<", html), re.findall(r"f-min-hint.{0,80}", html)
