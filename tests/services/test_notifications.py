"""Notifications raised where the events happen (history), each person's choices, and due-date reminders."""
from datetime import timedelta

import pytest
from sqlmodel import select

from factcheck.errors import NotFound, ValidationError
from factcheck.models import Notification, utcnow
from factcheck.services import notifications, review, sources
from factcheck.services.claims import get_claim
from tests.builders import article, claims_of


@pytest.fixture
def claim(session, people):
    a = article(session, by=people["eve"])
    return next(c for c in claims_of(session, a) if c.status == "new")


def kinds_for(session, user):
    return [(n.kind, n.text) for n in session.exec(select(Notification).where(Notification.user_id == user.id)
                                                   .order_by(Notification.id)).all()]


def test_mentions_are_usernames_once_each():
    assert notifications.mentions("@carl and @Cora, thanks @carl. mail@example.org @eve.") == ["carl", "cora", "eve"]
    assert notifications.mentions("no one here") == []


def test_the_life_cycle_tells_each_person_their_part(session, people, claim):
    eve, carl, ada, cora = people["eve"], people["carl"], people["ada"], people["cora"]
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=1)
    session.commit()
    assert kinds_for(session, carl) == [("assigned", "")]
    sources.add_source(session, claim=claim, url="https://stats.example.org/ferry", title="Ferry stats",
                       stance="supports", note="", actor=carl)
    review.propose_verdict(session, claim=claim, rating="True", rationale="Figures match.", actor=carl,
                           expected_version=2)
    review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=3)
    session.commit()
    assert kinds_for(session, eve) == [("review", "")] and kinds_for(session, ada) == [("review", "")]
    assert kinds_for(session, cora) == []   # a checker does not review
    review.transition(session, claim=claim, to="in_progress", actor=eve, expected_version=4,
                      comment="Cite the original table.")
    session.commit()
    assert kinds_for(session, carl)[-1] == ("sent_back", "Cite the original table.")
    review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=5)
    review.transition(session, claim=claim, to="published", actor=eve, expected_version=6)
    session.commit()
    assert [k for k, _ in kinds_for(session, carl)] == ["assigned", "sent_back", "published"]
    assert [k for k, _ in kinds_for(session, eve)] == ["review", "review"]   # never about her own actions


def test_comments_tell_the_assignee_and_mentions_tell_the_named(session, people, claim):
    eve, carl, cora = people["eve"], people["carl"], people["cora"]
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=1)
    review.add_comment(session, claim=claim, body="Ask the harbour office.", actor=eve)
    review.add_comment(session, claim=claim, body="@cora knows the harbour office; @nobody does not exist.",
                       actor=eve)
    review.add_comment(session, claim=claim, body="@carl please look again", actor=eve)
    review.add_comment(session, claim=claim, body="My own note", actor=carl)
    session.commit()
    assert kinds_for(session, carl) == [("assigned", ""), ("comment", "Ask the harbour office."),
                                        ("comment", "@cora knows the harbour office; @nobody does not exist."),
                                        ("mention", "@carl please look again")]
    assert kinds_for(session, cora) == [("mention", "@cora knows the harbour office; @nobody does not exist.")]


def test_each_person_chooses_per_kind(session, people, claim):
    eve, carl = people["eve"], people["carl"]
    assert notifications.preferences(session, user=carl)["assigned"] == "app"
    notifications.set_preferences(session, user=carl, choices={"assigned": "off", "comment": "digest"})
    session.commit()
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=1)
    review.add_comment(session, claim=claim, body="Look at this.", actor=eve)
    session.commit()
    notes = session.exec(select(Notification).where(Notification.user_id == carl.id)).all()
    assert [(n.kind, n.channel) for n in notes] == [("comment", "digest")]
    with pytest.raises(ValidationError):
        notifications.set_preferences(session, user=carl, choices={"assigned": "carrier pigeon"})


def test_read_one_and_all_and_only_ones_own(session, people, claim):
    eve, carl, cora = people["eve"], people["carl"], people["cora"]
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=1)
    review.add_comment(session, claim=claim, body="One", actor=eve)
    review.add_comment(session, claim=claim, body="Two", actor=eve)
    session.commit()
    assert notifications.unread_count(session, user_id=carl.id) == 3
    first = notifications.for_user(session, user_id=carl.id)[-1][0]
    with pytest.raises(NotFound):
        notifications.mark_read(session, user=cora, notification_id=first.id)
    notifications.mark_read(session, user=carl, notification_id=first.id)
    session.commit()
    assert notifications.unread_count(session, user_id=carl.id) == 2
    assert len(notifications.for_user(session, user_id=carl.id, unread_only=True)) == 2
    assert notifications.mark_all_read(session, user=carl) == 2
    session.commit()
    assert notifications.unread_count(session, user_id=carl.id) == 0


def test_due_tomorrow_and_overdue_once_per_due_date(session, people, claim):
    eve, carl = people["eve"], people["carl"]
    now = utcnow()
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=1, due=now + timedelta(hours=20))
    session.commit()
    assert notifications.remind_due(session, now=now) == 1
    assert notifications.remind_due(session, now=now + timedelta(hours=1)) == 0   # told once
    assert notifications.remind_due(session, now=now + timedelta(hours=21)) == 1   # now overdue
    assert notifications.remind_due(session, now=now + timedelta(hours=22)) == 0
    c = get_claim(session, claim_id=claim.id)
    review.set_due(session, claim=c, due=now + timedelta(days=5), actor=eve, expected_version=c.version)
    session.commit()
    assert notifications.remind_due(session, now=now + timedelta(days=4, hours=6)) == 1   # the new date reminds
    assert [k for k, _ in kinds_for(session, carl)] == ["assigned", "due_soon", "overdue", "due_soon"]
