"""Each action on a claim carries its own needs; confirmations say what happened; exports are named by headline."""
import re

from tests.builders import in_review
from tests.web.test_review import claim  # noqa: F401 - the fixture


def test_each_action_carries_its_own_needs(as_user, session, people, claim):
    page = as_user("carl").get(f"/claims/{claim.id}").get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="/claims/\d+/status".*?</form>', page, re.S)
    take = next(f for f in forms if "Take this claim" in f)
    assert "textarea" not in take and "required" not in take
    in_review(session, people, claim)
    page = as_user("eve").get(f"/claims/{claim.id}").get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="/claims/\d+/status".*?</form>', page, re.S)
    publish = next(f for f in forms if ">Publish<" in f)
    send_back = next(f for f in forms if "Send back to the checker" in f)
    assert "textarea" not in publish
    assert 'name="reason"' in send_back and "Comment for “Send back to the checker” <span class=\"text-danger\">(required)" in send_back
    assert page.index(">Publish<") < page.index("Send back to the checker")  # what needs nothing comes first


def test_confirmations_say_what_happened(as_user, session, people, claim):
    in_review(session, people, claim)
    eve = as_user("eve")
    resp = eve.post(f"/claims/{claim.id}/status", {"version": str(claim.version), "to": "in_progress",
                                                   "reason": "Link the original table."}, follow_redirects=True)
    assert "Sent back to Carl with your comment." in resp.get_data(as_text=True)


def test_the_exports_list_names_articles_by_headline(as_user, session, people, claim):
    eve = as_user("eve")
    eve.post("/exports/", {"format": "csv", "article_id": str(claim.article_id)})
    html = eve.get("/exports/").get_data(as_text=True)
    assert re.search(r'<a href="/articles/\d+"><bdi>Ferry terminal opens</bdi></a>', html)
    assert "article #" not in html
