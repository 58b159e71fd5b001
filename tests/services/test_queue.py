import base64
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from factcheck.errors import ValidationError
from factcheck.models import Article, Claim, Comment, User
from factcheck.services import queue
from factcheck.services.queue import QueueFilter
from tests.builders import article

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)


def make_article(session, title="Ferry terminal opens") -> Article:
    a = Article(title=title, body="Body.")
    session.add(a)
    session.commit()
    return a


def make_claim(session, art, text="A claim.", *, score=0.5, status="new", assignee=None, due=None,
               created=None) -> Claim:
    c = Claim(article_id=art.id, start=0, end=len(text), original_text=text, text=text, score=score, status=status,
              assignee_id=assignee.id if assignee else None, due_at=due, created_at=created or NOW)
    session.add(c)
    session.commit()
    return c


def ids(session, f, actor, cursor=None, **kw):
    """Every claim id the filter yields, walking all pages."""
    out = []
    while True:
        page = queue.list_claims(session, filter=f, actor=actor, cursor=cursor, now=NOW, **kw)
        out += [row.claim.id for row in page.items]
        if page.next_cursor is None:
            return out
        cursor = page.next_cursor


def find(session, actor, **params):
    f = QueueFilter(**params)
    found = ids(session, f, actor)
    assert queue.count_claims(session, filter=f, actor=actor, now=NOW) == len(found)
    return set(found)


@pytest.fixture
def desk(session, people):
    """A spread of claims over two articles, people, statuses, scores and due dates."""
    ferry, budget = make_article(session), make_article(session, "Budget vote")
    carl, cora = people["carl"], people["cora"]
    c = {}
    c["new"] = make_claim(session, ferry, "The terminal cost $31 million.", score=0.9)
    c["carl_wip"] = make_claim(session, ferry, "4,200 passengers in week one.", score=0.7, status="in_progress",
                               assignee=carl, due=NOW - timedelta(days=1))
    c["cora_wip"] = make_claim(session, budget, "Taxes rose 5% last year.", score=0.6, status="in_progress",
                               assignee=cora, due=NOW + timedelta(days=3))
    c["carl_review"] = make_claim(session, budget, "The deficit_total is $2m.", score=0.4, status="in_review",
                                  assignee=carl, due=NOW + timedelta(days=10))
    c["candidate"] = make_claim(session, ferry, "Critics think it is ugly.", score=0.2, status="candidate")
    c["published"] = make_claim(session, budget, "Turnout was 61%.", score=0.8, status="published",
                                assignee=cora, due=NOW - timedelta(days=5))
    c["dismissed"] = make_claim(session, ferry, "Will it last?", score=0.1, status="dismissed")
    return {k: v.id for k, v in c.items()}, ferry, budget


def test_default_filter_shows_open_claims(session, people, desk):
    c, _, _ = desk
    assert find(session, people["eve"]) == {c["new"], c["carl_wip"], c["cora_wip"], c["carl_review"]}


def test_status_filter(session, people, desk):
    c, _, _ = desk
    eve = people["eve"]
    assert find(session, eve, status=("all",)) == set(c.values()) - {c["candidate"]}
    assert find(session, eve, status=("candidate",)) == {c["candidate"]}
    assert find(session, eve, status=("published", "dismissed")) == {c["published"], c["dismissed"]}
    assert find(session, eve, status=("in_review",)) == {c["carl_review"]}


def test_assignee_filter(session, people, desk):
    c, _, _ = desk
    carl = people["carl"]
    assert find(session, carl, assignee="me") == {c["carl_wip"], c["carl_review"]}
    assert find(session, people["cora"], assignee="me") == {c["cora_wip"]}
    assert find(session, carl, assignee="unassigned") == {c["new"]}
    assert find(session, carl, assignee="cora", status=("all",)) == {c["cora_wip"], c["published"]}
    assert find(session, carl, assignee="CORA") == {c["cora_wip"]}
    assert find(session, carl, assignee="nobody") == set()
    assert len(find(session, carl, assignee="anyone")) == 4


