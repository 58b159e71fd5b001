"""Export speed and memory: CSV, JSON and ClaimReview of N published claims, end to end, on SQLite and PostgreSQL.

Generates N published claims (one cited, archived source each; a verdict and a sign-off event) by SQLAlchemy
Core inserts into a temporary SQLite database and, with --postgres SERVER_URL, into a private database created
on that server for the run and dropped after it. Each export runs the way a queue export does: the queue
filter's claim ids (`claim_ids_for`), the read model's `claim_views`, and the streaming renderers of
factcheck.exports.tabular, into a byte counter. Beside them, measured in the same run, the floor: one plain
SELECT of the same rows (claim, article, verdict) and a single `json.dumps`.

Seconds are the best of --repeat untraced runs; peak memory comes from one more run under tracemalloc (which
slows it). Usage:
  python bench/exports.py [--claims 10000] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, make_url, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from factcheck import db  # noqa: E402
from factcheck.exports.tabular import READS, claimreview_chunks, csv_rows, json_chunks  # noqa: E402
from factcheck.models import Article, Capture, Claim, ClaimStatus, Event, JobState, Source, User, Verdict  # noqa: E402
from factcheck.services import settings as newsroom  # noqa: E402
from factcheck.services.claim_views import article_report, claim_ids_for, claim_views  # noqa: E402
from factcheck.services.queue import QueueFilter  # noqa: E402

BASE_URL = "https://desk.example.org"
PER_ARTICLE = 100
RATINGS = ["True", "Mostly true", "Half true", "Mostly false", "False", "Misleading"]


def generate(engine, n: int, per_article: int = PER_ARTICLE) -> list[int]:
    """n published claims, per_article to an article, by Core inserts in batches."""
    now = datetime(2025, 5, 5, 12, tzinfo=timezone.utc)
    t = {m: m.__table__ for m in (User, Article, Claim, Verdict, Event, Source, Capture)}
    with engine.begin() as conn:
        checker, editor = (conn.execute(insert(t[User]).values(
            username=f"bench-{name}-{uuid.uuid4().hex[:8]}", display_name=name.title(), password_hash="x",
            role=role, active=True, created_at=now).returning(t[User].c.id)).scalar_one()
            for name, role in (("checker", "checker"), ("editor", "editor")))
        ids: list[int] = []
        for a in range((n + per_article - 1) // per_article):
            count = min(per_article, n - a * per_article)
            article_id = conn.execute(insert(t[Article]).values(
                title=f"Port Alder report {a}", url=f"https://news.example.org/{a}", byline="By Jane Doe",
                published_on=date(2025, 5, 1), body="x", boilerplate=[], threshold=0.5, created_by_id=editor,
                created_at=now).returning(t[Article].c.id)).scalar_one()
            texts = [f"The port handled {a * 1000 + i:,} ships in 2024, up {i % 40} per cent." for i in range(count)]
            conn.execute(insert(t[Claim]), [dict(
                article_id=article_id, start=i * 80, end=i * 80 + len(text), original_text=text, text=text,
                score=0.5 + (i % 50) / 100, reasons=["number"], checkworthy=True, status=ClaimStatus.published.value,
                status_reason="", priority=0, version=5, published_at=now + timedelta(seconds=i), created_at=now,
                updated_at=now) for i, text in enumerate(texts)])
            claim_ids = list(conn.execute(select(t[Claim].c.id).where(t[Claim].c.article_id == article_id)
                                          .order_by(t[Claim].c.id)).scalars())
            conn.execute(insert(t[Verdict]), [dict(
                claim_id=cid, rating=RATINGS[cid % len(RATINGS)], proposed_by_id=checker, created_at=now,
                rationale="Port records for 2024 list fewer arrivals; the figure counts pleasure craft twice.",
                claim_reviewed=f"The port handled many ships ({cid}).") for cid in claim_ids])
            conn.execute(insert(t[Event]), [dict(
                article_id=article_id, claim_id=cid, actor_id=actor, kind=kind, field=field, old=old, new=new,
                detail={}, created_at=now)
                for cid in claim_ids
                for actor, kind, field, old, new in ((checker, "verdict", "verdict", None, "False"),
                                                     (checker, "status", "status", "in_progress", "in_review"),
                                                     (editor, "status", "status", "in_review", "published"))])
            conn.execute(insert(t[Source]), [dict(
                article_id=article_id, claim_id=cid, url=f"https://stats.example.org/ports/{cid}", title="Port stats",
                stance="refutes", note="Table 3", position=0, version=1, health="ok", health_reason="",
                created_by_id=checker, created_at=now, updated_at=now) for cid in claim_ids])
            source_ids = list(conn.execute(select(t[Source].c.id).where(t[Source].c.article_id == article_id,
                                                                        t[Source].c.claim_id.is_not(None))).scalars())
            conn.execute(insert(t[Capture]), [dict(
                source_id=sid, purpose="cite", state=JobState.done.value, reason="", attempts=1, headers={},
                final_url=f"https://stats.example.org/ports/{sid}?final", http_status=200, content_type="text/html",
                size=12345, sha256=f"{sid:064x}", title="Port stats", warc_path=f"w/{sid}.warc.gz",
                text_path=f"t/{sid}.txt", screenshot_path=f"s/{sid}.png", captured_at=now, created_at=now,
                updated_at=now) for sid in source_ids])
            ids.extend(claim_ids)
    return ids


def floor(engine, ids: list[int]) -> int:
    """The reference: the same rows in one plain SELECT, dumped with json.dumps in one go."""
    c, a, v = Claim.__table__, Article.__table__, Verdict.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(c.c.id, c.c.status, c.c.text, c.c.score, c.c.published_at,
                                   a.c.id.label("article_id"), a.c.title, a.c.url, v.c.rating, v.c.rationale,
                                   v.c.claim_reviewed)
                            .join(a, a.c.id == c.c.article_id).join(v, v.c.claim_id == c.c.id, isouter=True)
                            .where(c.c.status == ClaimStatus.published.value).order_by(c.c.id)).mappings().all()
        return len(json.dumps([dict(r) for r in rows], default=str))


PUBLISHED = QueueFilter(status=("published",), sort="oldest")


def export(engine, fmt: str, *, limit: int | None = None) -> int:
    """One queue export end to end (ids, views, renderer), streamed into a byte counter."""
    size = 0
    with Session(engine) as s:
        editor = s.execute(select(User).where(User.role == "editor").order_by(User.id)).scalars().first()
        pub, scale = newsroom.publication(s), newsroom.rating_scale(s)
        ids = claim_ids_for(s, filter=PUBLISHED, actor=editor)[:limit]
        views = claim_views(s, claim_ids=ids, **READS[fmt])
        chunks = {"csv": lambda: csv_rows(views, base_url=BASE_URL),
                  "json": lambda: json_chunks(views, base_url=BASE_URL),
                  "claimreview": lambda: claimreview_chunks(views, publication=pub, scale=scale)}[fmt]()
        for chunk in chunks:
            size += len(chunk.encode("utf-8"))
    return size


def measure(fn, repeat: int) -> tuple[float, int, int]:
    """(best seconds of `repeat` untraced runs, peak bytes traced, output bytes)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        size = fn()
        best = min(best, time.perf_counter() - t)
    tracemalloc.start()
    try:
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return best, peak, size


