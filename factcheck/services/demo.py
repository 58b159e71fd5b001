"""The demo newsroom: four people and one article, so a newcomer sees the desk at work."""
from __future__ import annotations

from datetime import date, timedelta
from importlib.resources import files

from sqlmodel import Session, select

from factcheck.models import Article, User, utcnow
from factcheck.services import intake, users
from factcheck.services import settings as newsroom
from factcheck.text.structure import detect_structure

DEMO_PEOPLE = [
    ("admin", "admin", "Ada Admin"),
    ("editor", "editor", "Eddie Editor"),
    ("checker1", "checker", "Chen Checker"),
    ("checker2", "checker", "Carla Checker"),
]
DEMO_ARTICLE = "harbour-bridge.txt"


def create_demo_newsroom(session: Session, *, max_body_chars: int) -> list[tuple[str, str, str]]:
    """Create (or reset the passwords of) the demo people; bring in the demo article once.

    Returns (username, role, password) rows to print: passwords are stored hashed, so a new one
    is set on every run.
    """
    printed = []
    for username, role, display_name in DEMO_PEOPLE:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            user, password = users.create_user(session, username=username, role=role, display_name=display_name)
        else:
            password = users.generate_password()
            user.password_hash = users.hash_password(password)
            user.active = True
            session.add(user)
        printed.append((username, user.role, password))
    session.flush()
    editor = session.exec(select(User).where(User.username == "editor")).one()
    raw = files("factcheck.demo").joinpath(DEMO_ARTICLE).read_text(encoding="utf-8")
    structure = detect_structure(raw)
    if session.exec(select(Article).where(Article.title == structure.title)).first() is None:
        article = intake.create_article(
            session,
            draft=intake.ArticleDraft(title=structure.title, body=structure.body, byline=structure.byline,
                                      url="https://news.example.org/harrow-bay/harbour-bridge-repair",
                                      published_on=date(2026, 3, 4), sources=structure.sources,
                                      boilerplate=structure.boilerplate),
            actor=editor, threshold=newsroom.checkworthy_threshold(session), max_body_chars=max_body_chars)
        _work_in_progress(session, article=article, editor=editor)
        _checked_before(session, first=article, editor=editor, max_body_chars=max_body_chars)
    return printed


FOLLOW_UP = ("Harbour Street Bridge Vote Revisited",
             "The Harrow Bay council voted 7 to 2 on March 3 to approve a $48.2 million repair of the Harbour "
             "Street bridge, the mayor's office repeated on Friday.")


def _checked_before(session: Session, *, first: Article, editor: User, max_body_chars: int) -> None:
    """A later article repeating the published claim, matched at once, so the demo shows Checked before."""
    from factcheck.models import MatchingJob
    from factcheck.services import matching

    later = intake.create_article(session, draft=intake.ArticleDraft(title=FOLLOW_UP[0], body=FOLLOW_UP[1]),
                                  actor=editor, threshold=newsroom.checkworthy_threshold(session),
                                  max_body_chars=max_body_chars)
    session.commit()
    for article in (first, later):  # the jobs the background would run, run here (the demo has no worker)
        for job in session.exec(select(MatchingJob).where(MatchingJob.article_id == article.id)).all():
            matching.match_article(session, job.id)


def _work_in_progress(session: Session, *, article: Article, editor: User) -> None:
    """A desk mid-shift: one claim published, one waiting for sign-off, one being checked."""
    from factcheck.models import Claim
    from factcheck.services import review, sources

    checker1 = session.exec(select(User).where(User.username == "checker1")).one()
    checker2 = session.exec(select(User).where(User.username == "checker2")).one()
    claims = session.exec(select(Claim).where(Claim.article_id == article.id, Claim.status == "new")
                          .order_by(Claim.start)).all()
    if len(claims) < 3:
        return
    due = newsroom.due_moment(session, (utcnow() + timedelta(days=2)).date())  # a due date ends its day
    for claim, checker, rating, url in [
        (claims[0], checker1, "True", "https://council.example.org/minutes/2026-03-03"),
        (claims[1], checker1, "Mostly true", "https://transport.example.org/counts/2025"),
    ]:
        review.assign(session, claim=claim, assignee=checker, actor=editor, expected_version=claim.version, due=due)
        sources.add_source(session, claim=claim, url=url, title="Primary record", stance="supports", actor=checker)
        review.propose_verdict(session, claim=claim, rating=rating, actor=checker, expected_version=claim.version,
                               rationale="Matches the primary record.")
        review.transition(session, claim=claim, to="in_review", actor=checker, expected_version=claim.version)
    review.transition(session, claim=claims[0], to="published", actor=editor, expected_version=claims[0].version)
    review.assign(session, claim=claims[2], assignee=checker2, actor=editor, expected_version=claims[2].version,
                  due=due)
    # The demo's sources name addresses that do not exist: keep the archiver from trying the network.
    from factcheck.models import Capture, Source

    for cap in session.exec(select(Capture).join(Source, Source.id == Capture.source_id)
                            .where(Source.article_id == article.id)).all():
        cap.state = "failed"
        cap.reason = ("Demo data: the demo newsroom does not fetch the web. Add a source of your own to see "
                      "a real capture.")
        session.add(cap)
