"""The text of a .docx: its body paragraphs, read from `word/document.xml` as a stream.

The archive is opened through factcheck.text.container (sizes and ratios checked before any parsing),
and the XML is read element by element, each paragraph dropped once its text is taken, so memory stays
near the size of the text; reading stops as soon as the text passes the body limit. The text is what
python-docx's `Paragraph.text` gives for each paragraph directly in the body: runs' text, tabs as tab
characters, line breaks as newlines (paragraphs inside tables are left out, as there).
"""
from __future__ import annotations

import io

from factcheck.text.container import ContainerError, ContainerLimits, read_members

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENT = "word/document.xml"
NOT_WORD = ("This file could not be read as a Word document; it may be damaged "
            "or in an older format (.doc). Please save it as .docx or plain text.")


class DocxError(ValueError):
    """Why this .docx cannot be used, for the person uploading it."""


def _paragraph_text(p) -> str:
    parts = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", f"{W}del"):
        if el.tag == f"{W}del":
            continue
        if any(a.tag == f"{W}del" for a in el.iterancestors()):
            continue  # tracked deletions are not part of the text
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}tab":
            parts.append("\t")
        elif el.tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


def docx_text(data: bytes, *, limits: ContainerLimits, max_chars: int | None) -> str:
    """Body paragraphs, stripped, blank ones left out, joined by blank lines."""
    from lxml import etree

    try:
        members = read_members(data, lambda name: name == DOCUMENT, limits=limits, kind="Word document")
    except ContainerError as exc:
        raise DocxError(str(exc)) from None
    if DOCUMENT not in members:
        raise DocxError(NOT_WORD)
    paragraphs: list[str] = []
    total = 0
    try:
        # No DTDs, no entities, no network: the XML is data, never instructions.
        events = etree.iterparse(io.BytesIO(members.pop(DOCUMENT)), events=("end",), resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=False)
        for _event, el in events:
            parent = el.getparent()
            if parent is None or parent.tag != f"{W}body":
                continue
            if el.tag == f"{W}p":
                text = _paragraph_text(el).strip()
                if text:
                    paragraphs.append(text)
                    total += len(text) + 2
                    if max_chars is not None and total > max_chars + 2:
                        raise DocxError(f"This document holds more than {max_chars:,} characters of text, the "
                                        "most an article may have. Split it into parts, or ask an admin to "
                                        "raise FACTCHECK_MAX_BODY_CHARS.")
            el.clear()  # a finished body-level element (paragraph, table, section) is not needed again
            while el.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise DocxError(NOT_WORD) from exc
    return "\n\n".join(paragraphs)
