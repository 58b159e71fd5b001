"""Capture throughput: our archiver (2 Celery workers) against `wget --warc-file`, on a loopback site.

The site serves 500 pages of mixed sizes (2 KB to 500 KB, log-uniform), about 10% behind a redirect and
about 5% slow (0.5 s before answering). It measures:

  (a) factcheck: two `celery -A workers worker --concurrency 1` processes on a fresh database and Redis;
      500 sources inserted and enqueued; time until every capture is archived (or failed). Twice: with the
      default per-host politeness (at most 2 fetches at once per host, starts 200 ms apart), and with the
      delay off (FACTCHECK_FETCH_HOST_DELAY_MS=0). All 500 pages live on one host, so the default politeness
      caps the first at 5 pages/s whatever the machine does;
  (b) wget --warc-file=... --input-file=urls.txt on the same 500 URLs (one process, one page at a time), also
      twice: with `--wait=0.2` (the same 200 ms between requests to the host) and without;
  (c) pages/s of each and the ratio of like to like;
  (d) latency from "source added" (service call + commit) to "done" for a small page, median of 20,
      in embedded mode (EmbeddedRunner in this process) and in Celery mode (the two workers of (a)).

Every server and process it starts is loopback-only and is stopped at the end.

Usage: python bench/capture_throughput.py [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
                                          [--redis-host 127.0.0.1] [--redis-port 6379] [--pages 500]
                                          [--latency-runs 20]
"""
from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from factcheck import create_app, db, jobs  # noqa: E402
from factcheck.config import Settings  # noqa: E402
from factcheck.models import Capture, Source, User  # noqa: E402
from factcheck.services import intake, review, sources  # noqa: E402
from factcheck.services.claims import article_claims  # noqa: E402
from tests.archive.loopback import Site  # noqa: E402

CELERY = Path(sys.executable).parent / "celery"
LOCK_KEY = "factcheck:test-run"      # the same lock the worker tests use, so the two never share a database
STORY = ("Port Alder opened its new ferry terminal on May 2, 2025, at a cost of $31 million. "
         "The mayor said 4,200 passengers used it in the first week.")
WORDS = ("council budget ferry terminal passengers figures confirmed report million percent mayor harbour "
         "officials week year increase decrease statement spokesperson records table data").split()


# --- the loopback site ---------------------------------------------------------------------------------

def page_body(rng: random.Random, i: int, size: int) -> bytes:
    head = f"<!doctype html><html><head><title>Page {i}</title></head><body><article><h1>Page {i}</h1>"
    tail = "</article></body></html>"
    paras, length = [], len(head) + len(tail)
    while length < size:
        p = "<p>" + " ".join(rng.choice(WORDS) for _ in range(60)) + ".</p>\n"
        paras.append(p)
        length += len(p)
    return (head + "".join(paras) + tail).encode()[:max(size, len(head) + len(tail))]


def build_site(site: Site, n: int, seed: int = 7) -> tuple[list[str], dict]:
    """n pages; returns the URLs to capture (a redirecting address for ~10%) and a summary."""
    rng = random.Random(seed)
    urls, total, redirects, slow = [], 0, 0, 0
    for i in range(n):
        size = int(math.exp(rng.uniform(math.log(2_000), math.log(500_000))))
        body = page_body(rng, i, size)
        total += len(body)
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if rng.random() < 0.05:
            slow += 1

            def late(body=body, headers=headers):
                time.sleep(0.5)
                return 200, headers, body
            site.pages[f"/p/{i}"] = late
        else:
            site.pages[f"/p/{i}"] = (200, headers, body)
        if rng.random() < 0.10:
            redirects += 1
            site.pages[f"/r/{i}"] = (302, {"Location": f"/p/{i}"}, b"")
            urls.append(site.url(f"/r/{i}"))
        else:
            urls.append(site.url(f"/p/{i}"))
    for i in range(200):  # small pages for the latency runs
        site.html(f"/small/{i}", f"Small {i}", "A short statement from the council.")
    return urls, {"bytes": total, "redirects": redirects, "slow": slow}


# --- services ------------------------------------------------------------------------------------------

def pick_redis_db(host: str, port: int):
    import redis as redis_lib

    token = uuid.uuid4().hex
    for number in range(11, 16):
        client = redis_lib.Redis(host=host, port=port, db=number, socket_connect_timeout=2, socket_timeout=5)
        if client.set(LOCK_KEY, token, nx=True, ex=1800):
            keys = [k for k in client.keys("*") if k != LOCK_KEY.encode()]
            if keys:
                client.delete(*keys)
            return client, number
        client.close()
    raise SystemExit("Redis databases 11-15 are all in use by test runs; try again later.")


def fresh_database(url: str | None, tmp: Path) -> tuple[str, callable]:
    """A new, empty database: a temp SQLite file, or a new database on the given PostgreSQL server."""
    if not url or url.startswith("sqlite"):
        return url or f"sqlite:///{tmp / 'bench.sqlite3'}", lambda: None
    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://")
                    else url)
    name = f"factcheck_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), drop


