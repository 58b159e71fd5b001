"""Check-worthiness scorer: how much a sentence looks like a checkable factual claim.

A small logistic model over two kinds of features:

* readable *cue* features (numbers, dates, money, named entities, attribution, comparisons,
  superlatives; and lowering cues such as questions, hedging, predictions, advice), which also
  give the editor a short list of reasons;
* a *lexical* part: weights for lowercased word unigrams and bigrams.

The weights are fitted offline by ``tools/train_checkworthiness.py`` and stored in
``checkworthiness_model.json`` next to this file (with a note on their provenance). The model is
loaded lazily on first use; importing this module only compiles regular expressions.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("checkworthiness_model.json")

# --- text normalisation -------------------------------------------------------------------

_NORMALISE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": " - ", "\u2014": " - ", "\u2015": " - ", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
})


def _normalise(text: str) -> str:
    return text.translate(_NORMALISE).strip()


# --- cue detectors ------------------------------------------------------------------------

_I = re.IGNORECASE
_MONTHS = ("January|February|March|April|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec")
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_NUMBER_WORDS = (r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
                 r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|"
                 r"millions?|billions?|trillions?|dozens?|half|third|quarter|twice|double[sd]?|"
                 r"triple[sd]?")

_RX_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", _I)
_RX_DATE = re.compile(
    rf"\b(?:{_MONTHS})\.?\s+\d|\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:{_MONTHS}|{_WEEKDAYS})\b(?<!May)"
    rf"|\b(?:1[89]|20)\d\d(?:s|'s)?\b|\b(?:19|20)?\d0'?s\b"
    r"|\b(?:last|next|this|past)\s+(?:year|month|week|decade|century|quarter)\b"
    r"|\b(?:yesterday|since\s+\d|in\s+\d{4}|decades?|annual(?:ly)?|per\s+year|a\s+year)\b")
_RX_MONEY = re.compile(
    r"[$\u20ac\u00a3\u00a5]\s?\d|\b\d[\d,.]*\s?(?:bn|tn|k|m)\b|\b(?:dollars?|euros?|pounds\s+sterling|"
    r"cents|billions?|millions?|trillions?|bn|usd|eur|gbp)\b", _I)
_RX_PERCENT = re.compile(r"\d\s?%|\b(?:percent(?:age)?|per\s+cent|pct)\b", _I)
_TITLE_WORDS = ("President|Minister|Senator|Governor|Secretary|Chancellor|Mayor|Ambassador|"
                "General|Chairman|Chairwoman|Director|King|Queen|Prince|Pope|Judge|Justice|"
                "Congressman|Congresswoman|Representative|Mr|Mrs|Ms|Dr|Rep|Sen|Gov|Gen")
_ORG_WORDS = ("Ministry|Inc|Corp|Corporation|Ltd|LLC|Company|Administration|Council|Department|"
              "Commission|Agency|Bureau|Congress|Senate|Parliament|University|Bank|Court|"
              "Committee|Association|Institute|Union|Party|Organi[sz]ation|Office|Authority|"
              "Federation|Republic|Kingdom|Government|Army|Navy|Police|Foundation|Board|"
              "Assembly|Initiative|Accords?|Treaty|Fund|Group")
_RX_TITLE_ORG = re.compile(rf"\b(?:{_TITLE_WORDS})\.?\s+[A-Z]|\b(?:{_ORG_WORDS})\b|\b[A-Z]{{2,}}\b")
_RX_CAPWORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_NOT_NAMES = frozenset(
    "I I'm I've I'll I'd OK Okay Mr Mrs Ms Dr God Sir Madam Yes No Well Oh".split()
    + _MONTHS.split("|") + _WEEKDAYS.split("|"))
_RX_ATTRIBUTION = re.compile(
    r"\b(?:said|says|according\s+to|report(?:ed|s)|announc(?:ed|es|ing)|not(?:ed|ing)\s+that|"
    r"noted|stated|told|confirm(?:ed|s)|declared|testified|wrote|estimat(?:ed|es)|"
    r"data|statistics|stud(?:y|ies)|survey|poll|census|records?\s+show)\b", _I)
_RX_COMPARISON = re.compile(
    r"\b(?:more|less|fewer|worse)\s+than\b|\Ber\s+than\b"
    r"|\b(?:increas(?:e|ed|es|ing)|decreas(?:e|ed|es|ing)|rose|risen|rises|fell|fallen|falls|"
    r"dropped|drop|declin(?:e|ed|es|ing)|grew|grown|doubled|tripled|halved|cut|raised|"
    r"compared|up\s+from|down\s+from|times\s+(?:as|more)|went\s+(?:up|down))\b", _I)
_NOT_SUPERLATIVE = frozenset(
    "interest honest west rest test request protest invest suggest forest modest contest digest "
    "guest chest arrest harvest manifest east least quest conquest nest vest pest crest detest "
    "attest infest divest lest jest northwest southwest midwest unrest behest breast feast beast "
    "yeast priest fist list mist earnest inquest bequest tempest congest ingest molest wrest "
    "abreast interests tests requests protests invests suggests forests".split())
_SUPERLATIVE_WORDS = frozenset("most least record ever best worst".split())
_RX_SUPERLATIVE = re.compile(r"\bthe\s+(?:first|last|only|second|third)\b", _I)


def _is_superlative(tokens: list[str]) -> bool:
    return any(t in _SUPERLATIVE_WORDS or (len(t) > 5 and t.endswith("est")
                                           and t not in _NOT_SUPERLATIVE) for t in tokens)


_RX_QUESTION = re.compile(r"\?")
_RX_HEDGE = re.compile(
    r"\b(?:I\s+think|I\s+believe|I\s+feel|I\s+guess|in\s+my\s+(?:opinion|view)|believes?|"
    r"might|could|perhaps|maybe|possibly|probably|seems?|seemingly|appears?\s+to|suggest(?:s|ed|ing)?|"
    r"signal(?:s|led|ing)?|likely|unlikely|arguably|apparently|may\s+(?:be|have|not)|reportedly|"
    r"widely\s+(?:seen|interpreted|regarded)|is\s+seen\s+as|interpreted|potential(?:ly)?)\b"
    r"|\bmay\b(?!\s+\d)")
_EVALUATIVE_WORDS = frozenset(
    "significant profound crucial vital pivotal key strategic unlock unlocks unlocked unlocking "
    "prospect prospects opportunity opportunities momentum tangible landmark historic symbolic "
    "remarkable dramatic important meaningful powerful great tremendous incredible wonderful "
    "terrible horrible amazing beautiful fantastic disaster disgrace ridiculous shameful "
    "unprecedented bold brave proud deeply deep shift reorientation realignment underscore "
    "underscores highlight highlights represent represents reflect reflects embody embodies "
    "bolster enhance strengthen strengthens strengthening cooperation various vigorous clear "
    "indeed truly".split())
_RX_EVALUATIVE = re.compile(r"\b(?:marks?\s+a|paves?\s+the\s+way|opens?\s+the\s+door)\b", _I)
_RX_PREDICTION = re.compile(
    r"\b(?:will|won't|shall|gonna|going\s+to|expected\s+to|expects?\s+to|forecasts?|predicts?|"
    r"plans?\s+to|set\s+to|tomorrow|future|anticipated|would)\b|\w'll\b", _I)
_RX_ADVICE = re.compile(
    r"\b(?:should|shouldn't|must|mustn't|ought\s+to|need\s+to|needs\s+to|have\s+to|has\s+to|"
    r"let's|let\s+us|don't|please|we\s+can)\b", _I)
_RX_FIRST_SINGULAR = re.compile(r"\b(?:I|me|my|mine|myself|I'm|I've|I'd|I'll)\b")
_RX_FIRST_PLURAL = re.compile(r"\b(?:we|us|our|ours|ourselves|we're|we've|we'll|we'd)\b", _I)
_RX_SECOND = re.compile(r"\b(?:you|your|yours|yourself|you're|you've|you'll|you'd)\b", _I)
_RX_TOKEN = re.compile(r"[^\W_]+(?:['\-.,][^\W_]+)*|[$%\u20ac\u00a3]")
_RX_DIGIT = re.compile(r"\d")

# Cue name -> reason text (a "lowers: " prefix is added when the learned weight is negative).
CUES: dict[str, str] = {
    "number": "contains a number",
    "date": "mentions a date",
    "money": "money amount",
    "percent": "percentage",
    "proper_noun": "names an organisation or person",
    "title_org": "names an organisation or person",
    "attribution": "attributed ('said', 'according to')",
    "comparison": "comparison",
    "superlative": "superlative or 'the first'",
    "question": "question",
    "hedge": "opinion or hedging language",
    "evaluative": "evaluative or interpretive wording",
    "prediction": "prediction",
    "advice": "advice",
    "first_singular": "first or second person",
    "first_plural": "first or second person",
    "second_person": "first or second person",
    "short": "very short sentence",
}
_CUE_TESTS = (
    ("number", _RX_NUMBER), ("date", _RX_DATE), ("money", _RX_MONEY), ("percent", _RX_PERCENT),
    ("title_org", _RX_TITLE_ORG), ("attribution", _RX_ATTRIBUTION),
    ("comparison", _RX_COMPARISON), ("question", _RX_QUESTION), ("hedge", _RX_HEDGE),
    ("prediction", _RX_PREDICTION), ("advice", _RX_ADVICE),
    ("first_singular", _RX_FIRST_SINGULAR), ("first_plural", _RX_FIRST_PLURAL),
    ("second_person", _RX_SECOND),
)


def _has_proper_noun(text: str) -> bool:
    """A capitalised word that is not the sentence's first word (nor 'I', months, ...)."""
    words = _RX_CAPWORD.findall(text)
    for i, word in enumerate(words):
        if i and word[0].isupper() and word not in _NOT_NAMES:
            return True
    return False


