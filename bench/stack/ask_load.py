"""The public page under load while the desk works: readers post requests to /ask at a steady rate.

    FACTCHECK_STACK_ASK_SECONDS   how long the readers post (default 60)
    FACTCHECK_STACK_ASK_RATE      posts per second (default 20)

Each post is a real form post, as a browser sends it: GET /ask for the CSRF cookie and token and the signed fill
time, wait the page's minimum fill time (ask.MIN_FILL_SECONDS), then POST the form. When the app trusts one proxy
(FACTCHECK_PROXY_FIX=1, as behind a load balancer) each reader gets an address through X-Forwarded-For: most come
from a crowd of addresses that post once or twice, the rest from a few busy addresses that pass the rate limit
(FACTCHECK_REQUEST_LIMIT); otherwise every post comes from loopback, one address, so the limit answers from the
sixth post of the minute. Every 429 must carry Retry-After. The addresses are header values only (documentation
ranges, RFC 5737): nothing is ever sent to them.

Meanwhile a few desk users (editors) load the queue page and act on claims (read one, comment on it). Their p95
is measured first for the same length of time without the readers, then with them; their errors must be 0.
Imported by bench/stack/run.py; `run()` also works against any server (tests/test_ask_load.py runs it for 3 s).
"""
from __future__ import annotations

import os
import random
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from load import Client, Stats, pct

MIN_FILL = 3.0 + 0.15     # factcheck.web.ask.MIN_FILL_SECONDS, and a margin for the clocks
TIMEOUT = 30.0
_FIELD = {name: re.compile(r'name="%s"[^>]*value="([^"]*)"' % name) for name in ("csrf_token", "started")}


def seconds_from_env(default: float = 60.0) -> float:
    return float(os.environ.get("FACTCHECK_STACK_ASK_SECONDS") or default)


def rate_from_env(default: float = 20.0) -> float:
    return float(os.environ.get("FACTCHECK_STACK_ASK_RATE") or default)