def test_article_and_score_filters(session, people, desk):
    c, ferry, budget = desk
    eve = people["eve"]
    assert find(session, eve, article_id=ferry.id) == {c["new"], c["carl_wip"]}
    assert find(session, eve, article_id=budget.id, status=("all",)) == {c["cora_wip"], c["carl_review"],
                                                                          c["published"]}
    assert find(session, eve, min_score=0.6) == {c["new"], c["carl_wip"], c["cora_wip"]}
    assert find(session, eve, max_score=0.6) == {c["cora_wip"], c["carl_review"]}
    assert find(session, eve, min_score=0.5, max_score=0.7) == {c["carl_wip"], c["cora_wip"]}


def test_due_filter(session, people, desk):
    c, _, _ = desk
    eve = people["eve"]
    # The published claim is past its date but finished, so it is not overdue.
    assert find(session, eve, due="overdue", status=("all",)) == {c["carl_wip"]}
    assert find(session, eve, due="due_week") == {c["cora_wip"]}
    assert find(session, eve, due="has_due") == {c["carl_wip"], c["cora_wip"], c["carl_review"]}
    assert find(session, eve, due="no_due") == {c["new"]}
    assert find(session, eve, due="no_due", status=("all",)) == {c["new"], c["dismissed"]}


def test_filters_combined(session, people, desk):
    c, _, budget = desk
    carl = people["carl"]
    assert find(session, carl, assignee="me", due="has_due", max_score=0.5) == {c["carl_review"]}
    assert find(session, carl, assignee="me", article_id=budget.id, q="deficit") == {c["carl_review"]}
    assert find(session, carl, assignee="me", article_id=budget.id, q="taxes") == set()
    assert find(session, carl, status=("all",), assignee="cora", due="overdue") == set()
    assert find(session, carl, status=("in_progress",), min_score=0.65, due="overdue", assignee="carl") == \
        {c["carl_wip"]}


def test_search_is_case_insensitive_and_literal(session, people, desk):
    c, ferry, _ = desk
    eve = people["eve"]
    odd = make_claim(session, ferry, r"Path C:\dir\file was 50_50 or 5%.", score=0.3)
    assert find(session, eve, q="  TERMINAL ") == {c["new"]}
    assert find(session, eve, q="5%") == {c["cora_wip"], odd.id}      # "5%" is not "5 followed by anything"
    assert find(session, eve, q="%") == {c["cora_wip"], odd.id}
    assert find(session, eve, q="31_million") == set()                  # "_" is not "any one character"
    assert find(session, eve, q="t%m") == set()                         # "%" is not "anything"
    assert find(session, eve, q="t_total") == {c["carl_review"]}
    assert find(session, eve, q="50_50") == {odd.id}
    assert find(session, eve, q="\\dir\\") == {odd.id}
    assert find(session, eve, q="\\") == {odd.id}
    assert find(session, eve, q="C:\\d") == {odd.id}


def test_search_over_built_article(session, people):
    a = article(session, by=people["eve"])
    everything = tuple(queue.STATUSES)
    assert len(find(session, people["eve"], q="PASSENGERS", status=everything, article_id=a.id)) == 1
    assert find(session, people["eve"], q="no such words", status=everything) == set()


@pytest.fixture
def ties(session, people):
    """Claims with repeated scores, due dates and creation times, so the id tie-break matters."""
    art = make_article(session)
    specs = [(0.5, NOW + timedelta(days=1), NOW), (0.9, None, NOW), (0.5, None, NOW + timedelta(hours=1)),
             (0.5, NOW + timedelta(days=1), NOW - timedelta(hours=1)), (0.1, NOW - timedelta(days=2), NOW),
             (0.9, NOW + timedelta(days=3), NOW + timedelta(hours=1)), (0.5, None, NOW), (0.3, NOW, NOW),
             (0.7, NOW + timedelta(days=1), NOW - timedelta(hours=2))]
    return [make_claim(session, art, f"Claim {i}.", score=s, due=d, created=t) for i, (s, d, t) in enumerate(specs)]


