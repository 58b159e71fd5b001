"""What the desk accepts as a password: at least MIN_PASSWORD characters, at most MAX_PASSWORD, not the
username, and not on the list of passwords attackers try first (factcheck/data/common-passwords.txt), nor one of
those with only digits or punctuation added. Used by account creation (services/users) and by every password
change (services/passwords); it imports neither."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from factcheck.errors import ValidationError

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_COMMON_FILE = Path(__file__).resolve().parents[1] / "data" / "common-passwords.txt"
_DECORATION = re.compile(r"[\d\W_]+$")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text("utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, username: str = "") -> str | None:
    """Why this password will not do, in words for the person choosing it; None when it is fine."""
    if len(password) < MIN_PASSWORD:
        return f"A password needs at least {MIN_PASSWORD} characters; this one has {len(password)}."
    if len(password) > MAX_PASSWORD:
        return f"A password may have at most {MAX_PASSWORD} characters."
    lowered = password.lower()
    if username and username.lower() in lowered and len(lowered) - len(username) < MIN_PASSWORD // 2:
        return "A password must not be (or be built around) the username."
    core = _DECORATION.sub("", lowered)
    if lowered in common_passwords() or core in common_passwords() or len(set(lowered)) <= 2:
        return ("This is one of the passwords attackers try first. Choose another: a few unrelated words "
                "make a password that is long and easy to remember.")
    return None


def require_good_password(password: str, *, username: str = "", field: str = "password") -> None:
    problem = password_problem(password, username=username)
    if problem:
        raise ValidationError(problem, fields={field: problem})
