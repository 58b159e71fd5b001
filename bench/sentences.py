"""Compare factcheck's sentence splitter with plain pySBD.

    python bench/sentences.py

Prints golden-rule scores (pySBD rules /48, Pragmatic golden /52, Pragmatic all)
and sentences per second on ~1 MB of generated news-like text. Datasets are read
from $FACTCHECK_DATASETS or ../shared/datasets relative to the project root.
"""
from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pysbd  # noqa: E402

from factcheck.text.sentences import split_sentences  # noqa: E402

_plain = pysbd.Segmenter(language="en", clean=False)


def ours(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def plain(text: str) -> list[str]:
    return _plain.segment(text)


def dataset_dir() -> Path:
    env = os.environ.get("FACTCHECK_DATASETS")
    base = Path(env) if env else ROOT.parent / "shared" / "datasets"
    folder = base / "sentence-boundaries"
    if not folder.is_dir():
        sys.exit(
            f"Sentence-boundary datasets not found at {folder}.\n"
            "Set FACTCHECK_DATASETS to the folder holding sentence-boundaries/."
        )
    return folder


def score(cases: list[dict], split) -> int:
    passed = 0
    for case in cases:
        got = [s.strip() for s in split(case["text"])]
        passed += got == [e.strip() for e in case["expected"]]
    return passed


SUBJECTS = ["The U.S. Treasury", "Dr. Amira Nasser", "Sen. Paul Okafor", "The ministry",
            "Acme Corp.", "Officials in Kyiv", "The central bank", "Gov. Lena Ortiz"]
VERBS = ["said", "announced", "warned", "confirmed", "denied", "estimated"]
OBJECTS = [
    "that approx. $38 million had been spent on Jan. 14",
    "a $4.5bn package at 10 a.m. on Tuesday",
    "that prices rose 3.2% in the year to March",
    "that talks with the U.S. would resume in Feb.",
    "the plan—first floated in 2019—was dead",
    "that the figures were... disappointing",
    "that No. 10 had not been consulted",
]
QUOTES = [  # each entry: the sentences it is made of
    ["“We will not back down,” she said."],
    ['"This is unacceptable."', "The committee adjourned."],
    ["“Is this the end?” asked one resident."],
    ["He called it ‘a historic day.’", "Others disagreed."],
]


def news_paragraphs(target_bytes: int = 1_000_000, seed: int = 42) -> list[list[str]]:
    """Paragraphs of known sentences, about ``target_bytes`` in total."""
    rng = random.Random(seed)
    paragraphs, size = [], 0
    while size < target_bytes:
        sentences: list[str] = []
        for _ in range(rng.randint(2, 5)):
            if rng.random() < 0.2:
                sentences.extend(rng.choice(QUOTES))
            else:
                sentences.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}.")
        paragraphs.append(sentences)
        size += len(" ".join(sentences).encode()) + 2
    return paragraphs


def news_text(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs)


def paragraph_accuracy(paragraphs: list[list[str]], split) -> float:
    sample = paragraphs[:500]
    good = sum([s.strip() for s in split(" ".join(p))] == p for p in sample)
    return good / len(sample)


def speed(split, text: str) -> tuple[int, float]:
    start = time.perf_counter()
    n = len(split(text))
    return n, n / (time.perf_counter() - start)


def main() -> None:
    folder = dataset_dir()
    rules = json.loads((folder / "pysbd-golden-rules-en.json").read_text(encoding="utf-8"))
    pragmatic = json.loads((folder / "pragmatic-segmenter-en.json").read_text(encoding="utf-8"))
    golden = [c for c in pragmatic if c.get("golden_rule")]

    print(f"{'splitter':<12}{'pySBD rules':>14}{'Pragmatic golden':>19}{'Pragmatic all':>16}")
    for name, split in (("factcheck", ours), ("pysbd", plain)):
        print(
            f"{name:<12}{score(rules, split):>11}/{len(rules):<2}"
            f"{score(golden, split):>16}/{len(golden):<2}"
            f"{score(pragmatic, split):>12}/{len(pragmatic):<3}"
        )

    paragraphs = news_paragraphs()
    text = news_text(paragraphs)
    print("\nparagraphs of generated news text split exactly right (first 500):")
    print(f"factcheck {paragraph_accuracy(paragraphs, ours):.1%}   "
          f"pysbd {paragraph_accuracy(paragraphs, plain):.1%}")
    print(f"\nspeed on {len(text.encode()) / 1e6:.2f} MB of generated news text")
    n_ours, rate_ours = speed(ours, text)
    n_plain, rate_plain = speed(plain, text)
    print(f"factcheck: {n_ours:,} sentences, {rate_ours:,.0f} sentences/s")
    print(f"pysbd:     {n_plain:,} sentences, {rate_plain:,.0f} sentences/s")
    print(f"ratio factcheck/pysbd: {rate_ours / rate_plain:.2f}x")


if __name__ == "__main__":
    main()
