"""What the web pages and the JSON API share, so that neither imports the other: the CSRF extension, the request's
database session when a request fails, absolute links from the configured base URL, and archived evidence (its
links and the serving of its files)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, g, has_request_context, request, send_file, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from factcheck.db import get_session
from factcheck.models import Capture

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


def absolute_url(endpoint: str, **values) -> str:
    """An absolute link to hand out (API answers, reset links): the configured base URL (FACTCHECK_BASE_URL)
    and the route's path. Never Flask's external `url_for`: that trusts the request's Host header, which
    the client chooses, and a link to evil.example would travel in answers, exports and e-mails."""
    path = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root + "/"):
        path = path[len(root):]  # the base URL already includes the prefix the app is mounted under
    return settings().base_url + path


@dataclass(frozen=True)
class EvidenceFile:
    """One kind of archived file of a capture: the column naming it in the store and how it is served."""
    attr: str
    mimetype: str
    download: str | None = None   # a filename pattern ({id}) for files served as a download


EVIDENCE = {
    "warc": EvidenceFile("warc_path", "application/warc", "capture-{id}.warc.gz"),
    "text": EvidenceFile("text_path", "text/plain; charset=utf-8"),
    "screenshot": EvidenceFile("screenshot_path", "image/png"),
}
# The pages' routes and the API's, per kind (the API's are for bearer tokens; the pages' need a sign-in).
_PAGE_ENDPOINTS = {kind: f"evidence.{kind}" for kind in EVIDENCE}
_API_ENDPOINTS = {kind: f"api.capture_{kind}" for kind in EVIDENCE}


def capture_urls(cap, *, api: bool = False) -> dict:
    """Where a capture's archived files are served: the pages' routes as paths (for the pages and their
    scripts), or with `api` the API's routes as absolute links from the configured base URL."""
    if cap is None:
        return {f"{kind}_url": None for kind in (*EVIDENCE, "wacz")}
    link = absolute_url if api else url_for
    endpoints = _API_ENDPOINTS if api else _PAGE_ENDPOINTS
    urls = {f"{kind}_url": link(endpoints[kind], capture_id=cap.id) if getattr(cap, f.attr) else None
            for kind, f in EVIDENCE.items()}
    # The WACZ is packaged from the WARC on request, so it is there whenever the WARC is.
    wacz = "api.capture_wacz" if api else "wacz.capture"
    urls["wacz_url"] = link(wacz, capture_id=cap.id) if cap.warc_path else None
    return urls


def send_timestamp(capture_id: int):
    """Serve the RFC 3161 timestamp token of a capture's WARC (a .tsr: the authority's TimeStampResp, DER) as a
    download; 404 until the authority granted one. Check it with `openssl ts -verify -in capture-<id>.tsr -data
    capture-<id>.warc.gz -CAfile <the authority's root>`."""
    from flask import Response

    from factcheck.services.timestamps import for_captures

    row = for_captures(get_session(), [capture_id]).get(capture_id)
    if row is None or not row.token:
        abort(404)
    resp = Response(row.token, mimetype="application/timestamp-reply")
    resp.headers["Content-Disposition"] = f'attachment; filename="capture-{capture_id}.tsr"'
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def send_evidence(capture_id: int, kind: str):
    """Serve one archived file of a capture, read only through the archive store; 404 when there is none.

    Archived content is never served as live HTML from the app's origin: text is text/plain, the WARC a
    download, the screenshot a PNG, each with a sandboxing CSP and nosniff, and never kept by a shared cache."""
    spec = EVIDENCE[kind]
    cap = get_session().get(Capture, capture_id)
    name = getattr(cap, spec.attr, None) if cap is not None else None
    if not name:
        abort(404)
    store = current_app.extensions["factcheck.archive"]
    try:
        size, fh = store.size(name), store.open(name)
    except (ValueError, FileNotFoundError):
        abort(404)
    download = spec.download.format(id=capture_id) if spec.download else None
    resp = send_file(fh, mimetype=spec.mimetype, as_attachment=download is not None, download_name=download,
                     conditional=False, etag=False)
    # A stored file never changes (it is named by its hash), so its name is a strong ETag; with its size a
    # client may also resume a large WARC with a Range request.
    resp.set_etag(name.rsplit("/", 1)[-1].split(".")[0])
    resp.content_length = size
    try:
        resp = resp.make_conditional(request.environ, accept_ranges=True, complete_length=size)
    except RequestedRangeNotSatisfiable:
        fh.close()
        raise
    resp.headers["Cache-Control"] = "private, no-store"  # evidence needs a sign-in or a token: no shared cache
    resp.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
