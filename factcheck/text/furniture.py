"""Page furniture: the lines of a copied news page that are not the article's prose.

Each test looks at one whole (short) line, so a body paragraph that merely mentions a date, a
photo or a newsletter is never taken. :func:`furniture_kind` names the kind of a line or returns
``None``; :func:`split_dateline` cuts a wire dateline ("LONDON, March 3 (Reuters) -") off the
sentence it opens. Kinds: ``date``, ``dateline``, ``heading``, ``caption``, ``share``,
``subscribe``, ``byline``, ``boilerplate``.
"""
from __future__ import annotations

import re

__all__ = ["KINDS", "furniture_kind", "is_date_line", "is_heading_line", "is_credit_line",
           "split_dateline", "nameless_byline"]

KINDS = {
    "date": "date or update line",
    "dateline": "wire dateline",
    "heading": "section heading",
    "caption": "photo caption or credit",
    "share": "share prompt",
    "subscribe": "subscription prompt",
    "byline": "byline",
    "boilerplate": "publisher boilerplate",
}

_I = re.IGNORECASE
_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?\.?"
# Month names and update words of the other languages the desk splits (for date lines only).
_MONTH_OTHER = (r"(?i:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
                r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
                r"|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
                r"|januar|februar|märz|april|juni|juli|oktober|dezember|janeiro|fevereiro|março|maio"
                r"|junho|julho|setembro|outubro|novembro|dezembro)")
_UPDATE_OTHER = (r"(?i:последнее|обновление|обновлено|опубликовано|дата|г\.?|года?|в|de|del|actualizado"
                 r"|actualización|publicado|el|le|mis|à|jour|publié|am|um|aktualisiert|veröffentlicht"
                 r"|atualizado|publicado|em|às|uhr|h)")

# --- date and update lines ---------------------------------------------------------------------
# A date line is made only of these tokens, with at least one month, numeric date or time.
_DATE_TOKEN = re.compile(
    rf"{_MONTH}|{_WEEKDAY}|\d{{1,2}}(?:st|nd|rd|th)|\d{{1,4}}|\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}"
    r"|\d{1,2}[:.h]\d{2}(?::\d{2})?(?:[ap]\.?m\.?)?|[ap]\.?m\.?"
    r"|gmt|utc|bst|cet|cest|eet|est|edt|cst|cdt|pst|pdt|mst|mdt|et|pt|ist|aest|msk|[+-]\d{2}:?\d{2}"
    r"|published|updated|last|first|modified|posted|edited|on|at|date|time|am|pm|ago|today"
    rf"|yesterday|minutes?|mins?|hours?|hrs?|days?|weeks?|\d+[mhd]|{_MONTH_OTHER}|{_UPDATE_OTHER}",
    _I)
_DATE_ANCHOR = re.compile(rf"\b{_MONTH}(?!\w)|\b{_MONTH_OTHER}(?!\w)|\d{{1,4}}[/.-]\d{{1,2}}|\d{{1,2}}[:.h]\d{{2}}|\bago\b"
                          rf"|\b{_WEEKDAY}(?!\w)", _I)
_DATE_SEPARATORS = re.compile(r"[\s,|•·:()\[\]/–—-]+")
_NOT_DATE_WORDS = re.compile(r"^(?:on|at|last|first|date|time|today|may|days?|weeks?|hours?)$", _I)


def is_date_line(line: str) -> bool:
    """'Last updated: 6 May 2025', 'Published 12 March 2024, 14:05', 'Monday, April 6, 2009'."""
    s = line.strip()
    if not s or len(s) > 90 or not _DATE_ANCHOR.search(s):
        return False
    parts = [p for p in _DATE_SEPARATORS.split(s) if p]
    if not parts or all(_NOT_DATE_WORDS.match(p) for p in parts):
        return False
    return all(_DATE_TOKEN.fullmatch(p) for p in parts)


