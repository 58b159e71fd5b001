"""Signing in and out, and the throttle on failed sign-ins.

Failed sign-ins are counted twice, per account (the name typed, whether or not it exists) and
per address, each against FACTCHECK_LOGIN_LIMIT. Only failures count, so a colleague's typos
never lock anyone else out; past the limit every attempt for that account or from that address,
right or wrong, gets the same 429 page at once, so neither the page nor its timing says whether
the account exists. The limits live in memory (embedded mode) or in Redis (distributed mode, so
every web process shares them).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, make_response, redirect, render_template, request, url_for
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user

from factcheck.config import Settings
from factcheck.db import get_session
from factcheck.services import users
from factcheck.web.forms import LoginForm

bp = Blueprint("auth", __name__)

THROTTLED = "Too many sign-in attempts; wait a minute and try again."
FAILED = "Wrong username or password, or the account is deactivated."


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc \
            and "\\" not in target:
        return target
    return url_for("desk.queue_page")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("desk.queue_page"))
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        user = users.authenticate(session, username=form.username.data, password=form.password.data)
        session.commit()
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(FAILED)
        return render_template("auth/login.html", form=form), 401  # 401 is what the throttle counts
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


# ---------------------------------------------------------------------------------------------- throttle


def _by_address() -> str:
    return "address:" + (request.remote_addr or "unknown")


def _by_account() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()[:64]


def _failed(response) -> bool:
    return response.status_code == 401


def init_throttle(app: Flask, settings: Settings) -> None:
    """Wrap this app's login view in its own limiter (one per app: its storage is the app's, not a global)."""
    if settings.login_limit is None:
        return
    from limits import parse_many

    limiter = Limiter(_by_address, default_limits=[], application_limits=[], strategy="moving-window",
                      storage_uri=settings.redis_url or "memory://", key_prefix="factcheck-login",
                      in_memory_fallback_enabled=bool(settings.redis_url), headers_enabled=False)
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    app.extensions["factcheck.login_limiter"] = limiter
    view = app.view_functions["auth.login"]
    for key in (_by_account, _by_address):
        view = limiter.limit(settings.login_limit, key_func=key, methods=["POST"], deduct_when=_failed)(view)
    app.view_functions["auth.login"] = view
    retry_after = str(max(item.get_expiry() for item in parse_many(settings.login_limit)))

    @app.errorhandler(RateLimitExceeded)
    def _too_many_attempts(exc: RateLimitExceeded):
        resp = make_response(render_template("auth/login.html", form=LoginForm(), notice=THROTTLED), 429)
        resp.headers["Retry-After"] = retry_after
        return resp