def expected_order(claims, sort):
    if sort == "score":
        return [c.id for c in sorted(claims, key=lambda c: (c.score, c.id), reverse=True)]
    if sort == "due":
        return [c.id for c in sorted(claims, key=lambda c: (c.due_at is None, c.due_at or NOW, c.id))]
    if sort == "newest":
        return [c.id for c in sorted(claims, key=lambda c: (c.created_at, c.id), reverse=True)]
    return [c.id for c in sorted(claims, key=lambda c: (c.created_at, c.id))]


@pytest.mark.parametrize("sort", sorted(queue.SORTS))
@pytest.mark.parametrize("limit", [2, 3])
def test_each_sort_walks_every_row_once_in_order(session, people, ties, sort, limit):
    walked = ids(session, QueueFilter(sort=sort), people["eve"], limit=limit)
    assert walked == expected_order(ties, sort)
    assert len(walked) == len(set(walked)) == len(ties)


@pytest.mark.parametrize("sort", sorted(queue.SORTS))
def test_pages_are_stable_while_claims_are_added(session, people, ties, sort):
    eve, f = people["eve"], QueueFilter(sort=sort)
    first = queue.list_claims(session, filter=f, actor=eve, limit=4, now=NOW)
    last = first.items[-1].claim
    art = session.get(Article, last.article_id)
    # New claims on both sides of the cursor, and ones tied with its key (they get higher ids).
    for score, due, created in [(0.95, NOW - timedelta(days=9), NOW - timedelta(days=1)),
                                (0.05, None, NOW + timedelta(days=1)),
                                (last.score, last.due_at, last.created_at), (0.5, NOW + timedelta(days=1), NOW)]:
        make_claim(session, art, "Added later.", score=score, due=due, created=created)
    seen = [row.claim.id for row in first.items] + ids(session, f, eve, limit=4, cursor=first.next_cursor)
    before = {c.id for c in ties}
    assert [i for i in seen if i in before] == expected_order(ties, sort)
    assert len(seen) == len(set(seen))


def test_limit_is_clamped(session, people):
    art = make_article(session)
    session.add_all([Claim(article_id=art.id, start=0, end=1, original_text="x", text="x", score=i / 300,
                           created_at=NOW) for i in range(205)])
    session.commit()
    f, eve = QueueFilter(), people["eve"]
    assert len(queue.list_claims(session, filter=f, actor=eve, limit=0).items) == 1
    assert len(queue.list_claims(session, filter=f, actor=eve, limit=-5).items) == 1
    page = queue.list_claims(session, filter=f, actor=eve, limit=10_000)
    assert len(page.items) == 200 and page.next_cursor
    rest = queue.list_claims(session, filter=f, actor=eve, limit=10_000, cursor=page.next_cursor)
    assert len(rest.items) == 5 and rest.next_cursor is None


def test_rows_carry_article_title_and_assignee(session, people, desk):
    c, _, _ = desk
    rows = {r.claim.id: r for r in queue.list_claims(session, filter=QueueFilter(), actor=people["eve"]).items}
    assert rows[c["carl_wip"]].assignee.username == "carl"
    assert rows[c["carl_wip"]].article_title == "Ferry terminal opens"
    assert rows[c["cora_wip"]].article_title == "Budget vote"
    assert rows[c["new"]].assignee is None
    assert [r.claim.id for r in rows.values()] == [c["new"], c["carl_wip"], c["cora_wip"], c["carl_review"]]


@pytest.mark.parametrize("params, field", [
    ({"status": "open"}, "status"),
    ({"status": ["new", "bogus"]}, "status"),
    ({"assignee": "no spaces allowed"}, "assignee"),
    ({"article_id": "seven"}, "article_id"),
    ({"article_id": "0"}, "article_id"),
    ({"min_score": "high"}, "min_score"),
    ({"max_score": "nan"}, "max_score"),
    ({"min_score": "inf"}, "min_score"),
    ({"min_score": "0.8", "max_score": "0.2"}, "min_score"),
    ({"due": "tomorrow"}, "due"),
    ({"q": "x" * 201}, "q"),
    ({"sort": "random"}, "sort"),
])
def test_bad_params_are_explained(params, field):
    with pytest.raises(ValidationError) as err:
        QueueFilter.from_params(params)
    assert field in err.value.fields
    assert err.value.message.endswith(".") and len(err.value.message.split()) > 3


