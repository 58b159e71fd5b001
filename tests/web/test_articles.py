import io
import re

from sqlmodel import func, select

from factcheck.models import Article, Claim

SHAPED = """Riverside Clinic Closes Night Ward After Staff Shortage

By Anna Lindqvist

The Riverside Clinic closed its night ward on Monday, the health board said, after 14 nurses left in 2025.

Share this article

The board expects to reopen the ward in spring. Some patients believe the decision was rushed.

References
- Health board statement
- Nursing union letter

Did you find an error or inaccuracy?
"""


def _review_fields(html: str) -> dict:
    fields = dict(re.findall(r'<input[^>]*name="(title|url|byline|published_on)"[^>]*value="([^"]*)"', html))
    for name in ("body", "sources", "boilerplate"):
        m = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', html, re.S)
        fields[name] = m.group(1) if m else ""
    import html as h
    return {k: h.unescape(v) for k, v in fields.items()}


def test_paste_review_confirm(as_user, session):
    eve = as_user("eve")
    resp = eve.post("/articles/new", {"body": SHAPED})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    fields = _review_fields(html)
    assert fields["title"] == "Riverside Clinic Closes Night Ward After Staff Shortage"
    assert fields["byline"] == "Anna Lindqvist"
    assert "Share this article" not in fields["body"] and "Share this article" in fields["boilerplate"]
    assert fields["sources"].splitlines() == ["Health board statement", "Nursing union letter"]
    assert session.exec(select(func.count()).select_from(Article)).one() == 0  # nothing saved yet

    fields["title"] = "Riverside night ward closes"  # the editor corrects the headline
    resp = eve.post("/articles/confirm", fields)
    assert resp.status_code == 302
    page = eve.get(resp.headers["Location"])
    text = page.get_data(as_text=True)
    assert "Riverside night ward closes" in text and "check-worthy claim" in text
    assert "14 nurses left in 2025" in text
    assert 'role="tooltip"' in text
    article = session.exec(select(Article)).one()
    assert article.title == "Riverside night ward closes"


def test_upload_a_text_file(as_user):
    eve = as_user("eve")
    resp = eve.post("/articles/upload", {"upload-file": (io.BytesIO(SHAPED.encode("utf-8")), "story.txt")},
                    content_type="multipart/form-data")
    assert resp.status_code == 200
    assert "Riverside Clinic Closes Night Ward" in resp.get_data(as_text=True)


def test_upload_a_windows_1252_file(as_user):
    eve = as_user("eve")
    data = "Café owners in Montréal paid €2,400 in fees last year.".encode("cp1252")
    resp = eve.post("/articles/upload", {"upload-file": (io.BytesIO(data), "story.txt"), "upload-plain": "y"},
                    content_type="multipart/form-data")
    assert resp.status_code == 200
    assert "Café owners in Montréal" in resp.get_data(as_text=True)


def test_binary_upload_gets_a_clear_error(as_user, session):
    eve = as_user("eve")
    resp = eve.post("/articles/upload", {"upload-file": (io.BytesIO(b"%PDF-1.7\x00\x01binary"), "story.txt")},
                    content_type="multipart/form-data")
    assert resp.status_code == 422
    assert "not a text document" in resp.get_data(as_text=True) or "PDF" in resp.get_data(as_text=True)


def test_oversized_upload_is_refused_and_nothing_saved(app, as_user, session):
    eve = as_user("eve")
    limit = app.extensions["factcheck.settings"].max_upload_bytes
    resp = eve.post("/articles/upload", {"upload-file": (io.BytesIO(b"a" * (limit + 10)), "big.txt")},
                    content_type="multipart/form-data")
    assert resp.status_code in (413, 422)
    assert "limit" in resp.get_data(as_text=True)
    far_too_big = eve.post("/articles/upload", {"upload-file": (io.BytesIO(b"a" * (limit + 400_000)), "big.txt")},
                           content_type="multipart/form-data")
    assert far_too_big.status_code == 413
    assert "Nothing was saved" in far_too_big.get_data(as_text=True)
    assert session.exec(select(func.count()).select_from(Article)).one() == 0