class Worker:
    def __init__(self, n: int, env: dict[str, str], log: Path):
        self.n, self.log = n, log
        with log.open("wb") as fh:
            self.popen = subprocess.Popen(
                [str(CELERY), "-A", "workers", "worker", "--loglevel", "INFO", "--concurrency", "1", "--pool",
                 "prefork", "-n", f"bench{n}@%h", "--without-heartbeat", "--without-mingle", "--without-gossip"],
                cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while " ready." not in self.log.read_text(errors="replace"):
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker {self.n} did not start:\n{self.log.read_text(errors='replace')[-4000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.popen.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            if sig == signal.SIGTERM:  # the main process is gone; take any pool child left with it
                try:
                    os.killpg(self.popen.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            break


# The per-host politeness settings each run uses: the defaults, then with the delay between starts off.
MODES = (("polite (defaults: 2 per host, starts 200 ms apart)", {}),
         ("per-host delay off", {"FACTCHECK_FETCH_HOST_DELAY_MS": "0"}))


# --- measurements --------------------------------------------------------------------------------------

def setup_people(engine):
    """An editor, a checker and a claim assigned to the checker; returns (claim id, checker id, article id)."""
    with Session(engine, expire_on_commit=False) as s:
        eve = User(username="eve", role="editor", password_hash="!", display_name="Eve")
        carl = User(username="carl", role="checker", password_hash="!", display_name="Carl")
        s.add(eve)
        s.add(carl)
        s.commit()
        art = intake.create_article(s, draft=intake.ArticleDraft(title="Ferry", body=STORY, sources=[]),
                                    actor=eve, threshold=0.5, max_body_chars=1_000_000)
        s.commit()
        claim = next(c for c in article_claims(s, article_id=art.id) if c.status == "new")
        review.assign(s, claim=claim, assignee=carl, actor=eve, expected_version=1)
        s.commit()
        return claim.id, carl.id, art.id


def counts(engine) -> dict[str, int]:
    with Session(engine) as s:
        return dict(s.exec(select(Capture.state, func.count()).group_by(Capture.state)).all())


def run_ours(engine, runner, urls, article_id, claim_id, user_id) -> tuple[float, dict]:
    before = counts(engine)
    with Session(engine, expire_on_commit=False) as s:
        caps = []
        for url in urls:
            src = Source(article_id=article_id, claim_id=claim_id, url=url, created_by_id=user_id)
            s.add(src)
            s.flush()
            cap = Capture(source_id=src.id)
            s.add(cap)
            caps.append(cap)
        s.commit()
        ids = [c.id for c in caps]
    start = time.perf_counter()
    for cap_id in ids:
        runner.enqueue(jobs.ARCHIVE_SOURCE, cap_id)
    while True:
        c = {k: v - before.get(k, 0) for k, v in counts(engine).items()}
        if c.get("done", 0) + c.get("failed", 0) >= len(ids):
            return time.perf_counter() - start, c
        time.sleep(0.1)


def run_wget(urls: list[str], tmp: Path, wait: float = 0.0) -> tuple[float, int, int] | None:
    wget = shutil.which("wget")
    if not wget:
        print("wget is not installed; install it (e.g. `apt-get install wget`) to compare with it.")
        return None
    tmp = tmp / f"wget-wait-{wait}"
    tmp.mkdir()
    listing = tmp / "urls.txt"
    listing.write_text("\n".join(urls) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    start = time.perf_counter()
    done = subprocess.run([wget, "--no-proxy", "--no-verbose", "--tries=1", "--timeout=30", "-e", "robots=off",
                           f"--wait={wait}",
                           f"--warc-file={tmp / 'wget'}", f"--input-file={listing}",
                           f"--directory-prefix={tmp / 'wget-files'}"],
                          env=env, cwd=tmp, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    ok = 0
    from warcio.archiveiterator import ArchiveIterator
    with (tmp / "wget.warc.gz").open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response" and record.http_headers.get_statuscode() == "200":
                ok += 1
    return elapsed, ok, done.returncode


def latency(engine, runner, claim_id, user_id, site: Site, offset: int, runs: int) -> list[float]:
    samples = []
    for i in range(runs):
        with Session(engine, expire_on_commit=False, info={"jobs": runner}) as s:
            start = time.perf_counter()
            src = sources.add_source(s, claim=review_claim(s, claim_id), url=site.url(f"/small/{offset + i}"),
                                     actor=s.get(User, user_id))
            s.commit()
            cap_id = s.exec(select(Capture.id).where(Capture.source_id == src.id)).one()
        deadline = time.monotonic() + 30
        while True:
            with Session(engine) as s:
                state = s.get(Capture, cap_id).state
            if state in ("done", "failed"):
                samples.append(time.perf_counter() - start)
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"capture {cap_id} not archived after 30 s (state {state})")
            time.sleep(0.002)
    return samples


def review_claim(s, claim_id):
    from factcheck.models import Claim
    return s.get(Claim, claim_id)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default=None, help="sqlite:///... or postgresql://... (a fresh database "
                    "is created on that server and dropped afterwards); default: a temp SQLite file")
    ap.add_argument("--redis-host", default="127.0.0.1")
    ap.add_argument("--redis-port", type=int, default=6379)
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--latency-runs", type=int, default=20)
    args = ap.parse_args()
    if args.redis_host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("This bench only talks to loopback servers.")

    tmp = Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    workers: list[Worker] = []
    cleanups = []
    try:
        redis_client, redis_db = pick_redis_db(args.redis_host, args.redis_port)
        cleanups.append(lambda: (redis_client.flushdb(), redis_client.close()))
        database_url, drop = fresh_database(args.database_url, tmp)
        cleanups.append(drop)
        engine = db.make_engine(Settings.from_env({"FACTCHECK_DEV": "1",
                                                   "FACTCHECK_DATABASE_URL": database_url}).database_url)
        cleanups.insert(0, engine.dispose)
        db.upgrade(engine)
        claim_id, user_id, article_id = setup_people(engine)

        site = Site().__enter__()
        cleanups.insert(0, lambda: site.__exit__(None, None, None))
        urls, shape = build_site(site, args.pages)

        redis_url = f"redis://{args.redis_host}:{args.redis_port}/{redis_db}"
        fc_env = {"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_REDIS_URL": redis_url,
                  "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port}", "FACTCHECK_SCREENSHOTS": "off",
                  "FACTCHECK_INSTANCE_DIR": str(tmp / "instance"), "FACTCHECK_ARCHIVE_DIR": str(tmp / "archive")}
        env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
        env.update(fc_env, PYTHONUNBUFFERED="1")
        print(f"database {make_url(database_url).get_backend_name()}, Redis db {redis_db}, site 127.0.0.1:{site.port}: "
              f"{len(urls)} pages, {shape['bytes'] / 1e6:.1f} MB, {shape['redirects']} behind a redirect, "
              f"{shape['slow']} slow (0.5 s)", flush=True)

        ours: dict[str, tuple[float, dict]] = {}
        celery_lat: list[float] = []
        for mode, extra in MODES:
            workers = [Worker(n, {**env, **extra}, tmp / f"worker{n}-{mode}.log") for n in (1, 2)]
            for w in workers:
                w.wait_ready()
            app = create_app(Settings.from_env({**fc_env, **extra}), engine=engine)
            celery_runner = app.extensions["factcheck.jobs"]
            assert isinstance(celery_runner, jobs.CeleryRunner)
            ours[mode] = run_ours(engine, celery_runner, urls, article_id, claim_id, user_id)
            print(f"(a) factcheck, {mode}: done in {ours[mode][0]:.2f} s: {ours[mode][1]}", flush=True)
            if not celery_lat:
                celery_lat = latency(engine, celery_runner, claim_id, user_id, site, 0, args.latency_runs)
            for w in workers:
                w.stop()
            workers = []

        emb_app = create_app(Settings.from_env({k: v for k, v in fc_env.items() if k != "FACTCHECK_REDIS_URL"}),
                             engine=engine)
        emb_runner = emb_app.extensions["factcheck.jobs"]
        assert isinstance(emb_runner, jobs.EmbeddedRunner)
        try:
            emb_lat = latency(engine, emb_runner, claim_id, user_id, site, 100, args.latency_runs)
        finally:
            emb_runner.shutdown()

        wgets = {mode: run_wget(urls, tmp, wait) for (mode, _), wait in zip(MODES, (0.2, 0.0))}

        n = len(urls)
        print()
        print(f"Capture throughput, {n} pages on one loopback host ({shape['bytes'] / 1e6:.1f} MB; "
              f"{shape['redirects']} redirects, {shape['slow']} slow)")
        print(f"  {'archiver':<58} {'ok':>5} {'seconds':>9} {'pages/s':>9}")
        for (mode, _), wait in zip(MODES, (0.2, 0.0)):
            ours_s, states = ours[mode]
            ours_rate = states.get("done", 0) / ours_s
            label = f"factcheck, 2 celery workers x 1, {mode}"
            print(f"  {label:<58} {states.get('done', 0):>5} {ours_s:>9.2f} {ours_rate:>9.1f}")
            if wgets[mode]:
                wget_s, wget_ok, rc = wgets[mode]
                wget_rate = wget_ok / wget_s
                label = f"wget --warc-file, sequential, --wait={wait}"
                print(f"  {label:<58} {wget_ok:>5} {wget_s:>9.2f} {wget_rate:>9.1f}"
                      + (f"   (wget exit code {rc})" if rc else ""))
                print(f"  ratio factcheck / wget ({mode}): {ours_rate / wget_rate:.2f}x")
        print()
        print(f"Source added -> archived, small page ({args.latency_runs} runs)")
        print(f"  {'mode':<44} {'median ms':>9} {'p90 ms':>9} {'max ms':>9}")
        for label, xs in (("embedded (EmbeddedRunner in process)", emb_lat),
                          ("celery (2 workers, Redis)", celery_lat)):
            xs = sorted(x * 1000 for x in xs)
            p90 = xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
            print(f"  {label:<44} {statistics.median(xs):>9.1f} {p90:>9.1f} {xs[-1]:>9.1f}")
    finally:
        for w in workers:
            w.stop()
        for fn in cleanups:
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - clean up the rest regardless
                print(f"cleanup: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
