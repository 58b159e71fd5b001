"""A verdict starts with no rating chosen; the history reads in the page's own words."""
import re

from factcheck.services.claims import get_claim
from tests.builders import in_progress
from tests.web.test_review import claim  # noqa: F401 - the fixture


def test_the_rating_starts_empty_and_must_be_chosen(as_user, session, people, claim):
    in_progress(session, people, claim)
    carl = as_user("carl")
    page = carl.get(f"/claims/{claim.id}").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="rating".*?</select>', page, re.S).group(0)
    assert re.search(r'<option selected value="">Choose a rating…</option>|<option value="" selected>', select) \
        or re.search(r'<option value="">Choose a rating…</option>', select)
    assert "selected" not in select.replace('value="" selected', "").replace('selected value=""', "")
    assert "required" in select
    resp = carl.post(f"/claims/{claim.id}/verdict", {"version": str(claim.version), "rating": "",
                                                     "rationale": "The table agrees."})
    assert resp.status_code == 422
    assert "Choose a rating from the newsroom&#39;s scale." in resp.get_data(as_text=True)
    session.expire_all()
    assert get_claim(session, claim_id=claim.id).version == claim.version  # nothing saved


def test_history_shows_words_names_and_the_pages_times(as_user, session, people, claim):
    in_progress(session, people, claim)
    page = as_user("carl").get(f"/claims/{claim.id}").get_data(as_text=True)
    history = re.search(r'<ol class="list-unstyled small history">.*?</ol>', page, re.S).group(0)
    text = " ".join(re.sub(r"<[^>]+>", " ", history).split())
    assert "in_progress" not in text and "carl" not in text.split()
    assert "Status: new → in progress" in text
    assert "Checker: — → Carl" in text
    assert "<time" in history
