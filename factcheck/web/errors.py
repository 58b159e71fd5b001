"""Error pages a person understands, for every failure the app can name."""
from __future__ import annotations

from flask import render_template, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from factcheck.db import RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, database_unavailable
from factcheck.errors import DomainError
from factcheck.http import database_went_away, discard_session, rollback_session  # noqa: F401 - used here and by tests

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "Your role does not allow this action."),
    404: ("Not found", "There is nothing at this address. It may have been removed, or the link is mistyped."),
    405: ("Not allowed here", "This address does not accept that kind of request."),
    409: ("Changed meanwhile", "Someone changed this after you opened it. Nothing was saved."),
    413: ("Too large", "What you sent is larger than this desk accepts. Nothing was saved."),
    422: ("Please check your input", "Some of what you entered could not be accepted."),
    503: ("Database unavailable", UNAVAILABLE_MESSAGE),
    500: ("Something went wrong", "The desk hit an unexpected error. Nothing was saved; please try again. "
                                  "If it keeps happening, tell your admin the time it happened."),
}


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, (f"Error {status}", "The request failed."))
    try:
        return render_template("errors/error.html", status=status, title=title, message=detail or message), status
    except DBAPIError as exc:  # drawing the page for a signed-in user needs the database too
        if not database_unavailable(exc):
            raise
        return database_down_page(exc)


_NOT_GIVEN_BACK = ("csrf_token", "version", "submit")


def _typed_fields() -> list[tuple[str, str]]:
    """What the person typed into the form that could not be saved (never passwords or hidden tokens), shown
    back on the 503 page so nothing is lost while the database is away."""
    if request.method != "POST":
        return []
    return [(name.replace("_", " ").capitalize(), value)
            for name, value in request.form.items(multi=True)
            if name not in _NOT_GIVEN_BACK and "password" not in name and value.strip()]


def database_down_page(exc: Exception):
    """503 with Retry-After. The page is drawn as for a visitor: the signed-in user's row cannot be read now."""
    database_went_away(exc)
    title, message = MESSAGES[503]
    body = render_template("errors/error.html", status=503, title=title, message=message, kept=_typed_fields(),
                           files=bool(request.files))
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}


def init_app(app) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        return render_error(exc.status, exc.message)

    @app.errorhandler(413)
    def _too_large(exc):
        limit = app.extensions["factcheck.settings"].max_upload_bytes
        return render_error(413, f"The upload is larger than the {limit / 1_048_576:.1f} MB this desk accepts. "
                                 "Nothing was saved. Split the file or paste the article text instead.")

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code == 400 and "CSRF" in (exc.description or ""):
            return render_error(400, "The form expired or was sent from another site. Reload the page and try again; "
                                     "nothing was saved.")
        return render_error(exc.code or 500, None if exc.code in MESSAGES else exc.description)

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError):
        if database_unavailable(exc):
            return database_down_page(exc)
        return _unexpected(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        rollback_session()
        return render_error(500)
