"""Checked before?: how well and how fast the desk's matcher finds a past fact-check, beside BM25 alone.

Quality, on CLEF CheckThat! 2022 Task 2A English (tweets matched against 14,231 Snopes fact-checks; files in
../shared/datasets/claim-matching/checkthat2022-2a-en/). Each fact-check is indexed as the desk indexes a claim
(factcheck.text.claim_index.ClaimIndex): its words (title, subtitle and claim, as a claim's text, restated claim and
rationale) and the sentence vector of its claim. Each tweet is ranked by the same `rank` the desk calls, three ways in
one run: BM25 alone, the sentence vector alone, and the hybrid. Printed: MAP@1, MAP@5 (the official metric,
trec_eval's: average precision over the top k over the number of relevant), Recall@5 and MRR.
Splits: `dev` (train/'s dev queries; the weights were chosen here and on train), `dev-test` (the 2021 test) and
`test` (2022, held out: reported, never tuned on). Vectors are cached in --cache (a file outside the project).

Speed, through the service the pages and the job call (factcheck.services.matching.similar_to): N synthetic past
claims stored with vectors in a fresh SQLite database, then the time to match one new claim against them (p50/p95,
the vector already stored, as the job has it), beside BM25 alone on the same index.

Usage: python bench/matching.py [--split dev|dev-test|test] [--speed 100000 [--database URL]] [--cache FILE]
"""
from __future__ import annotations

import argparse
import csv
import gc
import hashlib
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factcheck.text.claim_index import ClaimIndex  # noqa: E402
from factcheck.text.matching import LEXICAL_WEIGHT  # noqa: E402
from factcheck.text.embedding import embed  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "claim-matching" / "checkthat2022-2a-en"
SPLITS = {"dev": ("train/CT2022-Task2A-EN-Train-Dev_Queries.tsv", "train/CT2022-Task2A-EN-Dev_QRELs.tsv"),
          "train": ("train/CT2022-Task2A-EN-Train-Dev_Queries.tsv", "train/CT2022-Task2A-EN-Train_QRELs.tsv"),
          "dev-test": ("dev-test/CT2022-Task2A-EN-Dev-Test_Queries.tsv", "dev-test/CT2022-Task2A-EN-Dev-Test_QRELs.tsv"),
          "test": ("test/test_TEST.tsv", "test/CT2022-Task2A-EN-Test_Qrels_gold.tsv")}


def load(split: str):
    vclaims = [json.loads(p.read_text()) for p in sorted((DATA / "vclaims").glob("*.json"))]
    queries_file, qrels_file = SPLITS[split]
    qrels: dict[str, set[str]] = {}
    for row in csv.reader((DATA / qrels_file).open(encoding="utf-8"), delimiter="\t"):
        qrels.setdefault(row[0], set()).add(row[2])
    queries = {row[0]: row[1] for row in csv.reader((DATA / queries_file).open(encoding="utf-8"), delimiter="\t")
               if row and row[0] in qrels}
    return vclaims, queries, qrels


def tweet_text(text: str) -> str:
    """A tweet as a claim would be pasted: without its picture links."""
    return " ".join(w for w in text.split() if not w.startswith(("pic.twitter.com", "http://", "https://")))


def vectors(texts: list[str], cache: Path) -> np.ndarray:
    """Sentence vectors of `texts` through the desk's encoder, cached by text."""
    stored = dict(np.load(cache)) if cache.exists() else {}
    keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in stored]
    for start in range(0, len(missing), 256):
        chunk = missing[start:start + 256]
        for i, v in zip(chunk, embed([texts[i] for i in chunk])):
            stored[keys[i]] = v
        print(f"  embedded {min(start + 256, len(missing))}/{len(missing)}", file=sys.stderr)
        np.savez(cache, **stored)
    return np.stack([stored[k] for k in keys]) if keys else np.zeros((0, 512), np.float32)


