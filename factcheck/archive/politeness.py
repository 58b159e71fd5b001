"""Politeness towards cited sites: at most N fetches at once per host, and a pause between them.

Embedded mode keeps the counters in this process; distributed mode keeps them in Redis so every
worker on every machine shares them. A slot that cannot be had within `wait` seconds is a
transient failure: the capture is retried later instead of tying up a worker.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class HostBusy(Exception):
    """No fetch slot for this host within the waiting time."""


class LocalGate:
    def __init__(self, *, per_host: int = 2, delay: float = 0.2, wait: float = 30.0):
        self.per_host, self.delay, self.wait = per_host, delay, wait
        self._lock = threading.Condition()
        self._busy: dict[str, int] = {}
        self._next: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        deadline = time.monotonic() + self.wait
        with self._lock:
            while True:
                now = time.monotonic()
                ready_at = self._next.get(host, 0.0)
                if self._busy.get(host, 0) < self.per_host and now >= ready_at:
                    self._busy[host] = self._busy.get(host, 0) + 1
                    self._next[host] = now + self.delay
                    break
                if now >= deadline:
                    raise HostBusy(host)
                self._lock.wait(timeout=min(max(ready_at - now, 0.01), deadline - now))
        try:
            yield
        finally:
            with self._lock:
                self._busy[host] -= 1
                self._lock.notify_all()


class RedisGate:
    """The same rules shared by all workers through Redis (a counter and a pause key per host)."""

    def __init__(self, url: str, *, per_host: int = 2, delay: float = 0.2, wait: float = 30.0,
                 hold: float = 120.0):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.per_host, self.delay, self.wait, self.hold = per_host, delay, wait, hold

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        import redis

        busy, pause = f"factcheck:fetch:{host}:busy", f"factcheck:fetch:{host}:pause"
        deadline = time.monotonic() + self.wait
        try:
            while True:
                taken = self.redis.incr(busy)
                if taken < 1:  # a counter left negative across a Redis restart: start again from zero
                    self.redis.set(busy, 1, ex=int(self.hold))
                    taken = 1
                self.redis.expire(busy, int(self.hold))  # a killed worker's slot frees itself
                if taken <= self.per_host:
                    if self.delay <= 0 or self.redis.set(pause, 1, nx=True, px=max(int(self.delay * 1000), 1)):
                        break
                self.redis.decr(busy)
                if time.monotonic() >= deadline:
                    raise HostBusy(host)
                time.sleep(min(max(self.delay, 0.05), 0.5))
        except redis.exceptions.RedisError as exc:  # no broker, no shared counters: wait and retry later
            raise HostBusy(f"{host} (Redis unavailable: {exc})") from None
        try:
            yield
        finally:
            try:
                self.redis.decr(busy)
            except redis.exceptions.RedisError:
                pass  # the counter expires by itself after `hold` seconds
