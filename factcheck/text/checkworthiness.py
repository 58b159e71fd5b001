"""Check-worthiness scorer: how likely a sentence is a checkable factual claim.

A logistic model over three kinds of features:

* readable *cues* (``factcheck.text.cues``: numbers, dates, money, names, attribution, records;
  lowering cues such as questions, hedging, reported opinion, caveats, predictions, advice), which
  are also the reasons shown to the editor;
* *word weights* for lowercased unigrams and bigrams;
* a multilingual sentence *embedding* (``factcheck.text.embedding``).

The raw score is calibrated (Platt scaling fitted on the CheckThat! 2024 dev split), so a score of
0.8 means that about four in five such sentences were check-worthy there. Word weights and the
embedding are summed into one reason at most ("wording like past check-worthy claims").

Weights are fitted offline by ``tools/train_checkworthiness.py`` and stored in
``checkworthiness_model.json`` beside this file, with their provenance. The model is loaded
lazily on first use.
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from factcheck.text.cues import CUES, cues, normalise, tokens
from factcheck.text.embedding import embed

__all__ = ["Assessment", "assess", "assess_many", "is_checkworthy", "features", "CUES",
           "DEFAULT_THRESHOLD", "MODEL_PATH"]

MODEL_PATH = Path(__file__).with_name("checkworthiness_model.json")
WORDING_REASON = "wording like past check-worthy claims"
WORDING_LOWERS = "lowers: wording unlike past check-worthy claims"
_WORDING_MIN = 1.0   # learned push (in logits) before the wording line is shown


def features(sentence: str) -> tuple[list[str], list[str]]:
    """(fired cue names, lexical terms) of one sentence. Shared with the training script."""
    text = normalise(sentence)
    toks = tokens(text)
    terms = set(toks)
    terms.update(f"{a} {b}" for a, b in zip(toks, toks[1:]))
    return cues(text, toks), sorted(terms)


def lexical_scale(n_terms: int) -> float:
    """Value given to each present lexical term (shared with training)."""
    return 1.0 / math.sqrt(max(n_terms, 1))


@dataclass(frozen=True)
class Assessment:
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Model:
    bias: float
    cues: dict[str, float]
    terms: dict[str, float]
    embedding: np.ndarray
    calibration: tuple[float, float]
    threshold: float


@functools.cache
def _model() -> _Model:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    cal = data["calibration"]
    return _Model(bias=float(data["bias"]),
                  cues={k: float(v) for k, v in data["cue_weights"].items()},
                  terms={k: float(v) for k, v in data["term_weights"].items()},
                  embedding=np.asarray(data["embedding_weights"], dtype=np.float32),
                  calibration=(float(cal["a"]), float(cal["b"])),
                  threshold=float(data["threshold"]))


def _reasons(model: _Model, fired: list[str], learned: float) -> list[str]:
    positive: list[str] = []
    negative: list[str] = []
    for name in fired:
        w = model.cues.get(name, 0.0)
        if abs(w) < 0.05:
            continue
        label = CUES[name] if w > 0 else "lowers: " + CUES[name]
        bucket = positive if w > 0 else negative
        if label not in bucket:
            bucket.append(label)
    if learned >= _WORDING_MIN:
        positive.append(WORDING_REASON)
    elif learned <= -_WORDING_MIN:
        negative.append(WORDING_LOWERS)
    return positive + negative


def assess_many(sentences: list[str]) -> list[Assessment]:
    """Score many sentences at once (the embedding runs as one batch)."""
    model = _model()
    vectors = embed([normalise(s) for s in sentences]) @ model.embedding
    a, b = model.calibration
    out = []
    for sentence, from_embedding in zip(sentences, vectors.tolist()):
        fired, terms = features(sentence)
        scale = lexical_scale(len(terms))
        learned = from_embedding + sum(model.terms.get(t, 0.0) for t in terms) * scale
        z = model.bias + sum(model.cues.get(name, 0.0) for name in fired) + learned
        z = max(-30.0, min(30.0, a * z + b))
        out.append(Assessment(score=1.0 / (1.0 + math.exp(-z)),
                              reasons=_reasons(model, fired, a * learned)))
    return out


def assess(sentence: str) -> Assessment:
    return assess_many([sentence])[0]


def is_checkworthy(a: Assessment, threshold: float | None = None) -> bool:
    """True when the assessment's score reaches the threshold (DEFAULT_THRESHOLD if omitted)."""
    return a.score >= (_model().threshold if threshold is None else threshold)


def __getattr__(name: str):
    # DEFAULT_THRESHOLD is read from the model file on first access, not at import.
    if name == "DEFAULT_THRESHOLD":
        return _model().threshold
    raise AttributeError(name)