def test_params_round_trip():
    assert QueueFilter().to_params() == {}
    assert QueueFilter.from_params({}) == QueueFilter()
    assert QueueFilter.from_params({"status": "", "min_score": "", "assignee": "", "sort": ""}) == QueueFilter()
    filters = [
        QueueFilter(status=("all",), assignee="me", due="overdue", sort="due"),
        QueueFilter(status=("in_review", "new"), assignee="cora", article_id=12, min_score=0.25, max_score=0.875,
                    q="50% of_ \\ votes", sort="oldest"),
        QueueFilter(status=("candidate",), assignee="unassigned", due="no_due", min_score=0.1, sort="newest"),
        QueueFilter(due="due_week", max_score=1 / 3),
    ]
    for f in filters:
        params = f.to_params()
        assert all(isinstance(v, str) for v in params.values())
        assert QueueFilter.from_params(params) == f
    assert filters[1].to_params()["status"] == "new,in_review"
    assert set(filters[3].to_params()) == {"due", "max_score"}


def test_from_params_accepts_repeated_and_comma_separated_status():
    md = MultiDict([("status", "new"), ("status", "in_review,published"), ("q", "  ferry "), ("page", "ignored")])
    f = QueueFilter.from_params(md)
    assert f.status == ("new", "in_review", "published") and f.q == "ferry"
    assert QueueFilter.from_params({"status": ["new", "all"]}).status == ("all",)
    assert QueueFilter.from_params({"status": "in_progress,new,in_review"}) == QueueFilter()


def _b64(obj) -> str:
    raw = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "not a cursor!", "####", _b64(b"\xff\xfe"), _b64(b"[1, 2]"), _b64({"s": "score", "k": 0.5}),
    _b64({"s": "score", "k": "high", "i": 3}), _b64({"s": "score", "k": 0.5, "i": "3"}),
    _b64({"s": "score", "k": 0.5, "i": True}), _b64(b'{"s":"score","k":NaN,"i":3}'),
    _b64({"s": "due", "k": 0.5, "i": 3}), _b64({"s": "score", "k": 0.5, "i": 3, "x": 1}),
])
def test_bad_cursors_are_rejected(session, people, cursor):
    with pytest.raises(ValidationError, match="no longer valid"):
        queue.list_claims(session, filter=QueueFilter(), actor=people["eve"], cursor=cursor)


@pytest.mark.parametrize("cursor", [
    _b64({"s": "due", "k": None, "i": 3}), _b64({"s": "due", "k": None, "n": 0, "i": 3}),
    _b64({"s": "due", "k": "2025-06-02T12:00:00+00:00", "n": 1, "i": 3}),
    _b64({"s": "due", "k": "2025-06-02T12:00:00", "n": 0, "i": 3}), _b64({"s": "due", "k": "June", "n": 0, "i": 3}),
])
def test_bad_due_cursors_are_rejected(session, people, cursor):
    with pytest.raises(ValidationError, match="no longer valid"):
        queue.list_claims(session, filter=QueueFilter(sort="due"), actor=people["eve"], cursor=cursor)


