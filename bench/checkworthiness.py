"""Benchmark the check-worthiness scorer on the HELD-OUT test files (report only).

    python bench/checkworthiness.py

Datasets are looked up at $FACTCHECK_DATASETS or ../shared/datasets relative to the project root.
Prints claimspotter test F1 (precision, recall) at DEFAULT_THRESHOLD, CLEF 2019 test MAP per
debate and mean, the reference rows from the datasets README, and scoring speed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factcheck.text import checkworthiness as cw  # noqa: E402

# Reference rows copied from shared/datasets/README.md: (method, claimspotter F1, CLEF MAP).
REFERENCES = [
    ("random", "~0.5", "0.025"),
    ("simple keyword/regex rules", "0.72", "0.105"),
    ("TF-IDF (1-2 grams) + LR", "0.805", "0.129"),
    ("best CheckThat! 2019 (Copenhagen)", "-", "0.166"),
]


def datasets_dir() -> Path:
    env = os.environ.get("FACTCHECK_DATASETS")
    path = Path(env) if env else ROOT.parent / "shared" / "datasets"
    base = path / "checkworthiness"
    needed = [base / "claimspotter/test.json", base / "clef2019/test"]
    if not all(p.exists() for p in needed):
        sys.exit(f"error: check-worthiness test data not found under {path}\n"
                 "Set FACTCHECK_DATASETS to the folder holding checkworthiness/ "
                 "(see shared/datasets/README.md).")
    return base


def average_precision(scores: list[float], labels: list[int]) -> float:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    hits, total = 0, 0.0
    for rank, i in enumerate(order, 1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def main() -> None:
    base = datasets_dir()
    threshold = cw.DEFAULT_THRESHOLD

    rows = json.loads((base / "claimspotter/test.json").read_text(encoding="utf-8"))
    tp = fp = fn = 0
    for row in rows:
        pred = cw.is_checkworthy(cw.assess(row["text"]), threshold)
        gold = int(row["label"]) == 1
        tp += pred and gold
        fp += pred and not gold
        fn += gold and not pred
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    per_debate = []
    all_texts = [row["text"] for row in rows]
    for path in sorted((base / "clef2019/test").glob("*.tsv")):
        texts, labels = [], []
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 4:
                texts.append(parts[2])
                labels.append(int(parts[3]))
        all_texts.extend(texts)
        scores = [cw.assess(t).score for t in texts]
        per_debate.append((path.stem, len(texts), sum(labels), average_precision(scores, labels)))
    mean_map = sum(d[3] for d in per_debate) / len(per_debate)

    start = time.perf_counter()
    for text in all_texts:
        cw.assess(text)
    rate = len(all_texts) / (time.perf_counter() - start)

    print(f"Check-worthiness benchmark (held-out test files; threshold {threshold})\n")
    print(f"{'method':<46}{'claimspotter F1 (P, R)':>24}{'CLEF MAP':>10}")
    print("-" * 80)
    ours = f"{f1:.3f} ({precision:.3f}, {recall:.3f})"
    print(f"{'this model (factcheck.text.checkworthiness)':<46}{ours:>24}{mean_map:>10.3f}")
    print("reference, from datasets README:")
    for name, rf1, rmap in REFERENCES:
        print(f"{'  ' + name:<46}{rf1:>24}{rmap:>10}")
    print(f"\nclaimspotter test: {len(rows)} sentences, TP {tp}, FP {fp}, FN {fn}")
    print("\nCLEF 2019 test, per debate:")
    print(f"  {'debate':<28}{'sentences':>10}{'positives':>10}{'AP':>8}")
    for name, n, pos, ap in per_debate:
        print(f"  {name:<28}{n:>10}{pos:>10}{ap:>8.3f}")
    print(f"  {'mean (MAP)':<48}{mean_map:>8.3f}")
    print(f"\nspeed: {rate:,.0f} sentences per second ({len(all_texts)} sentences, one core)")


if __name__ == "__main__":
    main()
