"""At most N fetches at once per host and a pause between them, in-process and through Redis."""
import threading
import time
import uuid

import pytest

from factcheck.archive.politeness import HostBusy, LocalGate, RedisGate
from tests.conftest import need


def redis_gate(**kw):
    import redis
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/14", socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        need("Redis", str(exc))
    return RedisGate("redis://127.0.0.1:6379/14", **kw)


@pytest.fixture(params=["local", "redis"])
def make_gate(request):
    return (lambda **kw: LocalGate(**kw)) if request.param == "local" else (lambda **kw: redis_gate(**kw))


def run_many(gate, host, n, hold):
    active, peak, starts, lock = [0], [0], [], threading.Lock()

    def one():
        with gate.slot(host):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
                starts.append(time.monotonic())
            time.sleep(hold)
            with lock:
                active[0] -= 1
    threads = [threading.Thread(target=one) for _ in range(n)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return peak[0], sorted(starts)


def test_at_most_n_at_once_per_host(make_gate):
    host = f"site-{uuid.uuid4().hex}.example"
    peak, _ = run_many(make_gate(per_host=2, delay=0.0, wait=10), host, 6, 0.2)
    assert peak == 2


def test_a_pause_between_fetch_starts(make_gate):
    host = f"site-{uuid.uuid4().hex}.example"
    _, starts = run_many(make_gate(per_host=5, delay=0.15, wait=10), host, 4, 0.0)
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.12


def test_other_hosts_are_not_held_up(make_gate):
    gate = make_gate(per_host=1, delay=0.0, wait=0.3)
    busy = f"busy-{uuid.uuid4().hex}.example"
    with gate.slot(busy):
        with gate.slot(f"other-{uuid.uuid4().hex}.example"):
            pass
        with pytest.raises(HostBusy):
            with gate.slot(busy):
                pass


def test_redis_down_means_wait_and_retry_not_a_crash():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    gate = RedisGate(f"redis://127.0.0.1:{port}/0", per_host=1, delay=0.0, wait=0.5)
    with pytest.raises(HostBusy, match="Redis unavailable"):
        with gate.slot("example.org"):
            pass
