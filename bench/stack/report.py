"""What bench/stack/run.py prints at the end and writes to docs/load.md."""
from __future__ import annotations

import json
import os
import platform
from pathlib import Path

def print_summary(r: dict) -> None:
    print("\nkind                         n    p50 ms   p95 ms  statuses")
    for kind, n, p50, p95, codes in r["table"]:
        print(f"{kind:<24} {n:>6} {p50 * 1000:>9.0f} {p95 * 1000:>8.0f}  {codes}")
    c = r["checks"]
    print(f"\nconsistency: {c['claims']} claims, {len(c['claims_status_mismatch'])} status mismatches; "
          f"{c['archived_checked']} archived WARCs checked, {len(c['warc_problems'])} problems; "
          f"{len(c['stuck_jobs'])} jobs not finished; {c['failed_without_reason']} failed without reason")
    print("CPU seconds during the load: " + ", ".join(f"{k} {v:.0f}" for k, v in r["cpu"].items()))
    for s in r["error_samples"][:15]:
        print("  error:", s)
    for step, outcome in r["faults"]:
        print(f"  fault: {step}: {outcome}")
    if r.get("ask"):
        for line in ask_summary(r["ask"]):
            print(line)
    print("  logs:", json.dumps(r["logs"]))


def write_doc(path: Path, r: dict) -> None:
    a = r["args"]
    c = r["checks"]
    drained_ok = r["drain_seconds"] <= 60 and not c["stuck_jobs"] and not c["failed_without_reason"]
    cmd = f"python bench/stack/run.py --seconds {a['seconds']} --checkers {a['checkers']} --editors {a['editors']}" \
          + (" --faults" if a["faults"] else "") + (" --ask" if a.get("ask") else "")
    lines = [
        "# Load test of the distributed stack", "",
        f"Command: `{cmd}`  ", f"Date: {r['started']}  ",
        f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}; everything "
        "(PostgreSQL, Redis, gunicorn, Celery, the cited web and the load generator) on the same machine.", "",
        "Stack: gunicorn 4 workers × 4 threads (gthread, keep-alive 5 s, as in docker-compose.yml), "
        "2 Celery workers (concurrency 2), 1 beat "
        "(FACTCHECK_SWEEP_EVERY=2), a private PostgreSQL cluster made by initdb on a free loopback port (default "
        "durability: fsync and synchronous_commit on), a private redis-server on a free loopback port "
        "(db 10), screenshots off, FACTCHECK_FETCH_PER_HOST=8, FACTCHECK_FETCH_HOST_DELAY_MS=0, bench-only "
        "FACTCHECK_JOB_STUCK_AFTER=30 and FACTCHECK_JOB_QUEUED_AFTER=10.", "",
        f"Load: {a['editors']} editors and {a['checkers']} checkers as threads on the JSON API (bearer tokens from "
        "`factcheck tokens create`), editors also view HTML pages on a signed-in session. "
        "Cited web: pages 1 KB–300 KB, slow pages (1–3 s), redirects, 404s, flaky 500s (fail once with "
        "Retry-After: 1) and dead 500s.", "",
        "## Figures", "",
        "| Figure | Value |", "|---|---|",
        f"| Load duration | {r['elapsed']:.0f} s |",
        f"| Requests | {r['total']} ({r['rps']:.1f} req/s) |",
        f"| Errors (5xx, connection errors, unexpected 4xx) | {r['errors']} |",
        f"| HTTP 500s | {r['s500']} |",
        f"| Clean 503s while PostgreSQL was down (not counted as errors) | {r['clean_503']} |",
        f"| Expected 4xx (409 stale version, 403/422 claim moved on) | {r['expected_4xx']} |",
        f"| Articles brought in / sources added / claims published by the load | {r['articles']} / "
        f"{r['sources_added']} / {r['published']} |",
        f"| Backlog drained after load | {r['drain_seconds']:.0f} s → queued/fetching/retrying "
        f"{r['backlog_end']['queued']}/{r['backlog_end']['running']}/{r['backlog_end']['retrying']}, archived "
        f"{r['backlog_end']['done']}, failed {r['backlog_end']['failed']} |", "",
        "## Against the aims", "",
        "| Aim | Result | Met |", "|---|---|---|",
        f"| zero errors and zero 500s | {r['errors']} errors, {r['s500']} × 500 | "
        f"{'yes' if r['errors'] == 0 and r['s500'] == 0 else 'NO'} |",
        f"| p95 under 300 ms, API calls (every kind, {r['api'][0]} requests) | median {r['api'][1] * 1000:.0f} ms, "
        f"p95 {r['api'][2] * 1000:.0f} ms | {'yes' if r['api'][2] < 0.3 else 'NO'} |",
        f"| p95 under 300 ms, HTML pages (every page but the sign-in POST, {r['pages'][0]} requests) | median "
        f"{r['pages'][1] * 1000:.0f} ms, p95 {r['pages'][2] * 1000:.0f} ms | "
        f"{'yes' if r['pages'][2] < 0.3 else 'NO'} |",
        f"| (sign-in POST: argon2id password check, slow on purpose; {r['login'][0]} requests) | median "
        f"{r['login'][1] * 1000:.0f} ms, p95 {r['login'][2] * 1000:.0f} ms | not counted |",
        f"| every source added archived or failed with a reason within 60 s after the load | drained in "
        f"{r['drain_seconds']:.0f} s; {len(c['stuck_jobs'])} unfinished, {c['failed_without_reason']} failed without "
        f"a reason | {'yes' if drained_ok else 'NO'} |",
        "",
        "| Request kind | n | median ms | p95 ms | statuses |", "|---|---:|---:|---:|---|",
    ]
    for kind, n, p50, p95, codes in r["table"]:
        lines.append(f"| {kind} | {n} | {p50 * 1000:.0f} | {p95 * 1000:.0f} | {codes} |")
    busy = sum(r["cpu"].values())
    lines += ["", f"CPU used during the load, per component ({r['cores']} cores × {r['elapsed']:.0f} s = "
              f"{r['cores'] * r['elapsed']:.0f} CPU-seconds available; {busy:.0f} used):", "",
              "| Component | CPU s | share of the machine |", "|---|---:|---:|"]
    for name, secs in r["cpu"].items():
        lines.append(f"| {name} | {secs:.0f} | {100 * secs / (r['cores'] * r['elapsed']):.0f}% |")
    lines += ["", "Backlog every 10 s:", "", "| t (s) | req/s | queued | fetching | retrying | archived | failed |",
              "|---:|---:|---:|---:|---:|---:|---:|"]
    for i in r["intervals"]:
        down = " (PostgreSQL down)" if i.get("down") else ""
        lines.append(f"| {i['t']}{down} | {i['rps']:.1f} | {i['queued']} | {i['running']} | {i['retrying']} | "
                     f"{i['done']} | {i['failed']} |")
    lines += ["", "## Consistency check", "",
              f"- Claims whose status disagrees with their last status event: {len(c['claims_status_mismatch'])} "
              f"of {c['claims']}.",
              f"- Archived captures whose WARC is missing or whose final response payload does not hash to the "
              f"row's SHA-256 (warcio ArchiveIterator): {len(c['warc_problems'])} of {c['archived_checked']}.",
              f"- Capture jobs not archived or failed at the end: {len(c['stuck_jobs'])}; failed without a reason: "
              f"{c['failed_without_reason']}; sources without a capture: {c['sources_without_capture']}.",
              f"- Sources captured more than once (duplicates): {c['duplicate_captures']}; WARC files shared by two "
              f"captures: {c['shared_warcs']}.",
              "- Failure reasons: " + "; ".join(f"{reason!r} × {n}" for reason, n in c["failed_reasons"]), "",
              "## Faults", "", "| Step | Outcome |", "|---|---|"]
    for step, outcome in r["faults"]:
        lines.append(f"| {step} | {outcome.replace('|', '/')} |")
    if r.get("ask"):
        lines += ["", "## Requests from the public during the load", ""] + [f"    {x}" for x in ask_summary(r["ask"])]
    lines += ["", "## Errors seen", ""] + ([f"- `{s}`" for s in r["error_samples"][:15]] or ["None."]) + [""]
    lines += ["Server logs (Traceback count / ERROR lines): " + ", ".join(
        f"{name} {v['tracebacks']}/{v['error_lines']}" for name, v in r["logs"].items()), ""]
    notes = ""
    if path.exists() and NOTES in path.read_text():  # hand-written notes below the marker survive a re-run
        notes = path.read_text().split(NOTES, 1)[1]
    path.write_text("\n".join(lines) + "\n" + NOTES + notes)


def ask_summary(a: dict) -> list[str]:
    from ask_load import summary

    return summary(a)


NOTES = "<!-- hand-written notes below this line are kept when run.py rewrites the figures above -->\n"
