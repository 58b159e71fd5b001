"""Checked before?, the lexical stage: each matchable claim's words in the database's own full-text index.

SQLite: an FTS5 table ranked by its bm25(). PostgreSQL: a tsvector per claim, made with the text search
configuration of its article's language (English words stemmed as English, French as French; `simple` for a
language PostgreSQL has no configuration for), in a GIN index, ranked by ts_rank. Both are given the words
text/matching.py reads (lower-cased, stopwords out, numbers as written), each spelled as one token of letters and
digits ("7%" -> "7pct", "4,200" -> "4c200"), so "7%" and "70%" stay two words on both.

The table is made by migration 0019; it is not a model, because it is a different thing on each database.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text
from sqlmodel import Session

from factcheck.text import matching as words

TABLE = "claim_words"
POOL = 300          # claims the lexical stage hands on to be scored with their vectors
MAX_TERMS = 64      # distinct words of a query asked for (a pasted paragraph keeps its first 64)

# ISO 639-1 -> PostgreSQL's text search configuration (those a stock PostgreSQL ships).
CONFIGS = {"ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
           "en": "english", "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
           "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian",
           "ne": "nepali", "no": "norwegian", "nb": "norwegian", "pt": "portuguese", "ro": "romanian",
           "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish",
           "yi": "yiddish"}
_SPELL = str.maketrans({"%": "pct", ",": "c", ".": "p", "'": "q"})


def config_for(language: str | None) -> str:
    return CONFIGS.get((language or "").lower()[:2], "simple")


def spelled(text_: str) -> list[str]:
    """The words of `text_` as the full-text index is given them."""
    return [tok.translate(_SPELL) for tok in words.tokens(text_)]


def _postgres(session: Session | Connection) -> bool:
    bind = session.get_bind() if isinstance(session, Session) else session
    return bind.dialect.name == "postgresql"


def store(session: Session | Connection, documents: Iterable[tuple[int, str, str]]) -> None:
    """(claim id, document, language) rows written (again) into the index."""
    rows = [{"id": claim_id, "words": " ".join(spelled(document)), "config": config_for(language),
             "regconfig": config_for(language)} for claim_id, document, language in documents]
    if not rows:
        return
    ids = [r["id"] for r in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join(f":i{n}" for n in range(len(chunk)))
        column = "claim_id" if _postgres(session) else "rowid"
        session.execute(text(f"DELETE FROM {TABLE} WHERE {column} IN ({marks})"),
                        {f"i{n}": v for n, v in enumerate(chunk)})
    if _postgres(session):
        session.execute(text(f"INSERT INTO {TABLE} (claim_id, config, document) "
                             "VALUES (:id, :config, to_tsvector(CAST(:regconfig AS regconfig), :words))"), rows)
    else:
        session.execute(text(f"INSERT INTO {TABLE} (rowid, words) VALUES (:id, :words)"),
                        [{"id": r["id"], "words": r["words"]} for r in rows])


def missing(session: Session, claim_ids: list[int]) -> list[int]:
    """Those of `claim_ids` that have no words in the index."""
    if not claim_ids:
        return []
    column = "claim_id" if _postgres(session) else "rowid"
    have = set()
    for start in range(0, len(claim_ids), 500):
        chunk = [int(i) for i in claim_ids[start:start + 500]]
        have |= {r[0] for r in session.execute(text(
            f"SELECT {column} FROM {TABLE} WHERE {column} IN ({', '.join(map(str, chunk))})"))}
    return [i for i in claim_ids if i not in have]


def _languages(session: Session) -> list[str]:
    """The configurations the desk's stored words were made with (one per language of its articles)."""
    found = session.execute(text("SELECT DISTINCT language FROM articles")).scalars()
    return sorted({config_for(code) for code in found} | {"simple"})


def search(session: Session, query: str, *, limit: int = POOL) -> dict[int, float]:
    """The `limit` claims the database ranks best for the words of `query`: claim id -> its own score (bm25 on
    SQLite, ts_rank on PostgreSQL; the matcher scores these candidates again by BM25, text/claim_index.py)."""
    terms = list(dict.fromkeys(spelled(query)))[:MAX_TERMS]
    if not terms:
        return {}
    if _postgres(session):
        configs = _languages(session)
        # One tsquery of every word as each configuration spells it: a document made with English stems
        # meets the English spelling, one made with `simple` the plain word. Binds only, no SQL built of words.
        spelled_query = " | ".join(terms)
        parts = " || ".join(f"to_tsquery(CAST(:c{n} AS regconfig), :q)" for n in range(len(configs)))
        sql = (f"SELECT w.claim_id, ts_rank(w.document, q.query) AS score FROM {TABLE} w, "
               f"(SELECT {parts} AS query) q WHERE w.document @@ q.query ORDER BY score DESC, w.claim_id "
               "LIMIT :limit")
        params = {"q": spelled_query, "limit": limit, **{f"c{n}": c for n, c in enumerate(configs)}}
    else:
        sql = (f"SELECT rowid, -bm25({TABLE}) AS score FROM {TABLE} WHERE {TABLE} MATCH :q "
               f"ORDER BY bm25({TABLE}), rowid LIMIT :limit")
        params = {"q": " OR ".join(f'"{t}"' for t in terms), "limit": limit}
    return {int(claim_id): float(score) for claim_id, score in session.execute(text(sql), params)}