FORMATS = (("csv", "CSV (csv_rows)"), ("json", "JSON with history (json_chunks)"),
           ("claimreview", "ClaimReview (claimreview_chunks)"))


def run(url: str, args) -> dict[str, float]:
    """Generate, measure and print one database's table; return each format's ratio to the floor."""
    engine = db.make_engine(url)
    try:
        db.upgrade(engine)
        t = time.perf_counter()
        ids = generate(engine, args.claims)
        print(f"\n{len(ids):,} published claims generated in {time.perf_counter() - t:.1f} s ({engine.dialect.name})")
        with engine.begin() as conn:  # planner statistics for the fresh rows, as a live database would have
            conn.exec_driver_sql("ANALYZE")
        for fmt, _ in FORMATS:  # warm up imports and statement caches
            export(engine, fmt, limit=600)
        floor(engine, ids)
        ref_s, ref_peak, ref_size = measure(lambda: floor(engine, ids), args.repeat)
        print(f"{'what':<44}{'seconds':>9}{'peak MiB':>10}{'output MiB':>12}{'x floor s':>11}{'x floor mem':>13}")
        print(f"{'floor: one SELECT + json.dumps':<44}{ref_s:>9.2f}{ref_peak / 2**20:>10.1f}{ref_size / 2**20:>12.1f}"
              f"{1:>11.2f}{1:>13.2f}")
        ratios = {}
        for fmt, label in FORMATS:
            s, peak, size = measure(lambda fmt=fmt: export(engine, fmt), args.repeat)
            ratios[fmt] = s / ref_s
            print(f"{label:<44}{s:>9.2f}{peak / 2**20:>10.1f}{size / 2**20:>12.1f}{s / ref_s:>11.2f}"
                  f"{peak / ref_peak:>13.2f}")
        if args.pdf_claims:
            pdf_report(engine, generate(engine, args.pdf_claims, per_article=args.pdf_claims))
        return ratios
    finally:
        engine.dispose()


