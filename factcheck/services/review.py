"""The review desk's use cases: assignment, verdicts, submission, sign-off, corrections, comments.

Every change of a claim carries the version the user saw (see claims.lock_version) and is an
event in its history. Permissions come from the workflow table, with the claim's assignee as
context, so a checker's own claims and an editor's desk follow one set of rules.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, func, select

from factcheck import workflow
from factcheck.errors import NotFound, ValidationError
from factcheck.models import Claim, ClaimStatus, Comment, Source, User, Verdict, utcnow
from factcheck.models.articles import ClaimStatus as S
from factcheck.models.views import VerdictRow
from factcheck.services import claims as shaping
from factcheck.services import history
from factcheck.services import settings as newsroom
from factcheck.services.claim_views import latest_verdicts
from factcheck.services.claims import check_version, lock_version

MAX_RATIONALE = 20_000
MAX_CLAIMANT = 300
CLAIMANT_KINDS = ("person", "organization")
MAX_COMMENT = 20_000


def ctx(claim: Claim, actor: User) -> workflow.Context:
    return workflow.Context(actor_id=actor.id, assignee_id=claim.assignee_id)


def find_user(session: Session, *, username: str) -> User:
    user = session.exec(select(User).where(func.lower(User.username) == username.strip().lower())).first()
    if user is None or not user.active:
        raise ValidationError(f"There is no active user called {username!r}.", fields={"assignee": "Unknown user."})
    return user


def latest_verdict(session: Session, *, claim_id: int) -> VerdictRow | None:
    """The claim's latest verdict, by the read model's rule (see services/claim_views)."""
    return latest_verdicts(session, [claim_id]).get(claim_id)


def active_sources(session: Session, *, claim_id: int) -> list[Source]:
    return list(session.exec(select(Source).where(Source.claim_id == claim_id, Source.removed_at.is_(None))
                             .order_by(Source.id)).all())


def _label(user: User | None) -> str | None:
    return user.username if user else None


def assign(session: Session, *, claim: Claim, assignee: User, actor: User, expected_version: int,
           due: datetime | None = None) -> Claim:
    """Give the claim to a checker (or take it yourself); a new claim goes in progress."""
    check_version(session, claim=claim, expected_version=expected_version)
    self_service = assignee.id == actor.id
    if self_service and claim.assignee_id is None:
        workflow.require(actor.role, "self_assign", ctx(claim, actor))
    else:
        workflow.require(actor.role, "assign", ctx(claim, actor))
    if claim.status not in (S.new, S.in_progress):
        raise ValidationError(f"Only new or in-progress claims can be assigned; this one is "
                              f"{claim.status.replace('_', ' ')}.")
    if assignee.role not in ("checker", "editor", "admin") or not assignee.active:
        raise ValidationError(f"{assignee.username} cannot take claims.")
    lock_version(session, claim=claim, expected_version=expected_version)
    old_assignee = session.get(User, claim.assignee_id) if claim.assignee_id else None
    if claim.assignee_id != assignee.id:
        claim.assignee_id = assignee.id
        history.record(session, actor=actor, kind="assign", claim=claim, field="assignee",
                       old=_label(old_assignee), new=assignee.username)
    if due is not None and due != claim.due_at:
        _set_due(session, claim=claim, due=due, actor=actor)
    if claim.status == S.new:
        claim.status = S.in_progress.value
        history.record(session, actor=actor, kind="status", claim=claim, field="status", old=S.new.value,
                       new=S.in_progress.value)
    session.add(claim)
    return claim


def _set_due(session: Session, *, claim: Claim, due: datetime | None, actor: User) -> None:
    old = claim.due_at
    claim.due_at = due
    history.record(session, actor=actor, kind="due", claim=claim, field="due",
                   old=old.strftime("%Y-%m-%d %H:%M") if old else None,
                   new=due.strftime("%Y-%m-%d %H:%M") if due else None)


def set_due(session: Session, *, claim: Claim, due: datetime | None, actor: User, expected_version: int) -> Claim:
    workflow.require(actor.role, "set_due", ctx(claim, actor))
    if claim.status in (S.published, S.dismissed, S.candidate):
        raise ValidationError("Due dates are for claims being worked on.")
    lock_version(session, claim=claim, expected_version=expected_version)
    _set_due(session, claim=claim, due=due, actor=actor)
    session.add(claim)
    return claim


def propose_verdict(session: Session, *, claim: Claim, rating: str, rationale: str, claim_reviewed: str = "",
                    actor: User, expected_version: int, claimant: str | None = None,
                    claimant_kind: str = "") -> Verdict:
    """Propose (or revise) the verdict. `claimant` names who made the claim (None leaves it as it is, "" means
    the article's outlet); `claimant_kind` is "person" or "organization"."""
    workflow.require(actor.role, "propose_verdict", ctx(claim, actor))
    if claim.status != S.in_progress:
        raise ValidationError("A verdict is proposed while the claim is in progress; "
                              f"this one is {claim.status.replace('_', ' ')}.")
    labels = newsroom.rating_labels(session)
    match = next((label for label in labels if label.lower() == rating.strip().lower()), None)
    errors = {}
    if match is None:
        errors["rating"] = f"Choose a rating from the newsroom's scale: {', '.join(labels)}."
    rationale = rationale.strip()
    if not rationale:
        errors["rationale"] = "Explain the verdict: a rationale is required."
    elif len(rationale) > MAX_RATIONALE:
        errors["rationale"] = f"The rationale is at most {MAX_RATIONALE:,} characters."
    claim_reviewed = " ".join(claim_reviewed.split()) or claim.text
    if len(claim_reviewed) > 5000:
        errors["claim_reviewed"] = "The restated claim is at most 5,000 characters."
    if claimant is not None:
        claimant = " ".join(claimant.split())
        claimant_kind = (claimant_kind or "").strip().lower() if claimant else ""
        if len(claimant) > MAX_CLAIMANT:
            errors["claimant"] = f"Who made the claim is at most {MAX_CLAIMANT} characters."
        if claimant and claimant_kind not in CLAIMANT_KINDS:
            errors["claimant_kind"] = "Say whether a person or an organisation made the claim."
    if errors:
        raise ValidationError(next(iter(errors.values())) if len(errors) == 1 else "Please correct the marked fields.",
                              fields=errors)
    lock_version(session, claim=claim, expected_version=expected_version)
    previous = latest_verdict(session, claim_id=claim.id)
    verdict = Verdict(claim_id=claim.id, rating=match, rationale=rationale, claim_reviewed=claim_reviewed,
                      proposed_by_id=actor.id)
    session.add(verdict)
    history.record(session, actor=actor, kind="verdict", claim=claim, field="verdict",
                   old=previous.rating if previous else None, new=match)
    if claimant is not None and (claimant, claimant_kind) != (claim.claimant, claim.claimant_kind):
        history.record(session, actor=actor, kind="claimant", claim=claim, field="claimant",
                       old=claim.claimant or None, new=claimant or None)
        claim.claimant, claim.claimant_kind = claimant, claimant_kind
        session.add(claim)
    from factcheck.services import matching  # the verdict's words are words the claim is found by

    matching.verdict_written(session, claim=claim)
    return verdict


def add_comment(session: Session, *, claim: Claim, body: str, actor: User, kind: str = "comment") -> Comment:
    workflow.require(actor.role, "comment", ctx(claim, actor))
    body = body.strip()
    if not body:
        raise ValidationError("The comment is empty.", fields={"body": "Required."})
    if len(body) > MAX_COMMENT:
        raise ValidationError(f"A comment is at most {MAX_COMMENT:,} characters.", fields={"body": "Too long."})
    comment = Comment(claim_id=claim.id, author_id=actor.id, body=body, kind=kind)
    session.add(comment)
    history.record(session, actor=actor, kind=kind, claim=claim, comment=comment)
    return comment


def comments(session: Session, *, claim_id: int) -> list[tuple[Comment, User | None]]:
    rows = session.exec(select(Comment, User).join(User, Comment.author_id == User.id, isouter=True)
                        .where(Comment.claim_id == claim_id).order_by(Comment.id.desc())).all()
    return [(c, u) for c, u in rows]


def unarchived_sources(session: Session, *, claim_id: int) -> list[Source]:
    """The claim's active sources without an archived copy (never captured, still under way, or failed)."""
    return _evidence(session, claim_id)[1]


def _evidence(session: Session, claim_id: int) -> tuple[list[Source], list[Source]]:
    """(the claim's active sources, those of them without an archived copy)."""
    from factcheck.models import JobState
    from factcheck.services.claim_views import representative_captures

    active = active_sources(session, claim_id=claim_id)
    caps = representative_captures(session, [s.id for s in active])
    return active, [s for s in active if s.id not in caps or caps[s.id].state != JobState.done.value]


def _check_evidence(session: Session, *, claim: Claim, action: str, rules: dict, confirmed: bool | None) -> None:
    """Before a claim is submitted or published: a newsroom can require at least one archived source; evidence
    that is not archived is named and needs the person's confirmation where the caller asks for one (the pages
    do; an API client sees each source's capture state in the claim and decides itself)."""
    active, missing = _evidence(session, claim.id)
    if not missing:
        return
    verb = "submitting" if action == "submit" else "publishing"
    names = "; ".join(s.title or s.url or f"source #{s.id}" for s in missing[:10])
    if rules["require_archived"] and len(missing) == len(active):
        raise ValidationError(f"The newsroom asks for at least one archived source before {verb}; none of this "
                              f"claim's sources is archived yet ({names}). Retry the failed captures or add "
                              f"another source.")
    if confirmed is False:
        raise ValidationError(f"{len(missing)} source{'s are' if len(missing) != 1 else ' is'} not archived: "
                              f"{names}. Confirm that you want to go on {verb} without "
                              f"{'their' if len(missing) != 1 else 'its'} archived copy.",
                              fields={"confirm_unarchived": "Tick to go on without the archived copy."})


def transition(session: Session, *, claim: Claim, to: str, actor: User, expected_version: int,
               comment: str = "", confirm_unarchived: bool | None = None) -> Claim:
    """Move a claim along its life cycle, as the workflow table and the newsroom's rules allow.

    confirm_unarchived=False: submitting or publishing a claim whose sources are not all archived is refused
    until the person confirms (True); None: not asked."""
    try:
        target = S(to)
    except ValueError:
        raise ValidationError(f"Unknown status {to!r}.", fields={"to": "Unknown status."}) from None
    check_version(session, claim=claim, expected_version=expected_version)
    if (S(claim.status), target) in {(S.candidate, S.new), (S.new, S.dismissed), (S.candidate, S.dismissed),
                                     (S.dismissed, S.new)}:
        return shaping.change_status(session, claim=claim, to=target.value, actor=actor,
                                     expected_version=expected_version, reason=comment)
    if (S(claim.status), target) == (S.new, S.in_progress):
        return assign(session, claim=claim, assignee=actor, actor=actor, expected_version=expected_version)
    rules = newsroom.signoff_rules(session)
    verdict = latest_verdict(session, claim_id=claim.id)
    action = workflow.check_transition(actor.role, claim.status, target.value, reason=comment,
                                       ctx=ctx(claim, actor), proposer_id=verdict.proposed_by_id if verdict else None,
                                       four_eyes=rules["four_eyes"])
    if action == "submit":
        if verdict is None:
            raise ValidationError("Propose a verdict before submitting the claim for review.")
        have = len(active_sources(session, claim_id=claim.id))
        if have < rules["min_sources"]:
            raise ValidationError(f"The newsroom asks for at least {rules['min_sources']} source"
                                  f"{'s' if rules['min_sources'] != 1 else ''} before submitting; this claim has "
                                  f"{have}.")
    if action in ("submit", "publish"):
        _check_evidence(session, claim=claim, action=action, rules=rules, confirmed=confirm_unarchived)
    lock_version(session, claim=claim, expected_version=expected_version)
    old = claim.status
    claim.status = target.value
    if action == "publish":
        claim.published_at = utcnow()
    if action == "release":
        claim.assignee_id = None
    session.add(claim)
    history.record(session, actor=actor, kind="status", claim=claim, field="status", old=old, new=target.value,
                   detail={"reason": comment.strip()} if comment.strip() else None)
    if action == "reject":
        add_comment(session, claim=claim, body=comment, actor=actor, kind="rejection")
    elif action == "reopen":
        add_comment(session, claim=claim, body=comment, actor=actor, kind="correction")
    return claim


def get_source(session: Session, *, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None or source.removed_at is not None:
        raise NotFound(f"There is no source #{source_id}.")
    return source


__all__ = ["assign", "set_due", "propose_verdict", "transition", "add_comment", "comments", "latest_verdict",
           "active_sources", "find_user", "get_source", "ClaimStatus"]
