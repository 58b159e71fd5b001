"""Bringing an article in: validate the (corrected) structure, store it, extract its claims."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from sqlmodel import Session

from factcheck import workflow
from factcheck.errors import ValidationError
from factcheck.models import Article, Claim, ClaimStatus, Source, User
from factcheck.services import history, matching
from factcheck.services.urls import MAX_URL, validate_url  # noqa: F401 - named here by callers too
from factcheck.text.analysis import analyse
from factcheck.text.language import ENGLISH_SCORER, detect_language
from factcheck.text.structure import byline_name, site_of

MAX_TITLE = 500
MAX_BYLINE = 500
MAX_OUTLET = 200
MAX_SOURCES = 200
DEFAULT_MAX_SENTENCES = 20_000
# A cheap upper bound on the sentences a body can hold, counted before the (much slower) splitter runs:
# every sentence ends at a terminator, a line break or the end of the text.
_SENTENCE_ENDS = re.compile(r"[.!?\u2026\u3002]+|\n+")
# C0 controls other than tab and newline, DEL, and lone surrogates never belong in an article.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


@dataclass
class ArticleDraft:
    """What the editor confirms after reviewing the detected structure."""

    title: str
    body: str
    url: str = ""
    byline: str = ""
    published_on: date | None = None
    outlet: str = ""  # who published it; "" = the URL's site
    sources: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    language: str = ""  # ISO 639-1 as the editor confirmed it; "" = detect at intake


def clean_text(text: str) -> str:
    """One newline convention and no control characters, so stored offsets mean one thing."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return _CONTROL.sub("", text)


def validate_draft(draft: ArticleDraft, *, max_body_chars: int) -> ArticleDraft:
    errors: dict[str, str] = {}
    title = " ".join(clean_text(draft.title).split())
    body = clean_text(draft.body).strip("\n")
    byline = byline_name(clean_text(draft.byline))  # the names, without "By" or "Edited by:"
    if not title:
        errors["title"] = "Give the article a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"The title is {len(title)} characters; the limit is {MAX_TITLE}."
    outlet = " ".join(clean_text(draft.outlet).split())
    if len(outlet) > MAX_OUTLET:
        errors["outlet"] = f"The outlet is {len(outlet)} characters; the limit is {MAX_OUTLET}."
    if len(byline) > MAX_BYLINE:
        errors["byline"] = f"The byline is {len(byline)} characters; the limit is {MAX_BYLINE}."
    if not body.strip():
        errors["body"] = "The article has no body text."
    elif len(body) > max_body_chars:
        errors["body"] = (f"The body is {len(body):,} characters; the limit is {max_body_chars:,}. "
                          "Split the article or ask an admin to raise FACTCHECK_MAX_BODY_CHARS.")
    url = None
    try:
        url = validate_url(draft.url)
    except ValidationError as exc:
        errors.update(exc.fields)
    sources = [" ".join(clean_text(s).split())[:1000] for s in draft.sources]
    sources = [s for s in sources if s]
    if len(sources) > MAX_SOURCES:
        errors["sources"] = f"{len(sources)} sources listed; the limit is {MAX_SOURCES}."
    if errors:
        first = next(iter(errors.values()))
        raise ValidationError(first if len(errors) == 1 else "Please correct the marked fields.", fields=errors)
    return ArticleDraft(title=title, body=body, url=url or "", byline=byline, published_on=draft.published_on,
                        outlet=outlet or site_of(url),
                        sources=sources, boilerplate=[clean_text(b)[:1000] for b in draft.boilerplate][:200],
                        language=re.sub(r"[^a-z-]", "", (draft.language or "").strip().lower())[:8])


def _too_many_sentences(count: int, limit: int, *, about: bool) -> ValidationError:
    message = (f"The body has {'about ' if about else ''}{count:,} sentences; the limit is {limit:,}. "
               "Text like this is usually a list or data rather than an article: split it, or ask an admin "
               "to raise FACTCHECK_MAX_SENTENCES.")
    return ValidationError(message, fields={"body": message})


