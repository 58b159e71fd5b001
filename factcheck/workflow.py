"""Who may do what, and which status changes exist. Pure and table-driven.

Statuses follow DESIGN.md, plus `candidate`: a sentence scored below the newsroom's threshold,
kept so an editor can promote it to `new`.
"""
from __future__ import annotations

from factcheck.errors import PermissionDenied, ValidationError
from factcheck.models.articles import ClaimStatus as S
from factcheck.models.people import Role

EDITORS = frozenset({Role.editor, Role.admin})
ADMINS = frozenset({Role.admin})
EVERYONE = frozenset(Role)

# action -> roles allowed to take it
ACTIONS: dict[str, frozenset[Role]] = {
    "view": EVERYONE,
    "bring_in_article": EDITORS,
    "promote": EDITORS,
    "dismiss": EDITORS,
    "restore": EDITORS,
    "merge": EDITORS,
    "split": EDITORS,
    "edit_wording": EDITORS,
    "manage_users": ADMINS,
    "change_settings": ADMINS,
}

# (from, to) -> the action that makes the change
TRANSITIONS: dict[tuple[S, S], str] = {
    (S.candidate, S.new): "promote",
    (S.new, S.dismissed): "dismiss",
    (S.candidate, S.dismissed): "dismiss",
    (S.dismissed, S.new): "restore",
}

# reason needed (a person must say why) for these moves
REASON_REQUIRED = frozenset({(S.new, S.dismissed), (S.candidate, S.dismissed)})

# structural edits (merge, split, wording) only while nobody is working on the claim yet
EDITABLE_STATUSES = frozenset({S.candidate, S.new})

ACTION_LABELS = {
    "bring_in_article": "bring in articles",
    "promote": "promote candidate sentences to claims",
    "dismiss": "dismiss claims",
    "restore": "restore dismissed claims",
    "merge": "merge claims",
    "split": "split claims",
    "edit_wording": "edit a claim's wording",
    "manage_users": "manage users",
    "change_settings": "change the newsroom's settings",
}


def can(role: str, action: str) -> bool:
    return Role(role) in ACTIONS.get(action, frozenset())


def require(role: str, action: str) -> None:
    if not can(role, action):
        allowed = ", ".join(sorted(r.value + "s" for r in ACTIONS.get(action, ())))
        raise PermissionDenied(
            f"Your role ({role}) may not {ACTION_LABELS.get(action, action)}; "
            f"{allowed or 'nobody'} may."
        )


def transition_action(old: str, new: str) -> str | None:
    """The action that moves a claim from `old` to `new`, or None when there is no such move."""
    return TRANSITIONS.get((S(old), S(new)))


def check_transition(role: str, old: str, new: str, *, reason: str = "") -> None:
    action = transition_action(old, new)
    if action is None:
        raise PermissionDenied(f"A claim cannot go from {old.replace('_', ' ')} to {new.replace('_', ' ')}.")
    require(role, action)
    if (S(old), S(new)) in REASON_REQUIRED and not reason.strip():
        raise ValidationError("Say why: a reason is required for this change.", fields={"reason": "Required."})
