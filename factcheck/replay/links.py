"""Short-lived signed links to a capture's replay on the replay origin.

The replay origin has no sign-in: a link is the permission. The claim page (for someone signed in) makes one with
an HMAC of the capture id and an expiry, keyed from the desk's secret key; the replay origin checks it in constant
time. A link for one capture says nothing about another, and after `LINK_MINUTES` (at most five more, so that a
page reloaded within five minutes gets the same link and the browser's replay cache keeps working) it is refused.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time

LINK_MINUTES = 15
_ROUND = 300          # expiries are rounded up to five minutes, so reloads within that window share one link
_PURPOSE = b"factcheck replay link v1"


def _key(secret: str) -> bytes:
    """A key for replay links alone, derived from the desk's secret (never the session's key itself)."""
    return hmac.new(secret.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()


def signature(secret: str, capture_id: int, expires: int) -> str:
    mac = hmac.new(_key(secret), f"capture:{int(capture_id)}:expires:{int(expires)}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")


def expiry(now: float | None = None) -> int:
    """When a link made now expires: LINK_MINUTES from now, rounded up to the next five minutes (Unix seconds)."""
    now = time.time() if now is None else now
    return int(-(-(now + LINK_MINUTES * 60) // _ROUND) * _ROUND)


def valid(secret: str, capture_id: int, expires: int, given: str, now: float | None = None) -> bool:
    """Is `given` our signature for this capture and expiry, and has the link not expired?"""
    now = time.time() if now is None else now
    if expires < now or expires > now + LINK_MINUTES * 60 + _ROUND:
        return False
    return hmac.compare_digest(signature(secret, capture_id, expires).encode(), (given or "").encode())


def page_path(secret: str, capture_id: int, now: float | None = None) -> str:
    """The path of the replay page for a capture on the replay origin; its WACZ is `capture.wacz` beside it."""
    expires = expiry(now)
    return f"/c/{int(capture_id)}/{expires}/{signature(secret, capture_id, expires)}/"


def replay_url(settings, capture_id: int, now: float | None = None) -> str | None:
    """The absolute replay link for a capture, or None when no replay origin is configured."""
    if not settings.replay_origin:
        return None
    return settings.replay_origin + page_path(settings.secret_key, capture_id, now)
