"""Checked before? in the pages: the claim page and the article page, an editor's actions, the queue's filter and
marker, the search page."""
import re

import pytest
from sqlmodel import select

from factcheck.models import Claim, Event
from tests.matching_data import desk_with_matches


@pytest.fixture
def desk(session, people):
    return desk_with_matches(session, people)


def section(html: str, anchor: str = 'id="checked-before"') -> str:
    start = html.index(anchor)
    return html[start:html.index("</section>", start)]


def test_the_claim_page_shows_the_past_claim_with_its_verdict_and_what_matched(as_user, desk):
    ferry, new = desk["ferry"], desk["new_claims"][0]
    html = section(as_user("carl").get(f"/claims/{new.id}").get_data(as_text=True))
    assert f'href="/claims/{ferry.id}"' in html and "False" in html and "checked by <bdi>Carl</bdi>" in html
    assert "Similarity 0." in html and "numbers: 31" in html and "ferry" in html
    assert "Dismiss as duplicate" not in html  # a checker sees the match, not the editor's actions
    eve = section(as_user("eve").get(f"/claims/{new.id}").get_data(as_text=True))
    assert f"Dismiss as duplicate of #{ferry.id}" in eve and "Mark as related" in eve and "Ignore this suggestion" in eve


def test_dismiss_as_duplicate_from_the_page(as_user, session, desk):
    eve, new, ferry = as_user("eve"), desk["new_claims"][0], desk["ferry"]
    eve.get(f"/claims/{new.id}")
    resp = eve.post(f"/claims/{new.id}/past-matches", {"match_id": ferry.id, "version": new.version, "action": "duplicate"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/claims/{new.id}#checked-before")
    html = eve.get(f"/claims/{new.id}").get_data(as_text=True)
    assert f"Duplicate of claim #{ferry.id}." in html and "duplicate of this" in html
    assert "marked as duplicate" in html  # the history
    session.expire_all()
    assert session.get(Claim, new.id).status == "dismissed"


def test_a_stale_version_is_a_conflict_and_nothing_changes(as_user, session, desk):
    eve, new, ferry = as_user("eve"), desk["new_claims"][0], desk["ferry"]
    eve.get(f"/claims/{new.id}")
    resp = eve.post(f"/claims/{new.id}/past-matches", {"match_id": ferry.id, "version": new.version - 1 or 99,
                                                                  "action": "related"})
    assert resp.status_code == 409
    assert not session.exec(select(Event).where(Event.kind == "marked_as_related")).all()


def test_ignored_suggestions_leave_the_page_and_the_queue_marker(as_user, desk):
    eve, new, ferry = as_user("eve"), desk["new_claims"][0], desk["ferry"]
    queue = eve.get("/queue?past_match=1").get_data(as_text=True)
    assert f'value="{new.id}:' in queue and "checked before?" in queue
    assert f'value="{ferry.id}:' not in queue
    assert 'id="f-past"' in queue and "checked" in re.search(r'<input[^>]*id="f-past"[^>]*>', queue).group(0)
    eve.get(f"/claims/{new.id}")
    eve.post(f"/claims/{new.id}/past-matches", {"match_id": ferry.id, "version": new.version, "action": "ignore"})
    html = section(eve.get(f"/claims/{new.id}").get_data(as_text=True))
    assert f'href="/claims/{ferry.id}"' not in html and "1 suggestion ignored" in html
    assert f'value="{new.id}:' not in eve.get("/queue?past_match=1").get_data(as_text=True)


def test_the_article_page_lists_its_claims_past_matches(as_user, desk):
    html = as_user("carl").get(f"/articles/{desk['new'].id}").get_data(as_text=True)
    part = section(html, 'id="article-checked-before-heading"')
    assert f"#{desk['new_claims'][0].id}" in part and f'href="/claims/{desk["ferry"].id}"' in part


def test_search_page_and_its_bad_input(as_user, desk):
    carl = as_user("carl")
    assert "Search past fact-checks" in carl.get("/queue").get_data(as_text=True)
    html = carl.get("/search?q=ferry+terminal+cost").get_data(as_text=True)
    assert f'href="/claims/{desk["ferry"].id}"' in html
    empty = carl.get("/search?q=")
    assert empty.status_code == 200 and "past claim" not in empty.get_data(as_text=True)
    long = carl.get("/search?q=" + "ferry+" * 1000)
    assert long.status_code == 422 and "at most 2,000" in long.get_data(as_text=True)
    script = carl.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E+ferry").get_data(as_text=True)
    assert "<script>alert(1)" not in script and "&lt;script&gt;" in script


def test_only_earlier_claims_count_as_checked_before(as_user, desk):
    html = section(as_user("eve").get(f"/claims/{desk['ferry'].id}").get_data(as_text=True))
    assert "No past claim on the desk looks like this one." in html


def test_claims_of_one_article_that_repeat_each_other_are_grouped(as_user, session, people):
    from factcheck.services import past_matches
    from tests.builders import article, claims_of
    from tests.matching_data import run_matching

    a = article(session, by=people["eve"], sources=(), threshold=0.0, body=(
        "The Kelsey harbour bridge cost $58 million to repair, the roads office said.\n\n"
        "Repairing the Kelsey harbour bridge cost $58 million, according to the roads office.\n\n"
        "Repairing the Kelsey harbour bridge cost $85 million, according to a councillor.\n\n"
        "The library opens at nine on Saturdays."))
    run_matching(session, a)
    first, second, other_figure, library = claims_of(session, a)
    groups = past_matches.near_duplicates(session, article_id=a.id)
    assert [[c.id for c in g] for g in groups] == [[first.id, second.id]]
    html = as_user("carl").get(f"/articles/{a.id}").get_data(as_text=True)
    part = html[html.index('id="repeats"'):]
    assert f"#{first.id}" in part and f"#{second.id}" in part and f"#{library.id}" not in part.split("</ul>")[0]


def test_the_queue_marks_claims_that_came_in_together_and_say_the_same_thing(as_user, session, people):
    from tests.matching_data import bridge_batch

    first, second, library = bridge_batch(session, people)
    html = as_user("carl").get("/queue").get_data(as_text=True)
    marker = f'href="/queue?alike={first.id}&amp;status=all"'
    assert html.count(marker) == 2 and "same as 1 other<" in html
    group = as_user("carl").get(f"/queue?alike={first.id}&status=all").get_data(as_text=True)
    assert 'id="alike-group"' in group and f'name="alike" value="{first.id}"' in group
    assert f"#{second.id}<" in group and f"#{library.id}<" not in group
    bad = as_user("carl").get("/queue?alike=zero")
    assert "The group must be a claim number" in bad.get_data(as_text=True)
