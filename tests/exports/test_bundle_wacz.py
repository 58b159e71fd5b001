"""The evidence bundle carries the article's evidence as one WACZ, listed (so signed) in the manifest."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile

from factcheck.archive.storage import LocalArchiveStore
from factcheck.exports.bundle import write_bundle
from factcheck.exports.verify import verify_bundle
from tests.archive.warcs import read_wacz, wacz_validate
from tests.exports.test_bundle import bundle, rewrite
from tests.exports.test_report import GENERATED_AT, scene  # noqa: F401 - the fixture


def test_the_bundle_carries_a_valid_wacz_of_its_evidence(scene, tmp_path):  # noqa: F811
    path = bundle(scene, tmp_path / "bundle.zip", chromium=None)
    cap = scene.capture
    with zipfile.ZipFile(path) as zf:
        data = zf.read("evidence.wacz")
        info = zf.getinfo("evidence.wacz")
        warc = zf.read(f"evidence/{cap.id}/capture.warc.gz")
        manifest = json.loads(zf.read("manifest.json"))
    assert info.compress_type == zipfile.ZIP_STORED
    entry = next(f for f in manifest["files"] if f["path"] == "evidence.wacz")
    assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
    assert entry["kind"] == "wacz" and entry["capture_ids"] == [cap.id]
    (tmp_path / "evidence.wacz").write_bytes(data)
    wacz_validate(tmp_path / "evidence.wacz")
    w = read_wacz(data)
    assert w.files[f"archive/capture-{cap.id}.warc.gz"] == warc    # the same WARC the bundle carries
    source_url = next(f["source_url"] for f in manifest["files"] if f.get("kind") == "warc")
    assert source_url in {f["url"] for _, _, f in w.cdxj} and [p["url"] for p in w.pages[1:]] == [source_url]
    assert w.datapackage["created"] == "2025-06-01T08:15:00Z"
    assert verify_bundle(path) == []
    problems = verify_bundle(rewrite(path, tmp_path / "x.zip", change="evidence.wacz"))
    assert len(problems) == 1 and problems[0].startswith("altered file: evidence.wacz ")
    problems = verify_bundle(rewrite(path, tmp_path / "y.zip", drop="evidence.wacz"))
    assert problems == ["missing file: evidence.wacz"]


def test_without_an_archived_warc_the_wacz_is_left_out_with_a_note(scene, tmp_path):  # noqa: F811
    out = io.BytesIO()
    empty = LocalArchiveStore(tmp_path / "empty-archive")     # every archived file missing
    write_bundle(scene.report(), out=out, store=empty, chromium=None, generated_at=GENERATED_AT, **scene.kw())
    with zipfile.ZipFile(out) as zf:
        assert "evidence.wacz" not in zf.namelist()
        notes = json.loads(zf.read("manifest.json"))["notes"]
    assert any(n.startswith("evidence.wacz left out: no cited source has an archived WARC") for n in notes)
