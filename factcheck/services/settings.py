"""The newsroom's settings, stored in the database so admins can change them at run time."""
from __future__ import annotations

from sqlmodel import Session

from factcheck.errors import ValidationError
from factcheck.models import NewsroomSetting, User, utcnow
from factcheck.text.checkworthiness import DEFAULT_THRESHOLD


def _get(session: Session, key: str) -> dict:
    row = session.get(NewsroomSetting, key)
    return row.value if row else {}


def _put(session: Session, key: str, value: dict) -> None:
    row = session.get(NewsroomSetting, key) or NewsroomSetting(key=key)
    row.value = value
    row.updated_at = utcnow()
    session.add(row)


def checkworthy_threshold(session: Session) -> float:
    return float(_get(session, "checkworthiness").get("threshold", DEFAULT_THRESHOLD))


def set_checkworthy_threshold(session: Session, *, value: float, actor: User) -> None:
    if not 0.0 < value < 1.0:
        raise ValidationError("The threshold is a number between 0 and 1 (exclusive).",
                              fields={"threshold": "Between 0 and 1."})
    _put(session, "checkworthiness", {"threshold": round(float(value), 4), "set_by": actor.username})
