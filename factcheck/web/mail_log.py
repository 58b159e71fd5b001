"""The admin's view of outgoing email: the latest messages, sent or failed, and why."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from factcheck import workflow
from factcheck.db import get_session
from factcheck.services import mail

bp = Blueprint("mail_log", __name__, url_prefix="/admin/email")


@bp.before_request
def _admins_only():
    workflow.require(current_user.role, "manage_users")


@bp.get("")
def index():
    from factcheck.services import settings as newsroom

    settings, session = current_app.extensions["factcheck.settings"], get_session()
    hour = newsroom.digest_hour(session, default=settings.mail.digest_hour) if settings.mail else None
    return render_template("admin/email.html", rows=mail.recent(session), mail=settings.mail, digest_hour=hour)
