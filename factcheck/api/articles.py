"""Articles: bring one in (its claims are extracted on the way) and read it back with its claims."""
from __future__ import annotations

from flask import current_app
from spectree import Response

from factcheck.api.core import actor, bp, spec, write
from factcheck.api.present import article_out
from factcheck.api.schemas import ArticleIn, ArticleOut, ErrorOut
from factcheck.db import get_session
from factcheck.errors import NotFound
from factcheck.models import Article
from factcheck.services import intake
from factcheck.services import settings as newsroom
from factcheck.services.claims import article_claims

ID = "<int(min=1, max=2147483647):article_id>"


@bp.post("/articles")
@spec.validate(resp=Response(HTTP_201=ArticleOut, HTTP_400=ErrorOut, HTTP_401=ErrorOut, HTTP_403=ErrorOut,
                             HTTP_413=ErrorOut, HTTP_415=ErrorOut, HTTP_503=ErrorOut), tags=["articles"])
def create_article(json: ArticleIn):
    """Bring in an article; every body sentence becomes a claim or a candidate."""
    draft = intake.ArticleDraft(title=json.title, body=json.body, url=json.url or "", byline=json.byline or "",
                                outlet=json.outlet or "", published_on=json.published_at)
    config = current_app.extensions["factcheck.settings"]
    article = write(lambda s: intake.create_article(s, draft=draft, actor=actor(),
                                                    threshold=newsroom.checkworthy_threshold(s),
                                                    max_body_chars=config.max_body_chars,
                                                    max_sentences=config.max_sentences))
    session = get_session()
    return article_out(session, article, article_claims(session, article_id=article.id)), 201


@bp.get(f"/articles/{ID}")
@spec.validate(resp=Response(HTTP_200=ArticleOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut, HTTP_503=ErrorOut),
              tags=["articles"])
def get_article(article_id: int):
    """An article with all its claims and candidate sentences, in reading order."""
    session = get_session()
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"There is no article #{article_id}.")
    return article_out(session, article, article_claims(session, article_id=article.id))
