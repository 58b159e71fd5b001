"""Fuzz every documented operation from the generated OpenAPI document: no request may make the server fail."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests import builders

MAX_EXAMPLES = 12  # per operation and mode: 13 operations x 2 modes run in well under a minute on SQLite


def test_no_request_makes_the_server_answer_500(app, database_url, session, people, tokens):
    if not database_url.startswith("sqlite"):
        # A deliberate reduction, not a missing service: the API code is the same on both databases
        # (the rest of tests/api runs on PostgreSQL too), and fuzzing it twice doubles the time.
        pytest.skip("the fuzz test runs on SQLite only")
    story = builders.article(session, by=people["eve"])
    claims = builders.claims_of(session, story)
    assert claims  # ids 1.. exist, so generated ids sometimes reach real rows
    headers = {"Authorization": f"Bearer {tokens['eve']}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 13

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def fuzz(case):
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

            try:
                fuzz()
            except Exception as exc:  # name the operation that broke, then fail with the original report
                raise AssertionError(f"{operation.label} ({mode.value}): {exc}") from exc
