"""Domain errors. Services raise them; the web layer turns them into pages or JSON errors."""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationError(DomainError):
    status = 422
    code = "invalid"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """A stale edit: someone changed the record since the user loaded it."""

    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class Unavailable(DomainError):
    """Something this server needs for the request is missing or failing (Chromium for a PDF, say)."""

    status = 503
    code = "unavailable"


class JobInterrupted(Exception):
    """A background job lost its database after claiming its row. Run the job again with `job_args` and
    `job_kwargs` once the database is back: they tell it to hand its claim back first (compare-and-set)."""

    def __init__(self, message: str, *, job_args: tuple, job_kwargs: dict) -> None:
        super().__init__(message)
        self.job_args, self.job_kwargs = job_args, job_kwargs
