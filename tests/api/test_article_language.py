"""Furniture and language through the UI and the API, end to end (issue 12)."""
import html as h
import re

from sqlmodel import select

from factcheck.models import Article, Claim

RUSSIAN = """Городской совет закрыл бассейн

Последнее обновление: 6 мая 2025

САМАРА, 5 мая (ТАСС) - Городской совет во вторник проголосовал за закрытие бассейна, т. е. единственного в районе.

Ремонт обошёлся бы в 40 млн. рублей, сообщил мэр. Бассейн построили в 1975 г. по проекту архитектора Иванова.
"""

ENGLISH_PAGE = """Council Closes Pool After Repair Bill Soars
Last updated: 6 May 2025
Share this article

The council voted 7-2 on Tuesday to close the pool after repairs were priced at $4 million.

Swimmers in the pool last summer. REUTERS/J. Name

What Happens Next

The building will be sold in 2026, the mayor said.
"""


def _field(html: str, name: str) -> str:
    m = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    if m:
        return h.unescape(m.group(1))
    m = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', html, re.S)
    return h.unescape(m.group(1)) if m else ""


def _confirm(client, html: str):
    data = {name: _field(html, name) for name in
            ("title", "url", "byline", "published_on", "body", "sources", "boilerplate", "language")}
    return client.post("/articles/confirm", data)


def test_furniture_is_shown_in_review_and_on_the_article_never_scored(as_user, session):
    eve = as_user("eve")
    html = eve.post("/articles/new", {"body": ENGLISH_PAGE}).get_data(as_text=True)
    assert "(caption)" in html and "(date)" in html and "(heading)" in html
    assert _field(html, "language") == "en"
    body = _field(html, "body")
    assert "REUTERS" not in body and "What Happens Next" not in body and "Last updated" not in body
    resp = _confirm(eve, html)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    article = session.exec(select(Article).order_by(Article.id.desc())).first()
    assert article.language == "en"
    assert "Swimmers in the pool last summer. REUTERS/J. Name" in article.boilerplate
    texts = [c.text for c in session.exec(select(Claim).where(Claim.article_id == article.id))]
    assert texts and not any("REUTERS" in t or "Share" in t or "updated" in t for t in texts)
    page = eve.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "Set aside as page furniture" in page and "(caption)" in page


def test_russian_article_is_split_in_russian_marked_english_model_and_correctable(as_user, session, api):
    eve = as_user("eve")
    html = eve.post("/articles/new", {"body": RUSSIAN}).get_data(as_text=True)
    assert _field(html, "language") == "ru"
    assert "(dateline)" in html and "(date)" in html
    assert _confirm(eve, html).status_code == 302
    article = session.exec(select(Article).order_by(Article.id.desc())).first()
    assert article.language == "ru"
    claims = session.exec(select(Claim).where(Claim.article_id == article.id).order_by(Claim.start)).all()
    assert [c.text for c in claims] == [
        "Городской совет во вторник проголосовал за закрытие бассейна, т. е. единственного в районе.",
        "Ремонт обошёлся бы в 40 млн. рублей, сообщил мэр.",
        "Бассейн построили в 1975 г. по проекту архитектора Иванова.",
    ]
    assert all(c.status == "candidate" for c in claims)  # the threshold is not applied
    assert all(article.body[c.start:c.end] == c.text for c in claims)
    page = eve.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "scores: English model" in page

    out = api("eve").get(f"/api/v1/articles/{article.id}").get_json()
    assert out["language"] == "ru" and out["scores"] == "English model"
    assert {"text": "Последнее обновление: 6 мая 2025", "kind": "date"} in out["furniture"]

    resp = eve.post(f"/articles/{article.id}/language", {"language": "UK"})
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(Article, article.id).language == "uk"
    bad = eve.post(f"/articles/{article.id}/language", {"language": "<script>"})
    assert bad.status_code == 302
    session.expire_all()
    assert session.get(Article, article.id).language == "uk"


def test_checker_cannot_correct_the_language(as_user, session):
    eve = as_user("eve")
    html = eve.post("/articles/new", {"body": ENGLISH_PAGE}).get_data(as_text=True)
    _confirm(eve, html)
    article = session.exec(select(Article).order_by(Article.id.desc())).first()
    carl = as_user("carl")
    assert carl.post(f"/articles/{article.id}/language", {"language": "fr"}).status_code == 403
    session.expire_all()
    assert session.get(Article, article.id).language == "en"


def test_a_page_of_only_headings_says_so_and_loses_nothing(as_user, session):
    eve = as_user("eve")
    text = "World News\n\nMain Points\n\nWhat Happens Next\n\nKey Findings\n"
    resp = eve.post("/articles/new", {"body": text})
    html = resp.get_data(as_text=True)
    assert "No body text is left" in html
    kept = _field(html, "boilerplate") + "\n" + _field(html, "title")
    for line in ("Main Points", "What Happens Next", "Key Findings"):
        assert line in kept
    before = len(session.exec(select(Article)).all())
    assert _confirm(eve, html).status_code == 422       # nothing saved without a body
    assert len(session.exec(select(Article)).all()) == before
