"""Error pages a person understands, for every failure the app can name."""
from __future__ import annotations

from flask import render_template, request
from werkzeug.exceptions import HTTPException

from factcheck.errors import DomainError

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "Your role does not allow this action."),
    404: ("Not found", "There is nothing at this address. It may have been removed, or the link is mistyped."),
    405: ("Not allowed here", "This address does not accept that kind of request."),
    409: ("Changed meanwhile", "Someone changed this after you opened it. Nothing was saved."),
    413: ("Too large", "What you sent is larger than this desk accepts. Nothing was saved."),
    422: ("Please check your input", "Some of what you entered could not be accepted."),
    500: ("Something went wrong", "The desk hit an unexpected error. Nothing was saved; please try again. "
                                  "If it keeps happening, tell your admin the time it happened."),
}


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, (f"Error {status}", "The request failed."))
    return render_template("errors/error.html", status=status, title=title, message=detail or message), status


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

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
