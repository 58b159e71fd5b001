"""Who may do what, and which status changes exist. Pure and table-driven.

Statuses follow DESIGN.md, plus `candidate`: a sentence scored below the newsroom's threshold,
kept so an editor can promote it to `new`.
"""
from __future__ import annotations

from dataclasses import dataclass

from factcheck.errors import PermissionDenied, ValidationError
from factcheck.models.articles import ClaimStatus as S
from factcheck.models.people import Role

NOBODY: frozenset[Role] = frozenset()
CHECKERS = frozenset({Role.checker})
EDITORS = frozenset({Role.editor, Role.admin})
ADMINS = frozenset({Role.admin})
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]                 # may always take the action
    own: frozenset[Role] = NOBODY          # may take it on claims assigned to them
    unassigned: frozenset[Role] = NOBODY   # may take it on claims nobody is assigned to
    label: str = ""                        # "may not <label>" in a refusal


ACTIONS: dict[str, Rule] = {
    "view": Rule(EVERYONE, label="view the desk"),
    "comment": Rule(EVERYONE, label="comment"),
    "bring_in_article": Rule(EDITORS, label="bring in articles"),
    "promote": Rule(EDITORS, label="promote candidate sentences to claims"),
    "dismiss": Rule(EDITORS, label="dismiss claims"),
    "restore": Rule(EDITORS, label="restore dismissed claims"),
    "merge": Rule(EDITORS, label="merge claims"),
    "split": Rule(EDITORS, label="split claims"),
    "edit_wording": Rule(EDITORS, label="edit a claim's wording"),
    "assign": Rule(EDITORS, label="assign or reassign claims to others"),
    "self_assign": Rule(EDITORS, unassigned=CHECKERS, label="take this claim"),
    "release": Rule(EDITORS, own=CHECKERS, label="hand this claim back"),
    "set_due": Rule(EDITORS, label="set due dates"),
    "edit_sources": Rule(EDITORS, own=CHECKERS, label="add, edit or remove sources on this claim"),
    "link_listed_source": Rule(EDITORS | CHECKERS, label="attach links to the sources an article lists"),
    "propose_verdict": Rule(EDITORS, own=CHECKERS, label="propose a verdict on this claim"),
    "submit": Rule(EDITORS, own=CHECKERS, label="submit this claim for review"),
    "reject": Rule(EDITORS, label="send claims back to the checker"),
    "publish": Rule(EDITORS, label="publish claims"),
    "reopen": Rule(EDITORS, label="reopen published claims for a correction"),
    "act_on_match": Rule(EDITORS, label="dismiss, relate or ignore past matches"),
    "import_factchecks": Rule(EDITORS, label="import other organisations' fact-checks"),
    "manage_feeds": Rule(ADMINS, label="configure fact-check feeds"),
    "manage_users": Rule(ADMINS, label="manage users"),
    "manage_tokens": Rule(ADMINS, label="manage API tokens"),
    "change_settings": Rule(ADMINS, label="change the newsroom's settings"),
}

# (from, to) -> the action that makes the change
TRANSITIONS: dict[tuple[S, S], str] = {
    (S.candidate, S.new): "promote",
    (S.candidate, S.dismissed): "dismiss",
    (S.new, S.dismissed): "dismiss",
    (S.dismissed, S.new): "restore",
    (S.new, S.in_progress): "self_assign",
    (S.in_progress, S.new): "release",
    (S.in_progress, S.in_review): "submit",
    (S.in_review, S.in_progress): "reject",
    (S.in_review, S.published): "publish",
    (S.published, S.in_progress): "reopen",
}

# a person must say why for these moves; the value names what they write
REASON_REQUIRED: dict[tuple[S, S], str] = {
    (S.candidate, S.dismissed): "reason",
    (S.new, S.dismissed): "reason",
    (S.in_review, S.in_progress): "comment",
    (S.published, S.in_progress): "correction note",
}

# structural edits (merge, split, wording) only while nobody is working on the claim yet
EDITABLE_STATUSES = frozenset({S.candidate, S.new})
# sources and verdicts are worked on while the claim is in progress
WORKING_STATUSES = frozenset({S.in_progress})
OPEN_STATUSES = frozenset({S.new, S.in_progress, S.in_review})


@dataclass(frozen=True)
class Context:
    """What a permission depends on beyond the role: whose claim it is."""

    actor_id: int | None = None
    assignee_id: int | None = None

    @property
    def own(self) -> bool:
        return self.actor_id is not None and self.assignee_id == self.actor_id

    @property
    def unassigned(self) -> bool:
        return self.assignee_id is None


def can(role: str, action: str, ctx: Context | None = None) -> bool:
    rule = ACTIONS.get(action)
    if rule is None:
        return False
    r = Role(role)
    if r in rule.roles:
        return True
    ctx = ctx or Context()
    return (ctx.own and r in rule.own) or (ctx.unassigned and r in rule.unassigned)


def _who_may(rule: Rule) -> str:
    parts = [", ".join(sorted(r.value + "s" for r in rule.roles))] if rule.roles else []
    if rule.own:
        parts.append(" and ".join(sorted(r.value + "s" for r in rule.own)) + " on their own claims")
    if rule.unassigned:
        parts.append(" and ".join(sorted(r.value + "s" for r in rule.unassigned)) + " when nobody has it")
    return "; ".join(parts) or "nobody"


def require(role: str, action: str, ctx: Context | None = None) -> None:
    if not can(role, action, ctx):
        rule = ACTIONS.get(action, Rule(NOBODY, label=action))
        raise PermissionDenied(f"Your role ({role}) may not {rule.label or action}; {_who_may(rule)} may.")


def transition_action(old: str, new: str) -> str | None:
    """The action that moves a claim from `old` to `new`, or None when there is no such move."""
    return TRANSITIONS.get((S(old), S(new)))


def check_transition(role: str, old: str, new: str, *, reason: str = "", ctx: Context | None = None,
                     proposer_id: int | None = None, four_eyes: bool = True) -> str:
    """Refuse with a reason, or return the action that makes the move."""
    action = transition_action(old, new)
    if action is None:
        raise PermissionDenied(f"A claim cannot go from {S(old).value.replace('_', ' ')} to "
                               f"{S(new).value.replace('_', ' ')}.")
    require(role, action, ctx)
    needed = REASON_REQUIRED.get((S(old), S(new)))
    if needed and not reason.strip():
        raise ValidationError(f"Say why: a {needed} is required for this change.", fields={"reason": "Required."})
    if action == "publish" and four_eyes and ctx is not None and proposer_id is not None \
            and proposer_id == ctx.actor_id:
        raise PermissionDenied("Four-eyes rule: you proposed this verdict, so another editor must publish it.")
    return action