# --- wire datelines ----------------------------------------------------------------------------
_AGENCIES = (r"ТАСС|РИА Новости|Интерфакс|Reuters|AP|AFP|Associated Press|Agence France-Presse|Bloomberg|dpa|DPA|ANSA|EFE"
             r"|Xinhua|TASS|Interfax|RIA Novosti|UPI|PA|PTI|ANI|IANS|Kyodo|Yonhap|CNN|BBC"
             r"|AA|Anadolu|WAM|SPA|KUNA|Bernama|Antara|CP|The Canadian Press|NTB|TT|APA|Efe")
_PLACE = r"[A-Z][A-Za-z'.\-]*(?:[ -][A-Z][A-Za-z'.\-]*){0,3}(?:,\s*[A-Z][A-Za-z.\-]+(?: [A-Z][A-Za-z.\-]+)?)?"
_DATELINE = re.compile(
    rf"(?P<line>(?:{_PLACE}|[A-ZА-ЯЁ][A-ZА-ЯЁ .'\-]{{2,}})"          # place: 'WASHINGTON', 'Kyiv, Ukraine'
    rf"(?:,?\s+(?:{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?|\d{{1,2}}\s+(?:{_MONTH}|{_MONTH_OTHER})(?:\s+\d{{4}})?))?"
    rf"\s*\((?:{_AGENCIES})(?:/[A-Za-z ]+)?\)"                # the agency in brackets
    rf"\s*[-–—:]+\s*)(?=[A-ZА-ЯЁ\"'“‘«0-9])")
_CAPS_DATELINE = re.compile(
    rf"(?P<line>[A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){{0,3}}"   # 'NEW YORK', 'KYIV'
    rf"(?:,\s*[A-Z][A-Za-z.\-]+)?,?\s+(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})"
    rf"(?:,\s*\d{{4}})?\s*[-–—:]+\s*)(?=[A-Z\"'“‘])")


def split_dateline(paragraph: str) -> tuple[str, str]:
    """('WASHINGTON, March 3 (Reuters) -', 'The Senate ...') or ('', paragraph)."""
    for rx in (_DATELINE, _CAPS_DATELINE):
        m = rx.match(paragraph)
        if m and len(m.group("line")) <= 90:
            return m.group("line").strip(), paragraph[m.end("line"):]
    lone = paragraph.strip()
    if "\n" not in lone and len(lone) <= 60 and re.fullmatch(
            rf"(?:{_PLACE}|[A-Z][A-Z .'\-]{{2,}}),?\s*(?:.*\s)?\((?:{_AGENCIES})\)\s*[-–—:]?", lone):
        return lone, ""
    return "", paragraph


# --- captions and credits ----------------------------------------------------------------------
_AGENCY_CREDIT = (r"(?:REUTERS|Reuters|AP|AFP|EPA|EPA-EFE|Getty Images|Getty|AP Photo|AFP via Getty"
                  r" Images|Shutterstock|Alamy|PA|PA Images|PA Wire|Bloomberg|ANP|dpa|DPA|TASS"
                  r"|Xinhua|Anadolu|Anadolu Agency|SIPA|Sipa|ZUMA|ZUMA Press|NurPhoto|Pool"
                  r"|[A-Z]{2,}(?:[ -][A-Z]{2,})?)")
_PERSON = r"[A-Z][\w'\-]*\.?(?:\s+[A-Z][\w'\-]*\.?){0,3}"
_CREDIT = rf"(?:{_AGENCY_CREDIT}(?:\s+via\s+{_AGENCY_CREDIT})?\s*/\s*{_PERSON}|{_PERSON}\s*/\s*{_AGENCY_CREDIT}" \
          rf"|Getty Images|Shutterstock|Alamy(?: Stock Photo)?|AP Photo(?:/{_PERSON})?)"
_CREDIT_ALONE = re.compile(rf"[(\[]?(?:(?:photo|image|picture|credit)s?\s*:?\s*)?{_CREDIT}[)\]]?"
                           rf"(?:\s*[,;|]\s*{_CREDIT})*\.?", _I)
