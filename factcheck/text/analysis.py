"""Body text in, scored sentences out: the pure core of claim extraction."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from factcheck.text.checkworthiness import DEFAULT_THRESHOLD, assess, assess_many
from factcheck.text.sentences import split_sentences


@dataclass(frozen=True)
class Scored:
    score: float          # rounded to 4 places: what is stored and shown is what was compared
    checkworthy: bool
    reasons: list[str]


@dataclass(frozen=True)
class ScoredSentence:
    start: int
    end: int
    text: str
    score: float
    checkworthy: bool
    reasons: list[str]

    def as_dict(self) -> dict:
        return asdict(self)


def score_text(text: str, *, threshold: float | None = None) -> Scored:
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    a = assess(text)
    score = round(a.score, 4)
    return Scored(score, score >= threshold, list(a.reasons))


def analyse(body: str, *, threshold: float | None = None, language: str = "en") -> list[ScoredSentence]:
    """Sentences of ``body`` (split with the rules of ``language``), each scored."""
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    spans = split_sentences(body, language)
    out = []
    for span, a in zip(spans, assess_many([span.text for span in spans])):
        score = round(a.score, 4)
        out.append(ScoredSentence(span.start, span.end, span.text, score, score >= threshold, list(a.reasons)))
    return out
