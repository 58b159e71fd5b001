"""Readable cues of check-worthiness: each is a test an editor can verify on the sentence.

:func:`cues` returns the names of the cues that hold for a sentence; :data:`CUES` gives the
reason shown for each. The scorer (``checkworthiness``) learns one weight per cue; a cue whose
weight is negative is shown as "lowers: ...".
"""
from __future__ import annotations

import re

_NORMALISE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": " - ", "\u2014": " - ", "\u2015": " - ", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
})


def normalise(text: str) -> str:
    return text.translate(_NORMALISE).strip()


_I = re.IGNORECASE
_MONTHS = ("January|February|March|April|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec")
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_NUMBER_WORDS = (r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
                 r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|"
                 r"millions?|billions?|trillions?|dozens?|half|third|twice|double[sd]?|"
                 r"triple[sd]?|(?:a|one|three)\s+quarters?\s+of")
_TIME_UNITS = r"(?:days?|weeks?|months?|years?|quarters?|hours?|minutes?|decades?|seasons?|rounds?)"

_RX_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", _I)
_RX_DATE = re.compile(
    rf"\b(?:{_MONTHS})\.?\s+\d|\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:{_MONTHS}|{_WEEKDAYS})\b(?<!May)"
    rf"|\b(?:1[89]|20)\d\d(?:s|'s)?\b|\b(?:19|20)?\d0'?s\b"
    r"|\b(?:last|next|this|past)\s+(?:year|month|week|decade|century|quarter)\b"
    r"|\b(?:yesterday|since\s+\d|in\s+\d{4}|decades?|annual(?:ly)?|per\s+year|a\s+year)\b")
_RX_MONEY = re.compile(
    r"[$\u20ac\u00a3\u00a5]\s?\d|\b\d[\d,.]*\s?(?:bn|tn|k|m)\b|\b(?:dollars?|euros?|pounds\s+sterling|"
    r"cents|usd|eur|gbp)\b|\b\d[\d,.]*\s+(?:billion|million|trillion)\s+(?:in|of|worth)\b", _I)
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
# Attribution: a named or unnamed speaker reports something. Data and studies are a cue of their own.
_RX_ATTRIBUTION = re.compile(
    r"\b(?:said|says|according\s+to|announc(?:ed|es)|not(?:ed|ing)\s+that|stated|told|"
    r"confirm(?:ed|s)|declared|testified|wrote|reported|quoted)\b", _I)
_RX_EVIDENCE = re.compile(
    r"\b(?:data|statistics|figures\s+(?:show|from)|stud(?:y|ies)|survey|poll|census|records?\s+show|"
    r"report\s+(?:found|shows?|published)|estimat(?:ed|es))\b", _I)
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
    "abreast interests tests requests protests invests suggests forests latest".split())
_SUPERLATIVE_WORDS = frozenset("most least best worst".split())
# "the first woman to ..." is a superlative; "the first six months", "the last two years" are not.
_RX_SUPERLATIVE = re.compile(
    rf"\bthe\s+(?:first|last|only|second|third)\b(?!\s+(?:\w+\s+)?{_TIME_UNITS}\b)"
    rf"(?!\s+(?:time|thing|step|round|half|of\s+(?:all|these|those|them)))", _I)
_RX_RECORD = re.compile(
    r"\b(?:on\s+record|in\s+(?:recorded\s+)?history|since\s+records\s+began|ever\s+recorded"
    r"|record[- ](?:high|low|level|number|breaking)|all[- ]time\s+(?:high|low)|(?:a|the)\s+record\s+\w+)\b",
    _I)


def _superlative_words(tokens: list[str]) -> bool:
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
    "indeed truly failure mistake scandal outrageous disastrous catastrophic".split())
_RX_EVALUATIVE = re.compile(r"\b(?:marks?\s+a|paves?\s+the\s+way|opens?\s+the\s+door)\b", _I)
# Opinion reported after a speech verb: "X said the plan was a disaster".
_OPINION_WORDS = _EVALUATIVE_WORDS | frozenset(
    "disaster failure mistake wrong right unfair fair bad good best worst ridiculous absurd "
    "shameful dangerous reckless irresponsible betrayal insult joke hoax nonsense".split())
_RX_SPEECH_THEN = re.compile(
    r"\b(?:said|says|told\s+\w+|argued|claimed|insisted|called|described|believes?|thinks?)\b(.*)", _I)
