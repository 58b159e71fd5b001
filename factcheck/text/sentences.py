"""Sentence segmentation with exact character offsets.

``split_sentences(body)`` returns :class:`Span` objects whose ``text`` is always
``body[start:end]``.  Blank lines are hard boundaries: the body is cut into
blocks first, each block is segmented with pySBD, and every sentence pySBD
returns is located in the block with a forward-moving cursor (pySBD's own
``char_span`` offsets are unreliable when text repeats).  A few fix-ups for
news prose are then applied to the offsets (merging wrong splits after
abbreviations such as "approx." or "p.m. ET", splitting "word.Next" and
quotes closed with a single quote).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Span", "split_sentences"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str  # == body[start:end] exactly


# A line break, optional horizontal whitespace, another line break; U+2029
# (paragraph separator) counts as a blank line too.
_BLANK_LINE = re.compile(r"(?:\r\n|\n|\r)[^\S\r\n]*(?:\r\n|\n|\r)\s*|\u2029\s*")

# Titles that never end a sentence: a split right after them is always wrong.
_TITLE_END = re.compile(
    r"(?<![^\W\d_])(?:Mr|Mrs|Ms|Mx|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Capt|Cmdr|Sgt|Cpl"
    r"|Adm|Maj|Rev|Hon|Supt|Insp|Det|Atty|Amb|Messrs|Mme|Mmes)\.[\"'”’)\]]*\s*$"
)
# Abbreviations that only end a sentence rarely; merge when what follows is a
# number, currency amount or lowercase word ("approx. $38", "Jan. 14", "No. 5").
_ABBREV_END = re.compile(
    r"(?<![^\W\d_])(?:approx|est|ca|c|vs|v|cf|incl|excl|e\.g|i\.e|No|Nos|no|nos|Fig|Figs"
    r"|fig|Vol|vol|pp|p|Ch|ch|Sec|sec|Art|art|Para|para|Jan|Feb|Mar|Apr|Jun|Jul|Aug"
    r"|Sep|Sept|Oct|Nov|Dec|St|Mt|Ft|Ave|Blvd|Rd|Hwy|Pt|Op|op|ed|eds|Ref|ref|Tel|tel"
    r"|Corp|Inc|Co|Ltd|Bros|Jr|Sr|U\.S|U\.K|U\.N|E\.U)\.\s*$"
)
_NUMERIC_START = re.compile(r"[\"'“‘(]?[0-9$£€¥₹#%]")
_LOWER_START = re.compile(r"[\"'“‘(]?[a-z]")
_TIME_END = re.compile(r"\b[ap]\.\s?m\.\s*$", re.IGNORECASE)
_TIMEZONE_START = re.compile(
    r"(?:ET|EST|EDT|CT|CST|CDT|MT|MST|MDT|PT|PST|PDT|GMT|UTC|BST|CET|CEST|EET|EEST|MSK"
    r"|IST|JST|KST|AEST|AEDT|local time)\b"
)
_HAS_WORD = re.compile(r"\w")
# List markers: "a. ", "(ii) ", "3) " -- not to be glued to a previous sentence,
# and never a sentence on their own.
_LIST_MARKER = re.compile(r"[(\[]?(?:[A-Za-z]|[ivxlcIVXLC]{1,5}|\d{1,3})[.)\]](?:\s|$)")
# "overnight.Russia" / "1,000.That": a sentence end with the space missing.
_GLUED = re.compile(r"(?:(?<=[a-z]{2})|(?<=\d))[.!?](?=[A-Z][a-z])")
# A quotation closed with a single quote: "said ‘no comment.’ Reporters left."
_SINGLE_QUOTE_END = re.compile(r"\.[’'](?=\s+[\"“‘]?[A-Z])")
_URLISH = re.compile(r"www|://|@|/|\\")


# Abbreviations that never end a sentence, per language (pySBD misses some of them): a split
# right after one is undone whatever follows ("т. е. это", "Sr. García", "EE. UU.", "z. B.").
_NO_END_WORDS = {
    "ru": r"т\.\s?е|т\.\s?к|т\.\s?н|т\.\s?ч|напр|ул|пер|пр-т|им|см|проф|акад|доц|тов|гг?(?<!\d\s)(?<!\d)"
          r"|г-н|г-жа|ст|рис|табл|тыс|млн|млрд|руб|долл|обл|р-н|п|пп|ч|с|стр|ок|гл|ред|изд",
    "uk": r"т\.\s?з|напр|вул|ім|див|проф|акад|тис|млн|млрд|грн|обл|м|с|п",
    "es": r"Sr|Sra|Srta|Sres|Dr|Dra|Lic|Ing|Ud|Uds|Vd|Vds|EE|UU|pág|págs|núm|art|etc(?=\.\s+[a-z])|aprox|Av|Avda|Gral|Prof",
    "pt": r"Sr|Sra|Srs|Dr|Dra|Prof|Profa|Exa|Exmo|Av|pág|art|núm|aprox|p\.\s?ex|V",
    "fr": r"M|MM|Mme|Mmes|Mlle|Dr|Pr|av|apr|J\.-C|p\.\s?ex|cf|env|boul|bd|art|n°|St|Ste",
    "de": r"z\.\s?B|d\.\s?h|u\.\s?a|o\.\s?ä|v\.\s?a|bzw|vgl|usw|ca|Nr|Dr|Prof|Hr|Fr|St|Str|Abs|Art|evtl|ggf|inkl|zzgl|Mio|Mrd|bspw",
    "it": r"Sig|Sigg|Dott|Dr|Prof|Avv|Ing|On|pag|art|ecc(?=\.\s+[a-z])|ca",
    "ar": r"د|م|ه|ص|ج",
}
_NO_END = {lang: re.compile(rf"(?<![^\W\d_])(?:{words})\.\s*$") for lang, words in _NO_END_WORDS.items()}
_OPENERS = "\"'“‘«„(¿¡"


@lru_cache(maxsize=None)
def _segmenter(language: str = "en"):
    import pysbd

    from factcheck.text.language import SPLIT_LANGUAGES

    return pysbd.Segmenter(language=language if language in SPLIT_LANGUAGES else "en", clean=False)


def _starts_lower(text: str) -> bool:
    s = text.lstrip(_OPENERS + " ")
    return bool(s) and s[0].islower()


def _blocks(body: str):
    """Yield (start, end) of the blocks between blank lines (may be blank)."""
    pos = 0
    for m in _BLANK_LINE.finditer(body):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(body)


def _locate(block: str, piece: str, cursor: int) -> tuple[int, int] | None:
    """Find ``piece`` in ``block`` at or after ``cursor``; tolerate whitespace edits."""
    core = piece.strip()
    if not core:
        return None
    i = block.find(core, cursor)
    if i >= 0:
        return i, i + len(core)
    words = core.split()
    pattern = r"\s*".join(re.escape(ch) for w in words for ch in w)
    m = re.compile(pattern).search(block, cursor)
    if m:
        return m.start(), m.end()
    return None


# pySBD's time grows faster than linearly with the length of one string, so a very long block
# (a whole article without blank lines) is fed to it in pieces cut where a sentence surely ends.
_CHUNK = 3000
_CUT = re.compile(r"\n|[.!?][\"'”’)\]]*\s+(?=[\"“‘(]?[A-Z])")


def _chunks(block: str) -> list[tuple[int, int]]:
    out, start = [], 0
    while len(block) - start > _CHUNK:
        cut = None
        for m in _CUT.finditer(block, start + _CHUNK // 3, start + _CHUNK):
            cut = m.end()
        if cut is None:
            space = block.rfind(" ", start + _CHUNK // 3, start + _CHUNK)
            cut = space + 1 if space > 0 else start + _CHUNK
        out.append((start, cut))
        start = cut
    out.append((start, len(block)))
    return out


def _raw_spans(block: str, language: str = "en") -> list[tuple[int, int]]:
    """pySBD sentences of one block as (start, end) offsets into the block."""
    if len(block) > _CHUNK:
        return [(a + s, a + e) for a, z in _chunks(block) for s, e in _raw_spans(block[a:z], language)]
    try:
        pieces = _segmenter(language).segment(block)
    except Exception:  # pySBD can choke on odd input; fall back to one span
        pieces = [block]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        found = _locate(block, piece, cursor)
        if found is None:
            continue  # text it skipped or altered beyond recognition: covered below
        if found[0] > cursor and block[cursor:found[0]].strip():
            # Text before this sentence that pySBD did not return: keep it with
            # the previous sentence (or this one, if first) rather than lose it.
            if spans:
                spans[-1] = (spans[-1][0], found[0])
            else:
                found = (cursor, found[1])
        spans.append(found)
        cursor = found[1]
    tail = block[cursor:]
    if tail.strip():
        if spans:
            spans[-1] = (spans[-1][0], len(block))
        else:
            spans.append((0, len(block)))
    return spans


def _should_merge(prev: str, nxt: str, language: str = "en") -> bool:
    no_end = _NO_END.get(language)
    if no_end is not None and no_end.search(prev):
        return True
    if language != "en" and prev.rstrip().endswith(".") and _starts_lower(nxt):
        return True
    if not _HAS_WORD.search(nxt):
        return True  # a stray "." or "”" split off by pySBD
    if _LIST_MARKER.fullmatch(prev.strip() + " "):
        return True  # "d." split from "Compliance Log"
    if _TITLE_END.search(prev):
        return True
    if _LIST_MARKER.match(nxt.lstrip()):
        return False
    if prev.rstrip().endswith(".") and _ABBREV_END.search(prev):
        if _NUMERIC_START.match(nxt) or _LOWER_START.match(nxt):
            return True
    if _TIME_END.search(prev) and _TIMEZONE_START.match(nxt):
        return True
    if prev.rstrip().endswith(".") and _LOWER_START.match(nxt) and not prev.rstrip().endswith(".."):
        return True
    return False


def _merge(block: str, spans: list[tuple[int, int]], language: str = "en") -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and _should_merge(block[out[-1][0]:out[-1][1]], block[s:e], language):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _token_around(text: str, i: int) -> str:
    a = i
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    b = i
    while b < len(text) and not text[b].isspace():
        b += 1
    return text[a:b]


def _split_points(sent: str) -> list[int]:
    """Offsets (relative to ``sent``) after which a missed sentence end lies."""
    points = []
    for m in _GLUED.finditer(sent):
        if not _URLISH.search(_token_around(sent, m.start())):
            points.append(m.end())
    for m in _SINGLE_QUOTE_END.finditer(sent):
        if not _TITLE_END.search(sent[: m.start() + 1]) and not _ABBREV_END.search(
            sent[: m.start() + 1]
        ):
            points.append(m.end())
    return sorted(set(points))


def _split(block: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        start = s
        for p in _split_points(block[s:e]):
            if s + p > start and s + p < e:
                out.append((start, s + p))
                start = s + p
        out.append((start, e))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(body: str, language: str = "en") -> list[Span]:
    """Split ``body`` into sentences with exact offsets (see module docstring).

    ``language`` (ISO 639-1) picks pySBD's rules for it, where it has them, and the
    abbreviations of that language that never end a sentence."""
    if not body or body.isspace():
        return []
    result: list[Span] = []
    for b_start, b_end in _blocks(body):
        block = body[b_start:b_end]
        if not block.strip():
            continue
        spans = _split(block, _merge(block, _raw_spans(block, language), language))
        for s, e in spans:
            s, e = _trim(block, s, e)
            if s < e:
                a, z = b_start + s, b_start + e
                result.append(Span(a, z, body[a:z]))
    return result
