"""Checked before?: the matching job, the past matches a claim page shows, an editor's decisions, the search; on a
real database (SQLite, and PostgreSQL when configured), with the desk's own sentence encoder."""
import pytest
from sqlmodel import select

from factcheck import jobs
from factcheck.errors import PermissionDenied, ValidationError
from factcheck.models import ClaimMatch, ClaimVector, Event, JobState, MatchingJob
from factcheck.services import claims as shaping
from factcheck.services import matching, past_matches, review
from factcheck.services import sweep as sweeper
from factcheck.services.claims import get_claim
from tests.builders import article, job_table
from tests.matching_data import PAST, desk_with_matches


@pytest.fixture
def desk(session, people):
    return desk_with_matches(session, people)


def test_intake_asks_for_matching_and_the_job_stores_vectors_and_matches(session, desk):
    assert session.exec(select(ClaimVector)).all()[0].model == matching.MODEL
    assert len(session.exec(select(ClaimVector)).all()) == 4
    new_ferry = desk["new_claims"][0]
    rows = session.exec(select(ClaimMatch).where(ClaimMatch.claim_id == new_ferry.id)).all()
    assert [r.match_id for r in rows][:1] == [desk["ferry"].id]
    assert rows[0].similarity >= matching.THRESHOLD and "31" in rows[0].matched["numbers"]
    assert "ferry" in rows[0].matched["words"] and "Alder" in rows[0].matched["names"]


def test_the_job_is_registered_on_the_default_queue_and_swept(engine, settings, session, people):
    assert jobs.queue_for(jobs.MATCH_CLAIMS) == jobs.DEFAULT and matching.KIND in sweeper.KINDS
    a = article(session, by=people["eve"], body=PAST, sources=())
    job = session.exec(select(MatchingJob).where(MatchingJob.article_id == a.id)).one()
    assert job.state == JobState.queued.value
    job_table(engine, settings)[jobs.MATCH_CLAIMS](job.id)
    session.expire_all()
    assert session.get(MatchingJob, job.id).state == JobState.done.value
    assert matching.match_article(session, job.id) is None  # done: running it twice does nothing


def test_the_claim_page_view_shows_verdict_checker_and_what_matched(session, desk):
    shown, ignored = past_matches.checked_before(session, claim=desk["new_claims"][0])
    assert ignored == 0 and shown[0].claim.id == desk["ferry"].id
    assert shown[0].verdict.rating == "False" and shown[0].checker == "Carl"
    assert shown[0].article.title == "Ferry bill" and shown[0].checked_at is not None
    assert all(m.claim.article_id != desk["new"].id for m in shown)


def test_numbers_count(session, desk):
    """'7%' and '70%': the same words about another figure are lowered below the threshold's reach of equals."""
    new_jobs = desk["new_claims"][1]
    found = matching.similar_to(session, text=new_jobs.text, vector=matching.vector_of(session, new_jobs),
                                exclude_article=new_jobs.article_id)
    same = matching.similar_to(session, text=desk["jobs"].text, vector=matching.vector_of(session, desk["jobs"]),
                               exclude={desk["jobs"].id})
    jobs_match = next(f for f in found if f.claim.id == desk["jobs"].id)
    assert jobs_match.overlap.numbers_differ and jobs_match.overlap.numbers == []
    assert jobs_match.similarity < 0.9
    assert all(f.claim.id != desk["jobs"].id for f in same)
    stored = session.exec(select(ClaimMatch.match_id).where(ClaimMatch.claim_id == new_jobs.id)).all()
    assert desk["jobs"].id not in stored  # another figure: shown on the page, never suggested


def test_dismiss_as_duplicate_keeps_its_own_verdict_empty_and_records_the_event(session, people, desk):
    claim = desk["new_claims"][0]
    past_matches.decide(session, claim=claim, match_id=desk["ferry"].id, action="duplicate", actor=people["eve"],
                        expected_version=claim.version)
    session.commit()
    claim = get_claim(session, claim_id=claim.id)
    assert claim.status == "dismissed" and claim.status_reason == f"Duplicate of claim #{desk['ferry'].id}."
    assert review.latest_verdict(session, claim_id=claim.id) is None  # nothing copied
    kinds = [e.kind for e in session.exec(select(Event).where(Event.claim_id == claim.id))]
    assert "marked_as_duplicate" in kinds and "status" in kinds
    row = session.exec(select(ClaimMatch).where(ClaimMatch.claim_id == claim.id,
                                                ClaimMatch.match_id == desk["ferry"].id)).one()
    assert row.decision == "duplicate" and row.decided_by_id == people["eve"].id


