"""What every durable background job row has: one state vocabulary, one set of fields.

The row is the truth and the queue only a doorbell. `services/jobrows.py` is the one life cycle that moves a row
through these states; a kind of job (capture, export, ...) is a table that inherits `JobRow` and adds its own
fields.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from factcheck.models.base import utcnow


class JobState(StrEnum):
    queued = "queued"        # waiting for a worker (its doorbell rung, or to be rung by the sweep)
    running = "running"      # claimed by a worker under attempt number `attempts`, beating `updated_at`
    retrying = "retrying"    # failed for a reason that may pass; runs again at `next_try_at`
    done = "done"            # finished; for a capture, the evidence is archived
    failed = "failed"        # given up, with the reason in `reason`


UNFINISHED = (JobState.queued.value, JobState.running.value, JobState.retrying.value)

# A capture's state in the newsroom's words (pages, live updates and reports say these).
CAPTURE_LABELS = {"queued": "queued", "running": "fetching…", "retrying": "retrying", "done": "archived",
                  "failed": "failed"}


class JobRow(SQLModel):
    state: str = Field(default=JobState.queued.value, max_length=16, index=True)
    attempts: int = 0                                   # raised by each claim: the owner's token for its writes
    reason: str = Field(default="", max_length=1000)    # why it waits, or why it failed, in a person's words
    next_try_at: datetime | None = None                 # when a `retrying` job is due
    updated_at: datetime = Field(default_factory=utcnow)  # database clock; the heartbeat while running
