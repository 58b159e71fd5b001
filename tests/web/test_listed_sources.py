"""The sources an article lists ("Sources: Port Alder council"): attach a link on the article's page (archived
like any cited page), then cite it as evidence from the page of any claim of that article."""
from __future__ import annotations

import html

import pytest
from sqlmodel import select

from factcheck.models import Capture, Event, Source
from tests.web.test_review import claim  # noqa: F401 - the fixture


@pytest.fixture
def listed(session, claim):  # noqa: F811
    return session.exec(select(Source).where(Source.article_id == claim.article_id, Source.claim_id.is_(None))).one()


def test_a_checker_attaches_a_link_to_a_listed_source_and_it_is_archived(as_user, session, claim, listed):  # noqa: F811
    carl = as_user("carl")
    page = carl.get(f"/articles/{claim.article_id}").get_data(as_text=True)
    assert "Port Alder council" in page and "(no link yet)" in page and "Attach link" in page
    url = f"/articles/{claim.article_id}/sources/{listed.id}/link"

    resp = carl.post(url, {"url": "javascript:alert(1)"}, follow_redirects=True)
    assert "Port Alder council”: Only http:// and https:// links are accepted" in html.unescape(
        resp.get_data(as_text=True))
    session.expire_all()
    assert session.get(Source, listed.id).url is None  # nothing changed

    resp = carl.post(url, {"url": "https://council.example.org/minutes"}, follow_redirects=True)
    body = html.unescape(resp.get_data(as_text=True))
    assert "Link attached to “Port Alder council”; its archive copy is being made." in body
    assert "https://council.example.org/minutes" in body and "(no link yet)" not in body
    session.expire_all()
    assert session.get(Source, listed.id).url == "https://council.example.org/minutes"
    cap = session.exec(select(Capture).where(Capture.source_id == listed.id)).one()
    assert cap.state == "queued"
    event = session.exec(select(Event).where(Event.kind == "listed_source_linked")).one()
    assert event.article_id == claim.article_id and event.new == "https://council.example.org/minutes"


def test_a_listed_source_is_cited_from_a_claim_page(as_user, session, people, claim, listed):  # noqa: F811
    eve, carl = as_user("eve"), as_user("carl")
    cite = f"/claims/{claim.id}/listed/{listed.id}/cite"
    assert eve.post(f"/claims/{claim.id}/assign", {"version": "1", "assignee": str(people["carl"].id)}).status_code == 302
    page = carl.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "Sources the article lists" in page and "attach one on" in page  # no link yet: nothing to cite
    resp = carl.post(cite, {"stance": "context"})
    assert resp.status_code == 422 and "has no link yet" in html.unescape(resp.get_data(as_text=True))

    carl.post(f"/articles/{claim.article_id}/sources/{listed.id}/link", {"url": "https://council.example.org/m"})
    assert "Cite for this claim" in carl.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert carl.post(cite, {"stance": "context"}).status_code == 302
    session.expire_all()
    cited = session.exec(select(Source).where(Source.claim_id == claim.id)).one()
    assert (cited.url, cited.title, cited.stance) == ("https://council.example.org/m", "Port Alder council", "context")
    assert session.exec(select(Capture).where(Capture.source_id == cited.id)).one().state == "queued"

    resp = as_user("cora").post(cite, {"stance": "context"})  # not her claim
    assert resp.status_code == 403


def test_a_source_of_a_claim_is_not_a_listed_source(as_user, session, claim):  # noqa: F811
    carl = as_user("carl")
    carl.post(f"/claims/{claim.id}/status", {"version": "1", "to": "in_progress"})
    carl.post(f"/claims/{claim.id}/sources", {"url": "https://example.org/a"})
    own = session.exec(select(Source).where(Source.claim_id == claim.id)).one()
    resp = carl.post(f"/articles/{claim.article_id}/sources/{own.id}/link", {"url": "https://example.org/b"})
    assert resp.status_code == 404
