"""Intake speed: a 5,000-word article from submit to claims stored, median of 10 runs.

Also the cost of Checked before?: the same intake with its matching job asked (run by the embedded worker threads
beside the next intake) and with none asked, as a ratio (goal: at most 1.20).

Prints our figure beside two references measured in the same run on the same text: the text
analysis alone (split + score, no database) and a bare SQLAlchemy Core insert of the same rows
(the database floor). Usage: python bench/intake.py [--runs 10] [--database-url URL]

`--hostile` instead runs the hostile inputs of issue 15 (bench/hostile_inputs.py), each in a fresh process
so its peak memory is its own: a .docx bomb, a .docx holding 100 MB of paragraphs, a 1 MB body of
"1. 1. 1. …", and the largest bodies intake accepts. It prints seconds, peak RSS and the answer per case.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from factcheck import create_app, db  # noqa: E402
from factcheck.config import Settings  # noqa: E402
from factcheck.models import Claim  # noqa: E402
from factcheck.text.analysis import analyse  # noqa: E402
from factcheck.text.structure import detect_structure  # noqa: E402


def five_thousand_words() -> str:
    base = detect_structure(files("factcheck.demo").joinpath("harbour-bridge.txt").read_text("utf-8")).body
    paragraphs, words, n = [], 0, 0
    while words < 5000:
        for p in base.split("\n\n"):
            n += 1
            p = re.sub(r"\d+", lambda m: str(int(m.group()) + n), p)  # vary numbers between copies
            paragraphs.append(p)
            words += len(p.split())
            if words >= 5000:
                break
    return "\n\n".join(paragraphs)


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--hostile", nargs="?", const="all", default=None,
                    help="run the hostile cases (all, or one case name) instead of the median run")
    args = ap.parse_args()
    if args.hostile:
        from hostile_bench import run_cases

        run_cases(args.hostile)
        return
    body = five_thousand_words()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": url}, instance_dir=Path(tmp))
        engine = db.make_engine(url)
        db.upgrade(engine)
        app = create_app(settings, engine=engine)
        app.config["WTF_CSRF_ENABLED"] = False  # the bench measures intake, not the token check
        from sqlmodel import Session

        from factcheck.services.users import create_user
        with Session(engine) as s:
            create_user(s, username="bench", role="editor", password="bench password")
            s.commit()
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": "bench password"})

        def submit():
            r = client.post("/articles/confirm", data={"title": "Bench", "body": body})
            assert r.status_code == 302, r.status_code

        sentences = analyse(body)
        rows = [dict(article_id=1, start=s.start, end=s.end, original_text=s.text, text=s.text, score=s.score,
                     reasons=s.reasons, checkworthy=s.checkworthy, status="new", status_reason="", priority=0,
                     version=1) for s in sentences]

        def floor_insert():
            with engine.begin() as conn:
                conn.execute(insert(Claim), rows)

        submit()  # warm up imports and caches
        ours = median_ms(submit, args.runs)
        analysis = median_ms(lambda: analyse(body), args.runs)
        floor = median_ms(floor_insert, args.runs)
        # Checked before?: each intake asks for a matching job, which the embedded worker threads run beside the
        # next intake. The reference: the same intake with the request for matching left out.
        from factcheck.services import intake as intake_service

        finished = wait_for_matching(engine)
        times = []
        for _ in range(args.runs):  # one intake at a time: its matching job runs after it, before the next
            t = time.perf_counter()
            submit()
            times.append((time.perf_counter() - t) * 1000)
            finished = wait_for_matching(engine)
        one_at_a_time = statistics.median(times)
        asked = intake_service.matching.request
        intake_service.matching.request = lambda session, article_id: None
        try:
            unmatched = median_ms(submit, args.runs)
        finally:
            intake_service.matching.request = asked
    print(f"intake of a {len(body.split()):,}-word article ({len(sentences)} sentences), median of {args.runs} runs, "
          f"{engine.dialect.name}")
    print(f"{'what':<48}{'ms':>10}")
    print(f"{'factcheck: POST /articles/confirm -> claims stored':<48}{ours:>10.1f}")
    print(f"{'reference: text analysis alone (split + score)':<48}{analysis:>10.1f}")
    print(f"{'reference: bare Core insert of the same rows':<48}{floor:>10.1f}")
    print(f"ratio ours / (analysis + insert floor): {ours / (analysis + floor):.2f}x")
    print(f"{'the same, each after the last matching finished':<48}{one_at_a_time:>10.1f}")
    print(f"{'reference: the same intake, no matching asked':<48}{unmatched:>10.1f}")
    print(f"intake with matching / without: {one_at_a_time / unmatched:.2f}x one at a time (goal: at most 1.20x), "
          f"{ours / unmatched:.2f}x back to back (each beside the last one's matching, embedded threads); "
          f"{finished} matching jobs done")


def wait_for_matching(engine, timeout: float = 600.0) -> int:
    """Wait for the matching jobs the intakes asked for; how many finished."""
    from sqlmodel import Session, func, select

    from factcheck.models import JobState, MatchingJob

    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as s:
            left = s.exec(select(func.count(MatchingJob.id)).where(
                MatchingJob.state.in_((JobState.queued.value, JobState.running.value)))).one()
            done = s.exec(select(func.count(MatchingJob.id)).where(MatchingJob.state == JobState.done.value)).one()
        if not left or time.monotonic() > deadline:
            return done
        time.sleep(0.5)


if __name__ == "__main__":
    main()