def addresses(seed: int, *, crowd: int, busy: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    nets = ("192.0.2", "198.51.100", "203.0.113")
    pool = [f"{net}.{host}" for net in nets for host in range(1, 255)]
    rng.shuffle(pool)
    return pool[busy:busy + crowd], pool[:busy]


class Readers:
    """Posts to /ask at `rate` per second for `seconds`, each post its own browser (session and address)."""

    def __init__(self, base: str, *, seconds: float, rate: float, forwarded: bool, busy_share: float = 0.3,
                 busy: int = 3, crowd: int = 600, seed: int = 16) -> None:
        self.base, self.seconds, self.rate, self.forwarded = base, seconds, rate, forwarded
        self.busy_share = busy_share
        self.crowd, self.busy = addresses(seed, crowd=crowd, busy=busy)
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.codes: Counter = Counter()
        self.form_codes: Counter = Counter()
        self.without_retry_after = 0
        self.retry_after_values: Counter = Counter()
        self.post_lat: list[float] = []
        self.samples: list[str] = []
        self.posted_at: list[float] = []

    def _address(self) -> str:
        with self.lock:
            if self.rng.random() < self.busy_share:
                return self.rng.choice(self.busy)
            return self.rng.choice(self.crowd)

    def one(self, n: int) -> None:
        web = requests.Session()
        if self.forwarded:
            web.headers["X-Forwarded-For"] = self._address()
        try:
            form = web.get(f"{self.base}/ask", timeout=TIMEOUT)
        except requests.RequestException as exc:
            self._note("form", None, repr(exc))
            return
        fetched = time.monotonic()
        with self.lock:
            self.form_codes[form.status_code] += 1
        fields = {name: (rx.search(form.text).group(1) if rx.search(form.text) else "") for name, rx in _FIELD.items()}
        if form.status_code != 200 or not fields["csrf_token"] or not fields["started"]:
            self._note("form", form.status_code, form.text[:200])
            return
        wait = fetched + MIN_FILL - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        data = {**fields, "kind": "check", "website": "",
                "claim_text": f"The harbour ferry carried {1000 + n:,} passengers on its first day, a record.",
                "link": f"https://news.example.org/ferry/{n}", "why": "It is on every poster in town.",
                "email": f"reader{n}@example.org" if n % 3 == 0 else ""}
        t0 = time.perf_counter()
        try:
            r = web.post(f"{self.base}/ask", data=data, timeout=TIMEOUT, allow_redirects=False)
        except requests.RequestException as exc:
            self._note("post", None, repr(exc))
            return
        secs = time.perf_counter() - t0
        with self.lock:
            self.codes[r.status_code] += 1
            self.post_lat.append(secs)
            self.posted_at.append(time.monotonic())
            if r.status_code == 429:
                value = r.headers.get("Retry-After")
                if not value:
                    self.without_retry_after += 1
                else:
                    self.retry_after_values[value] += 1
        if r.status_code not in (201, 303, 302, 429):
            self._note("post", r.status_code, r.text[:200])

    def _note(self, step: str, status, detail: str) -> None:
        with self.lock:
            if status is None:
                self.codes["conn"] += 1
            if len(self.samples) < 20:
                self.samples.append(f"{step} -> {status}: {detail}")

    def run(self, stop: threading.Event | None = None) -> None:
        total = int(round(self.seconds * self.rate))
        with ThreadPoolExecutor(max_workers=max(8, int(self.rate * (MIN_FILL + 2)) + 8),
                                thread_name_prefix="reader") as pool:
            begin = time.monotonic()
            for n in range(total):
                due = begin + n / self.rate
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                if stop is not None and stop.is_set():
                    break
                pool.submit(self.one, n)


def desk_work(clients: list[Client], stop: threading.Event, seed: int) -> list[threading.Thread]:
    """Editors at work: the queue page (HTML, signed in) and claim actions on the API, until `stop`."""
    def loop(c: Client, rng: random.Random) -> None:
        if not c.login():
            c.stats.record("desk:login", None, 0.0, (), "could not sign in")
            return
        while not stop.is_set():
            action = rng.choice(["queue_page", "queue_page", "claim", "comment"])
            if action == "queue_page":
                c.call("desk:queue_page", "GET", "/queue", web=True)
            else:
                r = c.call("desk:queue_api", "GET", "/api/v1/claims", params={"status": "all", "limit": 20})
                items = r.json()["items"] if r is not None and r.status_code == 200 else []
                if items:
                    cid = rng.choice(items)["id"]
                    if action == "claim":
                        c.call("desk:claim", "GET", f"/api/v1/claims/{cid}")
                    else:
                        c.call("desk:comment", "POST", f"/api/v1/claims/{cid}/comments",
                               json={"body": "Checked the harbour office's figures for this one."})
            stop.wait(rng.uniform(0.2, 0.6))

    threads = []
    for i, c in enumerate(clients):
        t = threading.Thread(target=loop, args=(c, random.Random(seed + i)), daemon=True, name=f"desk-{i}")
        t.start()
        threads.append(t)
    return threads


def desk_phase(base: str, people: list[dict], seconds: float, seed: int, during=None) -> Stats:
    """The desk users' figures over `seconds` (with `during()` running meanwhile, if given)."""
    stats, stop = Stats(), threading.Event()
    threads = desk_work([Client(base, p, stats) for p in people], stop, seed)
    try:
        if during is None:
            stop.wait(seconds)
        else:
            during()
    finally:
        stop.set()
        for t in threads:
            t.join(TIMEOUT + 5)
    return stats


def desk_figures(stats: Stats) -> dict:
    with stats.lock:
        xs = sorted(x for kind, lat in stats.lat.items() if kind.startswith("desk:") for x in lat)
    return {"requests": len(xs), "p50": pct(xs, 50), "p95": pct(xs, 95), "errors": stats.errors,
            "error_samples": list(stats.error_samples)}


def run(base: str, desk_people: list[dict], *, seconds: float | None = None, rate: float | None = None,
        forwarded: bool, seed: int = 16, others: Stats | None = None, **reader_options) -> dict:
    """Without the readers for `seconds`, then with them: the desk's figures beside each other, and the readers'.
    `others`: the rest of the desk's figures (the stack bench's simulated desk), whose errors are counted per phase."""
    seconds = seconds_from_env() if seconds is None else seconds
    rate = rate_from_env() if rate is None else rate
    errors = [others.errors if others is not None else 0]
    quiet = desk_figures(desk_phase(base, desk_people, seconds, seed))
    errors.append(others.errors if others is not None else 0)
    readers = Readers(base, seconds=seconds, rate=rate, forwarded=forwarded, seed=seed, **reader_options)
    t0 = time.monotonic()
    busy = desk_figures(desk_phase(base, desk_people, seconds, seed + 100, during=readers.run))
    elapsed = time.monotonic() - t0
    errors.append(others.errors if others is not None else 0)
    posted = sorted(readers.posted_at)
    span = (posted[-1] - posted[0]) if len(posted) > 1 else 0.0
    codes = readers.codes
    return {
        "seconds": seconds, "rate": rate, "forwarded": forwarded, "elapsed": elapsed,
        "posts": sum(codes.values()), "achieved_rate": (len(posted) - 1) / span if span else 0.0,
        "accepted": codes.get(303, 0) + codes.get(302, 0) + codes.get(201, 0), "limited": codes.get(429, 0),
        "other": {str(k): v for k, v in codes.items() if k not in (201, 302, 303, 429)},
        "form_codes": {str(k): v for k, v in readers.form_codes.items()},
        "limited_without_retry_after": readers.without_retry_after,
        "retry_after_values": dict(readers.retry_after_values),
        "post_p95": pct(sorted(readers.post_lat), 95), "reader_samples": readers.samples,
        "desk_quiet": quiet, "desk_loaded": busy,
        "other_desk_errors": {"quiet": errors[1] - errors[0], "loaded": errors[2] - errors[1]},
        "desk_p95_ratio": busy["p95"] / quiet["p95"] if quiet["p95"] else 0.0,
    }


def summary(r: dict) -> list[str]:
    q, b = r["desk_quiet"], r["desk_loaded"]
    return [
        f"public requests: {r['posts']} posts in {r['seconds']:.0f} s at {r['achieved_rate']:.1f}/s (aim "
        f"{r['rate']:.0f}/s), {'many addresses via X-Forwarded-For' if r['forwarded'] else 'all from loopback'}",
        f"  accepted (201/302/303): {r['accepted']}   rate-limited (429): {r['limited']}   other: {r['other'] or 0}   "
        f"429 without Retry-After: {r['limited_without_retry_after']} (Retry-After values {r['retry_after_values']})",
        f"  desk errors: {q['errors']} without the readers, {b['errors']} with them (must be 0); the rest of the "
        f"desk's: {r['other_desk_errors']['quiet']} without, {r['other_desk_errors']['loaded']} with",
        f"  desk p95: {b['p95'] * 1000:.0f} ms with the readers beside {q['p95'] * 1000:.0f} ms without "
        f"(ratio {r['desk_p95_ratio']:.2f}); p50 {b['p50'] * 1000:.0f} / {q['p50'] * 1000:.0f} ms; "
        f"{b['requests']} / {q['requests']} desk requests",
        f"  post p95 {r['post_p95'] * 1000:.0f} ms",
    ]


def passed(r: dict) -> bool:
    return (r["desk_quiet"]["errors"] == 0 and r["desk_loaded"]["errors"] == 0 and r["limited"] > 0
            and r["other_desk_errors"]["loaded"] == 0
            and r["limited_without_retry_after"] == 0 and not r["other"] and r["accepted"] > 0)
