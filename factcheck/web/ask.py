"""The public page: "Ask us to check a claim" or "Report an error in our fact-check", without signing in.

Protection without third parties: CSRF (Flask-WTF), a size cap on the request, a honeypot field people never see,
a minimum time between the page being served and sent (a signed token), and a rate limit per address
(FACTCHECK_REQUEST_LIMIT, held in Redis when there is one, so every web process counts together). A request
caught by the honeypot or sent too fast is thanked and dropped, so a bot learns nothing.
"""
from __future__ import annotations

import logging
import time

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import EmailField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from factcheck.db import get_session
from factcheck.errors import ValidationError
from factcheck.http import exempt_from_login
from factcheck.models.requests import REQUEST_KINDS
from factcheck.services import public_requests

log = logging.getLogger(__name__)
bp = Blueprint("ask", __name__)
MAX_BODY = 16 * 1024          # bytes a request to this page may carry
MIN_FILL_SECONDS = 3.0        # a person takes longer than this to fill the form in
MAX_FORM_AGE = 86400


class AskForm(FlaskForm):
    kind = RadioField("What are you asking?", choices=list(REQUEST_KINDS.items()), default="check")
    claim_text = TextAreaField("The claim", validators=[Length(max=public_requests.MAX_CLAIM)],
                               description="In the words it was made, if you can.", render_kw={"rows": 4})
    link = StringField("Where it was made (a link)", validators=[Length(max=public_requests.MAX_LINK)],
                       render_kw={"inputmode": "url"}, description="Optional. We do not open it until an editor "
                                                                    "takes your request.")
    why = TextAreaField("Why it matters", validators=[Length(max=public_requests.MAX_WHY)], render_kw={"rows": 3})
    email = EmailField("Your email (optional)", validators=[Length(max=254)], render_kw={"autocomplete": "email"},
                       description="We send you a link to confirm it, then tell you when we publish our "
                                   "fact-check. Only our editors see it; every email has a link to delete it.")
    website = StringField("Leave this empty", render_kw={"autocomplete": "off", "tabindex": "-1"})  # the honeypot
    started = HiddenField()
    submit = SubmitField("Send")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="factcheck-ask")


def fill_token(started: float | None = None) -> str:
    """The signed time the form was served at."""
    return _serializer().dumps(time.time() if started is None else started)


def _filled_by_a_person(form: AskForm) -> bool:
    if form.website.data:
        return False
    try:
        started = float(_serializer().loads(form.started.data or "", max_age=MAX_FORM_AGE))
    except (BadSignature, TypeError, ValueError):
        return False
    return time.time() - started >= MIN_FILL_SECONDS


def _limited() -> int | None:
    """Seconds to wait when this address has sent too many requests, else None (and the request counts)."""
    limiter = current_app.extensions.get("factcheck.ask_limiter")
    if limiter is None:
        return None
    strategy, items = limiter
    key = request.remote_addr or "unknown"
    for item in items:
        if not strategy.hit(item, "factcheck-ask", key):
            return item.get_expiry()
    return None


def _page(form: AskForm, status: int = 200):
    form.started.data = fill_token()
    return render_template("ask/index.html", form=form), status


@bp.route("/ask", methods=["GET", "POST"])
def index():
    if request.method == "GET":   # ?kind=error: the link from a published report's footer
        kind = request.args.get("kind") if request.args.get("kind") in REQUEST_KINDS else "check"
        return _page(AskForm(formdata=None, data={"kind": kind}))
    if (request.content_length or 0) > MAX_BODY:
        return make_response(render_template("ask/index.html", form=None, too_big=True), 413)
    request.max_content_length = MAX_BODY
    wait = _limited()
    if wait is not None:
        response = make_response(render_template("ask/index.html", form=None, wait=wait), 429)
        response.headers["Retry-After"] = str(wait)
        return response
    form = AskForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    if not _filled_by_a_person(form):
        log.info("a public request was dropped (honeypot or sent too fast)")
        return _thanks()
    session = get_session()
    try:
        public_requests.submit(session, kind=form.kind.data, claim_text=form.claim_text.data or "",
                               link=form.link.data or "", why=form.why.data or "", email=form.email.data or "")
    except ValidationError as exc:
        session.rollback()
        for name, message in exc.fields.items():
            getattr(form, name, form.claim_text).errors.append(message)
        return _page(form, 422)
    session.commit()
    return _thanks()


def _thanks():
    flash("Thank you: your request has reached our editors.", "success")
    return redirect(url_for("ask.index"))


def init_app(app, settings) -> None:
    exempt_from_login(app, bp.name)
    if settings.request_limit is None:
        return
    from limits import parse_many
    from limits.storage import storage_from_string
    from limits.strategies import MovingWindowRateLimiter

    storage = storage_from_string(settings.redis_url or "memory://")
    app.extensions["factcheck.ask_limiter"] = (MovingWindowRateLimiter(storage), parse_many(settings.request_limit))
