"""Sources on a claim: add by URL with a stance and a note, edit, remove (kept for the record).

Each source with a URL gets a capture job in state `queued`; archiving picks it up.
"""
from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from factcheck import jobs, workflow
from factcheck.errors import Conflict, ValidationError
from factcheck.models import Capture, Claim, Source, Stance, User, utcnow
from factcheck.services import history
from factcheck.services.intake import validate_url
from factcheck.services.review import ctx

MAX_TITLE = 1000
MAX_NOTE = 10_000
STANCES = [s.value for s in Stance]


def _clean(*, url: str, title: str, stance: str | None, note: str) -> tuple[str, str, str | None, str]:
    errors = {}
    try:
        checked = validate_url(url)
        if checked is None:
            errors["url"] = "Give the source's web address (http:// or https://)."
    except ValidationError as exc:
        errors.update(exc.fields)
        checked = None
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        errors["title"] = f"The title is at most {MAX_TITLE:,} characters."
    stance = (stance or "").strip().lower() or None
    if stance is not None and stance not in STANCES:
        errors["stance"] = "The stance is supports, refutes or context."
    note = note.strip()
    if len(note) > MAX_NOTE:
        errors["note"] = f"The note is at most {MAX_NOTE:,} characters."
    if errors:
        raise ValidationError(next(iter(errors.values())) if len(errors) == 1 else "Please correct the marked fields.",
                              fields=errors)
    return checked, title, stance, note


def _require(session: Session, claim: Claim, actor: User) -> None:
    workflow.require(actor.role, "edit_sources", ctx(claim, actor))
    if claim.status not in workflow.WORKING_STATUSES and claim.status != "new":
        raise ValidationError("Sources are added while a claim is new or in progress; "
                              f"this one is {claim.status.replace('_', ' ')}.")


def add_source(session: Session, *, claim: Claim, url: str, actor: User, title: str = "", stance: str | None = None,
               note: str = "") -> Source:
    _require(session, claim, actor)
    url, title, stance, note = _clean(url=url, title=title, stance=stance, note=note)
    source = Source(article_id=claim.article_id, claim_id=claim.id, url=url, title=title, stance=stance, note=note,
                    created_by_id=actor.id)
    session.add(source)
    session.flush()
    capture = Capture(source_id=source.id)
    session.add(capture)
    session.flush()
    jobs.enqueue_after_commit(session, jobs.ARCHIVE_SOURCE, capture.id)
    history.record(session, actor=actor, kind="source_added", claim=claim, field="source", new=url,
                   detail={"source_id": source.id, "stance": stance})
    return source


def _lock(session: Session, source: Source, expected_version: int) -> None:
    result = session.execute(update(Source).where(Source.id == source.id, Source.version == expected_version)
                             .values(version=Source.version + 1, updated_at=utcnow()))
    if result.rowcount != 1:
        raise Conflict(f"Source #{source.id} was changed by someone else after you opened it. Nothing was saved; "
                       "your input is kept so you can apply it again.")
    session.refresh(source)


def update_source(session: Session, *, source: Source, claim: Claim, actor: User, expected_version: int,
                  url: str, title: str = "", stance: str | None = None, note: str = "") -> Source:
    _require(session, claim, actor)
    url, title, stance, note = _clean(url=url, title=title, stance=stance, note=note)
    _lock(session, source, expected_version)
    changes = {k: (getattr(source, k), v) for k, v in
               {"url": url, "title": title, "stance": stance, "note": note}.items() if getattr(source, k) != v}
    for name, (_, new) in changes.items():
        setattr(source, name, new)
    session.add(source)
    if "url" in changes:  # a new address is a new piece of evidence
        capture = Capture(source_id=source.id)
        session.add(capture)
        session.flush()
        jobs.enqueue_after_commit(session, jobs.ARCHIVE_SOURCE, capture.id)
    for name, (old, new) in changes.items():
        history.record(session, actor=actor, kind="source_edited", claim=claim, field=f"source {name}",
                       old=old, new=new, detail={"source_id": source.id})
    return source


