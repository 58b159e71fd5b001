"""WACZ packaging: time and size of a WACZ beside the WARCs alone, for the 500-page capture set.

Nothing is fetched: the 500 captures are generated here, each written by the app's own WARC writer
(factcheck.archive.warc, gzip per record) into a temporary archive store, shaped like bench/capture_throughput.py's
site: HTML pages of 2 KB to 500 KB (log-uniform), about 10% behind a redirect (two request/response pairs).

Measured in one run, on the same store:

  (a) the WARCs alone (the reference): their total size, and the time to read every one through the store and
      write it to one file (what handing over the WARCs costs at the least);
  (b) one WACZ of all 500 (an article's evidence at its largest) written to a file: time, size, overhead over (a);
  (c) the same, streamed (as the API sends it): time, and the peak Python memory while streaming;
  (d) one WACZ per capture (the claim page's "WACZ" link): median and 95th percentile time, median overhead;
  (e) py-wacz's `wacz create` on the same 500 WARCs (copied out of the store for it), as an outside reference;
  (f) `wacz validate` on (b): it must pass.

Times (a) to (c) are the fastest of --runs runs.

Usage: python bench/wacz.py [--pages 500] [--seed 7] [--runs 3] [--skip-py-wacz]
"""
from __future__ import annotations

import argparse
import io
import math
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factcheck.archive.storage import LocalArchiveStore  # noqa: E402
from factcheck.archive.warc import write_warc  # noqa: E402
from factcheck.archive.wacz import Entry, stream_wacz, write_wacz  # noqa: E402

LETTERS = "etaoinshrdlcumwfgypbvk"


class Hop:
    def __init__(self, url, status, reason, headers, body=b""):
        self.url, self.status, self.reason, self.response_headers, self.body = url, status, reason, headers, body
        self.method, self.http_version, self.remote_ip = "GET", "HTTP/1.1", "127.0.0.1"
        self.request_headers = [("User-Agent", "factcheck-bench")]


def vocabulary(rng: random.Random, n: int = 5000) -> list[str]:
    """Made-up words, so the pages compress about as well as real HTML text (3 to 4 times), not 20 times."""
    return ["".join(rng.choice(LETTERS) for _ in range(rng.randint(2, 11))) for _ in range(n)]


def html_of(rng: random.Random, words_in: list[str], i: int, size: int) -> bytes:
    words = []
    total = 0
    while total < size:
        word = rng.choice(words_in) if rng.random() > 0.05 else str(rng.randint(1, 99_999))
        words.append(word)
        total += len(word) + 1
    return (f"<!doctype html><html><head><title>Page {i}</title></head><body><p>" + " ".join(words)
            + "</p></body></html>").encode()


def make_captures(store, n: int, seed: int) -> tuple[list[Entry], int]:
    """n captures written as WARCs into ``store``; the entries and how many have a redirect."""
    rng, entries, redirects = random.Random(seed), [], 0
    words = vocabulary(rng)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            size = int(math.exp(rng.uniform(math.log(2_000), math.log(500_000))))
            body = html_of(rng, words, i, size)
            url = f"http://127.0.0.1:8000/pages/{i}"
            hops = [Hop(url, 200, "OK", [("Content-Type", "text/html; charset=utf-8"),
                                         ("Content-Length", str(len(body)))], body)]
            if rng.random() < 0.10:
                redirects += 1
                hops.insert(0, Hop(f"http://127.0.0.1:8000/go/{i}", 302, "Found",
                                   [("Location", url), ("Content-Length", "0")]))
            path = Path(tmp) / f"{i}.warc.gz"
            write_warc(hops, path)
            entries.append(Entry(capture_id=i + 1, warc=store.put_file(path, suffix=".warc.gz")[1],
                                 title=f"Page {i}"))
    return entries, redirects


def timed(fn, runs: int = 1):
    """(the fastest of ``runs`` timings, the result): on a shared machine the fastest run is the least disturbed."""
    best, result = math.inf, None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def copy_warcs(store, entries, out_path: Path) -> int:
    size = 0
    with open(out_path, "wb") as out:
        for e in entries:
            with store.open(e.warc) as fh:
                while chunk := fh.read(1 << 20):
                    out.write(chunk)
                    size += len(chunk)
    return size


def package(store, entries, out_path: Path) -> int:
    with open(out_path, "wb") as out:
        write_wacz(entries, store=store, out=out, title="bench", created=datetime.now(timezone.utc))
    return out_path.stat().st_size


def stream(store, entries) -> int:
    size = 0
    for piece in stream_wacz(entries, store=store, title="bench", created=datetime.now(timezone.utc)):
        size += len(piece)
    return size


