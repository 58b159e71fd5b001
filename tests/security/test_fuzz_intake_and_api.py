"""Property tests: arbitrary text through intake (UI and API), the sentence splitter and structure
detection, and arbitrary JSON against the claim endpoints. Never a 500; a refusal changes nothing;
an acceptance keeps every claim's offsets true to the stored body."""
from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from factcheck import create_app
from factcheck.config import Settings
from factcheck.models import Article, Claim, Comment, Event, Source, Verdict
from factcheck.services import review, sources
from factcheck.services import tokens as token_service
from factcheck.text.analysis import analyse
from factcheck.text.sentences import split_sentences
from factcheck.text.structure import detect_structure, plain_structure
from tests import builders
from tests.conftest import Client

LIMIT = 300  # FACTCHECK_MAX_BODY_CHARS of the app under test: small, so "too long" is cheap to reach
FUZZ = dict(deadline=None, derandomize=True, database=None, print_blob=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                   HealthCheck.large_base_example, HealthCheck.filter_too_much])

# ------------------------------------------------------------------------------------------ strategies

ANY_CHAR = st.characters(blacklist_categories=("Cs",))   # every category but lone surrogates
PIECES = st.sampled_from([
    "\n\n", "\n \n", "\n\t\n", "\r\n\r\n", "\r\r", "\n\n\n\n", " \n", "\u2029", "\u2028", "\u0085",
    "\u200f", "\u200e", "\u202e", "\u2066", "\u061c", "\u200b", "\ufeff", "\u00a0", "\u3000",
    "👍🏽", "👨‍👩‍👧", "🇳🇿", "e\u0301", "\x00", "\x07", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x85",
    "Dr.", "approx.", "p.m. ET", "U.S.", "...", "?!", "“", "”", "'", "\"", "$31 million", "4,200", "in 2025",
    " ", ".", "\t", "By Jane Doe", "Sources:", "- Port Alder council", "© 2025 News Ltd. All rights reserved.",
    "عربي", "עברית", "中文句子。", "Ελληνικά;",
])
SENTENCE = st.builds(lambda who, n, year: f"The {who} said {n} ferries ran in {year}. ",
                     st.sampled_from(["mayor", "council", "\u202eevil\u202c", "Ö-agency"]),
                     st.integers(0, 10**6), st.integers(1900, 2100))
LONG_LINE = st.integers(20, LIMIT + 20).map(lambda n: ("Port Alder had 12 ferries in 2024 " * 20)[:n])
ARTICLE_TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=LIMIT + 40),
    st.lists(st.one_of(PIECES, SENTENCE, st.text(ANY_CHAR, max_size=30)), max_size=30).map("".join),
    LONG_LINE,
    # right at the limit: the stored body may be LIMIT characters, one more is refused
    st.integers(LIMIT - 2, LIMIT + 2).map(lambda n: ("The port handled 12 ships in 2024.\n\n" * 20)[:n].rstrip() + "."),
)
SHORT_TEXT = st.one_of(st.text(ANY_CHAR, max_size=40), st.lists(PIECES, max_size=6).map("".join))

LEAF = (st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
        | st.floats(allow_nan=True, allow_infinity=True) | st.text(ANY_CHAR, max_size=20))
JSON = st.recursive(LEAF, lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=10)
CURRENT = "\x00CURRENT-VERSION\x00"  # replaced by the claim's version when the request is sent


def _or_json(strategy):
    """Mostly a value of the right kind, sometimes any JSON at all."""
    return st.one_of(strategy, strategy, strategy, JSON)


# Any JSON at all, or an object with the keys the claim endpoints read (each ignores the others).
CLAIM_BODY = st.one_of(
    JSON,
    st.fixed_dictionaries({"version": _or_json(st.just(CURRENT))}, optional={
        "text": _or_json(SHORT_TEXT),
        "due": _or_json(st.dates().map(str)),
        "assignee": _or_json(st.sampled_from(["carl", "cora", "eve", "ada", "nobody", ""])),
        "rating": _or_json(st.sampled_from(["Mostly true", "false", "True", "Bogus", ""])),
        "rationale": _or_json(SHORT_TEXT),
        "claim_reviewed": _or_json(SHORT_TEXT),
        "to": _or_json(st.sampled_from(["new", "in_progress", "in_review", "published", "dismissed",
                                        "candidate", "merged", ""])),
        "comment": _or_json(SHORT_TEXT),
        "url": _or_json(st.sampled_from(["https://example.org/a", "javascript:alert(1)", "ftp://x", "http://",
                                         "https://exa mple.org", "https://example.org:99999/"])),
        "title": _or_json(SHORT_TEXT),
        "stance": _or_json(st.sampled_from(["supports", "refutes", "context", "other"])),
        "note": _or_json(SHORT_TEXT),
        "body": _or_json(SHORT_TEXT),
    }),
    st.fixed_dictionaries({"version": _or_json(st.just(CURRENT)),
                           "rating": st.sampled_from(["Mostly true", "false"]), "rationale": SHORT_TEXT,
                           "claim_reviewed": SHORT_TEXT, "to": st.sampled_from(["in_progress", "in_review",
                                                                                 "published", "dismissed", "new"]),
                           "comment": SHORT_TEXT, "assignee": st.sampled_from(["carl", "cora", "eve"]),
                           "url": st.just("https://example.org/a"), "body": SHORT_TEXT}),
)
ENDPOINTS = [("PATCH", ""), ("PUT", "/verdict"), ("POST", "/assign"), ("POST", "/transition"),
             ("POST", "/sources"), ("POST", "/comments")]

# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def small_app(engine, tmp_path, database_url):
    app = create_app(Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                        "FACTCHECK_RUN_JOBS": "0", "FACTCHECK_MAX_BODY_CHARS": str(LIMIT)},
                                       instance_dir=tmp_path / "instance"), engine=engine)
    app.config["TESTING"] = True
    return app


def counts(engine, *models) -> dict[str, int]:
    with engine.connect() as conn:
        return {m.__tablename__: conn.execute(select(func.count()).select_from(m)).scalar_one() for m in models}


INTAKE_TABLES = (Article, Claim, Source, Event)
CLAIM_TABLES = (Claim, Source, Comment, Event, Verdict)


def assert_offsets(engine, article_id: int) -> int:
    """Every claim of the article is exactly the stored body between its offsets, in reading order."""
    with engine.connect() as conn:
        body = conn.execute(select(Article.body).where(Article.id == article_id)).scalar_one()
        rows = conn.execute(select(Claim.start, Claim.end, Claim.original_text, Claim.text)
                            .where(Claim.article_id == article_id).order_by(Claim.start)).all()
    assert len(body) <= LIMIT
    previous_end = 0
    for start, end, original, text in rows:
        assert 0 <= previous_end <= start < end <= len(body), (start, end, len(body))
        assert body[start:end] == original == text
        previous_end = end
    return len(rows)


def message_of(page: str) -> str:
    soup = BeautifulSoup(page, "html.parser")
    return " ".join(el.get_text(" ", strip=True) for el in soup.select(".invalid-feedback, .alert-danger"))


# ------------------------------------------------------------------------------------------ intake


def test_fuzz_intake_through_the_review_form(small_app, engine, people):
    eve = Client(small_app.test_client())
    assert eve.login("eve").status_code == 302
    seen = Counter()

    @given(title=SHORT_TEXT, body=ARTICLE_TEXT, byline=SHORT_TEXT, listed=st.lists(SHORT_TEXT, max_size=3))
    @settings(max_examples=60, **FUZZ)
    def post(title, body, byline, listed):
        before = counts(engine, *INTAKE_TABLES)
        resp = eve.post("/articles/confirm", {"title": title, "body": body, "byline": byline,
                                              "sources": "\n".join(listed)})
        page = resp.get_data(as_text=True)
        seen[resp.status_code] += 1
        assert resp.status_code < 500, page[:2000]
        after = counts(engine, *INTAKE_TABLES)
        if resp.status_code == 302:
            article_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
            assert after["articles"] == before["articles"] + 1
            assert after["claims"] - before["claims"] == assert_offsets(engine, article_id)
        else:
            assert 400 <= resp.status_code < 500
            assert after == before, "a refused article left rows behind"
            assert message_of(page), f"{resp.status_code} without a message saying why"

    post()
    print("review form answers:", dict(seen))
    assert seen[302] and seen[422], f"both outcomes must be exercised: {dict(seen)}"


def test_fuzz_intake_through_the_api(small_app, engine, people):
    raw = {}
    from sqlmodel import Session

    with Session(engine) as s:
        raw["eve"] = token_service.create_token(s, user=s.merge(people["eve"]), name="fuzz")[1]
        s.commit()
    http = small_app.test_client()
    headers = {"Authorization": f"Bearer {raw['eve']}", "Content-Type": "application/json"}
    seen = Counter()

    @given(title=SHORT_TEXT, body=ARTICLE_TEXT, byline=st.one_of(st.none(), SHORT_TEXT),
           url=st.sampled_from([None, "", "https://news.example.org/a", "javascript:alert(1)", "https://"]))
    @settings(max_examples=60, **FUZZ)
    def post(title, body, byline, url):
        before = counts(engine, *INTAKE_TABLES)
        payload = {"title": title, "body": body, "byline": byline, "url": url}
        resp = http.post("/api/v1/articles", data=json.dumps(payload), headers=headers)
        seen[resp.status_code] += 1
        assert resp.status_code < 500, resp.get_data(as_text=True)[:2000]
        after = counts(engine, *INTAKE_TABLES)
        data = resp.get_json()
        if resp.status_code == 201:
            assert after["articles"] == before["articles"] + 1
            assert after["claims"] - before["claims"] == assert_offsets(engine, data["id"]) == len(data["claims"])
        else:
            assert resp.status_code in (400, 413, 422), resp.status_code
            assert after == before, "a refused article left rows behind"
            assert data["error"]["message"].strip()

    post()
    print("API answers:", dict(seen))
    assert seen[201] and seen[422], f"both outcomes must be exercised: {dict(seen)}"