@contextmanager
def private_postgres(server_url: str):
    """A database of our own on the server at `server_url`, dropped afterwards."""
    server = make_url(server_url)
    name = f"factcheck_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=10_000)
    ap.add_argument("--postgres", default=None, metavar="SERVER_URL",
                    help="also run on PostgreSQL, in a database created on this server for the run")
    ap.add_argument("--repeat", type=int, default=3, help="untraced runs per measurement; the best counts")
    ap.add_argument("--pdf-claims", type=int, default=200, help="claims in the report/PDF step; 0 skips it")
    args = ap.parse_args()
    summary = {}
    with tempfile.TemporaryDirectory() as tmp:
        summary["sqlite"] = run(f"sqlite:///{tmp}/bench.sqlite3", args)
    if args.postgres:
        with private_postgres(args.postgres) as url:
            summary["postgresql"] = run(url, args)
    print("\nx floor (seconds): " + "; ".join(
        f"{name}: " + ", ".join(f"{fmt} {r:.2f}" for fmt, r in ratios.items()) for name, ratios in summary.items()))


def pdf_report(engine, ids: list[int]) -> None:
    """One article with len(ids) published claims: the HTML report, then the PDF through Chromium."""
    import shutil

    from factcheck.exports.report import render_report_html, render_report_pdf

    chromium = shutil.which("chromium")
    with Session(engine) as s:
        article_id = s.get(Claim, ids[0]).article_id
        pub, scale = newsroom.publication(s), newsroom.rating_scale(s)

        def html() -> str:
            return render_report_html(article_report(s, article_id=article_id), publication=pub, scale=scale,
                                      generated_at=datetime.now(timezone.utc))
        h_s, h_peak, _ = measure(lambda: len(html()), 1)
        page = html()
        print(f"\n{len(ids)}-claim article report:")
        print(f"{'HTML report (reference: no PDF)':<44}{h_s:>9.2f}{h_peak / 2**20:>10.1f}")
        if not chromium:
            print("PDF: skipped, Chromium not installed (apt-get install chromium)")
            return
        p_s, p_peak, size = measure(lambda: len(render_report_pdf(page, chromium=chromium)), 1)
        print(f"{'PDF through Chromium (Python-side peak)':<44}{p_s:>9.2f}{p_peak / 2**20:>10.1f}{size / 2**20:>12.1f}"
              f"{p_s / h_s:>11.2f}")


if __name__ == "__main__":
    main()
