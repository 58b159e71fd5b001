"""The links in the desk's emails, which work without signing in: a reader confirms or erases the address left
with a request; a desk user stops one kind of notification email.

The signed token in the link is what authorises each of them (services/mail_tokens), so these routes need no
sign-in and no CSRF token: a mail client's one-click unsubscribe (RFC 8058) POSTs `List-Unsubscribe=One-Click` to
the link itself, from no page of ours. Whatever changes something is a POST; opening an erase or unsubscribe link
(GET) only asks. Opening a confirmation link confirms: that is what the reader came to do, and it is undone by
the erase link in the same email.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from factcheck.db import get_session
from factcheck.http import csrf, exempt_from_login
from factcheck.models.notifications import KINDS
from factcheck.services import notifications, requester_contact
from factcheck.services.mail_tokens import TokenProblem

bp = Blueprint("mail_links", __name__)
MAX_TOKEN = 600


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _answer(title: str, message: str, status: int = 200, *, ok: bool = True):
    return render_template("mail_links/answer.html", title=title, message=message, ok=ok), status


def _bad(problem: TokenProblem, title: str):
    return _answer(title, problem.message, problem.status, ok=False)


def _token_too_long(token: str) -> TokenProblem | None:
    return TokenProblem("This link is not valid: it is far too long.") if len(token) > MAX_TOKEN else None


@bp.get("/ask/confirm/<token>")
def confirm(token: str):
    session = get_session()
    try:
        if problem := _token_too_long(token):
            raise problem
        requester_contact.confirm(session, token=token, secret=_secret())
    except TokenProblem as exc:
        session.rollback()
        return _bad(exc, "Confirming your email address")
    session.commit()
    return _answer("Your email address is confirmed",
                   "Thank you. We will email you when the claim you asked about is published. Every email from us "
                   "has a link to delete your address.")


@bp.route("/ask/forget/<token>", methods=["GET", "POST"])
@csrf.exempt
def forget(token: str):
    session = get_session()
    title = "Delete your email address"
    try:
        if problem := _token_too_long(token):
            raise problem
        if request.method == "GET":
            _, kept = requester_contact.check_forget(session, token=token, secret=_secret())
            if not kept:
                return _answer(title, "We no longer keep this email address with your request.")
            return render_template("mail_links/ask.html", title=title, action=url_for(".forget", token=token),
                                   question="Delete the email address you left with your request? We keep your "
                                            "request, but cannot tell you what became of it.",
                                   button="Delete my email address")
        erased = requester_contact.forget(session, token=token, secret=_secret())
    except TokenProblem as exc:
        session.rollback()
        return _bad(exc, title)
    session.commit()
    return _answer("Your email address is deleted" if erased else title,
                   "We have deleted your email address; your request stays with our editors." if erased
                   else "We no longer keep this email address with your request.")


@bp.route("/unsubscribe/<int:user_id>/<kind>/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(user_id: int, kind: str, token: str):
    session = get_session()
    what = "the daily digest" if kind == "digest" else f"“{KINDS.get(kind, kind)}” emails"
    title = "Stop an email"
    try:
        if problem := _token_too_long(token):
            raise problem
        if request.method == "GET":   # check the link before asking
            from factcheck.services import mail_tokens

            if kind not in KINDS and kind != "digest":
                raise TokenProblem("This unsubscribe link names no kind of email the desk sends.")
            mail_tokens.check_unsubscribe(_secret(), user_id=user_id, kind=kind, token=token)
            return render_template("mail_links/ask.html", title=f"Stop {what}",
                                   action=url_for(".unsubscribe", user_id=user_id, kind=kind, token=token),
                                   question=f"Stop sending you {what}? They still show in the desk's notifications; "
                                            "you can choose email again on your notifications page.",
                                   button=f"Stop {what}")
        user, changed = notifications.unsubscribe(session, user_id=user_id, kind=kind, token=token,
                                                  secret=_secret())
    except TokenProblem as exc:
        session.rollback()
        return _bad(exc, title)
    session.commit()
    current_app.logger.info("user #%s unsubscribed from %s emails by link", user.id, kind)
    if not changed:
        return _answer(f"You get no {what}", f"You were already not sent {what}. Nothing changed.")
    names = ", ".join(f"“{KINDS[k]}”" for k in changed)
    return _answer(f"You will get no more {what}",
                   f"Done: {names} now show{'s' if len(changed) == 1 else ''} in the desk's notifications only, "
                   "with no email. Change it back on your notifications page.")


def init_app(app) -> None:
    exempt_from_login(app, bp.name)
    app.register_blueprint(bp)
