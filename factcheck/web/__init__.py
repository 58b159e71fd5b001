"""The web app: extensions, blueprints, error pages, security headers."""
from __future__ import annotations

from flask import Flask, current_app, has_request_context, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager, current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from factcheck.config import Settings
from factcheck.db import get_session
from factcheck.http import csrf, login_exempt
from factcheck.models import User

login_manager = LoginManager()
bootstrap = Bootstrap5()

PUBLIC_ENDPOINTS = {"auth.login", "auth.reset_password", "static", "bootstrap.static", "wellknown.keys"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def settings() -> Settings:
    return current_app.extensions["factcheck.settings"]


def settings_of(app: Flask) -> Settings:
    return app.extensions["factcheck.settings"]


def _signed_in_without_loading() -> bool:
    """Does this request carry a signed-in session? Answered from the session and the remember cookie, so that
    a response for a static file (or any response while the database is away) never queries for the user."""
    from flask import g, session

    loaded = g.get("_login_user")
    if loaded is not None:
        return bool(loaded.is_authenticated)
    return bool(session.get("_user_id")) or bool(request.cookies.get(current_app.config.get(
        "REMEMBER_COOKIE_NAME", "remember_token")))


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """`user_id` is what User.get_id() stored, "id:generation"; a session from an older generation (signed
    out, password or role changed, deactivated, signed out everywhere) or without one no longer counts."""
    ident, _, epoch = str(user_id).partition(":")
    if not (ident.isdigit() and epoch.isdigit()) or int(ident) > 2_147_483_647 or len(epoch) > 12:
        return None
    user = get_session().get(User, int(ident))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when configured so, and whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def _secure_cookies_over_https(response):
    """Over HTTPS every cookie set here (Flask-Login's remember cookie among them) is marked Secure."""
    if not request.is_secure:
        return response
    cookies = response.headers.getlist("Set-Cookie")
    if any("; secure" not in c.lower() for c in cookies):
        response.headers.setlist("Set-Cookie", [c if "; secure" in c.lower() else c + "; Secure" for c in cookies])
    return response


def init_app(app: Flask) -> None:
    from factcheck.web import (admin, articles, ask, auth, claims, converters, desk, errors, evidence, exports,
                               filters, listed_sources, mail_log, notifications, replay, requests_inbox, review,
                               wacz, webhooks, wellknown)

    converters.init_app(app)  # before any blueprint: ids in URLs are bounded
    if settings_of(app).proxy_fix:  # only behind a proxy that sets these headers; otherwise anyone could
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    app.session_interface = _SessionInterface()
    # Registered before Flask-Login so it runs after Flask-Login's own after_request (they run in reverse).
    app.after_request(_secure_cookies_over_https)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    bootstrap.init_app(app)
    filters.init_app(app)
    errors.init_app(app)
    for module in (auth, articles, claims, review, desk, evidence, wacz, exports, admin, wellknown, listed_sources,
                   notifications, webhooks, mail_log, ask, requests_inbox):
        app.register_blueprint(module.bp)
    listed_sources.init_app(app)
    ask.init_app(app, settings_of(app))
    from factcheck.web import mail_links  # the links in emails: no sign-in, the signed token is the key
    mail_links.init_app(app)
    from factcheck.web import past_matches  # Checked before?: its page sections, actions and search
    app.register_blueprint(past_matches.bp)
    from factcheck.web import factchecks  # other organisations' fact-checks: the import page and the feeds
    app.register_blueprint(factchecks.bp)
    replay.init_app(app)
    csp = CSP + replay.frame_src(settings_of(app))  # the replay origin is the one frame a page may hold
    auth.init_throttle(app, settings_of(app))

    @app.before_request
    def _require_login():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if request.blueprint in login_exempt(app):  # the API: bearer tokens, never a redirect to /login
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    @app.after_request
    def _one_charset(response):
        """Werkzeug adds `; charset=utf-8` to a text type that already names one; a download says it once."""
        value = response.headers.get("Content-Type", "")
        if value.lower().count("charset=") > 1:
            head, *params = [p.strip() for p in value.split(";")]
            kept, seen = [], False
            for p in params:
                if p.lower().startswith("charset="):
                    if seen:
                        continue
                    seen = True
                kept.append(p)
            response.headers["Content-Type"] = "; ".join([head, *kept])
        return response

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if _signed_in_without_loading():
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/")
    def index():
        return redirect(url_for("desk.queue_page"))
