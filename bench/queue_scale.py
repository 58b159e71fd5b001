"""Queue at scale: 100,000 claims over 2,000 articles, on SQLite and PostgreSQL.

Times the queue page and GET /api/v1/claims for the default view, a filtered view, a text search
and page 50, beside a bare Flask route that returns the same rows from the same session (the
framework floor), and prints median and p95 for each.

Usage: python bench/queue_scale.py [--claims 100000] [--articles 2000] [--runs 30]
                                   [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import jsonify  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from factcheck import create_app, db  # noqa: E402
from factcheck.config import Settings  # noqa: E402
from factcheck.models import Article, Claim, User, utcnow  # noqa: E402
from factcheck.services import queue  # noqa: E402
from factcheck.services.tokens import create_token  # noqa: E402
from factcheck.services.users import hash_password  # noqa: E402

SUBJECTS = ["The council", "The ministry", "The mayor", "Health officials", "The company", "Police", "The agency"]
VERBS = ["spent", "reported", "approved", "cut", "raised", "announced", "estimated"]
OBJECTS = ["$4.5 million on roads", "a 12 percent rise in fares", "3,200 new homes", "the ferry budget",
           "40 percent fewer arrests", "a $1.2bn bond", "the bridge repair"]


def generate(engine, *, claims: int, articles: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    now = utcnow()
    with Session(engine) as s:
        people = [User(username=f"checker{i}", role="checker", password_hash=hash_password("bench password"))
                  for i in range(20)]
        people.append(User(username="editor", role="editor", password_hash=hash_password("bench password")))
        s.add_all(people)
        s.commit()
        checker_ids = [u.id for u in people[:-1]]
    with engine.begin() as conn:
        conn.execute(insert(Article), [dict(title=f"Story {i}", body="x", boilerplate=[], threshold=0.5,
                                            byline="", created_at=now - timedelta(days=i % 365)) for i in range(articles)])
        article_ids = [r[0] for r in conn.execute(text("SELECT id FROM articles ORDER BY id"))]
        statuses = ["new"] * 5 + ["in_progress"] * 3 + ["in_review"] + ["published"] * 2 + ["dismissed"]
        batch = []
        for i in range(claims):
            status = rnd.choice(statuses)
            sentence = f"{rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {rnd.choice(OBJECTS)} in {2000 + i % 26}."
            batch.append(dict(
                article_id=article_ids[i % len(article_ids)], start=0, end=len(sentence), original_text=sentence,
                text=sentence, score=round(rnd.random(), 4), reasons=["contains a number"], checkworthy=True,
                status=status, status_reason="", priority=0, version=1,
                assignee_id=rnd.choice(checker_ids) if status != "new" else None,
                due_at=now + timedelta(days=rnd.randint(-10, 20)) if status in ("in_progress", "in_review") else None,
                created_at=now - timedelta(minutes=i), updated_at=now,
            ))
            if len(batch) == 10_000:
                conn.execute(insert(Claim), batch)
                batch = []
        if batch:
            conn.execute(insert(Claim), batch)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]


def run(url: str, *, claims: int, articles: int, runs: int) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    t = time.perf_counter()
    generate(engine, claims=claims, articles=articles)
    print(f"\n{engine.dialect.name}: generated {claims:,} claims over {articles:,} articles in "
          f"{time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": url},
                                           instance_dir=Path(tmp)), engine=engine)

        @app.get("/bench/floor")
        def floor():  # the same rows from the same session, no templates, no filters object
            from flask import request

            from factcheck.db import get_session
            flt = queue.QueueFilter.from_params(request.args)
            editor = get_session().exec(select(User).where(User.username == "editor")).one()
            page = queue.list_claims(get_session(), filter=flt, actor=editor, limit=50,
                                     cursor=request.args.get("cursor"))
            return jsonify([[r.claim.id, r.claim.text, r.claim.score, r.claim.status] for r in page.items])

        with Session(engine) as s:
            editor = s.exec(select(User).where(User.username == "editor")).one()
            _, token = create_token(s, user=editor)
            s.commit()
        web = app.test_client()
        web.post("/login", data={"username": "editor", "password": "bench password"})
        app.config["WTF_CSRF_ENABLED"] = False
        web.post("/login", data={"username": "editor", "password": "bench password"})
        auth = {"Authorization": f"Bearer {token}"}
        views = {"default": "", "filtered": "status=in_progress&due=overdue&sort=due",
                 "text search": "q=ferry&status=all", "page 50": None}
        with Session(engine) as s:  # find page 50's cursor by walking the default view
            page, cursor = None, None
            for _ in range(49):
                page = queue.list_claims(s, filter=queue.QueueFilter(), actor=editor, limit=50, cursor=cursor)
                cursor = page.next_cursor
        views["page 50"] = f"cursor={cursor}"
        print(f"{'view':<12}{'queue page':>22}{'GET /api/v1/claims':>24}{'floor (bare route)':>24}   ratio p95")
        print(f"{'':<12}{'median / p95 ms':>22}{'median / p95 ms':>24}{'median / p95 ms':>24}")
        for name, qs in views.items():
            def get(path, headers=None):
                r = web.get(f"{path}?{qs}&limit=50" if "api" in path else f"{path}?{qs}", headers=headers)
                assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:300])
            get("/queue"), get("/api/v1/claims", auth), get("/bench/floor")  # warm
            q = timed(lambda: get("/queue"), runs)
            a = timed(lambda: get("/api/v1/claims", auth), runs)
            f = timed(lambda: get("/bench/floor"), runs)
            print(f"{name:<12}{q[0]:>12.1f} / {q[1]:>6.1f}{a[0]:>14.1f} / {a[1]:>6.1f}{f[0]:>14.1f} / {f[1]:>6.1f}"
                  f"   {q[1] / f[1]:.1f}x, {a[1] / f[1]:.1f}x")
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--articles", type=int, default=2_000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--postgres", default=None, help="a server where the bench may create a database")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/scale.sqlite3", claims=args.claims, articles=args.articles, runs=args.runs)
    if args.postgres:
        base = make_url(args.postgres.replace("postgresql://", "postgresql+psycopg://", 1))
        name = f"factcheck_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(base.set(database=name).render_as_string(hide_password=False), claims=args.claims,
                articles=args.articles, runs=args.runs)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