_CREDIT_AT_END = re.compile(rf"(?:^|[.!?\"”)]\s+|\s[|(\[]\s*){_CREDIT}[)\]]?\s*$")
_CAPTION_LEAD = re.compile(
    r"\(?(?:photo|photos|photograph|image|images|picture|pictures|video|illustration|graphic"
    r"|caption|file photo|main image|top image|pictured|above|below|left|right|credit|foto"
    r"|фото|imagen|bild)s?(?: credits?| courtesy)?\s*(?::|/|\||©|by\b|credit\b|courtesy\b)\s*\S", _I)
# Words of a credit that are common English words: "Image: Council / Meeting" is still a caption,
# but a sentence ending in "... at the U.N./Geneva" is not swallowed because it needs _CREDIT.


def is_credit_line(line: str) -> bool:
    """'REUTERS/Kevin Lamarque', 'Getty Images', 'Photo: AFP/J. Smith' (one unit, not split)."""
    s = line.strip()
    if not s or len(s) > 200:
        return False
    if _CREDIT_ALONE.fullmatch(s):
        return True
    if _CAPTION_LEAD.match(s):
        return True
    # A short caption that ends with a credit: "Protesters in Tbilisi. REUTERS/I. Name"
    return len(s) <= 300 and bool(_CREDIT_AT_END.search(s)) and "/" in s[-60:]


# --- headings -----------------------------------------------------------------------------------
_NUMBERED_HEADING = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.|[A-H][.)])\s+\S.{0,80}")
_SMALL_WORDS = frozenset(
    "a an the and or but of in on at to for from by with as vs vs. via nor per into over under "
    "after before about against between is are was were be its it this that what how why who "
    "when where which than new".split())
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


def is_heading_line(line: str) -> bool:
    """'3. Main points', 'REMARKS BY THE PRESIDENT', 'What Happens Next' (no final stop)."""
    s = line.strip()
    if not s or len(s) > 100 or s[-1] in ".,;!?\"”'’…" or s.endswith(" -"):
        return False
    words = _WORD.findall(s)
    if not words or len(words) > 12:
        return False
    if _NUMBERED_HEADING.fullmatch(s) and len(words) <= 10:
        return True
    letters = [c for c in s if c.isalpha()]
    if len(letters) >= 4 and all(not c.islower() for c in letters) and any(c.isupper() for c in letters):
        return True                                      # all capitals (or a script without case)
    if len(words) > 8 or not words[0][0].isupper():
        return False
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    capitalised = sum(w[0].isupper() for w in content)
    return len(words) <= 4 or (bool(content) and capitalised >= 0.75 * len(content))


# --- bylines without a name --------------------------------------------------------------------
_NAMELESS_BYLINE = re.compile(r"by\s*[-–—|:]\s*(?:.*)?", _I)


def nameless_byline(line: str) -> bool:
    """'By - Mar 3rd, 2019 9:40 am', 'By |': a byline whose name the page lost."""
    s = line.strip()
    if len(s) > 80 or not _NAMELESS_BYLINE.fullmatch(s):
        return False
    rest = re.sub(r"^by\s*[-–—|:]\s*", "", s, flags=_I)
    return not rest or is_date_line(rest)


# --- everything else a page carries ------------------------------------------------------------
_DATE_WORDS = (r"(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d"
               r"|\d{1,4}[/.-]\d{1,2}|\d{1,2}:\d{2}|\d+\s+(?:minutes?|hours?|days?)\s+ago")