def scores(ranked: list[list[str]], qrels: dict[str, set[str]], ids: list[str]) -> dict[str, float]:
    def ap(found, relevant, k):
        hits, total = 0, 0.0
        for rank, key in enumerate(found[:k], 1):
            if key in relevant:
                hits += 1
                total += hits / rank
        return total / len(relevant)

    out = {"MAP@1": [], "MAP@5": [], "Recall@5": [], "MRR": []}
    for qid, found in zip(ids, ranked):
        rel = qrels[qid]
        out["MAP@1"].append(ap(found, rel, 1))
        out["MAP@5"].append(ap(found, rel, 5))
        out["Recall@5"].append(len(rel & set(found[:5])) / len(rel))
        out["MRR"].append(next((1 / r for r, k in enumerate(found, 1) if k in rel), 0.0))
    return {name: statistics.fmean(values) for name, values in out.items()}


def fill(session, vclaims, doc_vectors) -> dict[int, str]:
    """The fact-checks stored as the desk stores claims: each a published claim (its text the fact-check's claim)
    with a verdict (restated claim: the title; rationale: the subtitle), its vector, and its words in the database's
    full-text index. Claim id -> vclaim id."""
    from factcheck.models import Article, Claim, ClaimVector, Verdict
    from factcheck.services import matching

    article = Article(title="Snopes fact-checks", body="-", language="en")
    session.add(article)
    session.flush()
    ids: dict[int, str] = {}
    for start in range(0, len(vclaims), 2000):
        chunk = vclaims[start:start + 2000]
        claims = [Claim(article_id=article.id, start=0, end=1, original_text=v["vclaim"], text=v["vclaim"],
                        score=0.9, status="published") for v in chunk]
        session.add_all(claims)
        session.flush()
        for offset, (v, claim) in enumerate(zip(chunk, claims)):
            session.add(Verdict(claim_id=claim.id, rating="-", rationale=v.get("subtitle") or "",
                                claim_reviewed=v["title"]))
            session.add(ClaimVector(claim_id=claim.id, model=matching.MODEL, text_hash=matching.text_hash(claim.text),
                                    vector=doc_vectors[start + offset].astype(np.float32).tobytes()))
            ids[claim.id] = v["vclaim_id"]
        session.flush()
        matching.store_words(session, claims)
    session.commit()
    return ids


def quality(splits: list[str], cache: Path, weights: list[float], database: str | None = None) -> None:
    """Each split's tweets matched through services.matching.similar_to, the desk's own path (the database's
    full-text index for candidates by words, the vector index for the rest), beside the in-memory BM25 (the same
    formula over every fact-check, no database) as a reference."""
    from sqlmodel import Session

    from factcheck import db
    from factcheck.services import matching

    vclaims, _, _ = load(splits[0])
    docs = [" ".join((v["title"], v.get("subtitle") or "", v["vclaim"])) for v in vclaims]
    doc_vectors = vectors([v["vclaim"] for v in vclaims], cache)
    memory = ClaimIndex()
    for key, (text, vector) in enumerate(zip(docs, doc_vectors)):
        memory.add(key, text, vector)
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(database or f"sqlite:///{tmp}/quality.db")
        db.upgrade(engine)
        with Session(engine) as session:
            ids = fill(session, vclaims, doc_vectors)
            for split in splits:
                _, queries, qrels = load(split)
                qids = list(queries)
                texts = [tweet_text(queries[q]) for q in qids]
                qvectors = vectors(texts, cache)
                print(f"\n{split}: {len(qids)} queries against {len(vclaims):,} fact-checks "
                      f"(through the {engine.dialect.name} database)")
                print(f"{'method':<40}{'MAP@1':>8}{'MAP@5':>8}{'R@5':>8}{'MRR':>8}")
                runs = [("BM25 alone", False, 1.0), ("sentence vector alone", True, 0.0)]
                runs += [(f"hybrid, the desk (BM25 weight {w})", True, w) for w in weights]
                for name, use_vector, weight in runs:
                    ranked = []
                    for text, qv in zip(texts, qvectors):
                        found = matching.similar_to(session, text=text, vector=qv if use_vector else None, k=20,
                                                    weight=weight)
                        ranked.append([ids[f.claim.id] for f in found])
                    show(name, scores(ranked, qrels, qids))
                ranked = [[vclaims[r.key]["vclaim_id"] for r in memory.rank(text, None, k=20)] for text in texts]
                show("reference: BM25 in memory, every doc", scores(ranked, qrels, qids))
        empty(engine)
        engine.dispose()


def show(name: str, s: dict[str, float]) -> None:
    print(f"{name:<40}{s['MAP@1']:>8.3f}{s['MAP@5']:>8.3f}{s['Recall@5']:>8.3f}{s['MRR']:>8.3f}")


