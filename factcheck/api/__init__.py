"""The JSON API at /api/v1: bearer tokens, JSON errors, an OpenAPI document generated from the code."""
from __future__ import annotations

from flask import Flask

from factcheck.api import (articles, claims, evidence, exports, notifications, requests, search,  # noqa: F401
                           wacz, webhooks)  # importing registers the routes (webhooks: the payloads' documentation)
from factcheck.api import factchecks  # noqa: F401  (other organisations' fact-checks: import and list)
from factcheck.api.core import bp, spec, wrap_app_errors

__all__ = ["init_app", "bp", "spec"]


def init_app(app: Flask) -> None:
    from factcheck.http import csrf, exempt_from_login

    csrf.exempt(bp)
    exempt_from_login(app, bp.name)  # it authenticates every request itself, by bearer token only
    app.register_blueprint(bp)
    wrap_app_errors(app)
