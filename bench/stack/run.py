"""The whole distributed stack under load on this machine, with optional faults, then a consistency check.

    python bench/stack/run.py [--seconds 180] [--checkers 50] [--editors 5] [--faults] [--ask] [--doc docs/load.md]

Starts: a private PostgreSQL cluster (initdb on a free loopback port, so it can be restarted; the machine's
shared cluster is never touched), its own redis-server on a free loopback port (never the shared one),
`factcheck db upgrade`, users and API tokens, gunicorn (4 gthread workers), 2 Celery workers, 1 beat, and the
local "cited web" (bench/stack/citedweb.py). Runs the simulated desk (bench/stack/load.py), prints figures every
10 s, waits for the capture backlog to drain, checks consistency, reports the CPU each component used, and stops
everything it started (process groups and the cluster), also on Ctrl+C or error.

With --ask, readers post requests to the public /ask page meanwhile (bench/stack/ask_load.py: 20 a second for
FACTCHECK_STACK_ASK_SECONDS, default 60, from many addresses through X-Forwarded-For, the app trusting one proxy),
while three editors' desk work is timed without and then with them; the load lasts long enough for both.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV = ROOT / ".venv"
BIN = VENV / "bin"
PG = ""  # set in main(): the private cluster's server address
DB_NAME = "factcheck_stack_bench"

if Path(sys.prefix).resolve() != VENV.resolve() and os.environ.get("FACTCHECK_STACK_REEXEC") != "1":
    os.environ["FACTCHECK_STACK_REEXEC"] = "1"
    os.execv(str(BIN / "python"), [str(BIN / "python"), *sys.argv])

import psycopg  # noqa: E402
import requests  # noqa: E402

sys.path.insert(0, str(HERE))
import ask_load  # noqa: E402
import load  # noqa: E402
from checks import consistency  # noqa: E402
from pgcluster import PrivateCluster  # noqa: E402
from procs import CpuMeter, workers_of  # noqa: E402
from report import print_summary, write_doc  # noqa: E402


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """Every process this run started, each in its own process group."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir, self.env = workdir, env
        self.procs: dict[str, subprocess.Popen] = {}
        self.argv: dict[str, list[str]] = {}
        self.restarts: list[tuple[str, int | None, str]] = []

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        self.argv[name] = argv
        out = open(self.workdir / f"{name}.log", "ab")
        p = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        self.procs[name] = p
        log(f"started {name} (pid {p.pid}): {' '.join(argv[:6])}{' …' if len(argv) > 6 else ''}")
        return p

    def signal(self, name: str, sig: int) -> None:
        p = self.procs[name]
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, name: str, timeout: float = 10.0) -> None:
        p = self.procs.pop(name, None)
        if p is None:
            return
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(p.pid, signal.SIGKILL)  # the group: pool children, gunicorn workers
        except ProcessLookupError:
            pass
        p.wait()

    def supervise(self, names: tuple[str, ...] = ("worker", "beat")) -> None:
        """Restart a Celery process that exited on its own, as `restart: unless-stopped` does in compose."""
        for name, p in list(self.procs.items()):
            if name.startswith(names) and p.poll() is not None:
                log_text = (self.workdir / f"{name}.log").read_text(errors="replace")
                cause = next((line.split("] ", 1)[-1] for line in reversed(log_text.splitlines())
                              if "Unrecoverable error" in line or "CRITICAL" in line), "no cause logged")
                self.restarts.append((name, p.returncode, cause[:200]))
                log(f"SUPERVISOR: {name} exited with code {p.returncode} ({cause[:120]}); starting it again")
                self.procs.pop(name)
                self.start(name, self.argv[name])

    def stop_all(self) -> None:
        for name in reversed(list(self.procs)):
            self.stop(name)
        log("stopped every process this run started")