def test_cursor_made_for_another_sort_is_rejected(session, people, ties):
    eve = people["eve"]
    page = queue.list_claims(session, filter=QueueFilter(sort="score"), actor=eve, limit=2)
    with pytest.raises(ValidationError) as err:
        queue.list_claims(session, filter=QueueFilter(sort="newest"), actor=eve, cursor=page.next_cursor)
    assert err.value.message == "This page link is no longer valid; start from the first page."
    assert set(page.next_cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_cursor_round_trips(ties):
    for sort in queue.SORTS:
        for c in ties:
            cur = queue.decode_cursor(queue.encode_cursor(sort, c), sort=sort)
            assert (cur.sort, cur.key, cur.id) == (sort, getattr(c, queue.SORTS[sort].column), c.id)


def test_my_work(session, people):
    carl, cora, eve = people["carl"], people["cora"], people["eve"]
    art = make_article(session)

    def comment(claim, kind, minutes):
        session.add(Comment(claim_id=claim.id, author_id=eve.id, kind=kind, body=kind,
                            created_at=NOW + timedelta(minutes=minutes)))
        session.commit()

    back_old = make_claim(session, art, "Sent back first.", status="in_progress", assignee=carl)
    back_new = make_claim(session, art, "Sent back later.", status="in_progress", assignee=carl,
                          due=NOW + timedelta(days=9))
    answered = make_claim(session, art, "Rejected, then discussed.", status="in_progress", assignee=carl,
                          due=NOW + timedelta(days=2))
    plain = make_claim(session, art, "Just assigned.", status="in_progress", assignee=carl, due=NOW)
    undated = make_claim(session, art, "No due date.", status="in_progress", assignee=carl)
    waiting = make_claim(session, art, "Waiting.", status="in_review", assignee=carl)
    make_claim(session, art, "Cora's.", status="in_progress", assignee=cora)
    make_claim(session, art, "Done.", status="published", assignee=carl)
    comment(back_old, "comment", 0)
    comment(back_old, "rejection", 5)
    comment(back_new, "rejection", 20)
    comment(answered, "rejection", 1)
    comment(answered, "comment", 30)
    comment(waiting, "rejection", 40)

    work = queue.my_work(session, actor=carl, now=NOW)
    assert [(c.id, m.created_at) for c, m in work.sent_back] == [(back_new.id, NOW + timedelta(minutes=20)),
                                                                  (back_old.id, NOW + timedelta(minutes=5))]
    assert all(m.kind == "rejection" for _, m in work.sent_back)
    assert [c.id for c in work.assigned] == [plain.id, answered.id, undated.id]
    assert [c.id for c in work.in_review] == [waiting.id]
    empty = queue.my_work(session, actor=eve)
    assert (empty.sent_back, empty.assigned, empty.in_review) == ([], [], [])


def test_workload(session, people, password_hash):
    carl, cora, ada = people["carl"], people["cora"], people["ada"]
    gone = User(username="gus", role="checker", active=False, password_hash=password_hash)
    idle = User(username="ivy", role="checker", password_hash=password_hash)
    session.add_all([gone, idle])
    session.commit()
    art = make_article(session)
    late, soon = NOW - timedelta(hours=1), NOW + timedelta(hours=1)
    for status, who, due in [("in_progress", carl, late), ("in_progress", carl, soon), ("in_review", carl, late),
                             ("in_progress", cora, None), ("in_progress", cora, soon), ("in_progress", cora, None),
                             ("in_review", cora, soon), ("published", cora, late), ("in_progress", ada, late),
                             ("dismissed", idle, late)]:
        make_claim(session, art, status=status, assignee=who, due=due)
    rows = [(r.user.username, r.open, r.overdue, r.in_review) for r in queue.workload(session, now=NOW)]
    assert rows == [("cora", 3, 0, 1), ("carl", 2, 2, 1), ("ada", 1, 1, 0), ("ivy", 0, 0, 0)]


def test_list_claims_uses_a_constant_number_of_statements(session, engine, people):
    arts = [make_article(session, f"Story {i}") for i in range(4)]
    users = [people[n] for n in ("carl", "cora", "eve", "ada")]
    for i in range(40):
        make_claim(session, arts[i % 4], f"Claim {i}.", score=i / 40, status="in_progress", assignee=users[i % 4],
                   due=NOW + timedelta(hours=i % 5))
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    per_call = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for limit in (2, 10, 40, 200):
            for f in (QueueFilter(), QueueFilter(assignee="cora", sort="due", q="claim")):
                cursor = None
                for _ in range(2):
                    session.expunge_all()
                    statements.clear()
                    page = queue.list_claims(session, filter=f, actor=users[0], limit=limit, cursor=cursor)
                    for row in page.items:  # touching what the page shows must not load anything more
                        _ = (row.claim.text, row.article_title, row.assignee and row.assignee.username)
                    per_call.append(len(statements))
                    cursor = page.next_cursor
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert per_call == [1] * len(per_call)
