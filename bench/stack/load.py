"""Simulated desk users for the stack benchmark: checkers and editors as threads on the JSON API
(bearer tokens) plus a few HTML page views on a signed-in browser session.

Imported by bench/stack/run.py. Uses `requests` (already in the virtualenv) with one keep-alive
session per simulated person.
"""
from __future__ import annotations

import random
import re
import statistics
import threading
import time
from collections import defaultdict

import requests

TIMEOUT = 30.0
# 4xx answers that are a normal outcome of racing colleagues (stale version, claim taken, status moved on)
RACE = (403, 409, 422)


class Stats:
    """Latencies and outcomes per kind of request; thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lat: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.window: list[tuple[str, float]] = []   # since the last interval report
        self.total = self.errors = self.s500 = self.expected_4xx = self.conn_errors = 0
        # While the database is down on purpose (the PostgreSQL restart fault), a clean 503 is the promised
        # answer: counted here, not as an error. A 500, a stack trace or a dropped connection still is one.
        self.db_outage = False
        self.clean_503 = self.dirty_503 = 0
        self.error_samples: list[str] = []
        self.started = time.monotonic()

    def record(self, kind: str, status: int | None, secs: float, expected: tuple[int, ...], detail: str = "") -> None:
        with self.lock:
            self.total += 1
            self.lat[kind].append(secs)
            self.window.append((kind, secs))
            self.status[kind][status or 0] += 1
            if status == 503 and self.db_outage:
                if clean_503(detail):
                    self.clean_503 += 1
                    return
                self.dirty_503 += 1
            if status is None:
                self.conn_errors += 1
                self.errors += 1
            elif status >= 500:
                self.errors += 1
                if status == 500:
                    self.s500 += 1
            elif status >= 400:
                if status in expected:
                    self.expected_4xx += 1
                else:
                    self.errors += 1
            else:
                return
            if (status is None or status >= 500 or status not in expected) and len(self.error_samples) < 40:
                self.error_samples.append(f"{kind} -> {status}: {detail[:200]}")

    def take_window(self) -> list[tuple[str, float]]:
        with self.lock:
            w, self.window = self.window, []
            return w

    def table(self) -> list[tuple[str, int, float, float, str]]:
        with self.lock:
            rows = []
            for kind in sorted(self.lat):
                xs = sorted(self.lat[kind])
                codes = ",".join(f"{c or 'conn'}:{n}" for c, n in sorted(self.status[kind].items()))
                rows.append((kind, len(xs), pct(xs, 50), pct(xs, 95), codes))
            return rows


def clean_503(body: str) -> bool:
    """The app's own outage answer (JSON error or HTML page), with no trace of the exception in it."""
    leaks = ("Traceback", "sqlalchemy", "psycopg", "OperationalError")
    return ("database_unavailable" in body or "cannot reach its database" in body) and \
        not any(leak in body for leak in leaks)


def aggregate(stats: "Stats", pick) -> tuple[int, float, float]:
    """(n, median, p95) over every kind for which pick(kind) is true."""
    with stats.lock:
        xs = sorted(x for kind, lat in stats.lat.items() if pick(kind) for x in lat)
    return len(xs), pct(xs, 50), pct(xs, 95)


def pct(sorted_xs: list[float], p: float) -> float:
    if not sorted_xs:
        return 0.0
    if p == 50:
        return statistics.median(sorted_xs)
    return sorted_xs[min(len(sorted_xs) - 1, int(round(p / 100 * (len(sorted_xs) - 1))))]


class Client:
    def __init__(self, base: str, person: dict, stats: Stats) -> None:
        self.base, self.person, self.stats = base, person, stats
        self.name, self.role = person["username"], person["role"]
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Bearer {person['token']}"
        self.web: requests.Session | None = None

    def call(self, kind: str, method: str, path: str, *, expected: tuple[int, ...] = (), web: bool = False,
             **kw) -> requests.Response | None:
        sess = self.web if web else self.api
        t0 = time.perf_counter()
        try:
            r = sess.request(method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kw)
        except requests.RequestException as exc:
            self.stats.record(kind, None, time.perf_counter() - t0, expected, repr(exc))
            return None
        if kind.startswith("export") or kind.startswith("html"):
            _ = r.content  # include the whole body in the latency
        detail = r.text if r.status_code == 503 else r.text[:200]
        self.stats.record(kind, r.status_code, time.perf_counter() - t0, expected, detail)
        return r

    def login(self) -> bool:
        self.web = requests.Session()
        r = self.call("html:login_form", "GET", "/login", web=True)
        if r is None or r.status_code != 200:
            return False
        m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', r.text) or \
            re.search(r'value="([^"]+)"[^>]*name="csrf_token"', r.text)
        if not m:
            return False
        r = self.call("html:login", "POST", "/login", web=True,
                      data={"csrf_token": m.group(1), "username": self.name, "password": self.person["password"]})
        return r is not None and r.status_code in (302, 303)


