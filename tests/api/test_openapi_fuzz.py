"""Fuzz every documented operation from the generated OpenAPI document: no request may make the server fail."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests import builders

MAX_EXAMPLES = 12  # per operation and strategy: about 35 strategies run in well under a minute on SQLite


def _seed(session, people) -> dict[str, int]:
    """Real rows, so that some generated requests reach them instead of answering 404."""
    from factcheck.services import review, sources

    eve = people["eve"]
    story = builders.article(session, by=eve)
    claim = next(c for c in builders.claims_of(session, story) if c.status == "new")
    review.assign(session, claim=claim, assignee=eve, actor=eve, expected_version=claim.version)
    source = sources.add_source(session, claim=claim, url="https://example.org/minutes", actor=eve)
    review.add_comment(session, claim=claim, body="Seen the minutes?", actor=eve)
    session.commit()
    return {"claim_id": claim.id, "article_id": story.id, "source_id": source.id}


def test_no_request_makes_the_server_answer_500(app, database_url, session, people, tokens, monkeypatch):
    import socket

    def offline(host, *args, **kwargs):  # an address in a generated body (an import's `url`) is never looked up
        raise socket.gaierror(socket.EAI_NONAME, "the fuzz test stays offline")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    if not database_url.startswith("sqlite"):
        # A deliberate reduction, not a missing service: the API code is the same on both databases
        # (the rest of tests/api runs on PostgreSQL too), and fuzzing it twice would double the time.
        pytest.skip("the fuzz test runs on SQLite only")
    real = _seed(session, people)
    headers = {"Authorization": f"Bearer {tokens['eve']}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 34

    for operation in operations:
        strategies = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                      operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)]
        pinned = {name: value for name, value in real.items() if "{" + name + "}" in operation.path}
        if pinned:  # the same operation on an existing row: permissions, versions and the services run
            strategies.append(operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=pinned))
        for strategy in strategies:
            @given(case=strategy)
            @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def fuzz(case):
                # On failure schemathesis reports the request as a curl command, naming the operation.
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

            fuzz()
