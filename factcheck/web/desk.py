"""The desk's lists: the queue (filters in the URL, keyset pages, bulk actions), my work,
the workload per checker, and the dashboard."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from factcheck import workflow
from factcheck.db import get_session
from factcheck.errors import ValidationError
from factcheck.models import Article, User
from factcheck.services import bulk, dashboard, queue
from factcheck.services import settings as newsroom
from factcheck.web import charts
from factcheck.web.auth import safe_local_target
from factcheck.web.claim_page import checkers
from factcheck.web.converters import parse_id
from factcheck.web.review import end_of_day

bp = Blueprint("desk", __name__)
PAGE_SIZE = 50
COUNT_CAP = 1000  # past this the header says "1,000+": counting 100,000 rows on every page view is waste
STATUS_LABELS = [(s, s.replace("_", " ")) for s in queue.STATUSES]


def _filter_or_default():
    try:
        return queue.QueueFilter.from_params(request.args), None
    except ValidationError as exc:
        return queue.QueueFilter(), exc


@bp.get("/queue")
def queue_page():
    session = get_session()
    flt, problem = _filter_or_default()
    if problem:
        flash(f"{problem.message} Showing the default view instead.", "warning")
    cursor = request.args.get("cursor") or None
    try:
        page = queue.list_claims(session, filter=flt, actor=current_user, limit=PAGE_SIZE, cursor=cursor)
    except ValidationError as exc:
        flash(exc.message, "warning")
        page = queue.list_claims(session, filter=flt, actor=current_user, limit=PAGE_SIZE)
        cursor = None
    total = queue.count_claims(session, filter=flt, actor=current_user, cap=COUNT_CAP)
    params = flt.to_params()
    articles = session.exec(select(Article.id, Article.title).order_by(Article.id.desc()).limit(200)).all()
    return render_template(
        "desk/queue.html", page=page, flt=flt, params=params, total=total, cursor=cursor,
        statuses=STATUS_LABELS, sorts=queue.SORTS, due_choices=queue.DUE_CHOICES, articles=articles,
        people=checkers(session), can_bulk=workflow.can(current_user.role, "assign"),
        threshold=newsroom.checkworthy_threshold(session),
        this_url=url_for("desk.queue_page", **params, **({"cursor": cursor} if cursor else {})),
    )


@bp.post("/queue/bulk")
def bulk_action():
    session = get_session()
    back = safe_local_target(request.form.get("back"))  # no CR/LF or other header-unsafe characters
    if not back or not back.startswith("/queue"):
        back = url_for("desk.queue_page")
    workflow.require(current_user.role, "assign")
    try:
        selected = bulk.parse_selection(request.form.getlist("selected"))
        action = request.form.get("action", "")
        assignee = None
        if action == "assign":
            assignee_id = parse_id(request.form.get("assignee"))
            if assignee_id is None:
                raise ValueError("not an id")
            assignee = session.get(User, assignee_id)
        due_raw = request.form.get("due") or ""
        due = end_of_day(date.fromisoformat(due_raw)) if due_raw else None
        if action == "due" and due is None and request.form.get("clear_due") != "1":
            raise ValidationError("Choose a due date (or tick 'clear').")
        result = bulk.apply_bulk(session, action=action, selected=selected, actor=current_user, assignee=assignee,
                                 due=due, to=request.form.get("to", ""), reason=request.form.get("reason", ""))
    except ValueError:  # a due date or assignee id that does not parse
        session.rollback()
        flash("That due date or checker is not valid; pick them from the form.", "danger")
        return redirect(back)
    except ValidationError as exc:
        session.rollback()
        flash(exc.message, "danger")
        return redirect(back)
    session.commit()
    if result.done:
        flash(f"Done for {len(result.done)} claim{'s' if len(result.done) != 1 else ''}: "
              + ", ".join(f"#{i}" for i in result.done) + ".", "success")
    if result.refused:
        flash("Not changed: " + "; ".join(f"#{i}: {why}" for i, why in result.refused), "warning")
    return redirect(back)


@bp.get("/my-work")
def my_work():
    work = queue.my_work(get_session(), actor=current_user)
    now = datetime.now(timezone.utc)

    def overdue(claim) -> bool:  # SQLite hands the stored UTC back naive
        due = claim.due_at
        return due is not None and (due if due.tzinfo else due.replace(tzinfo=timezone.utc)) < now

    return render_template("desk/my_work.html", work=work, overdue=overdue)


@bp.get("/workload")
def workload():
    """Everyone sees who carries what; only editors act on it (from the queue)."""
    return render_template("desk/workload.html", rows=queue.workload(get_session()),
                           can_assign=workflow.can(current_user.role, "assign"))


@bp.get("/dashboard")
def dashboard_page():
    session = get_session()
    stats = dashboard.desk_stats(session, rating_scale=newsroom.rating_labels(session))
    label = {s: s.replace("_", " ") for s in queue.STATUSES}
    # Under each chart, what its bars count as links to the queue filtered to it (links stay out of the
    # charts' SVG: an image holds no controls).
    usernames = {u.label: u.username for u in checkers(session)}
    links = {
        "status": [(label[s], n, url_for("desk.queue_page", status=s)) for s, n in stats.by_status if n],
        "rating": [("published", sum(n for _, n in stats.by_rating), url_for("desk.queue_page", status="published"))]
        if any(n for _, n in stats.by_rating) else [],
        "workload": [(f"{who}, {words}", n, url_for("desk.queue_page", assignee=usernames[who], status=status))
                     for who, open_, review, _ in stats.workload if who in usernames
                     for status, words, n in (("in_progress", "in progress", open_), ("in_review", "in review", review))
                     if n],
    }
    return render_template("dashboard/index.html", stats=stats, links=links, charts={
        "status": charts.bar_chart([(label[s], n) for s, n in stats.by_status], title="Claims by status"),
        "rating": charts.bar_chart(stats.by_rating, title="Published verdicts by rating", color="#198754"),
        "per_day": charts.column_chart(stats.published_per_day, title="Claims published per day, last 30 days"),
        "workload": charts.stacked_bars([(who, [open_, review]) for who, open_, review, _ in stats.workload],
                                        series=["in progress", "in review"], title="Workload per checker",
                                        colors=["#0d6efd", "#6f42c1"]),
    })
