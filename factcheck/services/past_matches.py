"""What a person sees of "Checked before" and what an editor does about it.

A past match is shown with the past claim's verdict (its latest), when and by whom it was checked, the similarity
and what matched. An editor dismisses the claim as a duplicate of the past one (its verdict is shown; nothing is
copied), marks it related, or ignores the suggestion; each is kept on the match and is an event in the history.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from factcheck import workflow
from factcheck.errors import NotFound, ValidationError
from factcheck.models import Article, Claim, ClaimMatch, ClaimStatus, User, utcnow
from factcheck.models.matching import MatchDecision
from factcheck.models.views import VerdictRow
from factcheck.services import claims as shaping
from factcheck.services import history, matching
from factcheck.services.claim_views import latest_verdicts
from factcheck.text import matching as words

ACTIONS = {"duplicate": MatchDecision.duplicate, "related": MatchDecision.related, "ignore": MatchDecision.ignored}
EVENT_KINDS = {MatchDecision.duplicate: "marked_as_duplicate", MatchDecision.related: "marked_as_related",
               MatchDecision.ignored: "ignored_a_past_match"}


@dataclass(frozen=True)
class PastMatch:
    claim: Claim
    article: Article | None
    verdict: VerdictRow | None
    checked_at: datetime | None      # published, else the verdict's date, else when it came in
    checker: str | None
    similarity: float
    matched: dict                    # words, numbers, names, numbers_differ
    decision: str                    # "" = only suggested


def _views(session: Session, found: list[tuple[Claim, float, dict]], decisions: dict[int, str], *,
           published_first: bool = True) -> list[PastMatch]:
    claims = [c for c, _, _ in found]
    verdicts = latest_verdicts(session, [c.id for c in claims])
    articles = matching.articles_of(session, claims)
    out = []
    for claim, similarity, matched in found:
        verdict = verdicts.get(claim.id)
        out.append(PastMatch(
            claim=claim, article=articles.get(claim.article_id), verdict=verdict,
            checked_at=claim.published_at or (verdict.created_at if verdict else claim.created_at),
            checker=verdict.proposer.label if verdict and verdict.proposer else None,
            similarity=similarity, matched=matched, decision=decisions.get(claim.id, "")))
    if published_first:
        out.sort(key=lambda m: (m.claim.status != ClaimStatus.published.value, -m.similarity))
    return out


def checked_before(session: Session, *, claim: Claim) -> tuple[list[PastMatch], int]:
    """The claim's closest past claims (live, from the threshold up) with those an editor marked, and the number
    of suggestions ignored (not shown)."""
    rows = {m.match_id: m for m in session.exec(select(ClaimMatch).where(ClaimMatch.claim_id == claim.id))}
    ignored = {m for m, row in rows.items() if row.decision == MatchDecision.ignored}
    found = matching.similar_to(session, text=claim.text, vector=matching.vector_of(session, claim),
                                exclude={claim.id, *ignored}, exclude_article=claim.article_id,
                                before=claim.id, threshold=matching.THRESHOLD)
    shown = [(f.claim, f.similarity, f.overlap.as_dict()) for f in found]
    have = {f.claim.id for f in found}
    kept = [row for m, row in rows.items() if row.decision in (MatchDecision.duplicate, MatchDecision.related)
            and m not in have]
    if kept:
        past = {c.id: c for c in session.exec(select(Claim).where(Claim.id.in_([r.match_id for r in kept])))}
        shown += [(past[r.match_id], r.similarity, r.matched) for r in kept if r.match_id in past]
    return _views(session, shown, {m: row.decision for m, row in rows.items()}), len(ignored)


def search_results(session: Session, *, q: str, k: int = 20) -> list[PastMatch]:
    found = matching.search(session, q=q, k=k)
    return _views(session, [(f.claim, f.similarity, f.overlap.as_dict()) for f in found], {}, published_first=False)


def article_matches(session: Session, *, article_id: int) -> dict[int, list[PastMatch]]:
    """Claim id -> its stored past matches (what the matching job found, less those ignored), for the article
    page."""
    rows = list(session.exec(select(ClaimMatch, Claim).join(Claim, Claim.id == ClaimMatch.claim_id)
                             .where(Claim.article_id == article_id, ClaimMatch.decision != MatchDecision.ignored)
                             .order_by(ClaimMatch.claim_id, ClaimMatch.similarity.desc())))
    past = {c.id: c for c in session.exec(select(Claim).where(Claim.id.in_([m.match_id for m, _ in rows])))} \
        if rows else {}
    out: dict[int, list[PastMatch]] = {}
    for claim_id in dict.fromkeys(m.claim_id for m, _ in rows):
        mine = [m for m, _ in rows if m.claim_id == claim_id and m.match_id in past]
        out[claim_id] = _views(session, [(past[m.match_id], m.similarity, m.matched) for m in mine],
                               {m.match_id: m.decision for m in mine})
    return out


def decide(session: Session, *, claim: Claim, match_id: int, action: str, actor: User,
           expected_version: int) -> ClaimMatch:
    """An editor's decision on past claim `match_id` for `claim`: "duplicate" (the claim is dismissed as a duplicate
    of it; nothing of its verdict is copied), "related" or "ignore"."""
    decision = ACTIONS.get(action)
    if decision is None:
        raise ValidationError(f"Unknown action {action!r} on a past match.")
    workflow.require(actor.role, "act_on_match")
    past = session.get(Claim, match_id)
    if past is None or match_id == claim.id:
        raise NotFound(f"There is no past claim #{match_id}.")
    row = session.exec(select(ClaimMatch).where(ClaimMatch.claim_id == claim.id,
                                                ClaimMatch.match_id == match_id)).first()
    if row is None:  # a live match the job had not stored (or found since): keep what it was
        similarity, matched = _measure(session, claim, past)
        row = ClaimMatch(claim_id=claim.id, match_id=match_id, similarity=similarity, matched=matched)
    verdict = latest_verdicts(session, [match_id]).get(match_id)
    reason = f"Claim #{match_id}" + (f" (verdict: {verdict.rating})" if verdict else " (no verdict yet)")
    if decision == MatchDecision.duplicate:
        shaping.change_status(session, claim=claim, to=ClaimStatus.dismissed.value, actor=actor,
                              expected_version=expected_version, reason=f"Duplicate of claim #{match_id}.")
    else:
        shaping.check_version(session, claim=claim, expected_version=expected_version)
    row.decision, row.decided_by_id, row.decided_at = decision, actor.id, utcnow()
    session.add(row)
    history.record(session, actor=actor, kind=EVENT_KINDS[decision], claim=claim, field="",
                   new=str(match_id), detail={"reason": reason, "match_id": match_id})
    session.flush()
    return row


def _measure(session: Session, claim: Claim, past: Claim) -> tuple[float, dict]:
    a = matching.vector_of(session, claim)
    b = matching.vector_of(session, past)
    return round(float(a @ b), 3), words.overlap(claim.text, past.text).as_dict()


def near_duplicates(session: Session, *, article_id: int) -> list[list[Claim]]:
    """Groups of the article's claims that say the same thing (by their stored vectors; figures must agree), in
    article order: what an editor merges or dismisses before assigning."""
    from factcheck.models import ClaimVector

    rows = list(session.exec(select(Claim, ClaimVector.vector).join(ClaimVector, ClaimVector.claim_id == Claim.id)
                             .where(Claim.article_id == article_id, Claim.status != ClaimStatus.candidate.value,
                                    Claim.merged_into_id.is_(None), ClaimVector.model == matching.MODEL)
                             .order_by(Claim.start)))
    if len(rows) < 2:
        return []
    import numpy as np

    firsts = matching.alike_groups([c.text for c, _ in rows],
                                   np.stack([np.frombuffer(v, dtype=np.float32) for _, v in rows]))
    found: dict[int, list[Claim]] = {}
    for (claim, _), first in zip(rows, firsts):
        if first >= 0:
            found.setdefault(first, []).append(claim)
    return list(found.values())
