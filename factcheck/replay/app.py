"""The replay origin's WSGI app: ReplayWeb.page, one page that embeds it, and WACZ files behind signed links.

It is deliberately a different Flask app from the desk's, even when the same process serves both (on two ports):
no session (it never sets a cookie and has no secret key of its own), no sign-in, none of the desk's pages and
none of its API. What it answers, and nothing else:

    GET /replay/ui.js, /replay/sw.js          ReplayWeb.page's files, from where `make install` put them
    GET /c/<id>/<expires>/<sig>/              the replay page: a <replay-web-page> for the capture
    GET /c/<id>/<expires>/<sig>/capture.wacz  the capture's WACZ, with Content-Length, ETag and byte ranges

Only the desk may frame its pages (frame-ancestors is the desk's origin, FACTCHECK_BASE_URL).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, render_template, request, send_file, send_from_directory
from werkzeug.exceptions import HTTPException, RequestedRangeNotSatisfiable

from factcheck import db
from factcheck.config import Settings
from factcheck.errors import NotFound
from factcheck.meta import templates_dir
from factcheck.models import Capture
from factcheck.replay import assets, links, package

PAGE = "/c/<int(min=1, max=2147483647):capture_id>/<int:expires>/<signature>/"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def page_csp(settings: Settings) -> str:
    """The replay page runs ReplayWeb.page only (the archived page itself is answered by its service worker,
    which puts its own policy on it); only the desk may frame it."""
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
            "font-src 'self' data:; connect-src 'self'; worker-src 'self'; frame-src 'self'; object-src 'none'; "
            f"base-uri 'none'; form-action 'none'; frame-ancestors {_origin(settings.base_url)}")


# The service worker's own policy bounds what it may fetch: the replay origin only (the WACZ), never the web.
WORKER_CSP = "default-src 'self'; connect-src 'self'; script-src 'self' 'unsafe-eval'; frame-ancestors 'none'"
FILE_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


def create_replay_app(settings: Settings | None = None, *, engine=None) -> Flask:
    from factcheck import registry

    settings = settings or Settings.from_env()
    app = Flask("factcheck.replay", template_folder=str(templates_dir()), static_folder=None)
    app.extensions["factcheck.settings"] = settings
    db.init_app(app, engine or db.make_engine(settings.database_url))
    store = registry.archive_store(settings)

    def checked(capture_id: int, expires: int, signature: str) -> None:
        if not links.valid(settings.secret_key, capture_id, expires, signature):
            abort(403, "This replay link is not valid or has expired: reload the claim page for a fresh one.")

    @app.get("/replay/<any('ui.js', 'sw.js'):name>")
    def replaywebpage(name: str):
        folder = assets.find(settings)
        if folder is None:
            abort(404, assets.install_hint(settings))
        resp = send_from_directory(folder, name, mimetype="text/javascript", max_age=3600)
        if name == "sw.js":
            resp.headers["Content-Security-Policy"] = WORKER_CSP
        return resp

    @app.get(PAGE)
    def page(capture_id: int, expires: int, signature: str):
        checked(capture_id, expires, signature)
        session = db.get_session()
        cap = session.get(Capture, capture_id)
        if assets.find(settings) is None:
            abort(404, assets.install_hint(settings))
        try:
            packed = package.replay_package(session, capture_id=capture_id, store=store)
        except NotFound as exc:
            abort(404, exc.message)
        resp = app.make_response(render_template("replay/page.html", url=packed.url,
                                                 title=(cap.title if cap else None) or packed.url))
        resp.headers["Content-Security-Policy"] = page_csp(settings)
        return resp

    @app.get(PAGE + "capture.wacz")
    def wacz(capture_id: int, expires: int, signature: str):
        checked(capture_id, expires, signature)
        try:
            packed = package.replay_package(db.get_session(), capture_id=capture_id, store=store)
        except NotFound as exc:
            abort(404, exc.message)
        fh = store.open(packed.name)
        resp = send_file(fh, mimetype="application/wacz", conditional=False, etag=False)
        resp.set_etag(packed.sha256)  # the file is named by this hash and never changes
        resp.content_length = packed.size
        try:
            resp = resp.make_conditional(request.environ, accept_ranges=True, complete_length=packed.size)
        except RequestedRangeNotSatisfiable:
            fh.close()
            raise
        resp.headers["Content-Security-Policy"] = FILE_CSP
        return resp

    @app.errorhandler(HTTPException)
    def _plain(exc: HTTPException):
        """Errors as one line of plain text: nothing here is a page of the desk's."""
        resp = app.make_response((f"{exc.code} {exc.name}: {exc.description}\n", exc.code or 500))
        resp.mimetype = "text/plain"
        return resp

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("Content-Security-Policy", FILE_CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if request.endpoint != "replaywebpage":
            resp.headers["Cache-Control"] = "no-store"  # signed, short-lived: never kept by any cache
        resp.headers.pop("Set-Cookie", None)  # this origin never sets a cookie; make it impossible by mistake
        return resp

    return app
