"""The signed links in the desk's emails, which work without signing in.

- confirm: a reader confirms the address left with a request (expires after CONFIRM_DAYS);
- forget: a reader has that address erased (good for FORGET_DAYS, longer than any retention);
- unsubscribe: a desk user stops one kind of notification email (per user and kind; UNSUBSCRIBE_DAYS).

Each is an itsdangerous signature under the app's secret key with its own salt, so a link of one purpose never
passes for another. A reader's token names the request and a digest of the address it was made for: once the
address is changed or erased, the old link does nothing. An unsubscribe link carries the user and the kind in its
path as well as in the signed token, and the two must agree. `TokenProblem` says what is wrong in a person's words.
"""
from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from factcheck.errors import DomainError

CONFIRM_DAYS = 7
FORGET_DAYS = 400
UNSUBSCRIBE_DAYS = 400
DAY = 86400


class TokenProblem(DomainError):
    """A link that is forged, damaged, expired, or for something else (400; an expired one 410)."""

    code = "bad_link"

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired
        self.status = 410 if expired else 400


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    if not secret:
        raise ValueError("signing a link needs the app's secret key")
    return URLSafeTimedSerializer(secret, salt=f"factcheck-mail-{purpose}")


def address_digest(secret: str, email: str) -> str:
    """A short keyed digest of an address: the token names the address without carrying it."""
    return hmac.new(secret.encode(), (email or "").strip().lower().encode(), hashlib.sha256).hexdigest()[:24]


def _load(secret: str, purpose: str, token: str, days: int, what: str):
    try:
        return _serializer(secret, purpose).loads(token or "", max_age=days * DAY)
    except SignatureExpired:
        raise TokenProblem(f"This {what} link has expired.", expired=True) from None
    except BadSignature:
        raise TokenProblem(f"This {what} link is not valid: it may have been cut short or changed. Open the link "
                           "from the email again, or copy the whole address.") from None


# --- readers ---------------------------------------------------------------------------------------------------

def reader_token(secret: str, purpose: str, *, request_id: int, email: str) -> str:
    assert purpose in ("confirm", "forget")
    return _serializer(secret, purpose).dumps({"r": int(request_id), "e": address_digest(secret, email)})


def read_reader_token(secret: str, purpose: str, token: str) -> tuple[int, str]:
    """(request id, address digest) from a reader's link, or TokenProblem."""
    days, what = (CONFIRM_DAYS, "confirmation") if purpose == "confirm" else (FORGET_DAYS, "erasure")
    data = _load(secret, purpose, token, days, what)
    if not isinstance(data, dict) or not isinstance(data.get("r"), int) or not isinstance(data.get("e"), str):
        raise TokenProblem(f"This {what} link is not valid.")
    return data["r"], data["e"]


# --- desk users ------------------------------------------------------------------------------------------------

def unsubscribe_token(secret: str, *, user_id: int, kind: str) -> str:
    return _serializer(secret, "unsubscribe").dumps({"u": int(user_id), "k": kind})


def check_unsubscribe(secret: str, *, user_id: int, kind: str, token: str) -> None:
    """TokenProblem unless `token` was made for this user and this kind."""
    data = _load(secret, "unsubscribe", token, UNSUBSCRIBE_DAYS, "unsubscribe")
    if not isinstance(data, dict) or data.get("u") != user_id or data.get("k") != kind:
        raise TokenProblem("This unsubscribe link was made for another person or another kind of email: use the "
                           "link in the email itself, or choose on your notifications page after signing in.")
