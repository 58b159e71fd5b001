"""The sweep: one periodic job over every kind of durable job, ringing again for those whose message or worker
was lost (see jobrows.sweep)."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from factcheck import jobs
from factcheck.services import capture, deliveries, exports, jobrows, mail, matching, timestamps
from factcheck.services.requester_contact import erase_expired

KINDS: tuple[jobrows.JobKind, ...] = (capture.KIND, exports.KIND, timestamps.KIND, deliveries.KIND,
                                      matching.KIND, mail.KIND)


def sweep_jobs(session: Session, *, stuck_after: timedelta, queued_after: timedelta,
               kinds: tuple[jobrows.JobKind, ...] = KINDS) -> int:
    """Hand back silent jobs and ring for every job that needs it; the number rung. It also erases readers'
    addresses kept past the newsroom's retention (services/requester_contact)."""
    rung = 0
    for kind in kinds:
        for job_id in jobrows.sweep(session, kind, stuck_after=stuck_after, queued_after=queued_after):
            rung += jobs.ring_now(session, kind.task, job_id)
    erase_expired(session)
    return rung
