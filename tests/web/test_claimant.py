"""Who made a claim: named by its checker beside the verdict, shown on the claim page, the outlet by default."""
import re

from factcheck.services.claims import get_claim
from tests.builders import article, claims_of


def _in_progress(session, people):
    from factcheck.services import review

    a = article(session, by=people["eve"])
    a.url, a.byline, a.outlet = "https://www.gazette.example.org/ferry", "Jonas Whitfield", "Port Alder Gazette"
    session.add(a)
    c = next(c for c in claims_of(session, a) if c.status == "new")
    review.assign(session, claim=c, assignee=people["carl"], actor=people["eve"], expected_version=c.version)
    session.commit()
    return c


def test_the_checker_names_who_made_the_claim(as_user, session, people):
    c = _in_progress(session, people)
    carl = as_user("carl")
    page = carl.get(f"/claims/{c.id}").get_data(as_text=True)
    assert 'name="claimant"' in page and "Leave empty for the outlet" in page
    resp = carl.post(f"/claims/{c.id}/verdict", {"version": str(c.version), "rating": "False", "rationale": "No.",
                                                 "claimant": "Mayor Ann Lee", "claimant_kind": "person"})
    assert resp.status_code == 302
    session.expire_all()
    claim = get_claim(session, claim_id=c.id)
    assert (claim.claimant, claim.claimant_kind) == ("Mayor Ann Lee", "person")
    page = carl.get(f"/claims/{c.id}").get_data(as_text=True)
    assert re.search(r"Made by:</strong> <bdi>Mayor Ann Lee</bdi>", page)
    assert "Jonas Whitfield" not in re.search(r"Made by:.*?</p>", page, re.S).group(0)


def test_without_a_claimant_the_outlet_made_it(as_user, session, people):
    c = _in_progress(session, people)
    carl = as_user("carl")
    assert carl.post(f"/claims/{c.id}/verdict", {"version": str(c.version), "rating": "False", "rationale": "No.",
                                                 "claimant": "", "claimant_kind": "person"}).status_code == 302
    page = carl.get(f"/claims/{c.id}").get_data(as_text=True)
    assert re.search(r"Made by:</strong> <bdi>Port Alder Gazette</bdi>", page)


def test_the_review_step_shows_the_byline_without_credit_words_and_the_outlet(as_user):
    eve = as_user("eve")
    html = eve.post("/articles/new", {"body": "Ferry Timetable Changes\n\nEdited by: Jonas Whitfield\n\n"
                                              "The ferry operator cut weekend crossings from 14 to 9 in 2026.",
                                      "url": "https://www.gazette.example.org/ferry"}).get_data(as_text=True)
    assert re.search(r'name="byline"[^>]*value="Jonas Whitfield"', html)
    assert re.search(r'name="outlet"[^>]*value="gazette.example.org"', html)
