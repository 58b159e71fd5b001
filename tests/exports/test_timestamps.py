"""Timestamped evidence bundles: each WARC's token and the manifest's token, checked offline by `verify-bundle`
against a real loopback authority's certificates; forged tokens are caught with a message naming the file.

Forgeries are made as in test_signing: files replaced, their digests recomputed and the manifest re-sealed."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import datetime, timezone

import pytest
from sqlmodel import select

from factcheck.archive.fetcher import FetchPolicy
from factcheck.archive.storage import LocalArchiveStore
from factcheck.archive.tsa import TSA
from factcheck.models import Capture, Export, JobState, Timestamp
from factcheck.services import exports, timestamps
from tests.archive.tsa_server import LoopbackTSA, authority_fixture, sha256
from tests.conftest import need
from tests.exports.test_signing import entries, forge, fp, newsroom_keys, verify  # noqa: F401 - a fixture

VERIFIED, PROBLEM, UNSIGNED = 0, 1, 3


def _warc() -> bytes:
    """A real WARC of one archived page, as a capture writes it."""
    import tempfile
    from pathlib import Path

    from factcheck.archive.fetcher import Hop
    from factcheck.archive.warc import write_warc

    hop = Hop(url="https://stats.example.org/ferry?final", method="GET", request_headers=[("Host", "stats.example.org")],
              status=200, reason="OK", http_version="HTTP/1.1", response_headers=[("Content-Type", "text/html")],
              body=b"<html><title>Ferry stats</title><p>2,950 tickets.</p></html>", remote_ip="93.184.216.34")
    with tempfile.TemporaryDirectory() as tmp:
        write_warc([hop], Path(tmp) / "c.warc.gz")
        return (Path(tmp) / "c.warc.gz").read_bytes()


WARC = _warc()


authority = authority_fixture()
impostor = authority_fixture("Impostor TSA")


def tsa_of(a: LoopbackTSA) -> TSA:
    return TSA(a.url, a.ca_pem, FetchPolicy(allow=frozenset({("127.0.0.1", a.port)}), total_timeout=3))


class World:
    def __init__(self, desk, session, tmp_path, authority, keys):
        self.session, self.tmp, self.authority = session, tmp_path, authority
        desk.publish(rating="False", rationale="The ticket office sold 2,950 tickets, not 5,000.")
        self.store = LocalArchiveStore(tmp_path / "archive")
        (tmp_path / "archive" / "w").mkdir(parents=True)
        (tmp_path / "archive" / "w" / "1.warc.gz").write_bytes(WARC)  # the capture the desk fixture records
        self.capture = session.exec(select(Capture).where(Capture.state == "done")).one()
        self.article_id = desk.article.id
        self.tsa = tsa_of(authority)
        self.config = exports.ExportConfig(base_url="https://desk.example.org", store=self.store,
                                           signing_dir=keys, tsa=self.tsa, heartbeat=0)
        self.stamp_config = timestamps.TimestampConfig(tsa=self.tsa, store=self.store, heartbeat=0)

    def stamp_capture(self) -> str:
        row = timestamps.request(self.session, subject="capture", subject_id=self.capture.id, digest=sha256(WARC),
                                 tsa_url=self.tsa.url)
        self.session.commit()
        return timestamps.stamp_evidence(self.session, row.id, config=self.stamp_config)

    def bundle(self, name="bundle.zip"):
        path = self.tmp / name
        path.write_bytes(b"".join(exports.article_export(self.session, article_id=self.article_id, fmt="bundle",
                                                         config=self.config).chunks))
        return path

    def ca(self, a: LoopbackTSA):
        return a.write_ca(self.tmp / f"{a.name.replace(' ', '-')}.pem")


@pytest.fixture
def world(desk, session, tmp_path, authority, newsroom_keys):  # noqa: F811
    return World(desk, session, tmp_path, authority, newsroom_keys)


@pytest.fixture
def stamped(world):
    assert world.stamp_capture() == JobState.done.value
    return world.bundle()


def warc_of(world) -> str:
    return f"evidence/{world.capture.id}/capture.warc.gz"


def token_of(world) -> str:
    return f"timestamps/{world.capture.id}.tsr"


def test_a_bundle_carries_the_warcs_token_the_tsa_certificates_and_the_manifests_token(world, stamped,
                                                                                      newsroom_keys):  # noqa: F811
    files = entries(stamped)
    manifest = json.loads(files["manifest.json"])
    assert manifest["timestamps"]["authority"] == world.tsa.url
    listed = {e["path"]: e for e in manifest["files"]}
    assert listed[token_of(world)]["stamps"] == warc_of(world) and listed[token_of(world)]["tsa"] == "Loopback Test TSA"
    assert "timestamps/tsa-certs.pem" in listed and "manifest.tsr" in files and "manifest.tsr" not in listed
    result = verify(stamped, "--fingerprint", fp(newsroom_keys), "--tsa-cert", str(world.ca(world.authority)))
    assert result.exit_code == VERIFIED, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("VERIFIED: signed by")
    assert any(line.startswith("TIMESTAMPED: manifest.json timestamped by Loopback Test TSA at ") for line in lines)
    assert any(line.startswith(f"TIMESTAMPED: {warc_of(world)} timestamped by Loopback Test TSA at ")
               and "checked against the TSA certificates you gave" in line for line in lines)


def test_without_the_tsas_certificate_it_says_what_it_checked_against(stamped):
    result = verify(stamped)
    assert result.exit_code == 4, result.output  # signed, not pinned: the timestamps do not change the status
    assert "checked against the TSA certificates the bundle carries" in result.output


def test_a_lawyer_can_check_a_token_with_openssl_alone(world, stamped, tmp_path):
    if shutil.which("openssl") is None:
        need("openssl", "the loopback time-stamping authority is `openssl ts -reply`")
    files = entries(stamped)
    for name in (token_of(world), warc_of(world), "timestamps/tsa-certs.pem"):
        (tmp_path / name.replace("/", "_")).write_bytes(files[name])
    out = subprocess.run(["openssl", "ts", "-verify", "-in", tmp_path / token_of(world).replace("/", "_"),
                          "-data", tmp_path / warc_of(world).replace("/", "_"),
                          "-CAfile", tmp_path / "timestamps_tsa-certs.pem"], capture_output=True, text=True)
    assert "Verification: OK" in out.stdout, out.stderr


def test_a_token_for_another_digest_is_caught_and_named(world, stamped, authority):
    other = authority.token_for(b"another page altogether")
    forged = forge(stamped, world.tmp / "f.zip", edit={token_of(world): other})  # digests and seal recomputed
    result = verify(forged)
    assert result.exit_code == PROBLEM
    assert f"bad timestamp: {token_of(world)} does not prove when {warc_of(world)} existed" in result.output
    assert "another file" in result.output
    swapped = forge(stamped, world.tmp / "m.zip", edit={"manifest.tsr": authority.token_for(b"another manifest")})
    result = verify(swapped)
    assert result.exit_code == PROBLEM and "bad timestamp: manifest.tsr does not prove when manifest.json" \
        in result.output


def test_a_token_from_another_authority_is_caught(world, stamped, impostor, authority):
    theirs = impostor.token_for(WARC)  # the right digest, signed by someone else
    forged = forge(stamped, world.tmp / "f.zip", edit={token_of(world): theirs})
    result = verify(forged)
    assert result.exit_code == PROBLEM and f"bad timestamp: {token_of(world)}" in result.output
    assert "does not chain" in result.output
    # The genuine bundle checked against the wrong certificate fails too ...
    wrong = verify(stamped, "--tsa-cert", str(world.ca(impostor)))
    assert wrong.exit_code == PROBLEM and "bad timestamp: manifest.tsr" in wrong.output
    # ... and a forger who swaps in their own CA as well is caught once the reader brings the real one.
    forged = forge(stamped, world.tmp / "g.zip", drop=("manifest.tsr",),
                   edit={token_of(world): theirs, "timestamps/tsa-certs.pem": impostor.ca_pem})
    assert "bad timestamp" not in verify(forged).output
    pinned = verify(forged, "--tsa-cert", str(world.ca(authority)))
    assert pinned.exit_code == PROBLEM and f"bad timestamp: {token_of(world)}" in pinned.output


def test_a_tsa_that_is_down_leaves_a_usable_bundle_that_says_it_is_not_timestamped(world, authority, tmp_path):
    down = LoopbackTSA(tmp_path / "down")
    down.stop()
    world.tsa = tsa_of(down)
    world.stamp_config = timestamps.TimestampConfig(tsa=world.tsa, store=world.store, heartbeat=0)
    world.config = exports.ExportConfig(base_url="https://desk.example.org", store=world.store, tsa=world.tsa)
    assert world.stamp_capture() == JobState.retrying.value
    row = world.session.exec(select(Timestamp)).one()
    assert "could not be reached" in row.reason
    path = world.bundle()
    files = entries(path)
    assert "manifest.tsr" not in files and token_of(world) not in files and warc_of(world) in files
    notes = json.loads(files["manifest.json"])["notes"]
    assert any(n.startswith(f"{warc_of(world)} is not timestamped: the time-stamping authority has not answered")
               for n in notes)
    result = verify(path)
    assert result.exit_code == UNSIGNED, result.output
    assert "PROBLEM" not in result.output
    assert f"NOT TIMESTAMPED: {warc_of(world)} is not timestamped" in result.output
    assert "NOT TIMESTAMPED: manifest.json has no timestamp token (manifest.tsr)" in result.output


def test_a_bundle_built_in_the_background_gets_its_manifests_token_as_a_job(world, session, people, as_user,
                                                                          newsroom_keys):  # noqa: F811
    world.stamp_capture()
    export = exports.request_export(session, actor=people["eve"], fmt="bundle", article_id=world.article_id)
    session.commit()
    assert exports.build_export(session, export.id, config=world.config) == JobState.done.value
    session.expire_all()
    first = session.get(Export, export.id).file_path
    unstamped = entries(world.store.path(first))
    assert "manifest.tsr" not in unstamped  # usable at once, its token follows
    row = session.exec(select(Timestamp).where(Timestamp.subject == "export")).one()
    assert row.digest == hashlib.sha256(unstamped["manifest.json"]).hexdigest()
    eve = as_user("eve")
    assert "trusted timestamp is on its way" in eve.get(f"/exports/{export.id}").get_data(as_text=True)
    assert timestamps.stamp_evidence(session, row.id, config=world.stamp_config) == JobState.done.value
    session.expire_all()
    now = session.get(Export, export.id).file_path
    assert now != first and not world.store.exists(first)
    stamped = world.store.path(now)
    assert entries(stamped)["manifest.json"] == unstamped["manifest.json"]  # so its signature still holds
    result = verify(stamped, "--fingerprint", fp(newsroom_keys))
    assert result.exit_code == VERIFIED, result.output
    assert "TIMESTAMPED: manifest.json timestamped by Loopback Test TSA" in result.output
    assert session.get(Timestamp, row.id).stamped_at <= datetime.now(timezone.utc)
    assert "Its manifest is timestamped by Loopback Test TSA at <time" in eve.get(f"/exports/{export.id}").get_data(
        as_text=True)


def test_a_manifest_token_in_a_bundle_that_declares_none_is_an_extra_file(world, stamped):
    def undeclare(manifest):
        manifest["timestamps"] = None
    forged = forge(stamped, world.tmp / "f.zip", manifest_edit=undeclare)
    result = verify(forged)
    assert result.exit_code == PROBLEM and "unlisted extra file: manifest.tsr" in result.output