def test_empty_body_is_refused(as_user):
    eve = as_user("eve")
    resp = eve.post("/articles/confirm", {"title": "T", "body": "   "})
    assert resp.status_code == 422
    assert "no body text" in resp.get_data(as_text=True)


def test_bad_url_is_explained_and_input_kept(as_user, session):
    eve = as_user("eve")
    resp = eve.post("/articles/confirm", {"title": "T", "body": "The council met on May 1.", "url": "javascript:x"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Only http:// and https:// links" in html and "The council met on May 1." in html
    assert session.exec(select(func.count()).select_from(Article)).one() == 0


def test_script_in_title_and_body_is_rendered_inert(as_user):
    eve = as_user("eve")
    payload = '<script>alert("pwn")</script><img src=x onerror=alert(1)>'
    resp = eve.post("/articles/confirm", {"title": payload, "body": f"{payload} The city spent $5 million in 2024."})
    assert resp.status_code == 302
    html = eve.get(resp.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_checkers_get_a_403_page_saying_why(as_user):
    carl = as_user("carl")
    resp = carl.get("/articles/new")
    assert resp.status_code == 403
    assert "may not bring in articles" in resp.get_data(as_text=True)
    assert carl.post("/articles/confirm", {"title": "T", "body": "B."}).status_code == 403


def test_article_list_paginates_and_has_an_empty_state(as_user, session, people):
    from tests.builders import article

    eve = as_user("eve")
    assert "No articles yet" in eve.get("/articles/").get_data(as_text=True)
    for i in range(27):
        article(session, by=people["eve"], title=f"Story {i}", body="The council spent $5 million in 2024.")
    first = eve.get("/articles/").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Story 26" in first and "Story 0<" not in first
    assert "Story 0<" in eve.get("/articles/?page=2").get_data(as_text=True)


def test_missing_article_is_a_404_page(as_user):
    resp = as_user("eve").get("/articles/999")
    assert resp.status_code == 404 and "no article #999" in resp.get_data(as_text=True)


def test_claims_are_stored_with_offsets_through_the_form(as_user, session):
    eve = as_user("eve")
    body = "The mayor said 4,200 people came on May 2. It was sunny.\n\nCritics think it was a waste."
    eve.post("/articles/confirm", {"title": "T", "body": body})
    claims = session.exec(select(Claim).order_by(Claim.start)).all()
    article = session.exec(select(Article)).one()
    assert [article.body[c.start:c.end] for c in claims] == [c.text for c in claims]
    assert len(claims) == 3


def test_bringing_in_the_same_article_again_warns_at_review(as_user, session, people):
    from tests.builders import STORY, article

    first = article(session, by=people["eve"])
    first.url = "https://news.example.org/2025/05/ferry-terminal"
    session.add(first)
    session.commit()
    eve = as_user("eve")
    fresh = eve.post("/articles/new", {"body": "Council budget vote\n\nThe council approved a $4 million budget "
                                               "for road repairs on Tuesday, its first in three years."})
    assert "may be in the desk already" not in fresh.get_data(as_text=True)
    # The same address (another scheme, www., a trailing slash): warned, with the article it matches.
    html = eve.post("/articles/new", {"body": "Something else entirely happened in the harbour today.",
                                      "url": "http://www.news.example.org/2025/05/ferry-terminal/"}
                    ).get_data(as_text=True)
    assert "may be in the desk already" in html and "the same address" in html
    assert f'href="/articles/{first.id}"' in html and "by <bdi>Eve</bdi>" in html
    # Nearly the same text, pasted again with a changed sentence: warned.
    nearly = STORY.replace("4,200 passengers", "4,300 passengers")
    html = eve.post("/articles/new", {"body": "Ferry terminal opens\n\n" + nearly}).get_data(as_text=True)
    assert "may be in the desk already" in html and "nearly the same text" in html
    assert f'href="/articles/{first.id}"' in html
