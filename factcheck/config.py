"""Typed settings read from FACTCHECK_* environment variables.

Settings are read when the app is created, never at import time, and a bad value stops the
app with a message that names the variable.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

DEV_SECRET_KEY = "dev-only-not-secret"


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


def _int(env: dict[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be {'positive' if minimum == 1 else f'at least {minimum}'}, got {value}.")
    return value


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}.")


def _login_limit(env: dict[str, str]) -> str | None:
    """FACTCHECK_LOGIN_LIMIT: failed sign-ins allowed per account and per address, e.g. "10 per minute"; off = none."""
    raw = (env.get("FACTCHECK_LOGIN_LIMIT") or "10 per minute").strip()
    if raw.lower() in {"off", "0", "false", "no", "none"}:
        return None
    from limits import parse_many

    try:
        parse_many(raw)
    except ValueError:
        raise ConfigError(f"FACTCHECK_LOGIN_LIMIT must be a rate such as '10 per minute' or '20/hour', or 'off'; "
                          f"got {raw!r}.") from None
    return raw


BASE_URL_DEFAULT = "http://127.0.0.1:5000"


def _base_url(env: dict[str, str]) -> str:
    """FACTCHECK_BASE_URL (alias FACTCHECK_PUBLIC_URL): the address readers and API clients reach the desk at.

    Every absolute link the desk hands out starts with it; the request's Host header, which a client
    chooses, is never used."""
    given = {name: env[name].strip().rstrip("/") for name in ("FACTCHECK_BASE_URL", "FACTCHECK_PUBLIC_URL")
             if (env.get(name) or "").strip()}
    if len(set(given.values())) > 1:
        raise ConfigError("FACTCHECK_BASE_URL and FACTCHECK_PUBLIC_URL (its older name) are both set and differ; "
                          "set FACTCHECK_BASE_URL only.")
    name, raw = next(iter(given.items()), ("FACTCHECK_BASE_URL", BASE_URL_DEFAULT))
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or "@" in parts.netloc:
        raise ConfigError(f"{name} must be the desk's address, such as https://desk.example.org (http or https, "
                          f"no user, query or fragment), got {raw!r}.")
    return raw


def _tsa(env: dict[str, str]) -> tuple[str | None, bytes | None]:
    """FACTCHECK_TSA_URL and FACTCHECK_TSA_CERTS: the RFC 3161 time-stamping authority to ask for tokens, and the
    PEM file of the certificates its tokens must chain to (its root, and any intermediates)."""
    url = (env.get("FACTCHECK_TSA_URL") or "").strip()
    if not url:
        return None, None
    from urllib.parse import urlsplit

    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise ConfigError(f"FACTCHECK_TSA_URL must be the http(s) address of an RFC 3161 time-stamping authority, "
                          f"got {url!r}.")
    certs = (env.get("FACTCHECK_TSA_CERTS") or "").strip()
    if not certs:
        raise ConfigError("FACTCHECK_TSA_URL is set but FACTCHECK_TSA_CERTS is not: give the PEM file of the "
                          "authority's certificates (its root CA and any intermediates), as the authority publishes "
                          "them, so its tokens can be checked here and by readers.")
    try:
        pem = Path(certs).read_bytes()
        from factcheck.archive.tsa import read_certificates

        if not any(c.issuer == c.subject for c in read_certificates(pem)):
            raise ValueError("it holds no root (self-signed) certificate")
    except (OSError, ValueError) as exc:
        raise ConfigError(f"FACTCHECK_TSA_CERTS ({certs}) cannot be used: {exc}.") from None
    return url, pem


def _limit(env: dict[str, str], name: str, default: str) -> str | None:
    """A rate such as "5 per minute" (several separated by ";"), or None for `off`."""
    value = (env.get(name) or default).strip()
    if value.lower() == "off":
        return None
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(f"{name} must be a rate such as '5 per minute' (or 'off'), got {value!r}.") from None
    return value


def _mail(env: dict[str, str]):
    from factcheck import mail_settings

    try:
        return mail_settings.from_env(env)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _replay_origin(env: dict[str, str], base_url: str) -> str | None:
    """FACTCHECK_REPLAY_ORIGIN: where archived pages are replayed (ReplayWeb.page), an origin of its own such as
    https://replay.desk.example.org or, on one machine, http://replay.desk.localhost:5001. Unset: no replay.

    Its host must differ from the desk's: browsers keep cookies by host, not by port, so a replay on another port
    of the desk's own host would see (and send) the desk's cookies."""
    raw = (env.get("FACTCHECK_REPLAY_ORIGIN") or "").strip().rstrip("/")
    if not raw:
        return None
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.path \
            or parts.query or parts.fragment or "@" in parts.netloc:
        raise ConfigError(f"FACTCHECK_REPLAY_ORIGIN must be an origin alone, such as https://replay.example.org or "
                          f"http://localhost:5001 (http or https, no path, user, query or fragment), got {raw!r}.")
    if parts.hostname == urlsplit(base_url).hostname:
        raise ConfigError(f"FACTCHECK_REPLAY_ORIGIN ({raw}) has the desk's own host name "
                          f"({parts.hostname}); browsers share cookies between the ports of one host, so archived "
                          f"pages would see the desk's. Use another name, best a subdomain of the desk's (browsers "
                          f"let a frame from the desk's own site run ReplayWeb.page's service worker): "
                          f"https://replay.desk.example.org for https://desk.example.org, or "
                          f"http://replay.desk.localhost:{port or 5001} for http://desk.localhost:5000 on one machine.")
    return f"{parts.scheme}://{parts.netloc.lower()}"


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    archive_dir: Path
    max_upload_bytes: int
    max_body_chars: int
    dev_mode: bool
    secure_cookies: bool
    fetch_policy: object                  # factcheck.archive.fetcher.FetchPolicy
    chromium: str | None                  # Chromium for screenshots of captures; None = no screenshots
    job_heartbeat: float                  # seconds between a running job's heartbeats; 0 = no heartbeats
    job_stuck_after: timedelta            # a job `running` without a heartbeat this long lost its worker
    job_queued_after: timedelta           # a job `queued` this long lost its message
    capture_time_limit: float             # seconds a capture may take before its worker stops it (Celery)
    export_time_limit: float              # seconds a background export may take before its worker stops it
    recheck_after: timedelta              # re-fetch archived sources this often
    sweep_every: float                    # seconds between sweeps in embedded mode
    run_jobs: bool                        # False: this process only records jobs (another process runs them)
    public_url: str                       # FACTCHECK_BASE_URL: this desk's own address, for every absolute link
    fetch_per_host: int                   # politeness: concurrent fetches per host
    fetch_host_delay: float               # politeness: seconds between fetch starts on one host
    login_limit: str | None = "10 per minute"  # failed sign-ins per account and per address; None = no throttle
    proxy_fix: bool = False               # trust one proxy's X-Forwarded-Proto and X-Forwarded-For
    max_unpacked_bytes: int = 32 * 1024 * 1024  # a .docx (any container) may unpack to at most this much
    max_sentences: int = 20_000           # sentences in one article body; far above any real article
    tsa_url: str | None = None            # RFC 3161 time-stamping authority; None = evidence is not timestamped
    tsa_certificates: bytes | None = None  # PEM: the certificates its tokens must chain to
    replay_origin: str | None = None      # FACTCHECK_REPLAY_ORIGIN: archived pages replay there; None = no replay
    mail: object = None                   # mail_settings.MailSettings (FACTCHECK_SMTP_URL); None = no mail
    request_limit: str | None = "5 per minute"  # public requests per address; None = no limit

    @property
    def base_url(self) -> str:
        """The desk's configured address (FACTCHECK_BASE_URL), without a trailing slash."""
        return self.public_url

    @property
    def signing_dir(self) -> Path:
        """The newsroom's signing key and its public keys (factcheck.exports.signing)."""
        return self.instance_dir / "signing"

    @property
    def embedded(self) -> bool:
        """Embedded mode: no Redis, jobs run on a thread inside the web process."""
        return not self.redis_url

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, instance_dir: Path | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        instance = Path(env.get("FACTCHECK_INSTANCE_DIR") or instance_dir or Path.cwd() / "instance")
        dev_mode = _bool(env, "FACTCHECK_DEV", False)
        secret = env.get("FACTCHECK_SECRET_KEY", "")
        if not secret or secret == DEV_SECRET_KEY:
            if not dev_mode:
                raise ConfigError(
                    "FACTCHECK_SECRET_KEY is not set (or is the development default). "
                    "Set it to a long random string, e.g. "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, "
                    "or set FACTCHECK_DEV=1 to run the demo/development mode."
                )
            secret = DEV_SECRET_KEY
        db_url = env.get("FACTCHECK_DATABASE_URL") or f"sqlite:///{instance / 'factcheck.sqlite3'}"
        if db_url.startswith("postgres://"):
            db_url = "postgresql+psycopg://" + db_url[len("postgres://"):]
        elif db_url.startswith("postgresql://"):
            db_url = "postgresql+psycopg://" + db_url[len("postgresql://"):]
        if not (db_url.startswith("sqlite") or db_url.startswith("postgresql")):
            raise ConfigError(f"FACTCHECK_DATABASE_URL must be a sqlite:/// or postgresql:// URL, got {db_url!r}.")
        from factcheck.archive.fetcher import FetchPolicy

        try:
            policy = FetchPolicy.from_env(env)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        screenshots = env.get("FACTCHECK_SCREENSHOTS", "auto").lower()
        if screenshots not in {"auto", "on", "off"}:
            raise ConfigError(f"FACTCHECK_SCREENSHOTS must be auto, on or off, got {screenshots!r}.")
        chromium = None
        if screenshots != "off":
            chromium = env.get("FACTCHECK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
            if screenshots == "on" and not (chromium and Path(chromium).exists()):
                raise ConfigError("FACTCHECK_SCREENSHOTS=on but no Chromium was found; install chromium or set "
                                  "FACTCHECK_CHROMIUM to its path.")
        login_limit = _login_limit(env)
        tsa_url, tsa_certificates = _tsa(env)
        heartbeat = _int(env, "FACTCHECK_JOB_HEARTBEAT", 10, minimum=0)
        # With heartbeats a silent job is one that missed about four beats; without them, only progress and the
        # claim touch a running job, so a job must be given as long as the slowest one may take.
        stuck_after = _int(env, "FACTCHECK_JOB_STUCK_AFTER", max(4 * heartbeat, 20) if heartbeat else 300)
        if heartbeat and stuck_after < 2 * heartbeat:
            raise ConfigError(f"FACTCHECK_JOB_STUCK_AFTER ({stuck_after} s) must be at least twice "
                              f"FACTCHECK_JOB_HEARTBEAT ({heartbeat} s), or live jobs would be taken for dead.")
        return cls(
            login_limit=login_limit,
            tsa_url=tsa_url,
            tsa_certificates=tsa_certificates,
            proxy_fix=_bool(env, "FACTCHECK_PROXY_FIX", False),
            max_unpacked_bytes=_int(env, "FACTCHECK_MAX_UNPACKED_BYTES", 32 * 1024 * 1024),
            max_sentences=_int(env, "FACTCHECK_MAX_SENTENCES", 20_000),
            fetch_policy=policy,
            chromium=chromium,
            job_heartbeat=float(heartbeat),
            job_stuck_after=timedelta(seconds=stuck_after),
            job_queued_after=timedelta(seconds=_int(env, "FACTCHECK_JOB_QUEUED_AFTER", 60)),
            capture_time_limit=float(_int(env, "FACTCHECK_CAPTURE_TIME_LIMIT", 180)),
            export_time_limit=float(_int(env, "FACTCHECK_EXPORT_TIME_LIMIT", 900)),
            recheck_after=timedelta(hours=_int(env, "FACTCHECK_RECHECK_AFTER_HOURS", 24 * 7)),
            sweep_every=float(_int(env, "FACTCHECK_SWEEP_EVERY", 15)),
            run_jobs=_bool(env, "FACTCHECK_RUN_JOBS", True),
            public_url=_base_url(env),
            replay_origin=_replay_origin(env, _base_url(env)),
            mail=_mail(env),
            request_limit=_limit(env, "FACTCHECK_REQUEST_LIMIT", "5 per minute"),
            fetch_per_host=_int(env, "FACTCHECK_FETCH_PER_HOST", 2),
            fetch_host_delay=_int(env, "FACTCHECK_FETCH_HOST_DELAY_MS", 200, minimum=0) / 1000,
            instance_dir=instance,
            database_url=db_url,
            redis_url=env.get("FACTCHECK_REDIS_URL") or None,
            secret_key=secret,
            archive_dir=Path(env.get("FACTCHECK_ARCHIVE_DIR") or instance / "archive"),
            max_upload_bytes=_int(env, "FACTCHECK_MAX_UPLOAD_BYTES", 2 * 1024 * 1024),
            max_body_chars=_int(env, "FACTCHECK_MAX_BODY_CHARS", 1_000_000),
            dev_mode=dev_mode,
            secure_cookies=_bool(env, "FACTCHECK_SECURE_COOKIES", False),
        )
