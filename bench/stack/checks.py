"""The end-of-run consistency check of bench/stack/run.py: every claim's status agrees with its history, every
archived capture's WARC verifies, no job is stuck, nothing was captured twice."""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path

def consistency(sql: Callable[..., list[tuple]], archive_dir: Path) -> dict:
    """sql(query, *args) runs one query on the bench's database and returns its rows."""
    from warcio.archiveiterator import ArchiveIterator

    out: dict = {}
    bad_status = sql("""
        SELECT c.id, c.status, e.new FROM claims c
        LEFT JOIN LATERAL (SELECT new FROM events WHERE claim_id = c.id AND kind = 'status'
                           ORDER BY id DESC LIMIT 1) e ON true
        WHERE (e.new IS NULL AND c.status NOT IN ('new', 'candidate')) OR (e.new IS NOT NULL AND e.new <> c.status)""")
    out["claims"] = sql("SELECT count(*) FROM claims")[0][0]
    out["claims_status_mismatch"] = [list(r) for r in bad_status]
    rows = sql("SELECT id, warc_path, sha256 FROM captures WHERE state = 'done'")
    problems = []
    for cid, rel, digest in rows:
        path = archive_dir / (rel or "")
        if not rel or not path.is_file():
            problems.append(f"capture {cid}: WARC {rel} missing")
            continue
        final = None
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    final = (rec.content_stream().read(), rec.rec_headers.get_header("WARC-Payload-Digest"))
        if final is None:
            problems.append(f"capture {cid}: no response record")
            continue
        payload, header = final
        if hashlib.sha256(payload).hexdigest() != digest:
            problems.append(f"capture {cid}: payload sha256 differs from the row")
        if header and header.startswith("sha1:") and \
                header != "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode():
            problems.append(f"capture {cid}: WARC-Payload-Digest does not verify")
    out["archived_checked"] = len(rows)
    out["warc_problems"] = problems
    out["stuck_jobs"] = [list(r) for r in sql(
        "SELECT id, state, attempts, reason FROM captures WHERE state NOT IN ('done', 'failed')")]
    out["failed_without_reason"] = sql("SELECT count(*) FROM captures WHERE state='failed' AND reason=''")[0][0]
    out["sources_without_capture"] = sql(
        "SELECT count(*) FROM sources s WHERE s.url IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM captures c WHERE c.source_id = s.id)")[0][0]
    # "No capture duplicated": one capture per cited source (re-checks, purpose 'recheck', come later, on a
    # schedule), and no two archived captures sharing a WARC file.
    out["duplicate_captures"] = sql(
        "SELECT count(*) FROM (SELECT source_id FROM captures WHERE purpose = 'cite' GROUP BY source_id "
        "HAVING count(*) > 1) d")[0][0]
    out["shared_warcs"] = sql(
        "SELECT count(*) FROM (SELECT warc_path FROM captures WHERE state = 'done' GROUP BY warc_path "
        "HAVING count(*) > 1) d")[0][0]
    out["failed_reasons"] = [list(r) for r in sql(
        "SELECT left(reason, 90), count(*) FROM captures WHERE state='failed' GROUP BY 1 ORDER BY 2 DESC LIMIT 8")]
    out["stuck_exports"] = sql("SELECT count(*) FROM exports WHERE state NOT IN ('done', 'failed')")[0][0] \
        if sql("SELECT to_regclass('exports') IS NOT NULL")[0][0] else 0
    return out
