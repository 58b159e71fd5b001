"""Shaping the claims of an article: promote, dismiss, restore, merge, split, reword.

Every change carries the version the editor saw; a stale one raises Conflict naming who changed
what, and nothing is written.
"""
from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from factcheck import workflow
from factcheck.errors import Conflict, NotFound, ValidationError
from factcheck.models import Article, Claim, ClaimStatus, User, utcnow
from factcheck.services import history
from factcheck.text.analysis import score_text

MAX_CLAIM_TEXT = 5000


def get_claim(session: Session, *, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"There is no claim #{claim_id}.")
    return claim


def article_claims(session: Session, *, article_id: int) -> list[Claim]:
    return list(session.exec(select(Claim).where(Claim.article_id == article_id).order_by(Claim.start, Claim.id)).all())


def _describe(event) -> str:
    if event.field:
        return f"{event.field.replace('_', ' ')}: {event.old or '—'} → {event.new or '—'}"
    return event.kind.replace("_", " ")


def _conflict(session: Session, claim: Claim) -> Conflict:
    last = history.last_change(session, claim_id=claim.id)
    if last is None:
        return Conflict(f"Claim #{claim.id} was changed by someone else after you opened it. Nothing was saved; "
                        "reload to see the current version.")
    event, who = last
    name = who.label if who else "someone"
    when = event.created_at.strftime("%d %b %Y %H:%M UTC")
    return Conflict(f"Claim #{claim.id} was changed by {name} at {when} ({_describe(event)}) after you opened it. "
                    "Nothing was saved; your input is kept below so you can apply it again.")


def check_version(session: Session, *, claim: Claim, expected_version: int) -> None:
    """Refuse early, as a conflict, an action decided on a version that is no longer current.

    Without this, a stale "publish" on a claim someone else already published would read as a
    forbidden move (published -> published) instead of "changed meanwhile"."""
    if claim.version != expected_version:
        raise _conflict(session, claim)


