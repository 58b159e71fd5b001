"""Bulk actions from the queue: each selected claim is changed on its own, under its own version,
in its own savepoint, so one stale or refused claim never undoes the others."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from factcheck.errors import DomainError, ValidationError
from factcheck.models import Claim, User
from factcheck.services import review

ACTIONS = ("assign", "due", "dismiss", "status")
MAX_SELECTED = 200


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (claim id, why)


def parse_selection(values: list[str]) -> list[tuple[int, int]]:
    """Checkbox values are "id:version": the version the editor saw when ticking the box."""
    picked = []
    for value in values:
        try:
            claim_id, version = (int(part) for part in value.split(":", 1))
            if not (1 <= claim_id <= 2_147_483_647 and 0 <= version <= 2_147_483_647):
                raise ValueError("out of range")
        except ValueError:
            raise ValidationError("The selection is malformed; reload the queue.") from None
        picked.append((claim_id, version))
    if not picked:
        raise ValidationError("Select at least one claim.", fields={"selected": "Nothing selected."})
    if len(picked) > MAX_SELECTED:
        raise ValidationError(f"Select at most {MAX_SELECTED} claims at a time.")
    return picked


def apply_bulk(session: Session, *, action: str, selected: list[tuple[int, int]], actor: User,
               assignee: User | None = None, due: datetime | None = None, to: str = "", reason: str = "") -> BulkResult:
    if action not in ACTIONS:
        raise ValidationError("Choose what to do with the selected claims.", fields={"action": "Unknown action."})
    if action == "assign" and assignee is None:
        raise ValidationError("Choose who the claims go to.", fields={"assignee": "Required."})
    if action == "dismiss" and not reason.strip():
        raise ValidationError("Say why these claims are dismissed.", fields={"reason": "Required."})
    result = BulkResult()
    for claim_id, version in selected:
        claim = session.get(Claim, claim_id)
        if claim is None:
            result.refused.append((claim_id, "no such claim"))
            continue
        try:
            with session.begin_nested():
                if action == "assign":
                    review.assign(session, claim=claim, assignee=assignee, actor=actor, expected_version=version,
                                  due=due)
                elif action == "due":
                    review.set_due(session, claim=claim, due=due, actor=actor, expected_version=version)
                elif action == "dismiss":
                    review.transition(session, claim=claim, to="dismissed", actor=actor, expected_version=version,
                                      comment=reason)
                else:
                    review.transition(session, claim=claim, to=to, actor=actor, expected_version=version,
                                      comment=reason)
        except DomainError as exc:
            session.expire(claim)
            result.refused.append((claim_id, exc.message))
        else:
            result.done.append(claim_id)
    return result