def resident_mb() -> float:
    """This process's resident memory now (Linux), in MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def speed(n: int, cache: Path, runs: int = 200, database: str | None = None) -> None:
    from sqlmodel import Session

    from factcheck import db
    from factcheck.models import Article, Claim, ClaimVector
    from factcheck.services import matching

    vclaims, _, _ = load("dev")
    base = [v["vclaim"] for v in vclaims]
    base_vectors = vectors(base, cache)
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(database or f"sqlite:///{tmp}/bench.db")
        db.upgrade(engine)
        with Session(engine) as session:
            article = Article(title="Past claims", body="-")
            session.add(article)
            session.flush()
            for start in range(0, n, 5000):  # the Snopes claims, then the same again with another number in front
                chunk = range(start, min(n, start + 5000))
                texts = [base[i % len(base)] if i < len(base) else f"{i // len(base)} times: {base[i % len(base)]}"
                         for i in chunk]
                claims = [Claim(article_id=article.id, start=0, end=1, original_text=t, text=t, score=0.9,
                                status="published") for t in texts]
                session.add_all(claims)
                session.flush()
                for i, claim in zip(chunk, claims):
                    vector = base_vectors[i % len(base)] + rng.normal(0, 0.01, 512).astype(np.float32) * (i >= len(base))
                    session.add(ClaimVector(claim_id=claim.id, model=matching.MODEL, text_hash="-",
                                            vector=(vector / np.linalg.norm(vector)).astype(np.float32).tobytes()))
                session.flush()
                matching.store_words(session, claims)
            session.commit()
            embed(["warm up the encoder"])
            session.expunge_all()
            gc.collect()
            rss = resident_mb()
            started = time.perf_counter()
            matching.similar_to(session, text="warm up", vector=base_vectors[0])
            took = time.perf_counter() - started
            gc.collect()
            grown = resident_mb() - rss
            index = matching.index_for(session)
            print(f"\nspeed: {n:,} stored claims ({engine.dialect.name}); index loaded from the database in "
                  f"{took:.2f} s; resident memory grew {grown:.0f} MB (goal: under 100 MB), of which vectors "
                  f"{index.nbytes() / 2**20:.0f} MB (as float32 they would be {n * 512 * 4 / 2**20:.0f} MB)")
            times = []
            for j in range(50):
                started = time.perf_counter()
                embed([base[j]])
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            print(f"  {'one sentence vector':<34} p50 {times[25]:6.1f} ms   (the job computes it once, then stores it)")
            from factcheck.services import claim_words

            for name, match in (
                    ("hybrid (the desk)", lambda j: matching.similar_to(session, text=base[j], vector=base_vectors[j])),
                    ("BM25 alone", lambda j: matching.similar_to(session, text=base[j], vector=None)),
                    ("floor: the full-text query alone",
                     lambda j: claim_words.search(session, " ".join(index.counts.telling(base[j]))))):
                times = []
                for r in range(runs):
                    j = int(rng.integers(min(n, len(base))))
                    started = time.perf_counter()
                    match(j)
                    times.append((time.perf_counter() - started) * 1000)
                times.sort()
                print(f"  {name:<34} p50 {times[len(times) // 2]:6.1f} ms   p95 {times[int(len(times) * .95)]:6.1f} ms")
        empty(engine)
        engine.dispose()


def empty(engine) -> None:
    """Leave a database given with --database as it was found: empty (its schema stays)."""
    from sqlalchemy import text
    from sqlmodel import SQLModel

    if engine.dialect.name != "postgresql":
        return
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables}, claim_words RESTART IDENTITY CASCADE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", action="append", choices=sorted(SPLITS))
    parser.add_argument("--weights", default=str(LEXICAL_WEIGHT), help="BM25 weights of the hybrid to print, comma-separated")
    parser.add_argument("--speed", type=int, default=0, help="stored claims for the speed run (0 = skip)")
    parser.add_argument("--database", help="an empty database for the speed run (default: a new SQLite file)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "factcheck-bench-vectors.npz")
    args = parser.parse_args()
    quality(args.split or ["dev"], args.cache, [float(w) for w in args.weights.split(",")], database=args.database)
    if args.speed:
        speed(args.speed, args.cache, database=args.database)


if __name__ == "__main__":
    main()
