"""Absolute links come from FACTCHECK_BASE_URL only: no code builds one from the request's Host header.

The behaviour is tested where the links are made (tests/api/test_evidence_files.py sends `Host: evil.example`);
this keeps new code from bringing the request's address back."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FROM_THE_REQUEST = re.compile(r"_external\s*=\s*True|\brequest\.(host_url|url_root|host|base_url|root_url)\b")


def test_no_link_is_built_from_the_request_host():
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
             for folder in ("factcheck", "templates", "workers")
             for path in sorted((ROOT / folder).rglob("*")) if path.suffix in (".py", ".html")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if FROM_THE_REQUEST.search(line) and not line.lstrip().startswith("#")]
    assert not found, "build absolute links with factcheck.http.absolute_url:\n" + "\n".join(found)
