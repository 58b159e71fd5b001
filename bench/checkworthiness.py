"""Benchmark the check-worthiness scorer on the HELD-OUT test files (report only).

    python bench/checkworthiness.py

Prints, in one run and on one CPU core, for three methods:
  * the shipped model (factcheck.text.checkworthiness);
  * TF-IDF (word 1-2 grams) + logistic regression, trained here on the same training sentences
    as the shipped model and thresholded on the same dev split (needs scikit-learn);
  * keyword rules (the cue detectors alone, no learning);
claimspotter test F1, CLEF 2019 test MAP, CheckThat! 2023 Task 1B and 2024 test F1, and the 2021
(MAP) and 2022 (F1) tweet test sets, out of domain for news text; then sentences per second and
the time to score a 5,000-word article. Datasets: $FACTCHECK_DATASETS or ../shared/datasets.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})   # one core, for every method
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from factcheck.text import checkworthiness as cw  # noqa: E402
from factcheck.text.cues import cues, normalise  # noqa: E402

CT = "checkthat/"
RULE_LIFT = {"number", "money", "percent", "date", "comparison", "superlative", "record", "evidence"}
RULE_LOWER = {"question", "hedge", "prediction", "advice", "reported_opinion", "caveat"}
REFERENCES = [  # from shared/datasets/README.md (other systems; not measured here)
    ("best CheckThat! 2019 (Copenhagen)", {"clef2019": 0.166}),
    ("CheckThat! 2024 best (FactFinders, fine-tuned LLM)", {"ct24": 0.802}),
    ("CheckThat! 2024 mid-table system", {"ct24": 0.711}),
    ("CheckThat! 2023 1B best (OpenFact)", {"ct23": 0.898}),
]


def datasets_dir() -> Path:
    env = os.environ.get("FACTCHECK_DATASETS")
    base = (Path(env) if env else ROOT.parent / "shared" / "datasets") / "checkworthiness"
    if not (base / "claimspotter/test.json").exists() or not (base / CT).is_dir():
        sys.exit(f"error: check-worthiness test data not found under {base.parent}\n"
                 "Set FACTCHECK_DATASETS to the folder holding checkworthiness/.")
    return base


def tsv(path: Path, text_col: str):
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    ti, li = head.index(text_col), head.index("class_label")
    rows = [ln.split("\t") for ln in lines[1:]]
    rows = [r for r in rows if len(r) == len(head)]
    return [r[ti] for r in rows], [int(r[li] in ("Yes", "1")) for r in rows]


def test_sets(base: Path):
    """name -> (metric, list of (texts, labels) groups)."""
    cs = json.loads((base / "claimspotter/test.json").read_text(encoding="utf-8"))
    debates = []
    for path in sorted((base / "clef2019/test").glob("*.tsv")):
        parts = [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines()]
        parts = [p for p in parts if len(p) == 4]
        debates.append(([p[2] for p in parts], [int(p[3]) for p in parts]))
    return {
        "claimspotter": ("F1", [([r["text"] for r in cs], [int(r["label"]) for r in cs])]),
        "clef2019": ("MAP", debates),
        "ct23": ("F1", [tsv(base / f"{CT}CT23_1B_checkworthy_english_test_gold.tsv", "Text")]),
        "ct24": ("F1", [tsv(base / f"{CT}CT24_checkworthy_english_test_gold.tsv", "Text")]),
        "ct22 tweets": ("F1", [tsv(base / f"{CT}CT22_english_1A_checkworthy_test_gold.tsv", "tweet_text")]),
        "ct21 tweets": ("MAP", [tsv(base / f"{CT}CT21_1A_english_dataset_test_gold.tsv", "tweet_text")]),
    }


def average_precision(scores, labels) -> float:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    hits, total = 0, 0.0
    for rank, i in enumerate(order, 1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def f1(pred, labels) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, labels))
    fp = sum(p and not g for p, g in zip(pred, labels))
    fn = sum(g and not p for p, g in zip(pred, labels))
    prec, rec = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return (2 * prec * rec / (prec + rec) if prec + rec else 0.0), prec, rec


def rules_score(text: str) -> float:
    fired = set(cues(normalise(text)))
    return len(fired & RULE_LIFT) - 2 * len(fired & RULE_LOWER)


class Method:
    def __init__(self, name, score_many, threshold):
        self.name, self.score_many, self.threshold = name, score_many, threshold


def tfidf_method(base: Path) -> Method | None:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        import train_checkworthiness as train
    except ImportError:
        print("(scikit-learn not installed: the TF-IDF reference is skipped; pip install '.[train]')")
        return None
    texts, y, source, dev, _ = train.load(base)   # the shipped model's training sentences
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    lr = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced").fit(vec.fit_transform(texts), y)
    dev_scores = lr.predict_proba(vec.transform([t for t, _ in dev]))[:, 1]
    threshold, _ = train.best_threshold(dev_scores, np.array([lab for _, lab in dev]))

    def score_many(batch):
        return lr.predict_proba(vec.transform(batch))[:, 1].tolist()
    return Method("TF-IDF 1-2 grams + LR (same data, threshold on dev)", score_many, threshold)


def evaluate(method: Method, sets) -> dict[str, str]:
    out = {}
    for name, (metric, groups) in sets.items():
        if metric == "MAP":
            out[name] = f"{np.mean([average_precision(method.score_many(t), l) for t, l in groups]):.3f}"
        else:
            texts, labels = groups[0]
            f, p, r = f1([s >= method.threshold for s in method.score_many(texts)], labels)
            out[name] = f"{f:.3f} ({p:.2f}/{r:.2f})"
    return out


def article_seconds(method: Method, sentences: list[str]) -> float:
    start = time.perf_counter()
    method.score_many(sentences)
    return time.perf_counter() - start


def five_thousand_word_article() -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    from intake import five_thousand_words  # the same article bench/intake.py times
    from factcheck.text.sentences import split_sentences
    return [s.text for s in split_sentences(five_thousand_words())]


def main() -> None:
    base = datasets_dir()
    sets = test_sets(base)
    ours = Method("factcheck (cues + words + USE embedding, calibrated)",
                  lambda batch: [a.score for a in cw.assess_many(batch)], cw.DEFAULT_THRESHOLD)
    cw.assess_many(["Warm the encoder up."])
    methods = [ours, tfidf_method(base), Method("keyword rules (cues, no learning)", lambda b: [rules_score(t) for t in b], 1)]
    methods = [m for m in methods if m]
    columns = ["claimspotter", "clef2019", "ct23", "ct24", "ct22 tweets", "ct21 tweets"]
    heads = ["claimspotter F1", "CLEF19 MAP", "CT23 1B F1", "CT24 F1", "CT22 tw F1", "CT21 tw MAP"]
    print("Check-worthiness on the held-out test files (F1 as F1 (precision/recall)); one core\n")
    print(f"{'method':<56}" + "".join(f"{h:>19}" for h in heads))
    print("-" * (56 + 19 * len(heads)))
    for m in methods:
        row = evaluate(m, sets)
        print(f"{m.name:<56}" + "".join(f"{row[c]:>19}" for c in columns))
    print("reported by others (datasets README; not run here):")
    for name, figures in REFERENCES:
        print(f"  {name:<54}" + "".join(f"{figures.get(c, '-')!s:>19}" for c in columns))
    print("\ntweets (CT21, CT22) are out of domain: the desk scores news and speech sentences.")

    all_texts = [t for _, groups in sets.values() for texts, _ in groups for t in texts]
    article = five_thousand_word_article()
    print(f"\nspeed, one core ({len(all_texts)} test sentences; a 5,000-word article of "
          f"{len(article)} sentences, median of 5):")
    for m in methods:
        start = time.perf_counter()
        m.score_many(all_texts)
        rate = len(all_texts) / (time.perf_counter() - start)
        times = sorted(article_seconds(m, article) for _ in range(5))
        print(f"  {m.name:<54}{rate:>10,.0f} sentences/s{times[2]:>9.3f} s per article")


if __name__ == "__main__":
    main()
