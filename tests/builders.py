"""Builders for test data, written in the newsroom's words."""
from __future__ import annotations

from factcheck.models import Article, Claim, User
from factcheck.services import intake

STORY = (
    "Port Alder opened its new ferry terminal on May 2, 2025, at a cost of $31 million. "
    "The mayor said 4,200 passengers used it in the first week.\n\n"
    "Critics think the design is ugly. Will it last? "
    "The terminal replaced a 1962 building that flooded three times since 2010."
)


def article(session, *, by: User, body: str = STORY, title: str = "Ferry terminal opens", threshold: float = 0.5,
            sources=("Port Alder council",)) -> Article:
    a = intake.create_article(session, draft=intake.ArticleDraft(title=title, body=body, sources=list(sources)),
                              actor=by, threshold=threshold, max_body_chars=1_000_000)
    session.commit()
    return a


def claims_of(session, a: Article) -> list[Claim]:
    from factcheck.services.claims import article_claims

    return article_claims(session, article_id=a.id)


class Doorbell:
    """A job runner that only records what was rung, for tests that run jobs by hand."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, tuple]] = []

    def enqueue(self, name: str, *args) -> None:
        self.sent.append((name, args))


def in_progress(session, people, claim: Claim) -> Claim:
    """eve assigns the claim to carl."""
    from factcheck.services import review

    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=claim.version)
    session.commit()
    return claim


def in_review(session, people, claim: Claim) -> Claim:
    """carl cites a source, proposes True and submits (the capture is still queued, so he confirms that)."""
    from factcheck.services import review, sources

    in_progress(session, people, claim)
    sources.add_source(session, claim=claim, url="https://stats.example.org/t3", actor=people["carl"])
    review.propose_verdict(session, claim=claim, rating="True", rationale="ok", actor=people["carl"],
                           expected_version=claim.version)
    review.transition(session, claim=claim, to="in_review", actor=people["carl"], expected_version=claim.version,
                      confirm_unarchived=True)
    session.commit()
    return claim


def job_table(engine, settings, runner=None) -> dict:
    """The registry's task table (name -> callable taking the job's arguments), as the runners get it."""
    from factcheck import registry

    return registry.make_tasks(engine, settings, runner if runner is not None else Doorbell())
