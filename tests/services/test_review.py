"""The life cycle through the services, on a real database."""
import pytest
from sqlmodel import select

from factcheck.errors import Conflict, PermissionDenied, ValidationError
from factcheck.models import Capture, Comment, Event
from factcheck.services import review, sources
from factcheck.services import settings as newsroom
from factcheck.services.claims import get_claim
from tests.builders import article, claims_of


@pytest.fixture
def claim(session, people):
    a = article(session, by=people["eve"])
    return next(c for c in claims_of(session, a) if c.status == "new")


def fresh(session, c):
    session.expire_all()
    return get_claim(session, claim_id=c.id)


def test_full_life_cycle(session, people, claim):
    eve, carl = people["eve"], people["carl"]
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=1)
    session.commit()
    assert (claim.status, claim.assignee_id, claim.version) == ("in_progress", carl.id, 2)
    src = sources.add_source(session, claim=claim, url="https://stats.example.org/ferry", title="Ferry stats",
                             stance="supports", note="Table 3", actor=carl)
    session.commit()
    assert session.exec(select(Capture).where(Capture.source_id == src.id)).one().state == "queued"
    review.propose_verdict(session, claim=claim, rating="mostly TRUE", rationale="Figures match.", actor=carl,
                           expected_version=2)
    session.commit()
    review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=3)
    session.commit()
    review.transition(session, claim=claim, to="in_progress", actor=eve, expected_version=4,
                      comment="Cite the original table, not the press release.")
    session.commit()
    sent_back = session.exec(select(Comment).where(Comment.claim_id == claim.id)).one()
    assert sent_back.kind == "rejection" and "original table" in sent_back.body
    review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=5)
    review.transition(session, claim=claim, to="published", actor=eve, expected_version=6)
    session.commit()
    c = fresh(session, claim)
    assert c.status == "published" and c.published_at is not None
    assert review.latest_verdict(session, claim_id=c.id).rating == "Mostly true"
    review.transition(session, claim=c, to="in_progress", actor=eve, expected_version=7,
                      comment="The council revised the figure.")
    session.commit()
    kinds = list(session.exec(select(Comment.kind).where(Comment.claim_id == claim.id)).all())
    assert sorted(kinds) == ["correction", "rejection"]
    statuses = [(e.old, e.new) for e in session.exec(select(Event).where(Event.claim_id == claim.id,
                                                                         Event.field == "status")
                                                     .order_by(Event.id)).all()]
    assert statuses == [("new", "in_progress"), ("in_progress", "in_review"), ("in_review", "in_progress"),
                        ("in_progress", "in_review"), ("in_review", "published"), ("published", "in_progress")]


def test_four_eyes(session, people, claim):
    eve = people["eve"]
    review.assign(session, claim=claim, assignee=eve, actor=eve, expected_version=1)
    sources.add_source(session, claim=claim, url="https://example.org/a", actor=eve)
    review.propose_verdict(session, claim=claim, rating="False", rationale="No.", actor=eve, expected_version=2)
    review.transition(session, claim=claim, to="in_review", actor=eve, expected_version=3)
    session.commit()
    with pytest.raises(PermissionDenied, match="Four-eyes"):
        review.transition(session, claim=claim, to="published", actor=eve, expected_version=4)
    session.rollback()
    newsroom.set_signoff_rules(session, min_sources=1, four_eyes=False, actor=people["ada"])
    review.transition(session, claim=fresh(session, claim), to="published", actor=eve, expected_version=4)
    session.commit()
    assert fresh(session, claim).status == "published"


def test_submit_needs_a_verdict_and_enough_sources(session, people, claim):
    carl = people["carl"]
    review.assign(session, claim=claim, assignee=carl, actor=carl, expected_version=1)  # self-assign
    session.commit()
    with pytest.raises(ValidationError, match="Propose a verdict"):
        review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=2)
    review.propose_verdict(session, claim=claim, rating="True", rationale="Yes.", actor=carl, expected_version=2)
    session.commit()
    with pytest.raises(ValidationError, match="at least 1 source before submitting; this claim has 0"):
        review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=3)


def test_checkers_work_only_on_their_own_claims(session, people, claim):
    carl, cora, eve = people["carl"], people["cora"], people["eve"]
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=1)
    session.commit()
    with pytest.raises(PermissionDenied, match="own claims"):
        sources.add_source(session, claim=claim, url="https://example.org/", actor=cora)
    with pytest.raises(PermissionDenied):
        review.propose_verdict(session, claim=claim, rating="True", rationale="x", actor=cora, expected_version=2)
    with pytest.raises(PermissionDenied, match="assign or reassign"):
        review.assign(session, claim=claim, assignee=cora, actor=cora, expected_version=2)
    with pytest.raises(PermissionDenied):
        review.transition(session, claim=claim, to="published", actor=carl, expected_version=2)


def test_stale_assignment_is_a_conflict(session, people, claim):
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    session.commit()
    with pytest.raises(Conflict, match="changed by Eve"):
        review.assign(session, claim=claim, assignee=people["cora"], actor=people["ada"], expected_version=1)


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "ftp://x.org", "https://", "http://a b.org",
                                 "https://example.org/" + "x" * 2100])
def test_bad_source_urls_are_explained(session, people, claim, url):
    with pytest.raises(ValidationError) as info:
        sources.add_source(session, claim=claim, url=url, actor=people["eve"])
    assert "url" in info.value.fields


def test_edit_and_remove_a_source_keep_history(session, people, claim):
    eve = people["eve"]
    src = sources.add_source(session, claim=claim, url="https://example.org/a", actor=eve)
    session.commit()
    sources.update_source(session, source=src, claim=claim, actor=eve, expected_version=1,
                          url="https://example.org/b", stance="refutes")
    session.commit()
    with pytest.raises(Conflict):
        sources.update_source(session, source=src, claim=claim, actor=eve, expected_version=1, url="https://x.org/")
    session.rollback()
    sources.remove_source(session, source=src, claim=claim, actor=eve, expected_version=2)
    session.commit()
    assert review.active_sources(session, claim_id=claim.id) == []
    kinds = session.exec(select(Event.kind).where(Event.claim_id == claim.id).order_by(Event.id)).all()
    assert kinds[-3:] == ["source_edited", "source_edited", "source_removed"]
    assert len(session.exec(select(Capture).where(Capture.source_id == src.id)).all()) == 2


def test_rating_must_be_on_the_scale(session, people, claim):
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    with pytest.raises(ValidationError, match="Choose a rating"):
        review.propose_verdict(session, claim=claim, rating="Pants on fire", rationale="x", actor=people["carl"],
                               expected_version=2)


def test_a_stale_publish_is_a_conflict_not_a_refusal(session, people, claim):
    carl, eve, ada = people["carl"], people["eve"], people["ada"]
    review.assign(session, claim=claim, assignee=carl, actor=eve, expected_version=1)
    sources.add_source(session, claim=claim, url="https://example.org/a", actor=carl)
    review.propose_verdict(session, claim=claim, rating="True", rationale="Yes.", actor=carl, expected_version=2)
    review.transition(session, claim=claim, to="in_review", actor=carl, expected_version=3)
    session.commit()
    review.transition(session, claim=claim, to="published", actor=eve, expected_version=4)
    session.commit()
    with pytest.raises(Conflict, match="changed by Eve"):
        review.transition(session, claim=claim, to="published", actor=ada, expected_version=4)