def test_related_and_ignore(session, people, desk):
    claim, eve = desk["new_claims"][0], people["eve"]
    past_matches.decide(session, claim=claim, match_id=desk["ferry"].id, action="related", actor=eve,
                        expected_version=claim.version)
    session.commit()
    shown, _ = past_matches.checked_before(session, claim=claim)
    assert shown[0].decision == "related"
    past_matches.decide(session, claim=claim, match_id=desk["ferry"].id, action="ignore", actor=eve,
                        expected_version=claim.version)
    session.commit()
    shown, ignored = past_matches.checked_before(session, claim=claim)
    assert ignored == 1 and all(m.claim.id != desk["ferry"].id for m in shown)
    assert desk["new"].id not in past_matches.article_matches(session, article_id=desk["new"].id) or all(
        m.claim.id != desk["ferry"].id for m in past_matches.article_matches(session, article_id=desk["new"].id)
        .get(claim.id, []))
    event = session.exec(select(Event).where(Event.kind == "ignored_a_past_match")).one()
    assert event.detail["reason"] == f"Claim #{desk['ferry'].id} (verdict: False)"


def test_checkers_may_not_act_on_matches_and_bad_actions_are_refused(session, people, desk):
    claim = desk["new_claims"][0]
    with pytest.raises(PermissionDenied):
        past_matches.decide(session, claim=claim, match_id=desk["ferry"].id, action="related",
                            actor=people["carl"], expected_version=claim.version)
    with pytest.raises(ValidationError):
        past_matches.decide(session, claim=claim, match_id=desk["ferry"].id, action="copy-verdict",
                            actor=people["eve"], expected_version=claim.version)


def test_search_finds_claims_restated_claims_and_rationales(session, desk):
    found = [m.claim.id for m in past_matches.search_results(session, q="ferry terminal cost")]
    assert desk["ferry"].id in found[:2] and desk["jobs"].id not in found[:2]
    assert past_matches.search_results(session, q="budget")[0].claim.id == desk["ferry"].id  # the rationale
    restated = past_matches.search_results(session, q="terminal cost $31 million")
    assert restated[0].claim.id == desk["ferry"].id and restated[0].verdict.rating == "False"
    for bad in ("", "   ", "the of", "x" * 3000):
        with pytest.raises(ValidationError):
            matching.search(session, q=bad)


def test_a_changed_claim_gets_a_new_vector_and_the_index_follows(session, people, desk):
    claim = desk["jobs"]
    shaping.edit_wording(session, claim=claim, text="Port Alder's lighthouse was painted blue in 1990.",
                         actor=people["eve"], expected_version=claim.version)
    session.commit()
    matching.store_vectors(session, [claim])
    assert matching.search(session, q="lighthouse painted blue")[0].claim.id == claim.id
    assert matching.rebuild(session) == 0  # nothing left without a vector


def _waiting(session, article_id):
    return list(session.exec(select(MatchingJob).where(MatchingJob.article_id == article_id,
                                                       MatchingJob.state == JobState.queued.value)))


