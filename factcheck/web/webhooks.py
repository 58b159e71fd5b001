"""Admin pages for webhooks: register an endpoint, switch it off or on, send a test event, read its deliveries."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectMultipleField, StringField, SubmitField, widgets
from wtforms.validators import Length

from factcheck import workflow
from factcheck.db import get_session
from factcheck.errors import ValidationError
from factcheck.services import deliveries, webhooks

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


@bp.before_request
def _admins_only():
    workflow.require(current_user.role, "manage_users")


class WebhookForm(FlaskForm):
    url = StringField("Endpoint address", validators=[Length(max=webhooks.MAX_URL)],
                      description="https://… of the system to tell. It must be reachable from the internet: "
                                  "private and local addresses are refused.",
                      render_kw={"inputmode": "url", "autocomplete": "off"})
    secret = PasswordField("Secret", validators=[Length(max=128)],
                           description="Leave empty to have one made; it is shown once, after saving.",
                           render_kw={"autocomplete": "off"})
    events = SelectMultipleField("Events", choices=list(webhooks.EVENTS.items()),
                                 option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False))
    submit = SubmitField("Add webhook")


def _index(form: WebhookForm | None = None, status: int = 200, created=None):
    return render_template("admin/webhooks.html", rows=webhooks.listing(get_session()), form=form or WebhookForm(),
                           events=webhooks.EVENTS, created=created), status


@bp.get("")
def index():
    return _index()


@bp.post("")
def create():
    form = WebhookForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    session = get_session()
    try:
        hook = webhooks.create(session, url=form.url.data or "", events=form.events.data or [],
                               secret=form.secret.data or "", actor=current_user._get_current_object(),
                               policy=current_app.extensions["factcheck.settings"].fetch_policy)
    except ValidationError as exc:
        session.rollback()
        for name, message in exc.fields.items():
            getattr(form, name, form.url).errors.append(message)
        return _index(form, 422)
    session.commit()
    return _index(created=hook)   # the secret is shown on this answer only


@bp.get("/<int:webhook_id>")
def detail(webhook_id: int):
    session = get_session()
    hook = webhooks.get(session, webhook_id=webhook_id)
    return render_template("admin/webhook.html", hook=hook, rows=webhooks.deliveries(session, webhook_id=hook.id),
                           events=webhooks.EVENTS, header=deliveries.SIGNATURE_HEADER)


@bp.post("/<int:webhook_id>/test")
def send_test(webhook_id: int):
    session = get_session()
    row = webhooks.send_test(session, webhook_id=webhook_id, actor=current_user._get_current_object())
    session.commit()
    flash(f"Test event queued as delivery #{row.id}; its outcome appears below.", "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id))


@bp.post("/<int:webhook_id>/active")
def set_active(webhook_id: int):
    session = get_session()
    hook = webhooks.set_active(session, webhook_id=webhook_id, active=request.form.get("active") == "1",
                               actor=current_user._get_current_object())
    session.commit()
    flash(f"Webhook #{hook.id} is {'on' if hook.active else 'off'}.", "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id))
