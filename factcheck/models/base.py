from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Aware UTC; SQLModel's UTCDateTime stores it as UTC on SQLite and PostgreSQL alike."""
    return datetime.now(timezone.utc)