def analyse_body(body: str, *, threshold: float, max_sentences: int, language: str = "en") -> list:
    """Split and score the body, refusing one with more than `max_sentences` sentences (first by a cheap
    count, so half a million "1." never reach the splitter)."""
    bound = len(_SENTENCE_ENDS.findall(body)) + 1
    if bound > 2 * max_sentences:
        raise _too_many_sentences(bound, max_sentences, about=True)
    sentences = analyse(body, threshold=threshold, language=language or ENGLISH_SCORER)
    if len(sentences) > max_sentences:
        raise _too_many_sentences(len(sentences), max_sentences, about=False)
    if language and language != ENGLISH_SCORER:
        # Scores come from an English model: the threshold is not applied; an editor promotes.
        sentences = [replace(s, checkworthy=False) for s in sentences]
    return sentences


def create_article(session: Session, *, draft: ArticleDraft, actor: User, threshold: float,
                   max_body_chars: int, max_sentences: int = DEFAULT_MAX_SENTENCES) -> Article:
    """Store the article, its cited sources and one claim or candidate per body sentence.

    The text is analysed before anything is written, so the write transaction (on SQLite, the one lock
    every writer shares) lasts only as long as the inserts."""
    workflow.require(actor.role, "bring_in_article")
    draft = validate_draft(draft, max_body_chars=max_body_chars)
    language = draft.language or detect_language(draft.body).code
    sentences = analyse_body(draft.body, threshold=threshold, max_sentences=max_sentences, language=language)
    article = Article(title=draft.title, url=draft.url or None, byline=draft.byline, outlet=draft.outlet,
                      published_on=draft.published_on, body=draft.body, boilerplate=draft.boilerplate,
                      language=language, threshold=threshold, created_by_id=actor.id)
    session.add(article)
    session.flush()
    for position, title in enumerate(draft.sources):
        session.add(Source(article_id=article.id, title=title, position=position, created_by_id=actor.id))
    claims = [
        Claim(article_id=article.id, start=s.start, end=s.end, original_text=s.text, text=s.text, score=s.score,
              reasons=s.reasons, checkworthy=s.checkworthy,
              status=(ClaimStatus.new if s.checkworthy else ClaimStatus.candidate).value)
        for s in sentences
    ]
    session.add_all(claims)
    history.record(session, actor=actor, kind="article_created", article_id=article.id,
                   detail={"claims": sum(c.checkworthy for c in claims), "candidates": len(claims)})
    matching.request(session, article_id=article.id)  # rung after the commit: intake never waits for it
    session.flush()
    return article


def draft_from_url(url: str, *, policy) -> tuple["ArticleDraft", str]:
    """Fetch an article through the safe fetcher and extract its text and metadata.

    Returns the draft (for the editor to review) and the final URL after redirects."""
    from factcheck.archive.extract import extract_article
    from factcheck.archive.fetcher import FetchError, fetch

    url = validate_url(url, field_name="address") or ""
    if not url:
        raise ValidationError("Give the article's web address.", fields={"address": "Required."})
    try:
        result = fetch(url, policy)
    except FetchError as exc:
        raise ValidationError(exc.reason, fields={"address": exc.reason}) from None
    if result.status >= 400:
        message = f"The site answered {result.status}; check the address or paste the text instead."
        raise ValidationError(message, fields={"address": message})
    title, byline, published, text = extract_article(result.body, content_type=result.content_type,
                                                     url=result.final_url)
    if not text:
        message = "No article text could be found at that address; paste the text instead."
        raise ValidationError(message, fields={"address": message})
    paragraphs = [" ".join(p.split()) for p in text.split("\n") if p.strip()]
    return ArticleDraft(title=title or "", body="\n\n".join(paragraphs), url=result.final_url,
                        byline=byline or "", published_on=published), result.final_url
