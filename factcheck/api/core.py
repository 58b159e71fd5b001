"""The API's plumbing: the blueprint, spectree, bearer-token auth, JSON errors, one commit per write.

Every answer under /api/v1 is JSON, errors included: `{"error": {"code", "message", "fields"?}}`.
The browser session never authenticates an API request; only `Authorization: Bearer <token>` does,
and the user behind the token is `flask.g.api_user`, passed to services as `actor`.
"""
from __future__ import annotations

import json
from functools import wraps
from typing import Any, Callable, TypeVar

from flask import Blueprint, Response, current_app, g, jsonify, request
from spectree import Response as SpecResponse
from spectree import SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData
from spectree.plugins.flask_plugin import FlaskPlugin
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from werkzeug.exceptions import HTTPException

from factcheck.api.schemas import ErrorOut
from factcheck.db import RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, database_unavailable, get_session
from factcheck.errors import DomainError, ValidationError
from factcheck.models import User
from factcheck.services import tokens

bp = Blueprint("api", __name__, url_prefix="/api/v1")
OPENAPI_ENDPOINT = f"{bp.name}.openapi"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
BODYLESS: set[str] = set()  # endpoints of POSTs that take no input (mark read): an empty body is fine there
T = TypeVar("T")


class Unauthenticated(DomainError):
    status = 401
    code = "unauthorized"


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class _Plugin(FlaskPlugin):
    """Spectree's Flask plugin, with the document inside the API's own prefix.

    Stock spectree serves the document at `<prefix>/<path>/openapi.json` and leaves every route
    under `<prefix>/<path>` out of the document, so `/api/v1/openapi.json` would describe nothing.
    Here the document route is the blueprint's `/openapi.json` and the document covers exactly the
    blueprint's other routes (no UI pages: they would load scripts from a CDN the CSP forbids).
    """

    def register_route(self, app):
        app.add_url_rule("/" + self.config.filename, endpoint="openapi",
                         view_func=lambda: jsonify(self.spectree.spec))
        app.record(lambda state: setattr(self, "blueprint_state", state))

    def find_routes(self):
        for rule in self.get_current_app().url_map.iter_rules():
            if rule.endpoint.startswith(f"{bp.name}.") and rule.endpoint != OPENAPI_ENDPOINT:
                yield rule