def wait_http(url: str, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer at {url} within {timeout:.0f} s")


def wait_redis(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True)
        if r.stdout.strip() == "PONG":
            return
        time.sleep(0.2)
    raise RuntimeError(f"redis-server on port {port} did not answer")


def sql(query: str, *args) -> list[tuple]:
    with psycopg.connect(f"{PG}/{DB_NAME}", autocommit=True, connect_timeout=5) as conn:
        return conn.execute(query, args).fetchall()


_last_backlog: dict[str, int] = {}


def backlog() -> dict[str, int]:
    """Capture counts by state; during the PostgreSQL restart, the last counts seen (marked down=1)."""
    global _last_backlog
    counts = {s: 0 for s in ("queued", "running", "retrying", "done", "failed")}
    try:
        rows = sql("SELECT state, count(*) FROM captures GROUP BY state")
    except psycopg.OperationalError:
        return {**counts, **_last_backlog, "down": 1}
    for state, n in rows:
        counts[state] = n
    _last_backlog = counts
    return counts


def fmt_backlog(b: dict[str, int]) -> str:
    return (f"captures queued/fetching/retrying={b['queued']}/{b['running']}/{b['retrying']} "
            f"archived={b['done']} failed={b['failed']}")


# --------------------------------------------------------------------------------------------------- faults


class Faults:
    def __init__(self, stack: Stack, desk: load.Desk, redis_port: int, people: dict[str, dict], worker_argv,
                 cluster: PrivateCluster, cpu: CpuMeter) -> None:
        self.stack, self.desk, self.redis_port, self.people = stack, desk, redis_port, people
        self.worker_argv, self.cluster, self.cpu = worker_argv, cluster, cpu
        self.outcomes: list[tuple[str, str]] = []
        self.killed_fetching: list[int] = []
        self.outage_queued: list[int] = []
        self.pg_pending: list[int] = []

    def note(self, step: str, outcome: str) -> None:
        self.outcomes.append((step, outcome))
        log(f"FAULT {step}: {outcome}")

    def kill_worker(self) -> None:
        self.cpu.sample()
        fetching = [r[0] for r in sql("SELECT id FROM captures WHERE state IN ('running','queued')")]
        pid = self.stack.procs["worker1"].pid
        self.stack.signal("worker1", signal.SIGKILL)
        self.stack.procs["worker1"].wait()
        self.stack.procs.pop("worker1")
        self.killed_fetching = fetching
        self.stack.start("worker3", self.worker_argv("w3"))
        self.note("SIGKILL Celery worker 1", f"killed process group {pid} with {len(fetching)} captures queued or "
                  f"fetching at that moment; started worker3 (their final states are checked at the end)")

    def restart_redis(self, down_for: float = 5.0) -> None:
        errors_before = self.desk.stats.errors
        t0 = datetime.now(timezone.utc)
        self.stack.stop("redis")
        log(f"redis-server (our own, port {self.redis_port}) stopped; staying down {down_for:.0f} s")
        time.sleep(down_for)
        self.stack.start("redis", redis_argv(self.redis_port))
        wait_redis(self.redis_port)
        self.outage_queued = [r[0] for r in sql("SELECT id FROM captures WHERE created_at >= %s", t0.replace(tzinfo=None))]
        time.sleep(3)
        errors = self.desk.stats.errors - errors_before
        self.note("restart our redis-server (broker outage, no persistence: queued messages lost)",
                  f"{'PASS' if errors == 0 else 'FAIL'} (the web kept answering): down {down_for:.0f} s; client "
                  f"errors during outage+3 s: {errors}; "
                  f"{len(self.outage_queued)} captures created while down or just after (final states checked at "
                  f"the end)")

    def restart_postgres(self, down_for: float = 5.0) -> None:
        """Stop the private cluster with `pg_ctl -m fast` (every session ends), stay down, start it again."""
        stats, base = self.desk.stats, self.desk.base
        self.pg_pending = [r[0] for r in sql("SELECT id FROM captures WHERE state IN ('queued','running','retrying')")]
        gunicorn_before = workers_of(self.stack.procs["gunicorn"].pid)
        with stats.lock:
            before = (stats.errors, stats.s500, stats.clean_503, stats.dirty_503)
            stats.db_outage = True
        self.cpu.sample()
        self.cluster.stop("fast")
        log(f"PostgreSQL (private cluster, port {self.cluster.port}) stopped; staying down {down_for:.0f} s")
        time.sleep(down_for)
        self.cluster.start()
        back = time.monotonic()
        probe = requests.Session()
        probe.headers["Authorization"] = f"Bearer {self.people['admin1']['token']}"
        first_ok = None
        while time.monotonic() - back < 30:
            try:
                if probe.get(f"{base}/api/v1/claims", params={"limit": 1}, timeout=10).status_code == 200:
                    first_ok = time.monotonic() - back
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        time.sleep(3)  # requests that began before the server returned may still answer 503
        with stats.lock:
            stats.db_outage = False
            after = (stats.errors, stats.s500, stats.clean_503, stats.dirty_503)
        same_workers = workers_of(self.stack.procs["gunicorn"].pid) == gunicorn_before
        errors, s500, clean, dirty = (a - b for a, b in zip(after, before))
        verdict = "PASS" if (errors == 0 and dirty == 0 and first_ok is not None and same_workers) else "FAIL"
        self.note("restart PostgreSQL (private cluster: pg_ctl stop -m fast, start again)",
                  f"{verdict}: down {down_for:.0f} s; answered with the clean 503 (JSON error or HTML page, no stack "
                  f"trace): {clean}; 503s that leaked internals: {dirty}; 500s: {s500}; other errors: "
                  f"{errors - s500}; first 200 {first_ok if first_ok is None else round(first_ok, 2)} s after "
                  f"the server was back; gunicorn workers restarted: {'no' if same_workers else 'YES'}; "
                  f"{len(self.pg_pending)} captures pending at the stop (final states checked at the end)")

    def double_publish(self, trials: int = 5) -> None:
        base, stats = self.desk.base, self.desk.stats
        admin = load.Client(base, self.people["admin1"], stats)
        eds = [load.Client(base, self.people["editor1"], stats), load.Client(base, self.people["editor2"], stats)]
        results = []
        for t in range(trials):
            r = admin.call("fault:article", "POST", "/api/v1/articles",
                           json={"title": f"Double publish {t}", "body": load.article_body(random.Random(t))})
            # Checkers race for new claims too: take the first one no checker took before us.
            for claim in (c for c in r.json()["claims"] if c["status"] == "new"):
                cid = claim["id"]
                r = admin.call("fault:assign", "POST", f"/api/v1/claims/{cid}/assign", expected=(409,),
                               json={"assignee": "admin1", "version": claim["version"]})
                if r is not None and r.status_code == 200:
                    break
            else:
                raise RuntimeError("every new claim of the test article was taken by the simulated checkers")
            admin.call("fault:source", "POST", f"/api/v1/claims/{cid}/sources",
                       json={"url": f"{self.desk.cited}/p/{t}", "stance": "supports"})
            r = admin.call("fault:verdict", "PUT", f"/api/v1/claims/{cid}/verdict",
                           json={"rating": "True", "rationale": "race test", "version": r.json()["version"]})
            r = admin.call("fault:submit", "POST", f"/api/v1/claims/{cid}/transition",
                           json={"to": "in_review", "version": r.json()["version"]})
            version = r.json()["version"]
            barrier = threading.Barrier(2)
            got: list[int] = []

            def publish(c: load.Client) -> None:
                barrier.wait()
                p = c.call("fault:publish_race", "POST", f"/api/v1/claims/{cid}/transition", expected=(409,),
                           json={"to": "published", "version": version})
                got.append(p.status_code if p is not None else 0)

            ths = [threading.Thread(target=publish, args=(e,)) for e in eds]
            for th in ths:
                th.start()
            for th in ths:
                th.join()
            final = sql("SELECT status FROM claims WHERE id=%s", cid)[0][0]
            n_pub = sql("SELECT count(*) FROM events WHERE claim_id=%s AND kind='status' AND new='published'", cid)[0][0]
            results.append((cid, sorted(got), final, n_pub))
        one_wins = all(sorted(g)[0] == 200 and sorted(g)[1] >= 400 and f == "published" and n == 1
                       for _, g, f, n in results)
        all_409 = all(g == [200, 409] for _, g, _, _ in results)
        verdict = ("PASS" if one_wins and all_409 else
                   "PARTIAL (exactly one wins every time, but the loser is not always answered 409)" if one_wins
                   else "FAIL")
        self.note("two editors publish the same claim at the same moment",
                  verdict + ": " + "; ".join(
                      f"claim {cid}: answers {g}, status {f}, publish events {n}" for cid, g, f, n in results))


class AskStep:
    """The public-requests step in a thread of its own, while the simulated desk goes on (bench/stack/ask_load.py)."""

    def __init__(self, base: str, editors: list[dict], stats: load.Stats) -> None:
        self.base, self.editors, self.stats = base, editors, stats
        self.thread: threading.Thread | None = None
        self.result: dict | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="ask-step", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        log(f"ASK: desk timed for {ask_load.seconds_from_env():.0f} s without readers, then readers post "
            f"{ask_load.rate_from_env():.0f}/s to /ask for as long")
        try:
            result = ask_load.run(self.base, self.editors, forwarded=True, others=self.stats)
        except Exception as exc:  # a failed step is an outcome, not the end of the run
            log(f"ASK: the step itself failed: {exc!r}")
            return
        self.result = result
        for line in ask_load.summary(result):
            log("ASK " + line)
        log(f"ASK   {'PASS' if ask_load.passed(result) else 'FAIL'}")

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()


def redis_argv(port: int) -> list[str]:
    return ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]


