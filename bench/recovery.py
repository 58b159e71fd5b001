"""How fast the desk recovers the captures of a Celery worker that dies: SIGKILL a whole worker (its main process
and every pool child) while it holds 30 slow captures, with one beat running and a second worker waiting, and
time from the kill to the last capture archived. Run twice in one go: with job heartbeats (the default settings)
and with them off (`FACTCHECK_JOB_HEARTBEAT=0`, where a running job is only given up after 300 s).

    python bench/recovery.py [--captures 30] [--skip-baseline]

Everything runs on this machine and is stopped at the end: a private PostgreSQL cluster (initdb), its own
redis-server, a loopback "cited web" whose pages hang the first time they are asked for, two workers and beat.
The fetcher's politeness is switched off (every page is on one loopback host) so that one worker can hold all 30.
Afterwards it checks that no capture was lost or stored twice: every capture archived, on its second attempt,
each page fetched exactly twice, one capture row per source.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench" / "stack")]

from pgcluster import PrivateCluster, free_port  # noqa: E402
from sqlalchemy import create_engine, func  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

CELERY = Path(sys.executable).parent / "celery"
HANG_SECONDS = 600          # the first fetch of each page never finishes while the first worker lives


class CitedWeb:
    """Pages /p/N: the first request hangs (the worker holding it is killed meanwhile), later ones answer."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                with web.lock:
                    n = web.hits[self.path] = web.hits.get(self.path, 0) + 1
                if n == 1:
                    time.sleep(HANG_SECONDS)
                body = (f"<html><head><title>Figures {self.path}</title></head><body><p>The council's figures "
                        f"for {self.path}: 4,200 passengers.</p></body></html>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


class Proc:
    def __init__(self, name: str, argv: list[str], env: dict, log: Path) -> None:
        self.name, self.log_path = name, log
        with log.open("wb") as fh:
            self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.kill()


def until(predicate, what: str, timeout: float, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def seed(url: str, site: CitedWeb, n: int) -> list[int]:
    """n sources on one claim, each with a queued capture (no doorbell rung yet)."""
    from factcheck import db
    from factcheck.models import Capture, User
    from factcheck.services import intake, review, sources
    from factcheck.services.claims import article_claims

    engine = create_engine(url)
    db.upgrade(engine)
    with Session(engine, expire_on_commit=False) as s:
        eve = User(username="eve", display_name="Eve", role="editor", password_hash="x")
        s.add(eve)
        s.commit()
        body = "The ferry terminal cost $31 million in 2024, the council said."
        a = intake.create_article(s, draft=intake.ArticleDraft(title="Ferry", body=body, sources=[]), actor=eve,
                                  threshold=0.0, max_body_chars=10_000)
        s.commit()
        claim = next(c for c in article_claims(s, article_id=a.id) if c.status == "new")
        review.assign(s, claim=claim, assignee=eve, actor=eve, expected_version=claim.version)
        s.commit()
        ids = []
        for i in range(n):
            src = sources.add_source(s, claim=claim, url=f"http://127.0.0.1:{site.port}/p/{i}", actor=eve)
            s.commit()
            ids.append(s.exec(select(Capture.id).where(Capture.source_id == src.id)).one())
    engine.dispose()
    return ids


def one_run(*, captures: int, heartbeat: bool, workdir: Path) -> dict:
    from factcheck import jobs
    from factcheck.models import Capture

    workdir.mkdir(parents=True, exist_ok=True)
    pg = PrivateCluster(workdir).init()
    pg.start()
    pg.wait_accepting()
    redis_port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    site = CitedWeb()
    procs: list[Proc] = []
    try:
        url = pg.url.replace("postgresql://", "postgresql+psycopg://")
        ids = seed(url, site, captures)
        env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
        env.update({
            "FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": pg.url,
            "FACTCHECK_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "FACTCHECK_INSTANCE_DIR": str(workdir / "instance"), "FACTCHECK_ARCHIVE_DIR": str(workdir / "archive"),
            "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port}", "FACTCHECK_SCREENSHOTS": "off",
            "FACTCHECK_FETCH_TIMEOUT": str(HANG_SECONDS), "FACTCHECK_CAPTURE_TIME_LIMIT": str(HANG_SECONDS),
            "FACTCHECK_FETCH_PER_HOST": "1000", "FACTCHECK_FETCH_HOST_DELAY_MS": "0",
            "PYTHONUNBUFFERED": "1",
        })
        if not heartbeat:
            env["FACTCHECK_JOB_HEARTBEAT"] = "0"

        def start(name: str, *argv: str) -> Proc:
            proc = Proc(name, [str(CELERY), "-A", "workers", *argv], env, workdir / f"{name}.log")
            procs.append(proc)
            return proc

        def worker(name: str, concurrency: int, queues: str) -> Proc:
            proc = start(name, "worker", "-Q", queues, "--loglevel", "INFO", "--concurrency",
                         str(concurrency), "-n", f"{name}@%h", "--without-mingle", "--without-gossip")
            until(lambda: " ready." in proc.log(), f"{name} to start", 120)
            return proc

        def states() -> dict[str, int]:
            with Session(engine) as s:
                return dict(s.exec(select(Capture.state, func.count()).where(Capture.id.in_(ids))
                                   .group_by(Capture.state)).all())

        engine = create_engine(url)
        victim = worker("victim", captures, jobs.CAPTURES)
        from celery import Celery

        bell = Celery("bench-client", broker=env["FACTCHECK_REDIS_URL"])
        for cap_id in ids:
            bell.send_task(jobs.ARCHIVE_SOURCE, args=[cap_id], queue=jobs.CAPTURES)
        until(lambda: states().get("running", 0) == captures and
              sum(site.hits.values()) == captures, f"the victim to hold all {captures} captures", 120)
        rescuer = worker("rescuer", 10, f"{jobs.CAPTURES},{jobs.DEFAULT}")  # the sweep runs on default
        start("beat", "beat", "--loglevel", "INFO")
        time.sleep(2)  # beat's first ticks run; the victim has been beating (or not) all along
        killed = time.monotonic()
        victim.kill()
        until(lambda: states().get("done", 0) == captures, "every capture to be archived", 900, every=0.25)
        recovered = time.monotonic() - killed
        with Session(engine) as s:
            rows = list(s.exec(select(Capture).where(Capture.id.in_(ids))).all())
            per_source = s.exec(select(func.count()).select_from(Capture)).one()
        ok = (all(r.state == "done" and r.attempts == 2 for r in rows) and per_source == captures
              and all(v == 2 for v in site.hits.values()) and len({r.warc_path for r in rows}) == captures)
        rescuer_log = rescuer.log()
        engine.dispose()
        return {"seconds": recovered, "ok": ok, "attempts": sorted({r.attempts for r in rows}),
                "fetches": sorted(set(site.hits.values())), "rows": per_source,
                "rescued": sum(1 for line in rescuer_log.splitlines()
                               if "factcheck.archive_source[" in line and "succeeded" in line)}
    finally:
        for p in reversed(procs):
            p.stop()
        redis.terminate()
        redis.wait(timeout=10)
        site.close()
        pg.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--captures", type=int, default=30)
    parser.add_argument("--skip-baseline", action="store_true", help="only the run with heartbeats")
    args = parser.parse_args()
    out = ROOT / "bench" / "out" / "recovery"
    results = {"heartbeats on (defaults: beat 10 s, silent after 40 s, sweep every 15 s)":
               one_run(captures=args.captures, heartbeat=True, workdir=out / "on")}
    if not args.skip_baseline:
        results["heartbeats off (a running job is given up after 300 s)"] = \
            one_run(captures=args.captures, heartbeat=False, workdir=out / "off")
    print(f"\nRecovery after SIGKILL of a worker holding {args.captures} captures (kill -> last archived):")
    for label, r in results.items():
        verdict = "no capture lost or stored twice" if r["ok"] else f"CHECK FAILED: {r}"
        print(f"  {label:<75} {r['seconds']:7.1f} s   {verdict}")
    if len(results) == 2:
        on, off = (r["seconds"] for r in results.values())
        print(f"  ratio: {on / off:.2f} (heartbeats recover in {on:.0f} s, {off / on:.1f}x sooner); aim <= 60 s: "
              f"{'met' if on <= 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
