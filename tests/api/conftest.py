"""API fixtures: a bearer token per person and a JSON client that sends it."""
from __future__ import annotations

import json as jsonlib

import pytest

from factcheck.services import tokens as token_service


class Api:
    """The Flask test client speaking JSON, with an optional bearer token."""

    def __init__(self, flask_client, token: str | None = None):
        self.http = flask_client
        self.token = token

    def as_(self, token: str | None) -> "Api":
        return Api(self.http, token)

    def headers(self, extra=None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def call(self, method: str, url: str, json=None, *, data=None, headers=None, **kw):
        if json is not None:
            data = jsonlib.dumps(json)
        if data is not None:
            headers = {"Content-Type": "application/json", **(headers or {})}
        return self.http.open(url, method=method, data=data, headers=self.headers(headers), **kw)

    def get(self, url, **kw):
        return self.call("GET", url, **kw)

    def post(self, url, json=None, **kw):
        return self.call("POST", url, json, **kw)

    def put(self, url, json=None, **kw):
        return self.call("PUT", url, json, **kw)

    def patch(self, url, json=None, **kw):
        return self.call("PATCH", url, json, **kw)


@pytest.fixture
def tokens(session, people):
    """{"ada": raw token, "eve": ..., "carl": ..., "cora": ...}"""
    made = {name: token_service.create_token(session, user=user, name=f"{name}'s test token")[1]
            for name, user in people.items()}
    session.commit()
    return made


@pytest.fixture
def api(app, tokens):
    """api("eve") -> a JSON client with eve's token; api(None) -> one without a token."""
    def make(name: str | None = None) -> Api:
        return Api(app.test_client(), tokens[name] if name else None)
    return make
