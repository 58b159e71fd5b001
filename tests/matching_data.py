"""A desk with a past article (its ferry claim checked, with a verdict) and a new one that repeats it, both
matched by the matching job: the test data of Checked before?, shared by the service, web and browser tests."""
from __future__ import annotations

from sqlmodel import select

from factcheck.models import JobState, MatchingJob
from factcheck.services import matching, review
from tests.builders import article, claims_of

PAST = ("Port Alder's ferry terminal cost $31 million to build, the council said.\n\n"
        "Unemployment in Port Alder rose to 7% last year, according to the state labour office.")
NEW = ("The new ferry terminal in Port Alder cost 31 million dollars, officials confirmed.\n\n"
       "Unemployment in Port Alder rose to 70% last year, according to the state labour office.")


def run_matching(session, a):
    job = session.exec(select(MatchingJob).where(MatchingJob.article_id == a.id)).one()
    assert matching.match_article(session, job.id) == JobState.done.value
    session.expire_all()
    return job


def check(session, claim, *, checker, editor, rating="False", rationale="The council's budget shows $31 million."):
    review.assign(session, claim=claim, assignee=checker, actor=editor, expected_version=claim.version)
    review.propose_verdict(session, claim=claim, rating=rating, rationale=rationale, actor=checker,
                           expected_version=claim.version, claim_reviewed="The terminal cost $31 million.")
    session.commit()


def desk_with_matches(session, people) -> dict:
    past = article(session, by=people["eve"], body=PAST, title="Ferry bill", sources=())
    run_matching(session, past)
    ferry, jobs_claim = claims_of(session, past)[:2]
    check(session, ferry, checker=people["carl"], editor=people["eve"])
    new = article(session, by=people["eve"], body=NEW, title="Ferry follow-up", sources=())
    run_matching(session, new)
    return {"past": past, "ferry": ferry, "jobs": jobs_claim, "new": new, "new_claims": claims_of(session, new)}


def bridge_batch(session, people) -> tuple:
    """Two articles brought in together; the second repeats the first's one claim and adds another: (the first
    article's claim, the repeat, the other)."""
    one = article(session, by=people["eve"], sources=(), threshold=0.0, title="Bridge",
                  body="The Kelsey harbour bridge cost $58 million to repair, the roads office said.")
    run_matching(session, one)
    two = article(session, by=people["eve"], sources=(), threshold=0.0, title="Bridge again",
                  body="Repairing the Kelsey harbour bridge cost $58 million, according to the roads office.\n\n"
                       "The library opens at nine on Saturdays.")
    run_matching(session, two)
    [first], (second, library) = claims_of(session, one), claims_of(session, two)
    return first, second, library