def stream_peak(store, entries) -> int:
    """Peak Python memory while streaming (a second, untimed pass: tracing slows everything down)."""
    tracemalloc.start()
    stream(store, entries)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def py_wacz(store, entries, tmp: Path) -> tuple[float, int] | None:
    """`wacz create` on copies of the WARCs (py-wacz reads file paths); None when it is not installed."""
    folder = tmp / "py-wacz"
    folder.mkdir()
    inputs = []
    for e in entries:
        target = folder / f"capture-{e.capture_id}.warc.gz"
        with store.open(e.warc) as fh:
            target.write_bytes(fh.read())
        inputs.append(str(target))
    out = tmp / "py-wacz.wacz"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "wacz", "create", "-o", str(out), *inputs], cwd=tmp,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or not out.exists():
        print(f"  (py-wacz did not run: {(done.stderr or done.stdout).strip()[-200:]})")
        return None
    return elapsed, out.stat().st_size


def validate(path: Path, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(path)], cwd=cwd,
                          capture_output=True, text=True)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[-1] if lines else f"no output (exit {done.returncode})"


def mb(n: int) -> str:
    return f"{n / 1_048_576:8.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3, help="timings (a)-(c) keep the fastest of this many")
    parser.add_argument("--skip-py-wacz", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        store = LocalArchiveStore(tmp / "archive")
        made, (entries, redirects) = timed(lambda: make_captures(store, args.pages, args.seed))
        print(f"{args.pages} captures generated with warcio into a temporary archive store (nothing fetched; "
              f"{redirects} behind a redirect), {made:.1f} s")

        t_ref, warc_bytes = timed(lambda: copy_warcs(store, entries, tmp / "all.warc.gz"), args.runs)
        t_wacz, wacz_bytes = timed(lambda: package(store, entries, tmp / "all.wacz"), args.runs)
        t_stream, stream_bytes = timed(lambda: stream(store, entries), args.runs)
        peak = stream_peak(store, entries)
        singles, single_overheads = [], []
        for e in entries:
            buffer = io.BytesIO()
            t, _ = timed(lambda: write_wacz([e], store=store, out=buffer, title="one",
                                            created=datetime.now(timezone.utc)))
            singles.append(t)
            single_overheads.append(len(buffer.getvalue()) - store.size(e.warc))
        reference = None if args.skip_py_wacz else py_wacz(store, entries, tmp)
        verdict = validate(tmp / "all.wacz", tmp)

        print()
        print(f"{'':44}{'time':>10}{'size':>12}{'vs WARCs':>12}")
        print(f"{'(a) the WARCs alone, read and written once':44}{t_ref:9.2f}s{mb(warc_bytes):>12}{'1.000x':>12}")
        print(f"{'(b) one WACZ of all, to a file':44}{t_wacz:9.2f}s{mb(wacz_bytes):>12}"
              f"{wacz_bytes / warc_bytes:11.3f}x")
        print(f"{'(c) the same WACZ, streamed':44}{t_stream:9.2f}s{mb(stream_bytes):>12}"
              f"{stream_bytes / warc_bytes:11.3f}x")
        if reference:
            print(f"{'(e) py-wacz `wacz create`, same WARCs':44}{reference[0]:9.2f}s{mb(reference[1]):>12}"
                  f"{reference[1] / warc_bytes:11.3f}x")
        print()
        print(f"(b) costs {t_wacz / t_ref:.1f}x the plain copy of (a), {t_wacz / len(entries) * 1000:.2f} ms a "
              f"capture; it adds {(wacz_bytes - warc_bytes) / 1024:.0f} KB "
              f"({(wacz_bytes - warc_bytes) / len(entries):.0f} bytes a capture: index, pages, datapackage, ZIP).")
        print(f"(c) peak Python memory while streaming {args.pages} captures: {peak / 1_048_576:.1f} MB "
              f"(the largest WARC here is {max(store.size(e.warc) for e in entries) / 1_048_576:.2f} MB).")
        singles.sort()
        print(f"(d) one capture's WACZ: median {statistics.median(singles) * 1000:.1f} ms, "
              f"p95 {singles[int(len(singles) * 0.95) - 1] * 1000:.1f} ms, "
              f"overhead median {statistics.median(single_overheads):.0f} bytes over its WARC.")
        if reference:
            print(f"(e) py-wacz took {reference[0] / t_wacz:.1f}x as long as (b) (it reads each WARC twice and "
                  f"starts a process).")
        print(f"(f) wacz validate on (b): {verdict}")


if __name__ == "__main__":
    main()