# (kind, pattern, maximum line length): the pattern must match the whole stripped line.
_PATTERNS = [
    ("boilerplate", r"did you (?:find|spot|notice) (?:an? )?(?:error|mistake|typo)(?: or (?:an? )?inaccuracy)?\s*\??", 120),
    ("boilerplate", r"we will consider your comments.*", 160),
    ("boilerplate", r"(?:report|submit) an? (?:error|typo|mistake|correction|issue)\b.*", 120),
    ("share", r"share(?: this| the)?(?: article| story| post| page| link)?\s*:?", 40),
    ("share", r"share (?:on|via|to|with) \w.*", 60),
    ("subscribe", r"(?:sign up|subscribe)\b.*", 120),
    ("subscribe", r"(?:get|join) (?:our|the) .*newsletters?\b.*", 120),
    ("subscribe", r"newsletters?(?: sign[- ]?up)?\s*:?", 40),
    ("subscribe", r"(?:already (?:a )?subscriber|become a (?:member|subscriber)|support (?:our|us)|"
                  r"(?:log|sign) in to (?:read|continue)|start (?:your )?free trial)\b.*", 120),
    ("boilerplate", r"(?:related|read also|also read|read more|see also|more on this|more|recommended"
                    r"|watch|listen|most read|trending|don't miss|do not miss)\s*:\s*\S.*", 250),
    ("boilerplate", r"(?:advertisement|advert|ad|sponsored(?: content)?|promoted|paid content"
                    r"|scroll (?:down )?to continue(?: with content)?|continue reading(?: below)?"
                    r"|story continues below(?: advertisement)?|article continues below(?: advertisement)?)\s*", 60),
    ("caption", r"(?:image|photo|picture) credit\b.*", 200),
    ("boilerplate", r"(?:we|this (?:web)?site|our (?:web)?site) uses? cookies\b.*", 400),
    ("boilerplate", r"(?:by continuing to (?:use|browse)|accept (?:all )?cookies|cookie (?:settings|policy"
                    r"|preferences|notice)|manage cookies|reject all|accept all)\b.*", 300),
    ("boilerplate", r"(?:©|\(c\)|copyright\b).*", 200),
    ("boilerplate", r"all rights reserved\.?", 40),
    ("boilerplate", r"click here\b.*", 120),
    ("share", r"follow (?:us|me) on\b.*", 100),
    ("boilerplate", r"listen to (?:this|the) (?:article|story)\b.*", 80),
    ("date", r"(?:reading time:?\s*)?\d+\s*min(?:ute)?s?(?: read)?", 30),
    ("date", r"(?:published|updated|last updated|posted|first published|last modified)(?: on| at)?\s*:?\s*"
             r"(?:\w+,?\s+)?(?:" + _DATE_WORDS + ").*", 80),
    ("boilerplate", r"(?:comments?|print|top of page|back to top|skip to (?:main )?content)\s*", 30),
]
_PATTERNS_RE = [(kind, re.compile(p, _I), n) for kind, p, n in _PATTERNS]
_SHARE_WORDS = frozenset({
    "facebook", "twitter", "x", "email", "e-mail", "mail", "whatsapp", "linkedin", "telegram",
    "reddit", "print", "copy", "link", "copy link", "share", "pinterest", "messenger", "vk",
    "tumblr", "flipboard", "bluesky", "threads", "sms", "viber", "pocket", "weibo", "wechat",
    "line", "mastodon", "comment", "comments", "save", "gift", "article", "tweet",
})
_SHARE_SPLIT = re.compile(r"[\s|•·,/]+")


def boilerplate_kind(line: str) -> str | None:
    """The kind of a publisher line (share, subscribe, caption, date, boilerplate) or None."""
    s = line.strip()
    if not s or len(s) > 400:
        return None
    for kind, pattern, limit in _PATTERNS_RE:
        if len(s) <= limit and pattern.fullmatch(s):
            return kind
    words = [w for w in _SHARE_SPLIT.split(s.lower()) if w]
    if len(words) >= 2 and len(s) <= 120 and all(w in _SHARE_WORDS for w in words):
        return "share"
    return None


def furniture_kind(line: str) -> str | None:
    """The kind of furniture a whole line is, or None for prose (headings are judged apart)."""
    kind = boilerplate_kind(line)
    if kind:
        return kind
    if is_date_line(line):
        return "date"
    if is_credit_line(line):
        return "caption"
    if nameless_byline(line):
        return "byline"
    return None
