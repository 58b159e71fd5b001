"""The hostile cases of bench/intake.py --hostile: each runs in its own process, through the app's routes.

One line per case: what was sent, seconds for the request, the process's peak resident memory (and the
baseline before the request), the status code and how big the answer was.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hostile_inputs

CASES = ("docx-bomb", "docx-100mb", "body-ones-1mb", "largest-news-body", "largest-ones-body",
         "comment-during-intake")


def _cached(name: str, build) -> bytes:
    """Building the bomb takes about a minute (2 GB through deflate), so it is kept between runs."""
    path = Path(tempfile.gettempdir()) / f"factcheck-bench-{name}"
    if not path.exists():
        path.write_bytes(build())
    return path.read_bytes()


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _news_body(chars: int) -> str:
    from intake import five_thousand_words

    base, out, n = five_thousand_words(), [], 0
    while sum(map(len, out)) + 2 * len(out) < chars:
        n += 1
        out.append(base.replace("20", str(20 + n % 50)))
    return "\n\n".join(out)[:chars].rsplit(".", 1)[0] + "."


def _one(case: str) -> dict:
    from sqlmodel import Session

    from factcheck import create_app, db
    from factcheck.config import Settings
    from factcheck.services.users import create_user

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": url, "FACTCHECK_RUN_JOBS": "0"},
                                     instance_dir=Path(tmp))
        engine = db.make_engine(url)
        db.upgrade(engine)
        app = create_app(settings, engine=engine)
        app.config["WTF_CSRF_ENABLED"] = False  # the bench measures intake, not the token check
        with Session(engine) as s:
            create_user(s, username="bench", role="editor", password="bench password 1")
            s.commit()
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": "bench password 1"})
        max_sentences = getattr(settings, "max_sentences", None)
        if case == "comment-during-intake":
            return _comment_during_intake(app, engine, case)
        if case.startswith("docx"):
            data = (_cached("bomb.docx", hostile_inputs.bomb_docx) if case == "docx-bomb"
                    else _cached("100mb.docx", hostile_inputs.many_paragraphs_docx))
            sent = f".docx of {len(data) / 1024:,.0f} KiB"
            request = lambda: client.post("/articles/upload", content_type="multipart/form-data",  # noqa: E731
                                          data={"upload-file": (__import__("io").BytesIO(data), "story.docx")})
        else:
            if case == "body-ones-1mb":
                body = hostile_inputs.ones_body(1_000_000)
            elif case == "largest-ones-body":
                if max_sentences is None:
                    return {"case": case, "skipped": "this code has no sentence limit"}
                # "1. 1." pairs into one sentence per "1. 1. ", and the cheap count allows twice the limit
                # in terminators: this is the longest such body intake accepts
                body = hostile_inputs.ones_body(6 * max_sentences - 6)
            else:
                body = _news_body(settings.max_body_chars)
            sent = f"body of {len(body):,} characters"
            request = lambda: client.post("/articles/confirm", data={"title": "Bench", "body": body})  # noqa: E731
        baseline = _peak_mib()
        started = time.perf_counter()
        resp = request()
        seconds = time.perf_counter() - started
        answer = resp.get_data()
        return {"case": case, "sent": sent, "seconds": round(seconds, 2), "peak_mib": round(_peak_mib(), 1),
                "baseline_mib": round(baseline, 1), "status": resp.status_code,
                "answer_kib": round(len(answer) / 1024, 1)}


def _comment_during_intake(app, engine, case: str) -> dict:
    """Another editor comments on a claim every 100 ms while a 300,000-character article is brought in:
    the slowest comment and how many failed."""
    import threading

    from factcheck.models import Claim

    first = app.test_client()
    first.post("/login", data={"username": "bench", "password": "bench password 1"})
    assert first.post("/articles/confirm", data={"title": "Seed", "body": "The council met on Tuesday."}).status_code == 302
    from sqlmodel import Session, select

    with Session(engine) as s:
        claim_id = s.exec(select(Claim.id)).first()
    other = app.test_client()
    other.post("/login", data={"username": "bench", "password": "bench password 1"})
    body = _news_body(300_000)
    done, times, failures = threading.Event(), [], []

    def intake():
        resp = first.post("/articles/confirm", data={"title": "Long", "body": body})
        failures.extend([] if resp.status_code == 302 else [f"intake {resp.status_code}"])
        done.set()

    started = time.perf_counter()
    worker = threading.Thread(target=intake)
    worker.start()
    while not done.is_set():
        t = time.perf_counter()
        resp = other.post(f"/claims/{claim_id}/comments", data={"body": "Still checking."})
        times.append(time.perf_counter() - t)
        if resp.status_code != 302:
            failures.append(f"comment {resp.status_code}")
        time.sleep(0.1)
    worker.join()
    return {"case": case, "sent": f"{len(times)} comments during intake", "seconds": round(max(times), 2),
            "peak_mib": round(_peak_mib(), 1), "baseline_mib": round(time.perf_counter() - started, 1),
            "status": len(failures), "answer_kib": 0.0}


def run_cases(which: str) -> None:
    if which != "all":
        print(json.dumps(_one(which)))
        return
    print(f"{'case':<22}{'sent':<34}{'seconds':>9}{'peak MiB':>10}{'(before)':>10}{'status':>8}{'answer KiB':>12}")
    print("  (comment-during-intake: seconds = slowest comment, (before) = intake seconds, status = failures)")
    for case in CASES:
        out = subprocess.run([sys.executable, str(Path(__file__).with_name("intake.py")), "--hostile", case],
                             capture_output=True, text=True)
        try:
            row = json.loads(out.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            print(f"{case:<20}failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}")
            continue
        if "skipped" in row:
            print(f"{case:<20}skipped: {row['skipped']}")
            continue
        print(f"{case:<22}{row['sent']:<34}{row['seconds']:>9.2f}{row['peak_mib']:>10.1f}{row['baseline_mib']:>10.1f}"
              f"{row['status']:>8}{row['answer_kib']:>12,.1f}")