_RX_PREDICTION = re.compile(
    r"\b(?:will|won't|shall|gonna|going\s+to|expected\s+to|expects?\s+to|forecasts?|predicts?|"
    r"plans?\s+to|set\s+to|tomorrow|future|anticipated|would)\b|\w'll\b", _I)
# Advice: modal obligations, and "don't" only as an imperative that opens the sentence.
_RX_ADVICE = re.compile(
    r"\b(?:should|shouldn't|must|mustn't|ought\s+to|need\s+to|needs\s+to|have\s+to|has\s+to|"
    r"let's|let\s+us|please|we\s+can)\b|^(?:please\s+)?(?:don't|do\s+not|never)\s+\w", _I)
_RX_CAVEAT = re.compile(
    r"\b(?:provisional|preliminary|subject\s+to\s+(?:change|revision)|(?:may|might|could)\s+be\s+revised"
    r"|not\s+(?:seasonally\s+)?adjusted|margin\s+of\s+error|methodology|(?:figures|data)\s+"
    r"(?:exclude|do\s+not\s+include|are\s+(?:rounded|estimates))|rounded|caveat|"
    r"not\s+directly\s+comparable|incomplete\s+data|definitions?\s+changed?)\b", _I)
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
    "attribution": "attributed to a speaker or source",
    "evidence": "cites data, a study or a poll",
    "comparison": "comparison or change",
    "superlative": "superlative ('largest', 'the first to')",
    "record": "a record or a first in history",
    "question": "question",
    "hedge": "opinion or hedging language",
    "evaluative": "evaluative or interpretive wording",
    "reported_opinion": "reports an opinion ('said it was a disaster')",
    "caveat": "a caveat about figures, not a claim",
    "prediction": "prediction",
    "advice": "advice or an instruction",
    "first_singular": "first or second person",
    "first_plural": "first or second person",
    "second_person": "first or second person",
    "short": "very short sentence",
}
_CUE_TESTS = (
    ("number", _RX_NUMBER), ("date", _RX_DATE), ("money", _RX_MONEY), ("percent", _RX_PERCENT),
    ("title_org", _RX_TITLE_ORG), ("evidence", _RX_EVIDENCE),
    ("comparison", _RX_COMPARISON), ("question", _RX_QUESTION), ("hedge", _RX_HEDGE),
    ("prediction", _RX_PREDICTION), ("advice", _RX_ADVICE), ("caveat", _RX_CAVEAT),
    ("first_singular", _RX_FIRST_SINGULAR), ("first_plural", _RX_FIRST_PLURAL),
    ("second_person", _RX_SECOND),
)


def _has_proper_noun(text: str) -> bool:
    """A capitalised word that is not the sentence's first word (nor 'I', months, ...)."""
    words = _RX_CAPWORD.findall(text)
    return any(i and w[0].isupper() and w not in _NOT_NAMES for i, w in enumerate(words))


def tokens(text: str) -> list[str]:
    """Lowercased word tokens; any token with a digit becomes '<num>'."""
    return ["<num>" if _RX_DIGIT.search(t) else t for t in _RX_TOKEN.findall(text.lower())]


def _reported_opinion(text: str) -> bool:
    m = _RX_SPEECH_THEN.search(text)
    return bool(m) and bool(_OPINION_WORDS.intersection(tokens(m.group(1))))


def cues(text: str, toks: list[str] | None = None) -> list[str]:
    """The names of the cues that hold for a (normalised) sentence, in a fixed order."""
    toks = tokens(text) if toks is None else toks
    found = [name for name, rx in _CUE_TESTS if rx.search(text)]
    if _has_proper_noun(text):
        found.append("proper_noun")
    if _RX_ATTRIBUTION.search(text):
        found.append("reported_opinion" if _reported_opinion(text) else "attribution")
    record = bool(_RX_RECORD.search(text))
    superlative = bool(_RX_SUPERLATIVE.search(text)) or _superlative_words(toks)
    if record:
        found.append("record")
    elif superlative:
        found.append("superlative")
    # A record ("among the deadliest storms on record") is a checkable fact, not a judgement.
    if not record and (_EVALUATIVE_WORDS.intersection(toks) or _RX_EVALUATIVE.search(text)):
        found.append("evaluative")
    if "caveat" in found and "number" in found and not _RX_DIGIT.search(text):
        found.remove("number")
    if len(toks) < 6:
        found.append("short")
    return found
