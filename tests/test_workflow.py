"""Exhaustive checks over the workflow tables, against the rules written out a second time here."""
import itertools

import pytest

from factcheck import workflow
from factcheck.errors import PermissionDenied, ValidationError
from factcheck.models import ClaimStatus, Role
from factcheck.workflow import Context

STATUSES = [s.value for s in ClaimStatus]
ROLES = [r.value for r in Role]
ME, OTHER = 1, 2
CONTEXTS = {"own": Context(actor_id=ME, assignee_id=ME), "others": Context(actor_id=ME, assignee_id=OTHER),
            "unassigned": Context(actor_id=ME, assignee_id=None)}

# The rules of DESIGN.md and the review-desk issue, as a reader would state them:
# (action) -> set of (role, context) allowed. "*" = every context.
E, A, C = "editor", "admin", "checker"
EXPECTED = {
    "view": {(r, "*") for r in ROLES},
    "comment": {(r, "*") for r in ROLES},
    "bring_in_article": {(E, "*"), (A, "*")},
    "promote": {(E, "*"), (A, "*")},
    "dismiss": {(E, "*"), (A, "*")},
    "restore": {(E, "*"), (A, "*")},
    "merge": {(E, "*"), (A, "*")},
    "split": {(E, "*"), (A, "*")},
    "edit_wording": {(E, "*"), (A, "*")},
    "assign": {(E, "*"), (A, "*")},
    "self_assign": {(E, "*"), (A, "*"), (C, "unassigned")},
    "release": {(E, "*"), (A, "*"), (C, "own")},
    "set_due": {(E, "*"), (A, "*")},
    "edit_sources": {(E, "*"), (A, "*"), (C, "own")},
    "link_listed_source": {(E, "*"), (A, "*"), (C, "*")},  # the article's own "Sources" list belongs to no claim
    "propose_verdict": {(E, "*"), (A, "*"), (C, "own")},
    "submit": {(E, "*"), (A, "*"), (C, "own")},
    "reject": {(E, "*"), (A, "*")},
    "publish": {(E, "*"), (A, "*")},
    "reopen": {(E, "*"), (A, "*")},
    "act_on_match": {(E, "*"), (A, "*")},  # Checked before: duplicate, related, ignore
    "import_factchecks": {(E, "*"), (A, "*")},  # other organisations' ClaimReview: a file, an address, the list
    "manage_feeds": {(A, "*")},
    "manage_users": {(A, "*")},
    "manage_tokens": {(A, "*")},
    "change_settings": {(A, "*")},
}


def test_the_table_and_the_expectations_name_the_same_actions():
    assert set(workflow.ACTIONS) == set(EXPECTED)


@pytest.mark.parametrize("action,role,where", list(itertools.product(EXPECTED, ROLES, CONTEXTS)))
def test_can_matches_the_rules(action, role, where):
    expected = (role, "*") in EXPECTED[action] or (role, where) in EXPECTED[action]
    assert workflow.can(role, action, CONTEXTS[where]) == expected


def test_unknown_actions_are_refused():
    assert not workflow.can("admin", "launch_missiles")


def test_refusal_says_who_may():
    with pytest.raises(PermissionDenied, match=r"checker.*may not bring in articles; admins, editors may"):
        workflow.require("checker", "bring_in_article")
    with pytest.raises(PermissionDenied, match="checkers on their own claims"):
        workflow.require("checker", "propose_verdict", CONTEXTS["others"])


LIFE_CYCLE = {
    ("candidate", "new"), ("candidate", "dismissed"), ("new", "dismissed"), ("dismissed", "new"),
    ("new", "in_progress"), ("in_progress", "new"), ("in_progress", "in_review"), ("in_review", "in_progress"),
    ("in_review", "published"), ("published", "in_progress"),
}


@pytest.mark.parametrize("old,new", list(itertools.product(STATUSES, STATUSES)))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", list(CONTEXTS))
def test_every_pair_of_statuses(role, where, old, new):
    ctx = CONTEXTS[where]
    if (old, new) not in LIFE_CYCLE:
        with pytest.raises(PermissionDenied, match="cannot go from"):
            workflow.check_transition(role, old, new, reason="because", ctx=ctx)
        return
    action = workflow.TRANSITIONS[(ClaimStatus(old), ClaimStatus(new))]
    if workflow.can(role, action, ctx):
        assert workflow.check_transition(role, old, new, reason="because", ctx=ctx) == action
    else:
        with pytest.raises(PermissionDenied, match="may not"):
            workflow.check_transition(role, old, new, reason="because", ctx=ctx)


@pytest.mark.parametrize("move,word", [(("new", "dismissed"), "reason"), (("candidate", "dismissed"), "reason"),
                                       (("in_review", "in_progress"), "comment"),
                                       (("published", "in_progress"), "correction note")])
def test_reason_required(move, word):
    with pytest.raises(ValidationError, match=f"a {word} is required"):
        workflow.check_transition("editor", *move, reason="  ")


def test_four_eyes_refuses_the_proposer_and_can_be_switched_off():
    ctx = Context(actor_id=ME, assignee_id=OTHER)
    with pytest.raises(PermissionDenied, match="Four-eyes"):
        workflow.check_transition("editor", "in_review", "published", ctx=ctx, proposer_id=ME)
    assert workflow.check_transition("editor", "in_review", "published", ctx=ctx, proposer_id=OTHER) == "publish"
    assert workflow.check_transition("editor", "in_review", "published", ctx=ctx, proposer_id=ME,
                                     four_eyes=False) == "publish"