def lock_version(session: Session, *, claim: Claim, expected_version: int) -> None:
    """Compare-and-set the version: the database decides which of two writers wins."""
    result = session.execute(
        update(Claim).where(Claim.id == claim.id, Claim.version == expected_version)
        .values(version=Claim.version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:
        raise _conflict(session, claim)  # the caller rolls back (the whole request, or a bulk item's savepoint)
    session.refresh(claim)


def _rescore(claim: Claim, text: str, threshold: float) -> None:
    scored = score_text(text, threshold=threshold)
    claim.score, claim.checkworthy, claim.reasons = scored.score, scored.checkworthy, scored.reasons


def _rematch(session: Session, claim: Claim) -> None:
    """The claim's words changed or it became a claim: its vector and past matches are computed again."""
    from factcheck.services import matching

    matching.rematch(session, article_id=claim.article_id)


def change_status(session: Session, *, claim: Claim, to: str, actor: User, expected_version: int,
                  reason: str = "") -> Claim:
    """Promote a candidate, dismiss (reason required) or restore, as the workflow table allows."""
    old = claim.status
    check_version(session, claim=claim, expected_version=expected_version)
    workflow.check_transition(actor.role, old, to, reason=reason)
    if to == ClaimStatus.new and claim.merged_into_id is not None:
        raise ValidationError(f"This sentence was merged into claim #{claim.merged_into_id}; split that claim instead.")
    lock_version(session, claim=claim, expected_version=expected_version)
    claim.status = to
    claim.status_reason = reason.strip()[:1000]
    session.add(claim)
    history.record(session, actor=actor, kind="status", claim=claim, field="status", old=old, new=to,
                   detail={"reason": claim.status_reason} if claim.status_reason else None)
    if to == ClaimStatus.new:
        _rematch(session, claim)
    return claim


def edit_wording(session: Session, *, claim: Claim, text: str, actor: User, expected_version: int) -> Claim:
    workflow.require(actor.role, "edit_wording")
    _require_editable(claim)
    text = " ".join(text.split())
    if not text:
        raise ValidationError("A claim cannot be empty.", fields={"text": "Required."})
    if len(text) > MAX_CLAIM_TEXT:
        raise ValidationError(f"A claim is at most {MAX_CLAIM_TEXT} characters.", fields={"text": "Too long."})
    if text == claim.text:
        return claim
    lock_version(session, claim=claim, expected_version=expected_version)
    old = claim.text
    claim.text = text
    session.add(claim)
    history.record(session, actor=actor, kind="wording", claim=claim, field="text", old=old, new=text)
    _rematch(session, claim)
    return claim


def _require_editable(claim: Claim) -> None:
    if claim.status not in workflow.EDITABLE_STATUSES or claim.merged_into_id is not None:
        raise ValidationError("Only new claims and candidate sentences can be merged, split or reworded; "
                              f"this one is {claim.status.replace('_', ' ')}.")


def merge(session: Session, *, first: Claim, second: Claim, actor: User, first_version: int,
          second_version: int) -> Claim:
    """Join two neighbouring sentences of one paragraph into one claim; the second is kept as merged."""
    workflow.require(actor.role, "merge")
    for claim in (first, second):
        _require_editable(claim)
    if first.article_id != second.article_id:
        raise ValidationError("Only claims of the same article can be merged.")
    if second.start < first.start:
        first, second = second, first
        first_version, second_version = second_version, first_version
    article = session.get(Article, first.article_id)
    gap = article.body[first.end:second.start]
    if gap.strip() or "\n\n" in gap.replace(" ", "") or any(
        c.start < second.start and c.end > first.end and c.merged_into_id is None
        for c in article_claims(session, article_id=article.id) if c.id not in (first.id, second.id)
    ):
        raise ValidationError("Only neighbouring sentences of one paragraph can be merged.")
    lock_version(session, claim=first, expected_version=first_version)
    lock_version(session, claim=second, expected_version=second_version)
    old_text = first.text
    reworded = first.text != first.original_text or second.text != second.original_text
    first.end = second.end
    first.original_text = article.body[first.start:first.end]
    # Reworded halves keep the checker-facing wording; otherwise the claim is simply the span.
    first.text = f"{first.text} {second.text}" if reworded else first.original_text
    if first.status == ClaimStatus.candidate or second.status == ClaimStatus.new:
        first.status = ClaimStatus.new.value
    _rescore(first, first.text, article.threshold)
    second.merged_into_id = first.id
    second.status = ClaimStatus.dismissed.value
    second.status_reason = f"Merged into claim #{first.id}"
    session.add_all([first, second])
    history.record(session, actor=actor, kind="merge", claim=first, field="text", old=old_text, new=first.text,
                   detail={"merged": second.id})
    history.record(session, actor=actor, kind="merge", claim=second, field="status", old="new",
                   new=ClaimStatus.dismissed.value, detail={"merged_into": first.id})
    _rematch(session, first)
    return first


def split(session: Session, *, claim: Claim, at: int, actor: User, expected_version: int) -> tuple[Claim, Claim]:
    """Cut a claim in two at `at` characters into its text; both halves are scored afresh."""
    workflow.require(actor.role, "split")
    _require_editable(claim)
    if claim.text != claim.original_text:
        raise ValidationError("This claim's wording was edited; restore the original wording before splitting.")
    left, right = claim.text[:at], claim.text[at:]
    if not (0 < at < len(claim.text)) or not left.strip() or not right.strip():
        raise ValidationError("Choose a split point inside the claim, with text on both sides.",
                              fields={"at": "Inside the claim."})
    article = session.get(Article, claim.article_id)
    lock_version(session, claim=claim, expected_version=expected_version)
    old_text = claim.text
    left_text = left.rstrip()
    lead = len(right) - len(right.lstrip())
    right_text = right.strip()
    new = Claim(article_id=claim.article_id, start=claim.start + at + lead, end=claim.start + at + lead + len(right_text),
                original_text=right_text, text=right_text, score=0.0, reasons=[], status=claim.status)
    claim.end = claim.start + len(left_text)
    claim.text = claim.original_text = left_text
    _rescore(claim, left_text, article.threshold)
    _rescore(new, right_text, article.threshold)
    assert article.body[new.start:new.end] == right_text and article.body[claim.start:claim.end] == left_text
    session.add_all([claim, new])
    session.flush()
    history.record(session, actor=actor, kind="split", claim=claim, field="text", old=old_text, new=left_text,
                   detail={"split_off": new.id})
    history.record(session, actor=actor, kind="split", claim=new, field="text", old=None, new=right_text,
                   detail={"split_from": claim.id})
    _rematch(session, claim)
    return claim, new
