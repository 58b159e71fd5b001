"""What the web pages and the JSON API share, so that neither imports the other: the CSRF extension, the request's
database session when a request fails, and the links to archived evidence."""
from __future__ import annotations

from flask import current_app, g, request, url_for
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

LOGIN_EXEMPT = "factcheck.login_exempt"   # app.extensions key: blueprints that authenticate each request themselves


def exempt_from_login(app, blueprint_name: str) -> None:
    """The pages' sign-in redirect leaves this blueprint alone (the API answers 401 with JSON instead)."""
    app.extensions.setdefault(LOGIN_EXEMPT, set()).add(blueprint_name)


def login_exempt(app) -> set[str]:
    return app.extensions.get(LOGIN_EXEMPT, set())


def settings():
    """This app's factcheck.config.Settings."""
    return current_app.extensions["factcheck.settings"]


def rollback_session() -> None:
    """Undo the request's failed transaction so the error page can still read (the signed-in user, say)."""
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # noqa: BLE001 - the error page matters more than a clean rollback
            pass


def discard_session() -> None:
    """Drop the request's session after the database went away, and with it the signed-in user.

    Anything drawn afterwards (the 503 page, after-request hooks) sees an anonymous visitor instead of
    asking Flask-Login to load the user from a database that is not there."""
    rollback_session()
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except Exception:  # noqa: BLE001 - the connection is already gone; the pool replaces it
            pass
    g._login_user = current_app.login_manager.anonymous_user()


def database_went_away(exc: Exception) -> None:
    """What every 503 for a missing database does first (pages and API alike): drop the request's session and
    user, and log one line, not a traceback: the cause is outside the app."""
    discard_session()
    cause = str(getattr(exc, "orig", exc)).strip().splitlines() or [""]
    current_app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path, cause[0])


def capture_urls(cap, *, external: bool = False) -> dict:
    """Where a capture's archived files are served (pages and API link to the same routes)."""
    if cap is None:
        return {"warc_url": None, "text_url": None, "screenshot_url": None}
    return {
        "warc_url": url_for("evidence.warc", capture_id=cap.id, _external=external) if cap.warc_path else None,
        "text_url": url_for("evidence.text", capture_id=cap.id, _external=external) if cap.text_path else None,
        "screenshot_url": url_for("evidence.screenshot", capture_id=cap.id, _external=external)
        if cap.screenshot_path else None,
    }
