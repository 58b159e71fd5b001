"""Admin pages: users and roles, and the newsroom's settings."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from factcheck import clock, workflow
from factcheck.db import get_session
from factcheck.errors import ValidationError
from factcheck.http import absolute_url
from factcheck.services import settings as newsroom
from factcheck.services import passwords, tokens, users
from factcheck.web.account_forms import ConfirmForm, TokenCreateForm
from factcheck.web.forms import SettingsForm, UserActiveForm, UserCreateForm, UserRoleForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only():
    workflow.require(current_user.role, "manage_users")


def _users_page(create: UserCreateForm | None = None, status: int = 200):
    session = get_session()
    people = users.list_users(session)
    return render_template("admin/users.html", people=people, create=create or UserCreateForm(),
                           role_forms={u.id: UserRoleForm(formdata=None, data={"role": u.role}) for u in people},
                           active_form=UserActiveForm(formdata=None)), status


def _apply(session, change, done: str) -> None:
    try:
        change()
    except ValidationError as exc:
        session.rollback()
        flash(exc.message, "danger")
        return
    session.commit()
    flash(done, "success")


@bp.get("/users")
def user_list():
    return _users_page()


@bp.post("/users")
def user_create():
    form = UserCreateForm()
    if not form.validate_on_submit():
        return _users_page(form, 422)
    session = get_session()
    try:
        user, password = users.create_user(session, username=form.username.data, role=form.role.data,
                                           password=form.password.data or None,
                                           display_name=form.display_name.data or "")
    except ValidationError as exc:
        session.rollback()
        for name, message in exc.fields.items():
            getattr(form, name, form.username).errors.append(message)
        return _users_page(form, 422)
    session.commit()
    if form.password.data:
        flash(f"User {user.username} created as {user.role}.", "success")
    else:
        flash(f"User {user.username} created as {user.role}. Their password, shown only this once: {password}",
              "success")
    return redirect(url_for("admin.user_list"))


@bp.post("/users/<int:user_id>/role")
def user_role(user_id: int):
    form = UserRoleForm()
    session = get_session()
    user = users.get_user(session, user_id=user_id)
    if form.validate_on_submit():
        _apply(session, lambda: users.set_role(session, user=user, role=form.role.data, actor=current_user),
               f"{user.username} is now {form.role.data}.")
    return redirect(url_for("admin.user_list"))


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int):
    form = UserActiveForm()
    session = get_session()
    user = users.get_user(session, user_id=user_id)
    if form.validate_on_submit():
        active = form.active.data == "1"
        _apply(session, lambda: users.set_active(session, user=user, active=active, actor=current_user),
               f"{user.username} is active again and must sign in anew; issue new API tokens if needed."
               if active else f"{user.username} is deactivated: signed out everywhere, API tokens revoked.")
    return redirect(url_for("admin.user_list"))


@bp.post("/users/<int:user_id>/sign-out")
def user_sign_out(user_id: int):
    session = get_session()
    user = users.get_user(session, user_id=user_id)
    if ConfirmForm().validate_on_submit():
        _apply(session, lambda: users.sign_out_everywhere(session, user=user),
               f"{user.username} is signed out of every browser and device; their API tokens still work.")
    return redirect(url_for("admin.user_list"))


@bp.post("/users/<int:user_id>/reset-link")
def user_reset_link(user_id: int):
    """Issue a one-time reset link and show it on this answer only (never stored in a cookie or a log)."""
    session = get_session()
    user = users.get_user(session, user_id=user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.user_list"))
    try:
        raw, expires = passwords.issue_reset_link_token(session, user=user)
    except ValidationError as exc:
        session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("admin.user_list"))
    session.commit()
    link = absolute_url("auth.reset_password", token=raw)  # the configured address, never the Host header
    resp = make_response(render_template("admin/reset_link.html", person=user, link=link, expires=expires))
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.post("/users/<int:user_id>/tokens/revoke")
def user_tokens_revoke(user_id: int):
    session = get_session()
    user = users.get_user(session, user_id=user_id)
    if ConfirmForm().validate_on_submit():
        count = tokens.revoke_all(session, user=user)
        session.commit()
        flash(f"{count} API token{'s' if count != 1 else ''} of {user.username} revoked.", "success")
    return redirect(url_for("admin.token_list"))


def _tokens_page(form: TokenCreateForm | None = None, status: int = 200):
    session = get_session()
    form = form or TokenCreateForm(formdata=None)
    form.user.choices = [(str(u.id), f"{u.username} ({u.role})") for u in users.list_users(session) if u.active]
    return render_template("admin/tokens.html", form=form, rows=tokens.list_tokens(session), usable=tokens.usable,
                           people=[u for u in users.list_users(session) if u.active]), status


@bp.get("/tokens")
def token_list():
    return _tokens_page()


@bp.post("/tokens")
def token_create():
    form = TokenCreateForm()
    session = get_session()
    if not form.validate_on_submit():
        return _tokens_page(form, 422)
    try:
        user = users.get_user(session, user_id=int(form.user.data or 0))
        token, raw = tokens.create_token(session, user=user, name=form.name.data or "",
                                         expires_in_days=form.expires_in_days.data or None)
    except (ValueError, ValidationError) as exc:
        session.rollback()
        form.user.errors.append(getattr(exc, "message", "Choose a user."))
        return _tokens_page(form, 422)
    session.commit()
    flash(f"Token #{token.id} for {user.username}, shown only this once: {raw}", "success")
    return redirect(url_for("admin.token_list"))


@bp.post("/tokens/<int:token_id>/revoke")
def token_revoke(token_id: int):
    session = get_session()
    token = tokens.revoke(session, token_id=token_id)
    session.commit()
    flash(f"Token #{token.id} is revoked; requests using it now get 401.", "success")
    return redirect(url_for("admin.token_list"))


@bp.route("/settings", methods=["GET", "POST"])
def newsroom_settings():
    session = get_session()
    rules, pub = newsroom.signoff_rules(session), newsroom.publication(session)
    env_mail = current_app.extensions["factcheck.settings"].mail
    default_hour = env_mail.digest_hour if env_mail is not None else 8
    form = SettingsForm(data={"threshold": newsroom.checkworthy_threshold(session), **rules,
                              "org_name": pub["name"], "org_url": pub["url"], "review_url": pub["review_url"],
                              "time_zone": pub["time_zone"],
                              "digest_hour": newsroom.digest_hour(session, default=default_hour),
                              "retention_days": newsroom.requester_retention_days(session)})
    form.time_zone.choices = list(clock.zone_names())
    if form.validate_on_submit():
        try:
            newsroom.set_checkworthy_threshold(session, value=float(form.threshold.data), actor=current_user)
            newsroom.set_signoff_rules(session, min_sources=form.min_sources.data, four_eyes=form.four_eyes.data,
                                       require_archived=form.require_archived.data, actor=current_user)
            newsroom.set_publication(session, name=form.org_name.data, url=form.org_url.data,
                                     review_url=form.review_url.data, actor=current_user)
            if form.time_zone.data:  # left out of the form: the zone stays as it is
                newsroom.set_time_zone(session, name=form.time_zone.data, actor=current_user)
            newsroom.set_digest_hour(session, hour=form.digest_hour.data, actor=current_user)
            if form.retention_days.data is not None:  # left out: the retention stays as it is
                newsroom.set_requester_retention_days(session, days=form.retention_days.data, actor=current_user)
        except ValidationError as exc:
            session.rollback()
            for name, message in exc.fields.items():
                getattr(form, {"name": "org_name", "url": "org_url"}.get(name, name), form.org_name).errors.append(message)
            return render_template("admin/settings.html", form=form, scale=newsroom.rating_scale(session)), 422
        session.commit()
        flash("Settings saved. The threshold applies to articles brought in from now on.", "success")
        return redirect(url_for("admin.newsroom_settings"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/settings.html", form=form, scale=newsroom.rating_scale(session)), status