def _tokens(text: str) -> list[str]:
    toks = _RX_TOKEN.findall(text.lower())
    return ["<num>" if _RX_DIGIT.search(t) else t for t in toks]


def features(sentence: str) -> tuple[list[str], list[str]]:
    """Return (fired cue names, lexical terms). Shared with the training script."""
    text = _normalise(sentence)
    cues = [name for name, rx in _CUE_TESTS if rx.search(text)]
    if _has_proper_noun(text):
        cues.append("proper_noun")
    toks = _tokens(text)
    if _RX_SUPERLATIVE.search(text) or _is_superlative(toks):
        cues.append("superlative")
    if _EVALUATIVE_WORDS.intersection(toks) or _RX_EVALUATIVE.search(text):
        cues.append("evaluative")
    if len(toks) < 6:
        cues.append("short")
    terms = set(toks)
    terms.update(f"{a} {b}" for a, b in zip(toks, toks[1:]))
    return cues, sorted(terms)


# --- model --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Assessment:
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Model:
    bias: float
    cues: dict[str, float]
    terms: dict[str, float]
    threshold: float


@functools.cache
def _model() -> _Model:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return _Model(bias=float(data["bias"]),
                  cues={k: float(v) for k, v in data["cue_weights"].items()},
                  terms={k: float(v) for k, v in data["term_weights"].items()},
                  threshold=float(data["threshold"]))