class Desk:
    """What the simulated people share: created articles, the cited web's address, the stop flag."""

    def __init__(self, base: str, cited: str, people: list[dict], stats: Stats, stop: threading.Event) -> None:
        self.base, self.cited, self.people, self.stats, self.stop = base, cited, people, stats, stop
        self.articles: list[int] = []
        self.lock = threading.Lock()
        self.sources_added = 0
        self.published = 0
        self.checkers = [p["username"] for p in people if p["role"] == "checker"]

    def cited_url(self, rng: random.Random) -> str:
        n = rng.randint(1, 5000)
        kind = rng.choices(["p", "slow", "r", "flaky", "gone", "down"], weights=[50, 12, 10, 12, 10, 6])[0]
        return f"{self.cited}/{kind}/{n}"

    def think(self, rng: random.Random, lo: float, hi: float) -> None:
        self.stop.wait(rng.uniform(lo, hi))


ORGS = ["Harbour Authority", "City Council", "Ministry of Transport", "Bay Hospital Trust", "Chamber of Commerce",
        "Regional Statistics Office", "Ferry Company"]
PEOPLE = ["Mayor Ada Lind", "Minister Tomas Berg", "Dr Nora Holt", "Councillor Sam Okafor"]


def article_body(rng: random.Random) -> str:
    sents = []
    for _ in range(rng.randint(8, 16)):
        org, who, y = rng.choice(ORGS), rng.choice(PEOPLE), rng.randint(2001, 2025)
        sents.append(rng.choice([
            f"The {org} said its budget rose by {rng.randint(2, 60)} percent to ${rng.randint(2, 900)} million in {y}.",
            f"According to the {org}, {rng.randint(1000, 90000):,} residents used the ferry last year, the highest "
            f"number since {y}.",
            f"{who} said unemployment fell to {rng.randint(2, 15)}.{rng.randint(0, 9)} percent in {y}, the lowest "
            f"rate on record.",
            f"The {org} spent ${rng.randint(1, 90)} million on the new terminal, twice the amount planned in {y}.",
            "Will the plan work? Nobody can say yet.",
            "Residents may want to check the timetable before travelling.",
        ]))
    return " ".join(sents[:len(sents) // 2]) + "\n\n" + " ".join(sents[len(sents) // 2:])


def bring_in_article(c: Client, desk: Desk, rng: random.Random) -> None:
    r = c.call("article:create", "POST", "/api/v1/articles",
               json={"title": f"Harbour Bay story {rng.randint(1, 10**6)}", "body": article_body(rng),
                     "byline": c.name})
    if r is not None and r.status_code == 201:
        with desk.lock:
            desk.articles.append(r.json()["id"])


def editor_loop(c: Client, desk: Desk, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(2):
        bring_in_article(c, desk, rng)
    while not desk.stop.is_set():
        action = rng.choices(["article", "assign", "publish", "export", "browse", "html"],
                             weights=[10, 25, 30, 10, 15, 10])[0]
        if action == "article":
            bring_in_article(c, desk, rng)
        elif action == "assign":
            r = c.call("queue:new_unassigned", "GET", "/api/v1/claims",
                       params={"status": "new", "assignee": "unassigned", "sort": "score", "limit": 20})
            if r is not None and r.status_code == 200:
                for item in rng.sample(r.json()["items"], min(3, len(r.json()["items"]))):
                    c.call("claim:assign", "POST", f"/api/v1/claims/{item['id']}/assign", expected=RACE,
                           json={"assignee": rng.choice(desk.checkers), "version": item["version"]})
        elif action == "publish":
            r = c.call("queue:in_review", "GET", "/api/v1/claims", params={"status": "in_review", "limit": 20})
            if r is not None and r.status_code == 200:
                items = [i for i in r.json()["items"] if not i["verdict"] or i["verdict"]["proposed_by"] != c.name]
                if items:
                    item = rng.choice(items)
                    p = c.call("claim:publish", "POST", f"/api/v1/claims/{item['id']}/transition", expected=RACE,
                               json={"to": "published", "version": item["version"]})
                    if p is not None and p.status_code == 200:
                        with desk.lock:
                            desk.published += 1
        elif action == "export":
            with desk.lock:
                aid = rng.choice(desk.articles) if desk.articles else None
            if aid:
                c.call("export:article_csv", "GET", f"/api/v1/articles/{aid}/report", params={"format": "csv"})
        elif action == "browse":
            with desk.lock:
                aid = rng.choice(desk.articles) if desk.articles else None
            params = rng.choice([{"status": "all", "sort": "newest"}, {"due": "overdue"}, {"min_score": 0.6},
                                 {"article_id": aid or 1, "status": "all"}, {"q": "ferry", "status": "all"}])
            c.call("queue:filter", "GET", "/api/v1/claims", params=params)
        elif action == "html":
            if c.web is None and not c.login():
                continue
            page = rng.choice(["/queue", "/dashboard", "/workload", "article", "claim"])
            if page == "article":
                with desk.lock:
                    aid = rng.choice(desk.articles) if desk.articles else 1
                c.call("html:article", "GET", f"/articles/{aid}", web=True)
            elif page == "claim":
                r = c.call("queue:filter", "GET", "/api/v1/claims", params={"status": "all", "limit": 20})
                if r is not None and r.status_code == 200 and r.json()["items"]:
                    c.call("html:claim", "GET", f"/claims/{rng.choice(r.json()['items'])['id']}", web=True)
            else:
                c.call(f"html:{page.strip('/')}", "GET", page, web=True)
        desk.think(rng, 0.3, 1.0)


def work_on(c: Client, desk: Desk, rng: random.Random, claim_id: int) -> None:
    r = c.call("claim:get", "GET", f"/api/v1/claims/{claim_id}")
    if r is None or r.status_code != 200:
        return
    claim = r.json()
    if claim["status"] != "in_progress" or claim["assignee"] != c.name:
        return
    for _ in range(rng.randint(1, 2)):
        s = c.call("source:add", "POST", f"/api/v1/claims/{claim_id}/sources", expected=RACE,
                   json={"url": desk.cited_url(rng), "title": "Cited page",
                         "stance": rng.choice(["supports", "refutes", "context"]), "note": "bench"})
        if s is not None and s.status_code == 201:
            with desk.lock:
                desk.sources_added += 1
        desk.think(rng, 0.1, 0.4)
    v = c.call("verdict:put", "PUT", f"/api/v1/claims/{claim_id}/verdict", expected=RACE,
               json={"rating": rng.choice(["True", "Mostly true", "False", "Misleading"]),
                     "rationale": "Checked against the cited pages.", "version": claim["version"]})
    if v is None or v.status_code != 200:
        return
    desk.think(rng, 0.1, 0.5)
    c.call("claim:submit", "POST", f"/api/v1/claims/{claim_id}/transition", expected=RACE,
           json={"to": "in_review", "version": v.json()["version"]})


def checker_loop(c: Client, desk: Desk, seed: int) -> None:
    rng = random.Random(seed)
    desk.think(rng, 0, 2.0)  # do not all start in the same instant
    while not desk.stop.is_set():
        r = c.call("queue:mine", "GET", "/api/v1/claims", params={"assignee": "me", "status": "in_progress"})
        mine = r.json()["items"] if r is not None and r.status_code == 200 else []
        if mine:
            work_on(c, desk, rng, rng.choice(mine)["id"])
        elif rng.random() < 0.5:
            r = c.call("queue:new_unassigned", "GET", "/api/v1/claims",
                       params={"status": "new", "assignee": "unassigned", "sort": "score", "limit": 20})
            items = r.json()["items"] if r is not None and r.status_code == 200 else []
            if items:
                item = rng.choice(items[:10])
                c.call("claim:take", "POST", f"/api/v1/claims/{item['id']}/transition", expected=RACE,
                       json={"to": "in_progress", "version": item["version"]})
        else:
            params = rng.choice([{"status": "all", "q": rng.choice(["percent", "ferry", "budget"])},
                                 {"status": "published", "sort": "newest"}, {"min_score": 0.5, "sort": "score"}])
            r = c.call("queue:filter", "GET", "/api/v1/claims", params=params)
            items = r.json()["items"] if r is not None and r.status_code == 200 else []
            if items:
                cid = rng.choice(items)["id"]
                c.call("claim:get", "GET", f"/api/v1/claims/{cid}")
                c.call("claim:history", "GET", f"/api/v1/claims/{cid}/history")
        desk.think(rng, 0.5, 1.5)


def start(desk: Desk) -> list[threading.Thread]:
    threads = []
    for i, person in enumerate(desk.people):
        if person["role"] == "admin":
            continue
        fn = editor_loop if person["role"] == "editor" else checker_loop
        t = threading.Thread(target=_guard, args=(fn, Client(desk.base, person, desk.stats), desk, 1000 + i),
                             name=person["username"], daemon=True)
        t.start()
        threads.append(t)
    return threads


def _guard(fn, c: Client, desk: Desk, seed: int) -> None:
    while not desk.stop.is_set():
        try:
            fn(c, desk, seed)
        except Exception as exc:  # a bad response body must not end a simulated person
            desk.stats.record("client:exception", None, 0.0, (), repr(exc))
            seed += 7919
            desk.stop.wait(1.0)
