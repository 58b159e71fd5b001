"""The throttle on failed sign-ins, built so that an attacker slows only themselves.

Failures are counted per address, per (account, address) pair, and per account; each count is held
against FACTCHECK_LOGIN_LIMIT. The per-account count is what stops a guesser spread over many addresses,
so that it does not lock the account's owner out, it is not applied to a browser that has signed in to
that account before: a successful sign-in leaves a signed device cookie naming the account, and a
request carrying it is judged only by its own address and pair. Only failures count, so a colleague's
typos never lock anyone else out; past a limit every attempt that the limit covers, right or wrong, gets
the same 429 page at once, which says nothing about whether the account exists. The counts live in memory
(embedded mode) or in Redis (distributed mode, so every web process shares them).
"""
from __future__ import annotations

from flask import Flask, current_app, make_response, render_template, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from itsdangerous import BadSignature, URLSafeTimedSerializer

from factcheck.config import Settings

THROTTLED = "Too many sign-in attempts; wait a minute and try again."
DEVICE_COOKIE = "factcheck_device"
DEVICE_DAYS = 180
DEVICE_ACCOUNTS = 5  # accounts one browser remembers having signed in to


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="factcheck-device")


def _typed_account() -> str:
    return (request.form.get("username") or "").strip().lower()[:64]


def known_accounts() -> list[str]:
    """The accounts this browser has signed in to (from its signed device cookie; none if forged or old)."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 4096:
        return []
    try:
        names = _serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def remember_device(response, user):
    """Mark this browser as one that signed in to `user`'s account (kept for DEVICE_DAYS)."""
    name = user.username.lower()
    names = [name] + [n for n in known_accounts() if n != name]
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(names[:DEVICE_ACCOUNTS]), max_age=DEVICE_DAYS * 86400,
                        httponly=True, samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False)
                        or request.is_secure)
    return response


def _by_address() -> str:
    return "address:" + (request.remote_addr or "unknown")


def _by_pair() -> str:
    return "pair:" + _typed_account() + "|" + (request.remote_addr or "unknown")


def _by_account() -> str:
    return "account:" + _typed_account()


def _known_device() -> bool:
    account = _typed_account()
    return bool(account) and account in known_accounts()


def _failed(response) -> bool:
    return response.status_code == 401


def init_app(app: Flask, settings: Settings) -> None:
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
    view = limiter.limit(settings.login_limit, key_func=_by_account, methods=["POST"], deduct_when=_failed,
                         exempt_when=_known_device)(view)
    for key in (_by_pair, _by_address):
        view = limiter.limit(settings.login_limit, key_func=key, methods=["POST"], deduct_when=_failed)(view)
    app.view_functions["auth.login"] = view
    retry_after = str(max(item.get_expiry() for item in parse_many(settings.login_limit)))

    @app.errorhandler(RateLimitExceeded)
    def _too_many_attempts(exc: RateLimitExceeded):
        from factcheck.web.forms import LoginForm

        resp = make_response(render_template("auth/login.html", form=LoginForm(), notice=THROTTLED), 429)
        resp.headers["Retry-After"] = retry_after
        return resp
