"""The demo newsroom: four people and one article, so a newcomer sees the desk at work."""
from __future__ import annotations

from datetime import date
from importlib.resources import files

from sqlmodel import Session, select

from factcheck.models import Article, User
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
        intake.create_article(
            session,
            draft=intake.ArticleDraft(title=structure.title, body=structure.body, byline=structure.byline,
                                      url="https://news.example.org/harrow-bay/harbour-bridge-repair",
                                      published_on=date(2026, 3, 4), sources=structure.sources,
                                      boilerplate=structure.boilerplate),
            actor=editor, threshold=newsroom.checkworthy_threshold(session), max_body_chars=max_body_chars)
    return printed