# --------------------------------------------------------------------------------------------------- main


def main() -> int:
    global PG
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=180)
    ap.add_argument("--checkers", type=int, default=50)
    ap.add_argument("--editors", type=int, default=5)
    ap.add_argument("--faults", action="store_true")
    ap.add_argument("--ask", action="store_true", help="readers post to /ask meanwhile (FACTCHECK_STACK_ASK_SECONDS)")
    ap.add_argument("--drain", type=int, default=60, help="seconds to wait for the capture backlog")
    ap.add_argument("--doc", default=str(ROOT / "docs" / "load.md"), help="write the results here ('' = don't)")
    args = ap.parse_args()
    ask_seconds, ask_start = ask_load.seconds_from_env(), 30.0   # after the first articles' intake
    if args.ask and args.seconds < ask_start + 2 * ask_seconds + 10:
        args.seconds = int(ask_start + 2 * ask_seconds + 10)   # the desk without the readers, then with them

    workdir = Path(tempfile.mkdtemp(prefix="factcheck-stack-"))
    archive_dir = workdir / "archive"
    archive_dir.mkdir()
    cluster = PrivateCluster(durable=True).init()  # fsync on: commit latency as in production
    PG = f"postgresql://postgres@127.0.0.1:{cluster.port}"
    web_port, cited_port, redis_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    env.update({
        "PATH": f"{BIN}:{env.get('PATH', '')}",
        "FACTCHECK_DEV": "1",
        "FACTCHECK_DATABASE_URL": f"{PG}/{DB_NAME}",
        "FACTCHECK_REDIS_URL": f"redis://127.0.0.1:{redis_port}/10",
        "FACTCHECK_ARCHIVE_DIR": str(archive_dir),
        "FACTCHECK_INSTANCE_DIR": str(workdir / "instance"),
        "FACTCHECK_SCREENSHOTS": "off",
        "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{cited_port}",
        "FACTCHECK_FETCH_HOST_DELAY_MS": "0",
        "FACTCHECK_FETCH_PER_HOST": "8",
        "FACTCHECK_SWEEP_EVERY": "2",
        # bench-only: the defaults (300 s / 60 s) would keep a killed worker's jobs `fetching` for 5 minutes,
        # longer than the whole drain window; see docs/load.md
        "FACTCHECK_JOB_STUCK_AFTER": "30",
        "FACTCHECK_JOB_QUEUED_AFTER": "10",
        "FACTCHECK_PUBLIC_URL": f"http://127.0.0.1:{web_port}",
    })
    if args.ask:   # as behind a load balancer: each reader's address comes in X-Forwarded-For
        env["FACTCHECK_PROXY_FIX"] = "1"
    stack = Stack(workdir, env)
    stop = threading.Event()
    log(f"work dir {workdir}; web :{web_port}, cited web :{cited_port}, own redis :{redis_port} db 10, "
        f"private PostgreSQL :{cluster.port} database {DB_NAME} (data in {cluster.dir})")

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    result: dict = {"args": vars(args), "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    cpu = CpuMeter(stack, cluster)
    try:
        cluster.start()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DB_NAME}")
        stack.start("redis", redis_argv(redis_port))
        wait_redis(redis_port)
        subprocess.run(["redis-cli", "-p", str(redis_port), "-n", "10", "flushdb"], check=True, capture_output=True)
        subprocess.run([str(BIN / "factcheck"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        t0 = time.monotonic()
        prov = subprocess.run([str(BIN / "python"), str(HERE / "provision.py"), str(args.editors),
                               str(args.checkers)], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        people = json.loads(prov.stdout.strip().splitlines()[-1])["users"]
        log(f"created {len(people)} users and API tokens via the factcheck CLI commands in "
            f"{time.monotonic() - t0:.1f} s")
        stack.start("citedweb", [str(BIN / "python"), str(HERE / "citedweb.py"), str(cited_port)])
        # the same options as the web service in docker-compose.yml (tests/test_compose.py keeps them in step)
        stack.start("gunicorn", [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{web_port}", "--workers", "4",
                                 "--worker-class", "gthread", "--threads", "4", "--timeout", "60",
                                 "--keep-alive", "5", "--access-logfile", "-", "factcheck.wsgi:app"])

        def worker_argv(name: str) -> list[str]:
            return [str(BIN / "celery"), "-A", "workers", "worker", "--concurrency", "2", "-n", f"{name}@bench",
                    "--loglevel", "INFO"]

        stack.start("worker1", worker_argv("w1"))
        stack.start("worker2", worker_argv("w2"))
        stack.start("beat", [str(BIN / "celery"), "-A", "workers", "beat", "--loglevel", "INFO",
                             "-s", str(workdir / "celerybeat-schedule")])
        base, cited = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{cited_port}"
        wait_http(f"{base}/login", 60, "gunicorn")
        wait_http(f"{cited}/p/1", 10, "cited web")
        time.sleep(3)  # let the Celery workers connect

        stats = load.Stats()
        desk = load.Desk(base, cited, people, stats, stop)
        by_name = {p["username"]: p for p in people}
        faults = Faults(stack, desk, redis_port, by_name, worker_argv, cluster, cpu)
        plan = []
        if args.faults:
            plan = [(0.25, faults.kill_worker), (0.4, faults.restart_redis), (0.55, faults.restart_postgres),
                    (0.75, faults.double_publish)]
        log(f"load: {args.editors} editors + {args.checkers} checkers for {args.seconds} s"
            + (" with faults" if args.faults else ""))
        cpu.start()
        threads = load.start(desk)
        ask = AskStep(base, [p for p in people if p["role"] == "editor"][:3], stats) if args.ask else None
        begin = time.monotonic()
        next_report, last_report = begin + 10, begin
        intervals = []
        while (now := time.monotonic()) < begin + args.seconds:
            stack.supervise()
            if ask is not None and ask.thread is None and now - begin >= ask_start:
                ask.start()
            if plan and now - begin >= plan[0][0] * args.seconds:
                step = plan.pop(0)[1]
                try:
                    step()
                except Exception as exc:  # a failed fault step is an outcome, not the end of the run
                    faults.note(step.__name__, f"step itself failed: {exc!r}")
            if now >= next_report:
                cpu.sample()
                window = stats.take_window()
                secs = now - last_report
                last_report = now
                kinds: dict[str, list[float]] = {}
                for k, s in window:
                    kinds.setdefault(k, []).append(s)
                top = sorted(kinds.items(), key=lambda kv: -len(kv[1]))[:5]
                b = backlog()
                intervals.append({"t": round(now - begin), "rps": len(window) / secs, **b})
                log(f"t={now - begin:5.0f}s rps={len(window) / secs:6.1f} total={stats.total} errors={stats.errors} "
                    f"500s={stats.s500} expected4xx={stats.expected_4xx} | {fmt_backlog(b)}")
                log("          " + "  ".join(f"{k} p50={load.pct(sorted(v), 50) * 1000:.0f}ms "
                                            f"p95={load.pct(sorted(v), 95) * 1000:.0f}ms" for k, v in top))
                next_report = now + 10
            time.sleep(0.2)
        if ask is not None:
            ask.join()
        elapsed = time.monotonic() - begin
        cpu_used = cpu.used()
        stop.set()
        for t in threads:
            t.join(35)
        log(f"load stopped after {elapsed:.0f} s: {stats.total} requests, {stats.total / elapsed:.1f} req/s, "
            f"{stats.errors} errors, {stats.s500} × 500, sources added {desk.sources_added}, "
            f"claims published {desk.published}")

        drain_start = time.monotonic()
        while time.monotonic() - drain_start < args.drain:
            stack.supervise()
            b = backlog()
            if b["queued"] + b["running"] + b["retrying"] == 0:
                break
            time.sleep(2)
        drained = time.monotonic() - drain_start
        b = backlog()
        log(f"drain: {drained:.0f} s; {fmt_backlog(b)}")
        checks = consistency(sql, archive_dir)
        if args.faults:
            for label, ids in (("killed-worker captures", faults.killed_fetching),
                               ("broker-outage captures", faults.outage_queued),
                               ("captures pending when PostgreSQL stopped", faults.pg_pending)):
                if ids:
                    states = dict(sql("SELECT state, count(*) FROM captures WHERE id = ANY(%s) GROUP BY state", ids))
                    settled = sum(n for st, n in states.items() if st in ("done", "failed"))
                    verdict = "PASS" if settled == len(ids) else "FAIL"
                    faults.note(f"afterwards: {label}", f"{verdict}: {settled} of {len(ids)} settled "
                                f"{json.dumps(states)}; across the run {checks['duplicate_captures']} sources "
                                f"captured twice, {checks['shared_warcs']} WARCs shared by two captures")
        for name, code, cause in stack.restarts:
            faults.note(f"supervisor: {name} exited by itself", f"exit code {code}: {cause}; started again")
        logs = {}
        for f in sorted(workdir.glob("*.log")):
            text = f.read_text(errors="replace")
            logs[f.stem] = {"tracebacks": text.count("Traceback"), "error_lines": text.count(" ERROR")}
        result.update({
            "elapsed": elapsed, "total": stats.total, "rps": stats.total / elapsed, "errors": stats.errors,
            "s500": stats.s500, "expected_4xx": stats.expected_4xx, "conn_errors": stats.conn_errors,
            "clean_503": stats.clean_503, "cpu": cpu_used, "cores": os.cpu_count(),
            "error_samples": stats.error_samples, "table": stats.table(),
            "api": load.aggregate(stats, lambda k: not k.startswith(("html:", "fault:", "client:"))),
            "pages": load.aggregate(stats, lambda k: k.startswith("html:") and k != "html:login"),
            "login": load.aggregate(stats, lambda k: k == "html:login"), "sources_added": desk.sources_added,
            "published": desk.published, "articles": len(desk.articles), "drain_seconds": drained,
            "backlog_end": b, "intervals": intervals, "checks": checks, "faults": faults.outcomes, "logs": logs,
            "workdir": str(workdir), "users": len(people), "ask": ask.result if ask is not None else None,
        })
        print_summary(result)
        (workdir / "result.json").write_text(json.dumps(result, indent=2, default=str))
        if args.doc:
            write_doc(Path(args.doc), result)
            log(f"wrote {args.doc}")
        ok = not (checks["claims_status_mismatch"] or checks["warc_problems"] or checks["stuck_jobs"]
                  or checks["duplicate_captures"] or checks["shared_warcs"])
        if ask is not None and not (ask.result and ask_load.passed(ask.result)):
            ok = False
        return 0 if ok else 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        stop.set()
        stack.stop_all()
        cluster.destroy()
        log(f"logs and archive kept in {workdir}; the private PostgreSQL cluster was removed")


if __name__ == "__main__":
    sys.exit(main())