def _field_name(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "body"


def _reject_invalid_request(req, resp, req_validation_error, instance, model_adapter) -> None:
    """Spectree's `before` hook: a request that does not fit its model becomes our 422 error."""
    if req_validation_error is None:
        return
    fields: dict[str, str] = {}
    for err in req_validation_error.errors(include_url=False, include_context=False):
        fields.setdefault(_field_name(tuple(err.get("loc", ()))), err.get("msg", "Invalid value."))
    raise ValidationError("The request does not match the API's schema; see the marked fields.", fields=fields)


def _log_invalid_response(req, resp, resp_validation_error, instance, model_adapter) -> None:
    """Spectree's `after` hook: a response that breaks its own model is our bug, reported as a plain 500."""
    if resp_validation_error is None:
        return
    current_app.logger.error("API response for %s %s does not match its model: %s", request.method, request.path,
                             resp_validation_error)
    resp.set_data(json.dumps({"error": {"code": "server_error", "message": MESSAGE_500}}))
    resp.mimetype = "application/json"


MESSAGE_500 = "The desk hit an unexpected error. Nothing was saved; please try again."

class _Spec(SpecTree):
    """Spectree, with parts of the document spectree cannot describe added by the modules that own them
    (`extensions`: each is called with the generated document, once, and adds to it; the webhooks' payloads)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extensions: list[Callable[[dict], None]] = []

    def _generate_spec(self) -> dict[str, Any]:
        document = super()._generate_spec()
        for extend in self.extensions:
            extend(document)
        return document


spec = _Spec(
    "flask",
    backend=_Plugin,
    title="factcheck API",
    description="The fact-checking desk's claims, sources, verdicts and workflow. "
                "Send `Authorization: Bearer <token>`; an admin issues tokens.",
    version="1",
    path="api/v1",
    filename="openapi.json",
    page_templates={},
    mode="strict",
    annotations=True,
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(
        type="http", scheme="bearer", description="An API token issued by an admin."))],
    security={"bearer": []},
    before=_reject_invalid_request,
    after=_log_invalid_response,
    validation_error_status=422,
    validation_error_model=ErrorOut,
    naming_strategy=lambda model: model.__name__,  # the API's model names are unique; no hash suffixes
    nested_naming_strategy=lambda _parent, child: child,
)
spec.register(bp)


class FileResponse(SpecResponse):
    """A 200 that is a file, not JSON: in the OpenAPI document as binary content of its media type."""

    def __init__(self, mimetype: str, description: str, **errors):
        super().__init__(HTTP_200=(None, description), **errors)
        self.mimetype = mimetype

    def generate_spec(self, *args, **kwargs) -> dict[str, Any]:
        responses = super().generate_spec(*args, **kwargs)
        responses["200"]["content"] = {self.mimetype: {"schema": {"type": "string", "format": "binary"}}}
        return responses


def file_route(mimetype: str, description: str, *, errors: dict, tags: list[str]):
    """A route that answers with a file: in the OpenAPI document like every route, but its answer does not pass
    through spectree, which would read a file response whole (and cannot read one sent straight from disk)
    to validate it against a JSON model it does not have. Its errors are the API's JSON errors as usual."""
    def decorate(func):
        documented = spec.validate(resp=FileResponse(mimetype, description, **errors), tags=tags)(func)

        @wraps(documented)  # __wrapped__ leads spectree to the documented function's metadata
        def view(*args, **kwargs):
            return func(*args, **kwargs)
        return view
    return decorate


def bodyless(func):
    """Mark a POST view that takes no input: it may be sent with no body at all (or with a JSON object)."""
    BODYLESS.add(f"{bp.name}.{func.__name__}")
    return func


# ---------------------------------------------------------------------------------------------- auth


def actor() -> User:
    return g.api_user


@bp.before_request
def _authenticate() -> None:
    if request.endpoint == OPENAPI_ENDPOINT:
        return
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    raw = raw.strip()
    user = tokens.authenticate(get_session(), raw=raw) if scheme.lower() == "bearer" and raw else None
    if user is None:
        raise Unauthenticated("Send a valid API token as `Authorization: Bearer <token>`.")
    g.api_user = user


@bp.before_request
def _require_json_object() -> None:
    """A request body must be one JSON object; anything else is refused before any view runs."""
    if request.method not in BODY_METHODS or request.endpoint == OPENAPI_ENDPOINT:
        return
    if request.endpoint in BODYLESS and not request.get_data(cache=True):
        return
    if not request.is_json:
        raise UnsupportedMediaType("Send the request body as JSON (Content-Type: application/json).")
    raw = request.get_data(cache=True)  # raises 413 beyond MAX_CONTENT_LENGTH
    if _nesting(raw) > MAX_JSON_DEPTH:
        raise BadRequest(f"The request body nests deeper than {MAX_JSON_DEPTH} levels; no request of this API "
                         "needs more than a few.")
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")


MAX_JSON_DEPTH = 32
_OPENERS, _CLOSERS = frozenset(b"[{"), frozenset(b"]}")


def _nesting(raw: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest, counted without parsing it (strings skipped),
    so a body nested a thousand levels never reaches the parser or the schema validation."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif byte in _CLOSERS:
            depth -= 1
    return deepest


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


# ---------------------------------------------------------------------------------------------- errors


HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
              422: "invalid"}


def error_response(status: int, code: str, message: str, fields: dict[str, str] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    resp = jsonify({"error": error})
    resp.status_code = status
    resp.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="factcheck"'
    return resp


def _rollback() -> None:
    from factcheck.http import rollback_session

    rollback_session()


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500:
        return error_response(500, "server_error", MESSAGE_500)
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    message = exc.description or "The request failed."
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"The request body is larger than the {limit:,} bytes this API accepts." if limit else message
    return error_response(status, HTTP_CODES.get(status, f"http_{status}"), message, headers=headers)


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    _rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


@bp.errorhandler(413)  # the app registers its own 413 page; a code handler on the blueprint wins over it
def _too_large(exc: HTTPException):
    _rollback()
    return http_error(exc)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    _rollback()
    return http_error(exc)


@bp.errorhandler(DBAPIError)
def _database_error(exc: DBAPIError):
    if not database_unavailable(exc):
        return _unexpected(exc)
    from factcheck.http import database_went_away

    database_went_away(exc)  # also forgets a browser session's user, so after-request hooks do not query for it
    return error_response(503, "database_unavailable", UNAVAILABLE_MESSAGE,
                          headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    _rollback()
    current_app.logger.exception("Unhandled API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", MESSAGE_500)


def wrap_app_errors(app) -> None:
    """404 and 405 happen while routing, before any blueprint is known: answer JSON under /api/."""
    fallback = app.error_handler_spec[None][None].get(HTTPException)

    def handler(exc: HTTPException):
        if request.path.startswith("/api/"):
            return http_error(exc)
        return fallback(exc) if fallback is not None else exc

    for code in (404, 405):
        app.register_error_handler(code, handler)


# ---------------------------------------------------------------------------------------------- writes


def write(change: Callable[[Session], T]) -> T:
    """Run one service call and commit once; a DomainError is rolled back by the error handler."""
    session = get_session()
    result = change(session)
    session.commit()
    return result
