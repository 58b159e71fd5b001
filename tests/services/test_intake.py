import pytest
from sqlmodel import func, select

from factcheck.errors import PermissionDenied, ValidationError
from factcheck.models import Article, Claim, Event, Source
from factcheck.services import intake
from factcheck.text.structure import detect_structure
from tests.builders import STORY, article, claims_of


def test_every_sentence_is_stored_with_exact_offsets(session, people):
    a = article(session, by=people["eve"])
    claims = claims_of(session, a)
    assert len(claims) == 5
    for c in claims:
        assert a.body[c.start:c.end] == c.text == c.original_text
        assert 0.0 <= c.score <= 1.0
        assert c.status == ("new" if c.checkworthy else "candidate")
    assert [c.start for c in claims] == sorted(c.start for c in claims)


def test_factual_sentences_become_claims_and_commentary_stays_candidate(session, people):
    claims = {c.text: c for c in claims_of(session, article(session, by=people["eve"]))}
    assert claims["Port Alder opened its new ferry terminal on May 2, 2025, at a cost of $31 million."].status == "new"
    assert claims["Critics think the design is ugly."].status == "candidate"
    assert claims["Will it last?"].status == "candidate"


def test_sources_and_history_are_recorded(session, people):
    a = article(session, by=people["eve"], sources=["Council minutes", "Ferry operator report"])
    titles = session.exec(select(Source.title).where(Source.article_id == a.id).order_by(Source.position)).all()
    assert titles == ["Council minutes", "Ferry operator report"]
    event = session.exec(select(Event).where(Event.article_id == a.id)).one()
    assert event.kind == "article_created" and event.actor_id == people["eve"].id


def test_threshold_decides_what_becomes_a_claim(session, people):
    scores = sorted(c.score for c in claims_of(session, article(session, by=people["eve"])))
    everything = article(session, by=people["eve"], threshold=scores[0])
    nothing = article(session, by=people["eve"], threshold=min(0.99999, scores[-1] + 0.00001))
    assert all(c.status == "new" for c in claims_of(session, everything))
    assert all(c.status == "candidate" for c in claims_of(session, nothing))


def test_checkers_cannot_bring_in_articles(session, people):
    with pytest.raises(PermissionDenied):
        article(session, by=people["carl"])


@pytest.mark.parametrize("draft,field", [
    (dict(title="", body="Body."), "title"),
    (dict(title="T", body="   \n\n  "), "body"),
    (dict(title="x" * 501, body="Body."), "title"),
    (dict(title="T", body="Body.", url="javascript:alert(1)"), "url"),
    (dict(title="T", body="Body.", url="ftp://example.org/a"), "url"),
    (dict(title="T", body="Body.", url="https://exa mple.org/"), "url"),
    (dict(title="T", body="Body.", url="http://example.org:99999/"), "url"),
    (dict(title="T", body="Body.", url="https://example.org/" + "a" * 2100), "url"),
])
def test_invalid_drafts_save_nothing(session, people, draft, field):
    with pytest.raises(ValidationError) as info:
        intake.create_article(session, draft=intake.ArticleDraft(**draft), actor=people["eve"], threshold=0.5,
                              max_body_chars=1000)
    session.rollback()
    assert field in info.value.fields
    assert session.exec(select(func.count()).select_from(Article)).one() == 0
    assert session.exec(select(func.count()).select_from(Claim)).one() == 0


def test_body_over_the_limit_is_refused_with_the_numbers(session, people):
    with pytest.raises(ValidationError, match="1,001 characters; the limit is 1,000"):
        intake.create_article(session, draft=intake.ArticleDraft(title="T", body="a" * 1001), actor=people["eve"],
                              threshold=0.5, max_body_chars=1000)


def test_markup_and_control_characters_are_stored_as_inert_text(session, people):
    body = "<script>alert('x')</script> The council spent $4 million in 2024.\x00\r\nSecond line."
    a = article(session, by=people["eve"], body=body, title="<b>Bold</b> title")
    assert a.title == "<b>Bold</b> title"  # stored as typed; templates escape it
    assert "\x00" not in a.body and "\r" not in a.body
    for c in claims_of(session, a):
        assert a.body[c.start:c.end] == c.text


def test_sample_article_end_to_end(session, people, sample_text):
    s = detect_structure(sample_text)
    a = intake.create_article(session, draft=intake.ArticleDraft(title=s.title, body=s.body, byline=s.byline,
                                                                  sources=s.sources, boilerplate=s.boilerplate),
                              actor=people["eve"], threshold=0.5, max_body_chars=1_000_000)
    session.commit()
    claims = claims_of(session, a)
    assert len(claims) == 17
    assert a.byline == "Татьяна Гуринович"
    assert session.exec(select(func.count()).select_from(Source).where(Source.article_id == a.id)).one() == 6
    texts = " ".join(c.text for c in claims)
    assert "Did you find an error" not in texts and "News18" not in texts


def test_bylines_are_stored_without_credit_words_and_the_outlet_defaults_to_the_site(session, people):
    a = intake.create_article(session, draft=intake.ArticleDraft(
        title="Ferry timetable", body="The ferry cut weekend crossings from 14 to 9 in 2026.",
        byline="Edited by:  Jonas Whitfield", url="https://www.gazette.example.org/ferry"),
        actor=people["eve"], threshold=0.5, max_body_chars=100_000)
    assert (a.byline, a.outlet) == ("Jonas Whitfield", "gazette.example.org")
    b = intake.create_article(session, draft=intake.ArticleDraft(
        title="Ferry timetable", body="The ferry cut weekend crossings from 14 to 9 in 2026.", byline="By Lena Park",
        outlet=" Port Alder  Gazette ", url="https://gazette.example.org/ferry"),
        actor=people["eve"], threshold=0.5, max_body_chars=100_000)
    assert (b.byline, b.outlet) == ("Lena Park", "Port Alder Gazette")