# ------------------------------------------------------------------------------------------ text


@given(body=ARTICLE_TEXT)
@settings(max_examples=150, **FUZZ)
def test_fuzz_sentence_offsets(body):
    spans = split_sentences(body)
    end = 0
    for span in spans:
        assert end <= span.start < span.end <= len(body)
        assert body[span.start:span.end] == span.text and span.text.strip()
        end = span.end
    scored = analyse(body, threshold=0.5)
    assert [(s.start, s.end, s.text) for s in scored] == [(s.start, s.end, s.text) for s in spans]
    assert all(0.0 <= s.score <= 1.0 for s in scored)


@given(raw=ARTICLE_TEXT)
@settings(max_examples=150, **FUZZ)
def test_fuzz_structure_detection(raw):
    for structure in (detect_structure(raw), plain_structure(raw)):
        assert isinstance(structure.title, str) and isinstance(structure.byline, str)
        assert isinstance(structure.body, str)
        assert all(isinstance(s, str) for s in structure.sources + structure.boilerplate)
        for span in split_sentences(structure.body):  # what the review form will hand to intake
            assert structure.body[span.start:span.end] == span.text


# ------------------------------------------------------------------------------------------ claims API


def test_fuzz_claim_endpoints_with_arbitrary_json(small_app, engine, session, people):
    eve, carl = people["eve"], people["carl"]
    story = builders.article(session, by=eve)
    fresh, worked = [c for c in builders.claims_of(session, story) if c.status == "new"][:2]
    review.assign(session, claim=worked, assignee=carl, actor=eve, expected_version=worked.version)
    sources.add_source(session, claim=worked, url="https://stats.example.org/ferry", actor=carl)
    raw = {name: token_service.create_token(session, user=people[name], name="fuzz")[1] for name in ("eve", "carl")}
    session.commit()
    claim_ids = [fresh.id, worked.id]
    http = small_app.test_client()
    seen = Counter()

    def version(claim_id: int) -> int:
        with engine.connect() as conn:
            return conn.execute(select(Claim.version).where(Claim.id == claim_id)).scalar_one()

    @given(who=st.sampled_from(["eve", "carl"]), claim_id=st.sampled_from(claim_ids),
           endpoint=st.sampled_from(ENDPOINTS), body=CLAIM_BODY,
           raw_body=st.sampled_from([False] * 9 + [True]))
    @settings(max_examples=150, **FUZZ)
    def call(who, claim_id, endpoint, body, raw_body):
        method, suffix = endpoint
        current = version(claim_id)
        text = json.dumps(body).replace(json.dumps(CURRENT), str(current))
        if raw_body:  # the same bytes, sent without saying they are JSON
            headers = {"Authorization": f"Bearer {raw[who]}", "Content-Type": "text/plain"}
        else:
            headers = {"Authorization": f"Bearer {raw[who]}", "Content-Type": "application/json"}
        before = counts(engine, *CLAIM_TABLES)
        resp = http.open(f"/api/v1/claims/{claim_id}{suffix}", method=method, data=text, headers=headers)
        seen[f"{method} {suffix or '/'} {resp.status_code}"] += 1
        assert resp.status_code < 500, (method, suffix, text, resp.get_data(as_text=True)[:2000])
        data = resp.get_json()
        assert isinstance(data, dict), resp.get_data(as_text=True)[:500]
        if resp.status_code >= 400:
            assert data["error"]["message"].strip()
            assert version(claim_id) == current, f"refused ({resp.status_code}) but the claim changed: {text}"
            assert counts(engine, *CLAIM_TABLES) == before, f"refused ({resp.status_code}) but rows changed: {text}"
        elif suffix in ("", "/verdict", "/assign", "/transition"):
            assert data["version"] == version(claim_id) >= current

    call()
    print("claim endpoint answers:", dict(sorted(seen.items())))
    assert any(key.endswith(("200", "201")) for key in seen), dict(seen)


def test_non_json_constants_and_non_objects_are_refused_before_any_change(small_app, engine, session, people):
    story = builders.article(session, by=people["eve"])
    claim = next(c for c in builders.claims_of(session, story) if c.status == "new")
    raw = token_service.create_token(session, user=people["eve"], name="fuzz")[1]
    session.commit()
    http = small_app.test_client()
    headers = {"Authorization": f"Bearer {raw}", "Content-Type": "application/json"}
    before = counts(engine, *CLAIM_TABLES)
    for text in ('{"version": NaN, "text": "x"}', '{"version": Infinity}', "[1, 2]", '"text"', "null", "{",
                 '{"version": 1, "text": "\\ud800"}', '{"version": 1, "text": "a\\u0000b"}', "\xff\xfe"):
        resp = http.patch(f"/api/v1/claims/{claim.id}", data=text.encode("utf-8", "surrogateescape")
                          if isinstance(text, str) else text, headers=headers)
        assert resp.status_code in (400, 422), (text, resp.status_code, resp.get_data(as_text=True))
        assert re.search(r"\w", resp.get_json()["error"]["message"])
    assert counts(engine, *CLAIM_TABLES) == before
