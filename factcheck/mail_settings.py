"""The desk's outgoing mail: FACTCHECK_SMTP_URL and its companions, read once at start (fail fast).

    FACTCHECK_SMTP_URL   smtp://[user:password@]host[:port][?tls=starttls|none]   (STARTTLS by default, port 587)
                         smtps://[user:password@]host[:port]                      (TLS from the start, port 465)
                         with TLS, the server's certificate is checked against the system's CAs, and:
                           &cafile=/path/ca.pem   trust the CAs in this PEM file instead (a private CA)
                           &verify=no             check nothing (a test server only; never in production)
    FACTCHECK_SMTP_FROM  the From address, required with the URL
    FACTCHECK_DIGEST_HOUR  the hour (0-23, the newsroom's time zone) daily digests go out; 8 by default (the
                         admin's newsroom settings page can set another)

Without FACTCHECK_SMTP_URL the desk sends no mail at all (the embedded demo mode among others).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str             # "starttls", "tls" (implicit, smtps) or "none"
    username: str
    password: str
    from_address: str
    digest_hour: int = 8
    timeout: float = 20.0
    verify: bool = True       # check the server's certificate and name (TLS and STARTTLS)
    cafile: str = ""          # a PEM file of the CAs to trust instead of the system's

    def __repr__(self) -> str:    # never the password in a log line
        return f"MailSettings({self.security}://{self.username + '@' if self.username else ''}{self.host}:{self.port})"


def from_env(env: dict[str, str]) -> MailSettings | None:
    """The mail settings, or None when FACTCHECK_SMTP_URL is unset. Raises ValueError with the reason."""
    url = (env.get("FACTCHECK_SMTP_URL") or "").strip()
    hour_text = (env.get("FACTCHECK_DIGEST_HOUR") or "8").strip()
    if not hour_text.isdigit() or not 0 <= int(hour_text) <= 23:
        raise ValueError(f"FACTCHECK_DIGEST_HOUR must be an hour from 0 to 23, got {hour_text!r}.")
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError("FACTCHECK_SMTP_URL is not a valid smtp:// or smtps:// address.") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("FACTCHECK_SMTP_URL must look like smtp://user:password@mail.example.org:587 "
                         "(or smtps://… for TLS from the start).")
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - {"tls", "verify", "cafile"})
    if unknown:
        raise ValueError(f"FACTCHECK_SMTP_URL has unknown options {', '.join(unknown)}: use tls=, verify= or cafile=.")
    tls = (query.get("tls") or ["starttls"])[0].lower()
    verify_text = (query.get("verify") or ["yes"])[0].lower()
    if verify_text not in ("yes", "no", "true", "false", "1", "0"):
        raise ValueError(f"FACTCHECK_SMTP_URL's verify= must be yes or no, got {verify_text!r}.")
    cafile = (query.get("cafile") or [""])[0]
    if cafile and not os.path.isfile(cafile):
        raise ValueError(f"FACTCHECK_SMTP_URL's cafile= names no readable file: {cafile!r}.")
    if parts.scheme == "smtps":
        security = "tls"
    elif tls in ("starttls", "none"):
        security = tls
    else:
        raise ValueError(f"FACTCHECK_SMTP_URL's tls= must be starttls or none, got {tls!r}.")
    sender = (env.get("FACTCHECK_SMTP_FROM") or "").strip()
    if "@" not in parseaddr(sender)[1]:
        raise ValueError("FACTCHECK_SMTP_URL is set but FACTCHECK_SMTP_FROM is not an email address: give the "
                         "address the desk's mail comes from, e.g. 'Fact desk <desk@example.org>'.")
    default_port = {"tls": 465, "starttls": 587, "none": 25}[security]
    return MailSettings(host=parts.hostname, port=port or default_port, security=security,
                        username=unquote(parts.username or ""), password=unquote(parts.password or ""),
                        from_address=sender, digest_hour=int(hour_text),
                        verify=verify_text in ("yes", "true", "1"), cafile=cafile)