def test_rewording_splitting_merging_and_promoting_match_the_article_again(session, people, desk):
    new = desk["new"]
    ferry, jobs_claim = desk["new_claims"][:2]
    assert _waiting(session, new.id) == []
    # Reworded so that it no longer repeats the checked ferry claim: the job asked for drops the suggestion.
    shaping.edit_wording(session, claim=ferry, text="Port Alder's lighthouse was painted blue in 1990.",
                         actor=people["eve"], expected_version=ferry.version)
    session.commit()
    [job] = _waiting(session, new.id)
    assert matching.match_article(session, job.id) == JobState.done.value
    session.expire_all()
    vector = session.exec(select(ClaimVector).where(ClaimVector.claim_id == ferry.id)).one()
    assert vector.text_hash == matching.text_hash("Port Alder's lighthouse was painted blue in 1990.")
    assert session.exec(select(ClaimMatch).where(ClaimMatch.claim_id == ferry.id)).all() == []
    # Several changes before a worker gets to it ask for one job, not one each.
    left, right = shaping.split(session, claim=jobs_claim, at=jobs_claim.text.index(" last year"),
                                actor=people["eve"], expected_version=jobs_claim.version)
    session.commit()
    shaping.merge(session, first=left, second=right, actor=people["eve"], first_version=left.version,
                  second_version=right.version)
    session.commit()
    assert len(_waiting(session, new.id)) == 1
    # A dismissed claim restored becomes a claim again and is matched again.
    [job] = _waiting(session, new.id)
    assert matching.match_article(session, job.id) == JobState.done.value
    claim = get_claim(session, claim_id=ferry.id)
    shaping.change_status(session, claim=claim, to="dismissed", actor=people["eve"], expected_version=claim.version,
                          reason="Not a claim")
    session.commit()
    assert _waiting(session, new.id) == []
    shaping.change_status(session, claim=claim, to="new", actor=people["eve"], expected_version=claim.version)
    session.commit()
    assert len(_waiting(session, new.id)) == 1


BRIDGE = ("The Kelsey harbour bridge cost $58 million to repair, the roads office said.\n\n"
          "The library opens at nine on Saturdays, the council said.")
BRIDGE_AGAIN = ("Repairing the Kelsey harbour bridge cost $58 million, according to the roads office.\n\n"
                "Repairing the Kelsey harbour bridge cost $85 million, according to a councillor.")


def test_claims_of_one_batch_of_intake_that_say_the_same_thing_are_grouped(session, people):
    from tests.builders import claims_of
    from tests.matching_data import run_matching

    one = article(session, by=people["eve"], body=BRIDGE, title="Bridge", sources=(), threshold=0.0)
    run_matching(session, one)
    two = article(session, by=people["eve"], body=BRIDGE_AGAIN, title="Bridge again", sources=(), threshold=0.0)
    run_matching(session, two)
    bridge, library = claims_of(session, one)
    same, other_figure = claims_of(session, two)
    assert (bridge.alike_id, same.alike_id) == (bridge.id, bridge.id)
    assert library.alike_id is None and other_figure.alike_id is None  # $85 million is another claim
    # Reworded into something else, the claim leaves the group, and its partner is alone again.
    shaping.edit_wording(session, claim=same, text="The roads office moved to a new building in May.",
                         actor=people["eve"], expected_version=same.version)
    session.commit()
    [job] = _waiting(session, two.id)
    assert matching.match_article(session, job.id) == JobState.done.value
    session.expire_all()
    assert get_claim(session, claim_id=same.id).alike_id is None
    assert get_claim(session, claim_id=bridge.id).alike_id is None


def test_articles_brought_in_days_apart_are_not_one_batch(session, people):
    from datetime import timedelta

    from tests.builders import claims_of
    from tests.matching_data import run_matching

    one = article(session, by=people["eve"], body=BRIDGE, title="Bridge", sources=(), threshold=0.0)
    one.created_at -= timedelta(days=3)
    session.add(one)
    session.commit()
    run_matching(session, one)
    two = article(session, by=people["eve"], body=BRIDGE_AGAIN, title="Bridge again", sources=(), threshold=0.0)
    run_matching(session, two)
    assert [c.alike_id for c in claims_of(session, one) + claims_of(session, two)] == [None] * 4
    # (It is a past claim instead: Checked before? suggests it.)
    same = claims_of(session, two)[0]
    assert [m.match_id for m in session.exec(select(ClaimMatch).where(ClaimMatch.claim_id == same.id))] \
        == [claims_of(session, one)[0].id]


def test_alike_groups_join_what_is_close_and_keep_links():
    import numpy as np

    v = np.array([[1, 0], [0.99, 0.141], [0, 1], [0, 1]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    texts = ["Rents rose 5%.", "Rents went up by 5%.", "Rents rose 9%.", "Rents rose 12%."]
    assert matching.alike_groups(texts, v) == [0, 0, -1, -1]   # [2] and [3]: one vector, other figures
    assert matching.alike_groups(texts, v, links=[(2, 3)]) == [0, 0, 2, 2]
    assert matching.alike_groups(texts[:1], v[:1]) == [-1]
