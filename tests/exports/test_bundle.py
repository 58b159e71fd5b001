"""The evidence bundle read back with zipfile and hashlib, and verify_bundle against tampering."""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from factcheck import __version__
from factcheck.archive.storage import LocalArchiveStore
from factcheck.exports.bundle import write_bundle
from factcheck.exports.verify import verify_bundle
from tests.exports.test_report import GENERATED_AT, require_chromium, scene  # noqa: F401 - the fixture


def bundle(scene, path: Path, *, chromium: str | None) -> Path:  # noqa: F811
    with open(path, "wb") as out:
        write_bundle(scene.report(), out=out, store=LocalArchiveStore(scene.archive_dir), chromium=chromium,
                     generated_at=GENERATED_AT, **scene.kw())
    return path


_BUILT: dict[str, bytes] = {}


@pytest.fixture
def fresh(request, database_url, tmp_path) -> Path:
    """A fresh bundle without the PDF. The scene takes seconds (a real capture, with a screenshot
    when Chromium is there), so it is built once per database and copied for each tampering test."""
    path = tmp_path / "bundle.zip"
    if database_url not in _BUILT:
        _BUILT[database_url] = bundle(request.getfixturevalue("scene"), path, chromium=None).read_bytes()
    path.write_bytes(_BUILT[database_url])
    return path


def rewrite(src: Path, dst: Path, *, change: str | None = None, at: int | None = None, drop: str | None = None,
            add: tuple[str, bytes] | None = None) -> Path:
    """A copy of the ZIP with one byte of `change` flipped, `drop` left out or `add` added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = zin.read(info)
            if info.filename == change:
                i = len(data) // 2 if at is None else at
                data = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]
            zout.writestr(info, data)
        if add:
            zout.writestr(add[0], add[1])
    return dst


def test_a_fresh_bundle_holds_the_report_the_evidence_and_a_true_manifest(scene, tmp_path):  # noqa: F811
    fresh = bundle(scene, tmp_path / "bundle.zip", chromium=None)
    cap = scene.capture
    with zipfile.ZipFile(fresh) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        infos = {i.filename: i for i in zf.infolist()}
        expected = {"report.html", "claimreview.json", "manifest.json", f"evidence/{cap.id}/capture.warc.gz",
                    "evidence.wacz"}  # the WACZ itself: test_bundle_wacz.py
        if cap.screenshot_path:
            expected.add(f"evidence/{cap.id}/screenshot.png")
        assert set(names) == expected and len(names) == len(expected)
        listed = {f["path"]: f for f in manifest["files"]}
        assert set(listed) == expected - {"manifest.json"}
        for name, entry in listed.items():
            data = zf.read(name)
            assert (entry["sha256"], entry["size"]) == (hashlib.sha256(data).hexdigest(), len(data))
        warc = zf.read(f"evidence/{cap.id}/capture.warc.gz")
        assert warc == (scene.archive_dir / cap.warc_path).read_bytes()
        assert infos[f"evidence/{cap.id}/capture.warc.gz"].compress_type == zipfile.ZIP_STORED
        assert infos["report.html"].compress_type == zipfile.ZIP_DEFLATED
        assert listed[f"evidence/{cap.id}/capture.warc.gz"]["capture_id"] == cap.id
        reviews = json.loads(zf.read("claimreview.json"))
        html = zf.read("report.html").decode()
    assert len(reviews) == 2 and "Not yet verified" in html and cap.sha256 in html
    assert manifest["article_id"] == scene.desk.article.id and manifest["tool_version"] == __version__
    assert manifest["generated_at"] == "2025-06-01T08:15:00+00:00"
    assert any("report.pdf" in note for note in manifest["notes"])
    assert verify_bundle(fresh) == []


def test_a_bundle_with_chromium_carries_the_pdf(scene, tmp_path):  # noqa: F811
    path = bundle(scene, tmp_path / "full.zip", chromium=require_chromium())
    with zipfile.ZipFile(path) as zf:
        assert zf.read("report.pdf").startswith(b"%PDF")
        assert f"evidence/{scene.capture.id}/screenshot.png" in zf.namelist()
        notes = json.loads(zf.read("manifest.json"))["notes"]
        assert [n for n in notes if not n.startswith("unsigned:")] == []  # no signer given: test_signing.py
    assert verify_bundle(path) == []


def test_one_changed_byte_in_any_file_is_caught(fresh, tmp_path):
    with zipfile.ZipFile(fresh) as zf:
        names = zf.namelist()
    for name in names:
        problems = verify_bundle(rewrite(fresh, tmp_path / "x.zip", change=name))
        assert problems, name
        if name != "manifest.json":
            assert problems == [p for p in problems if p.startswith(f"altered file: {name} ")] and len(problems) == 1


def test_report_html_with_one_byte_flipped(fresh, tmp_path):
    problems = verify_bundle(rewrite(fresh, tmp_path / "x.zip", change="report.html"))
    assert len(problems) == 1 and problems[0].startswith("altered file: report.html")


def test_any_changed_byte_of_the_manifest_is_caught(fresh, tmp_path):
    with zipfile.ZipFile(fresh) as zf:
        size = len(zf.read("manifest.json"))
    for at in range(0, size, max(1, size // 60)):
        assert verify_bundle(rewrite(fresh, tmp_path / "m.zip", change="manifest.json", at=at)), at


def test_a_damaged_zip_entry_is_caught_without_rewriting(fresh, tmp_path):
    raw = bytearray(fresh.read_bytes())
    with zipfile.ZipFile(fresh) as zf:
        info = zf.getinfo("report.html")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0x01
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(raw))
    problems = verify_bundle(damaged)
    assert problems and all("report.html" in p for p in problems)


def test_a_missing_file_is_caught(fresh, tmp_path):
    assert verify_bundle(rewrite(fresh, tmp_path / "x.zip", drop="claimreview.json")) == \
        ["missing file: claimreview.json"]


def test_an_extra_file_is_caught(fresh, tmp_path):
    assert verify_bundle(rewrite(fresh, tmp_path / "x.zip", add=("evidence/README.txt", b"trust me"))) == \
        ["unlisted extra file: evidence/README.txt"]


@pytest.mark.parametrize("content", [None, b"{not json", b"[]", b'{"files": "none"}'])
def test_an_unreadable_manifest_is_caught(fresh, tmp_path, content):
    path = rewrite(fresh, tmp_path / "x.zip", drop="manifest.json",
                   add=None if content is None else ("manifest.json", content))
    problems = verify_bundle(path)
    assert problems and problems[0].startswith("unreadable manifest")


def test_not_a_zip_at_all(tmp_path):
    path = tmp_path / "bundle.zip"
    path.write_bytes(b"PK but not really")
    assert verify_bundle(path)[0].startswith("not a readable ZIP file")
