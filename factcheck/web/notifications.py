"""The bell and the notifications page, and each person's choice of how to hear about each kind."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from wtforms import EmailField, RadioField, SubmitField
from wtforms.validators import Length

from factcheck.db import get_session
from factcheck.errors import ValidationError
from factcheck.services import notifications

bp = Blueprint("notifications", __name__)
PAGE = 50


def unread_notifications() -> int | None:
    """The signed-in person's unread count for the bell, once per request (None while the database is away)."""
    if not current_user.is_authenticated:
        return None
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = notifications.unread_count(get_session(), user_id=current_user.id)
        except SQLAlchemyError:
            return None
    return g.unread_notifications


@bp.app_context_processor
def _bell():
    return {"unread_notifications": unread_notifications}


class MarkForm(FlaskForm):
    submit = SubmitField("Mark read")


def preferences_form(current: dict[str, str], address: str, formdata=None) -> FlaskForm:
    """Where email goes, and one radio group per kind of notification."""
    class PreferencesForm(FlaskForm):
        email = EmailField("Your email address", default=address, validators=[Length(max=254)],
                           description="Where “by email” and the daily digest go. Empty: no email.",
                           render_kw={"autocomplete": "email"})
        submit = SubmitField("Save")

    for kind, label in notifications.KINDS.items():
        setattr(PreferencesForm, kind, RadioField(label, choices=list(notifications.CHANNELS.items()),
                                                  default=current.get(kind, notifications.DEFAULT_CHANNEL)))
    return PreferencesForm() if formdata is None else PreferencesForm(formdata=formdata)


@bp.get("/notifications")
def index():
    session = get_session()
    unread_only = request.args.get("show") == "unread"
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    found = notifications.page_for(session, user_id=current_user.id, unread_only=unread_only, limit=PAGE,
                                   offset=(page - 1) * PAGE)
    return render_template("notifications/index.html", rows=found.rows, more=found.more, page=page,
                           unread_only=unread_only, kinds=notifications.KINDS, unread=found.unread)


def _back():
    return redirect(url_for("notifications.index", show=request.form.get("show") or None))


@bp.post("/notifications/<int:notification_id>/read")
def mark_read(notification_id: int):
    session = get_session()
    notifications.mark_read(session, user=current_user._get_current_object(), notification_id=notification_id)
    session.commit()
    return _back()


@bp.post("/notifications/read-all")
def mark_all_read():
    session = get_session()
    n = notifications.mark_all_read(session, user=current_user._get_current_object())
    session.commit()
    flash(f"{n} notification{'s' if n != 1 else ''} marked read." if n else "Nothing was unread.", "success")
    return _back()


def _preferences_page(form, status: int = 200):
    mail_on = current_app.extensions["factcheck.settings"].mail is not None
    return render_template("notifications/preferences.html", form=form, mail_on=mail_on,
                           channels=list(notifications.CHANNELS.items())), status


@bp.route("/account/notifications", methods=["GET", "POST"])
def preferences():
    session = get_session()
    user = current_user._get_current_object()
    form = preferences_form(notifications.preferences(session, user=user), user.email or "",
                            formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        if not form.validate():
            return _preferences_page(form, 422)
        try:
            notifications.save_choices(session, user=user, email=form.email.data or "",
                                       choices={k: getattr(form, k).data for k in notifications.KINDS})
        except ValidationError as exc:
            session.rollback()
            for name, message in exc.fields.items():
                getattr(form, name, form.email).errors.append(message)
            return _preferences_page(form, 422)
        session.commit()
        flash("Your notification choices are saved.", "success")
        return redirect(url_for("notifications.preferences"))
    return _preferences_page(form)
