"""Cut an article body into paragraphs of plain and claim segments for highlighting."""
from __future__ import annotations

import re
from dataclasses import dataclass

from factcheck.models import Claim

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass
class Segment:
    text: str
    claim: Claim | None = None


def paragraphs_with_claims(body: str, claims: list[Claim]) -> list[list[Segment]]:
    """Paragraphs in order; each a list of segments whose texts join back to the paragraph."""
    ordered = sorted(claims, key=lambda c: (c.start, c.id or 0))
    paragraphs: list[list[Segment]] = []
    cursor = 0
    bounds = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(body)] + [(len(body), len(body))]
    i = 0
    for p_end, next_start in bounds:
        segments: list[Segment] = []
        pos = cursor
        while i < len(ordered) and ordered[i].start < p_end:
            claim = ordered[i]
            i += 1
            if claim.start < pos:  # overlapping spans should not happen; never duplicate text
                continue
            if claim.start > pos:
                segments.append(Segment(body[pos:claim.start]))
            end = min(claim.end, p_end)
            segments.append(Segment(body[claim.start:end], claim))
            pos = end
        if pos < p_end:
            segments.append(Segment(body[pos:p_end]))
        if any(s.text.strip() for s in segments):
            paragraphs.append(segments)
        cursor = next_start
    return paragraphs
