import pytest
from sqlmodel import select

from factcheck.errors import Conflict, PermissionDenied, ValidationError
from factcheck.models import Event
from factcheck.services import claims as svc
from tests.builders import article, claims_of


@pytest.fixture
def story(session, people):
    a = article(session, by=people["eve"])
    return a, claims_of(session, a)


def test_promote_a_candidate(session, people, story):
    _, claims = story
    cand = next(c for c in claims if c.status == "candidate")
    svc.change_status(session, claim=cand, to="new", actor=people["eve"], expected_version=cand.version)
    session.commit()
    fresh = svc.get_claim(session, claim_id=cand.id)
    assert fresh.status == "new" and fresh.version == 2
    event = session.exec(select(Event).where(Event.claim_id == cand.id)).one()
    assert (event.field, event.old, event.new, event.actor_id) == ("status", "candidate", "new", people["eve"].id)


def test_dismiss_needs_a_reason_and_an_editor(session, people, story):
    _, claims = story
    claim = next(c for c in claims if c.status == "new")
    with pytest.raises(ValidationError, match="reason"):
        svc.change_status(session, claim=claim, to="dismissed", actor=people["eve"], expected_version=1)
    with pytest.raises(PermissionDenied):
        svc.change_status(session, claim=claim, to="dismissed", actor=people["carl"], expected_version=1,
                          reason="dup")
    svc.change_status(session, claim=claim, to="dismissed", actor=people["eve"], expected_version=1,
                      reason="Duplicate of an earlier claim")
    session.commit()
    assert svc.get_claim(session, claim_id=claim.id).status_reason == "Duplicate of an earlier claim"
    svc.change_status(session, claim=claim, to="new", actor=people["eve"], expected_version=2)
    session.commit()
    assert svc.get_claim(session, claim_id=claim.id).status == "new"


def test_a_stale_edit_is_refused_naming_who_changed_what(session, people, story):
    _, claims = story
    claim = claims[0]
    svc.edit_wording(session, claim=claim, text="Port Alder's ferry terminal cost $31 million.", actor=people["ada"],
                     expected_version=1)
    session.commit()
    with pytest.raises(Conflict) as info:
        svc.edit_wording(session, claim=claim, text="Another wording", actor=people["eve"], expected_version=1)
    assert "Ada" in info.value.message and "text" in info.value.message
    session.rollback()
    fresh = svc.get_claim(session, claim_id=claim.id)
    assert fresh.text == "Port Alder's ferry terminal cost $31 million." and fresh.version == 2


def test_rewording_keeps_the_original(session, people, story):
    _, claims = story
    claim = claims[1]
    original = claim.original_text
    svc.edit_wording(session, claim=claim, text="  4,200 passengers   used the terminal in week one. ",
                     actor=people["eve"], expected_version=1)
    session.commit()
    fresh = svc.get_claim(session, claim_id=claim.id)
    assert fresh.text == "4,200 passengers used the terminal in week one."
    assert fresh.original_text == original


def test_merge_neighbours_in_one_paragraph(session, people, story):
    a, claims = story
    first, second = claims[0], claims[1]
    merged = svc.merge(session, first=first, second=second, actor=people["eve"], first_version=1, second_version=1)
    session.commit()
    assert a.body[merged.start:merged.end] == merged.text
    assert merged.text.startswith("Port Alder opened") and merged.text.endswith("first week.")
    gone = svc.get_claim(session, claim_id=second.id)
    assert gone.merged_into_id == first.id and gone.status == "dismissed"
    with pytest.raises(ValidationError, match="merged into"):
        svc.change_status(session, claim=gone, to="new", actor=people["eve"], expected_version=gone.version)


def test_merge_across_paragraphs_is_refused(session, people, story):
    _, claims = story
    with pytest.raises(ValidationError, match="neighbouring"):
        svc.merge(session, first=claims[1], second=claims[2], actor=people["eve"], first_version=1, second_version=1)
    with pytest.raises(ValidationError, match="neighbouring"):
        svc.merge(session, first=claims[0], second=claims[2], actor=people["eve"], first_version=1, second_version=1)


def test_split_makes_two_scored_claims_with_exact_offsets(session, people, story):
    a, claims = story
    claim = claims[0]
    at = claim.text.index("at a cost")
    left, right = svc.split(session, claim=claim, at=at, actor=people["eve"], expected_version=1)
    session.commit()
    assert a.body[left.start:left.end] == left.text == "Port Alder opened its new ferry terminal on May 2, 2025,"
    assert a.body[right.start:right.end] == right.text == "at a cost of $31 million."
    assert right.id != left.id and right.reasons


@pytest.mark.parametrize("at", [0, -1, 10_000])
def test_split_point_must_be_inside(session, people, story, at):
    _, claims = story
    with pytest.raises(ValidationError, match="split point"):
        svc.split(session, claim=claims[0], at=at, actor=people["eve"], expected_version=1)


def test_only_untouched_claims_are_shaped(session, people, story):
    _, claims = story
    claim = claims[0]
    svc.change_status(session, claim=claim, to="dismissed", actor=people["eve"], expected_version=1, reason="opinion")
    session.commit()
    with pytest.raises(ValidationError, match="Only new claims"):
        svc.edit_wording(session, claim=claim, text="x", actor=people["eve"], expected_version=2)


def test_merging_a_reworded_claim_keeps_both_wordings(session, people, story):
    a, claims = story
    first, second = claims[0], claims[1]
    svc.edit_wording(session, claim=first, text="The terminal cost $31 million.", actor=people["eve"],
                     expected_version=1)
    session.commit()
    merged = svc.merge(session, first=first, second=second, actor=people["eve"], first_version=2, second_version=1)
    assert merged.text == "The terminal cost $31 million. " + second.text
    assert merged.original_text == a.body[merged.start:merged.end]
