"""Exhaustive checks over the workflow tables."""
import itertools

import pytest

from factcheck import workflow
from factcheck.errors import PermissionDenied, ValidationError
from factcheck.models import ClaimStatus, Role

STATUSES = [s.value for s in ClaimStatus]


@pytest.mark.parametrize("role,action", list(itertools.product([r.value for r in Role], workflow.ACTIONS)))
def test_can_matches_the_table(role, action):
    assert workflow.can(role, action) == (Role(role) in workflow.ACTIONS[action])


def test_unknown_actions_are_refused():
    assert not workflow.can("admin", "launch_missiles")


def test_every_action_has_a_label_for_refusals():
    assert set(workflow.ACTIONS) - {"view"} <= set(workflow.ACTION_LABELS)


def test_refusal_says_who_may():
    with pytest.raises(PermissionDenied, match=r"checker.*may not bring in articles; admins, editors may"):
        workflow.require("checker", "bring_in_article")


@pytest.mark.parametrize("old,new", list(itertools.product(STATUSES, STATUSES)))
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_pair_of_statuses(role, old, new):
    action = workflow.TRANSITIONS.get((ClaimStatus(old), ClaimStatus(new)))
    if action is None:
        with pytest.raises(PermissionDenied, match="cannot go from"):
            workflow.check_transition(role, old, new, reason="because")
    elif not workflow.can(role, action):
        with pytest.raises(PermissionDenied, match="may not"):
            workflow.check_transition(role, old, new, reason="because")
    else:
        workflow.check_transition(role, old, new, reason="because")


@pytest.mark.parametrize("old,new", sorted(workflow.REASON_REQUIRED))
def test_reason_required(old, new):
    with pytest.raises(ValidationError, match="reason is required"):
        workflow.check_transition("editor", old, new, reason="  ")


def test_checkers_cannot_shape_claims():
    for action in ("promote", "dismiss", "merge", "split", "edit_wording"):
        assert not workflow.can("checker", action)
        assert workflow.can("editor", action)
