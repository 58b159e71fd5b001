"""Signing in and out, one's own password, and redeeming a reset link.

Sessions are revocable: each stores the account's session generation (User.get_id), and signing out,
changing the password or role, deactivation and an admin's "sign out everywhere" raise it, which ends
every session and remember cookie of that account at its next request. The throttle on failed sign-ins
is in factcheck.web.throttle.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from factcheck.db import get_session
from factcheck.errors import ValidationError
from factcheck.services import passwords, users
from factcheck.web import throttle
from factcheck.web.account_forms import PasswordChangeForm, ResetPasswordForm
from factcheck.web.forms import LoginForm

bp = Blueprint("auth", __name__)

FAILED = "Wrong username or password, or the account is deactivated."
THROTTLED = throttle.THROTTLED


def header_safe(target: str) -> bool:
    """No control characters (CR and LF above all) and nothing but printable ASCII: a value that can go
    into a Location header as it is."""
    return all(0x20 < ord(c) < 0x7f for c in target)


def safe_local_target(target: str | None) -> str | None:
    """`target` when it is a path on this site that can be redirected to; otherwise None."""
    if not target or len(target) > 2048 or not header_safe(target):
        return None
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        try:
            if not urlsplit(target).netloc:
                return target
        except ValueError:
            return None
    return None


def _safe_next(target: str | None) -> str:
    return safe_local_target(target) or url_for("desk.queue_page")


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
            return throttle.remember_device(redirect(_safe_next(request.args.get("next"))), user)
        form.password.errors.append(FAILED)
        return render_template("auth/login.html", form=form), 401  # 401 is what the throttle counts
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Ends this session for good: a copy of its cookie is worth nothing afterwards (nor are the account's
    other sessions: one generation per account)."""
    session = get_session()
    users.sign_out_everywhere(session, user=current_user._get_current_object())
    session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        session = get_session()
        user = current_user._get_current_object()
        try:
            passwords.change_password(session, user=user, current=form.current.data, new=form.new.data)
        except ValidationError as exc:
            session.rollback()
            for name, message in exc.fields.items():
                getattr(form, name, form.new).errors.append(message)
            return render_template("auth/password.html", form=form), 422
        session.commit()
        login_user(user)  # this session carries on under the new generation; every other one has ended
        flash("Your password is changed. Every other session of your account has been signed out.", "success")
        return redirect(url_for("auth.change_password"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status


@bp.route("/reset/<string(maxlength=200):token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The page an admin's one-time link opens: choose a new password, then sign in with it."""
    session = get_session()
    user = passwords.user_for_reset(session, raw=token)
    if user is None:
        return render_template("auth/reset.html", form=None, problem=passwords.EXPIRED_LINK), 410
    if current_user.is_authenticated and current_user.id != user.id:
        logout_user()  # someone else's browser: the link is about its own account only
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.redeem_reset_link(session, raw=token, password=form.password.data)
        except ValidationError as exc:
            session.rollback()
            form.password.errors.append(exc.fields.get("password", exc.message))
            return render_template("auth/reset.html", form=form, user=user), 422
        session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash("Your password is set. Sign in with it now.", "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset.html", form=form, user=user), status


def init_throttle(app, settings) -> None:
    throttle.init_app(app, settings)