def remove_source(session: Session, *, source: Source, claim: Claim, actor: User, expected_version: int) -> None:
    _require(session, claim, actor)
    _lock(session, source, expected_version)
    source.removed_at = utcnow()
    session.add(source)
    history.record(session, actor=actor, kind="source_removed", claim=claim, field="source", old=source.url,
                   detail={"source_id": source.id})


def listed_sources(session: Session, *, article_id: int) -> list[tuple[Source, Capture | None]]:
    """The sources the article itself lists (its "Sources" section), in their order, each with the capture that
    represents it once a link is attached."""
    from factcheck.services.claim_views import representative_captures

    rows = session.exec(select(Source).where(Source.article_id == article_id, Source.claim_id.is_(None),
                                             Source.removed_at.is_(None)).order_by(Source.position, Source.id)).all()
    caps = representative_captures(session, [s.id for s in rows if s.url])
    return [(s, caps.get(s.id)) for s in rows]


def link_listed_source(session: Session, *, source: Source, url: str, actor: User) -> Capture:
    """Attach a web address to a source the article lists and archive it, like any cited page."""
    workflow.require(actor.role, "link_listed_source")
    if source.claim_id is not None:
        raise ValidationError("That source belongs to a claim; edit it on the claim's page.")
    checked, _, _, _ = _clean(url=url, title="", stance=None, note="")
    old = source.url
    source.url, source.version, source.updated_at = checked, source.version + 1, utcnow()
    session.add(source)
    capture = Capture(source_id=source.id)
    session.add(capture)
    session.flush()
    jobs.enqueue_after_commit(session, jobs.ARCHIVE_SOURCE, capture.id)
    history.record(session, actor=actor, kind="listed_source_linked", article_id=source.article_id, field="source",
                   old=old, new=checked, detail={"source_id": source.id, "title": source.title})
    return capture


def cite_listed_source(session: Session, *, claim: Claim, source: Source, actor: User, stance: str | None = None,
                       note: str = "") -> Source:
    """Cite one of the article's listed sources (with its link) as evidence for a claim of that article."""
    _require(session, claim, actor)
    if source.claim_id is not None or source.article_id != claim.article_id:
        raise ValidationError("That source is not one this claim's article lists.")
    if not source.url:
        raise ValidationError(f"“{source.title}” has no link yet; attach one on the article's page first.")
    return add_source(session, claim=claim, url=source.url, actor=actor, title=source.title, stance=stance,
                      note=note)


def retry_capture(session: Session, *, source: Source, claim: Claim, actor: User) -> Capture:
    """A new capture of a source whose newest one failed; the failed one stays, with its reason, in the record."""
    from factcheck.models import JobState

    _require(session, claim, actor)
    newest = session.exec(select(Capture).where(Capture.source_id == source.id, Capture.purpose == "cite")
                          .order_by(Capture.id.desc()).limit(1)).first()
    if newest is not None and newest.state != JobState.failed.value:
        raise ValidationError("Only a failed capture can be retried; this source's newest capture is "
                              f"{newest.state}.")
    capture = Capture(source_id=source.id)
    session.add(capture)
    session.flush()
    jobs.enqueue_after_commit(session, jobs.ARCHIVE_SOURCE, capture.id)
    history.record(session, actor=actor, kind="capture_retried", claim=claim, field="source", new=source.url,
                   detail={"source_id": source.id, "failed_capture_id": newest.id if newest else None,
                           "reason": newest.reason if newest else ""})
    return capture


def article_capture_progress(session: Session, *, article_id: int) -> dict[str, int]:
    """How the article's cited evidence stands: the capture that represents each source (its newest `cite`
    capture, the rule of services/claim_views), counted by state."""
    from sqlmodel import func

    newest = (select(func.max(Capture.id)).join(Source, Source.id == Capture.source_id)
              .where(Source.article_id == article_id, Source.removed_at.is_(None), Source.claim_id.is_not(None),
                     Capture.purpose == "cite")
              .group_by(Capture.source_id))
    rows = session.exec(select(Capture.state, func.count()).where(Capture.id.in_(newest)).group_by(Capture.state))
    counts = {state: n for state, n in rows.all()}
    counts["total"] = sum(counts.values())
    return counts