def lexical_scale(n_terms: int) -> float:
    """Value given to each present lexical term (shared with training)."""
    return 1.0 / math.sqrt(max(n_terms, 1))


_LEXICAL_REASON_MIN = 0.75   # lexical logit push needed before we name words as a reason
_STOPWORDS = frozenset(
    "a an the and or but if of in on at to for from by with as is are was were be been being it "
    "its this that these those there here they them their he she his her him we our us you your "
    "i me my not no so than then up down out over under into about after before also just <num> "
    "has have had do does did can".split())


def _readable_term(term: str) -> bool:
    words = term.split()
    return len(term) > 2 and not all(w in _STOPWORDS for w in words) and "<num>" not in words


def assess(sentence: str) -> Assessment:
    model = _model()
    cues, terms = features(sentence)
    z = model.bias
    positive: list[str] = []
    negative: list[str] = []
    for name in cues:
        w = model.cues.get(name, 0.0)
        z += w
        if abs(w) < 0.05:
            continue
        label = CUES[name] if w > 0 else "lowers: " + CUES[name]
        bucket = positive if w > 0 else negative
        if label not in bucket:
            bucket.append(label)
    scale = lexical_scale(len(terms))
    contributions = [(model.terms[t] * scale, t) for t in terms if t in model.terms]
    lexical = sum(c for c, _ in contributions)
    z += lexical
    if lexical >= _LEXICAL_REASON_MIN:
        top = sorted((c for c in contributions if c[0] > 0.05 and _readable_term(c[1])),
                     reverse=True)[:3]
        if top:
            words = ", ".join(f"'{t}'" for _, t in top)
            positive.append(f"wording typical of checked claims: {words}")
    z = max(-30.0, min(30.0, z))
    return Assessment(score=1.0 / (1.0 + math.exp(-z)), reasons=positive + negative)


def is_checkworthy(a: Assessment, threshold: float | None = None) -> bool:
    """True when the assessment's score reaches the threshold (DEFAULT_THRESHOLD if omitted)."""
    return a.score >= (_model().threshold if threshold is None else threshold)


def __getattr__(name: str):
    # DEFAULT_THRESHOLD is read from the model file on first access, not at import.
    if name == "DEFAULT_THRESHOLD":
        return _model().threshold
    raise AttributeError(name)
