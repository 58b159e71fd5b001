"""Signed evidence bundles: the newsroom's key, and `factcheck verify-bundle` against forgers.

Each forgery is made the way someone with the bundle and a text editor would: change a file, then recompute
its digest in the manifest and the manifest's own seal. Only the signature (and a key the verifier trusts)
can tell the newsroom's bundle from theirs."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization

from factcheck.cli import main
from factcheck.exports import signing
from factcheck.exports.bundle import _UNSEALED, SEAL, _seal_field
from factcheck.exports.verify import check_bundle
from tests.exports.test_bundle import rewrite

VERIFIED, PROBLEM, UNSIGNED, UNPINNED = 0, 1, 3, 4


@pytest.fixture(scope="session")
def newsroom_keys(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("instance") / "signing"
    signing.create_key(folder)
    return folder


@pytest.fixture(scope="session")
def forger_keys(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("forger") / "signing"
    signing.create_key(folder)
    return folder


@pytest.fixture
def signed(desk, session, tmp_path, newsroom_keys) -> Path:
    """A bundle signed with the newsroom's key: one claim rated False, its source archived (a WARC in the store)."""
    from factcheck.archive.storage import LocalArchiveStore
    from factcheck.exports.bundle import write_bundle
    from factcheck.services import settings as newsroom
    from factcheck.services.claim_views import article_report
    from tests.exports.test_report import GENERATED_AT

    desk.publish(rating="False", rationale="The ticket office sold 2,950 tickets, not 5,000.")
    (tmp_path / "archive" / "w").mkdir(parents=True)
    (tmp_path / "archive" / "w" / "1.warc.gz").write_bytes(b"WARC/1.1 stand-in bytes " * 40)
    path = tmp_path / "signed.zip"
    with open(path, "wb") as out:
        write_bundle(article_report(session, article_id=desk.article.id), out=out,
                     store=LocalArchiveStore(tmp_path / "archive"), chromium=None, generated_at=GENERATED_AT,
                     signer=signing.load_signer(newsroom_keys), publication=newsroom.publication(session),
                     scale=newsroom.rating_scale(session))
    return path


def fp(folder: Path) -> str:
    return signing.load_signer(folder).fingerprint


def verify(path: Path, *args: str):
    return CliRunner().invoke(main, ["verify-bundle", str(path), *args], catch_exceptions=False)


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def forge(src: Path, dst: Path, *, edit: dict[str, bytes] | None = None, drop: tuple[str, ...] = (),
          manifest_edit=None, sign_with: Path | None = None) -> Path:
    """A copy of the bundle with files replaced, their digests recomputed and the manifest re-sealed; re-signed
    with `sign_with`'s key when given (its keys.json and signature.json replaced too)."""
    files = {k: v for k, v in entries(src).items() if k not in drop}
    files.update(edit or {})
    manifest = json.loads(files["manifest.json"])
    forger = signing.load_signer(sign_with) if sign_with else None
    if forger:
        files["keys.json"] = json.dumps(forger.keys_document(manifest["signature"]["newsroom"])).encode()
        manifest["signature"]["key_fingerprint"] = forger.fingerprint
    manifest["files"] = [e for e in manifest["files"] if e["path"] in files]
    for e in manifest["files"]:
        e["sha256"], e["size"] = hashlib.sha256(files[e["path"]]).hexdigest(), len(files[e["path"]])
    if manifest_edit:
        manifest_edit(manifest)
    manifest[SEAL] = _UNSEALED
    raw = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    files["manifest.json"] = raw.replace(_seal_field(_UNSEALED), _seal_field(hashlib.sha256(raw).hexdigest()), 1)
    if forger:
        files["signature.json"] = json.dumps({
            "algorithm": "Ed25519", "signed_file": "manifest.json", "key_fingerprint": forger.fingerprint,
            "signature": base64.b64encode(forger.sign(files["manifest.json"])).decode()}).encode()
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return dst


# --- the key -------------------------------------------------------------------------------------------------

def test_keys_create_writes_an_owner_only_key_refuses_to_overwrite_and_prints_the_fingerprint(tmp_path,
                                                                                              monkeypatch):
    monkeypatch.setenv("FACTCHECK_DEV", "1")
    monkeypatch.setenv("FACTCHECK_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("FACTCHECK_BASE_URL", "https://desk.example.org")
    first = CliRunner().invoke(main, ["keys", "create"])
    assert first.exit_code == 0, first.output
    key_file = tmp_path / "instance" / "signing" / "newsroom-key.pem"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    private = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert f"Fingerprint: {hashlib.sha256(raw).hexdigest()}" in first.output
    before = key_file.read_bytes()
    again = CliRunner().invoke(main, ["keys", "create"])
    assert again.exit_code == 1 and "already exists" in again.output and "keys rotate" in again.output
    assert key_file.read_bytes() == before


def test_rotation_keeps_the_old_public_key_so_old_bundles_still_verify(signed, tmp_path, newsroom_keys):
    folder = tmp_path / "signing"
    folder.mkdir()
    for name in (signing.PRIVATE_KEY, signing.PUBLIC_KEYS):
        (folder / name).write_bytes((newsroom_keys / name).read_bytes())
        os.chmod(folder / name, 0o600)
    old = fp(folder)
    retired, new = signing.rotate_key(folder)
    assert retired.fingerprint == old and retired.retired_at and new.fingerprint != old
    assert fp(folder) == new.fingerprint and stat.S_IMODE(os.stat(folder / signing.PRIVATE_KEY).st_mode) == 0o600
    assert {k.fingerprint for k in signing.public_keys(folder)} == {old, new.fingerprint}
    result = verify(signed, "--key", str(folder / signing.PUBLIC_KEYS))
    assert result.exit_code == VERIFIED, result.output
    assert f"key {old}" in result.output


def test_the_public_keys_are_published_at_a_well_known_url_without_signing_in(app, client):
    empty = client.get("/.well-known/factcheck-keys.json")
    assert empty.status_code == 200 and empty.get_json()["keys"] == []
    key = signing.create_key(app.extensions["factcheck.settings"].signing_dir)
    doc = client.get("/.well-known/factcheck-keys.json").get_json()
    assert [k["fingerprint"] for k in doc["keys"]] == [key.fingerprint]
    assert signing.parse_keys_document(doc)[0].fingerprint == key.fingerprint


# --- what a verification proves ------------------------------------------------------------------------------

def test_a_signed_bundle_verifies_against_the_newsrooms_fingerprint_or_key(signed, newsroom_keys):
    manifest = json.loads(entries(signed)["manifest.json"])
    assert manifest["signature"]["key_fingerprint"] == fp(newsroom_keys)
    for args in (["--fingerprint", fp(newsroom_keys).upper()], ["--key", str(newsroom_keys / "public-keys.json")]):
        result = verify(signed, *args)
        assert result.exit_code == VERIFIED, result.output
        assert result.output.startswith(f"VERIFIED: signed by {manifest['signature']['newsroom']}, key "
                                        f"{fp(newsroom_keys)} on 2025-06-01T08:15:00+00:00")


def test_without_a_trusted_key_a_signed_bundle_is_not_called_verified(signed, newsroom_keys):
    result = verify(signed)
    assert result.exit_code == UNPINNED and "SIGNED, NOT PINNED" in result.output and fp(newsroom_keys) in result.output


def test_an_unsigned_bundle_says_it_proves_only_that_its_files_match(signed, tmp_path, newsroom_keys):
    def unsign(manifest):
        manifest["signature"] = None
    # exactly what write_bundle writes without a signer: no keys.json, no signature.json, "signature": null
    path = forge(signed, tmp_path / "unsigned.zip", drop=("signature.json", "keys.json"), manifest_edit=unsign)
    result = verify(path)
    assert result.exit_code == UNSIGNED
    assert result.output.startswith("UNSIGNED: proves only that the files match each other")
    assert verify(path, "--fingerprint", fp(newsroom_keys)).exit_code == UNSIGNED


# --- tampering ------------------------------------------------------------------------------------------------

def test_a_changed_byte_in_any_file_is_caught_and_named(signed, tmp_path, newsroom_keys):
    for name in entries(signed):
        result = verify(rewrite(signed, tmp_path / "x.zip", change=name), "--fingerprint", fp(newsroom_keys))
        assert result.exit_code == PROBLEM, name
        assert name in result.output.split("\n")[0], (name, result.output)


def test_a_file_added_or_removed_is_caught_and_named(signed, tmp_path, newsroom_keys):
    added = verify(rewrite(signed, tmp_path / "a.zip", add=("evidence/README.txt", b"trust me")))
    assert added.exit_code == PROBLEM and "unlisted extra file: evidence/README.txt" in added.output
    for name in entries(signed):
        if name == "manifest.json":
            continue
        result = verify(rewrite(signed, tmp_path / "r.zip", drop=name), "--fingerprint", fp(newsroom_keys))
        assert result.exit_code == PROBLEM and f"missing file: {name}" in result.output, result.output


@pytest.mark.parametrize("target", ["claimreview.json", "report.html"])
def test_a_rating_turned_from_false_to_true_and_the_manifest_resealed_is_caught(signed, tmp_path, newsroom_keys,
                                                                               target):
    original = entries(signed)[target]
    needle = b'"False"' if target == "claimreview.json" else b'class="verdict">False'
    assert needle in original
    forged = forge(signed, tmp_path / "f.zip", edit={target: original.replace(needle, needle.replace(b"False", b"True"))})
    assert check_bundle(forged).problems  # the digests and the seal agree; the signature does not
    result = verify(forged, "--fingerprint", fp(newsroom_keys))
    assert result.exit_code == PROBLEM
    assert "altered file: manifest.json (its signature in signature.json does not match key" in result.output


def test_a_file_removed_and_the_manifest_resealed_is_caught(signed, tmp_path, newsroom_keys):
    warc = next(n for n in entries(signed) if n.endswith(".warc.gz"))
    result = verify(forge(signed, tmp_path / "f.zip", drop=(warc,)), "--fingerprint", fp(newsroom_keys))
    assert result.exit_code == PROBLEM and "manifest.json" in result.output


def test_a_bundle_resigned_by_another_key_is_caught_with_the_newsrooms_fingerprint(signed, tmp_path, newsroom_keys,
                                                                                   forger_keys):
    rating = entries(signed)["claimreview.json"].replace(b'"False"', b'"True"')
    forged = forge(signed, tmp_path / "f.zip", edit={"claimreview.json": rating}, sign_with=forger_keys)
    result = verify(forged, "--fingerprint", fp(newsroom_keys))
    assert result.exit_code == PROBLEM
    assert f"signature.json: the manifest was signed by key {fp(forger_keys)}, which is not a key you trust" \
        in result.output
    pem = tmp_path / "newsroom.pem"
    pem.write_bytes(signing.load_signer(newsroom_keys).private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    assert verify(forged, "--key", str(pem)).exit_code == PROBLEM
    alone = verify(forged)  # with nothing to compare against, it is never called verified
    assert alone.exit_code == UNPINNED and fp(forger_keys) in alone.output


def test_a_signature_stripped_and_the_manifest_resealed_is_unsigned_not_verified(signed, tmp_path, newsroom_keys):
    def unsign(manifest):
        manifest["signature"] = None
    forged = forge(signed, tmp_path / "f.zip", drop=("signature.json", "keys.json"), manifest_edit=unsign)
    result = verify(forged, "--fingerprint", fp(newsroom_keys))
    assert result.exit_code == UNSIGNED and "this bundle carries none" in result.output


def test_a_key_file_that_cannot_be_read_is_a_usage_error(signed, tmp_path):
    bad = tmp_path / "key.txt"
    bad.write_text("not a key")
    result = verify(signed, "--key", str(bad))
    assert result.exit_code == 2 and "key.txt" in result.output
    assert verify(signed, "--fingerprint", "abc").exit_code == 2


def test_a_newsroom_without_a_key_writes_an_unsigned_bundle_and_says_so(desk, session, tmp_path):
    from factcheck.archive.storage import LocalArchiveStore
    from factcheck.services import exports

    desk.publish(rating="False")
    config = exports.ExportConfig(base_url="https://desk.example.org", store=LocalArchiveStore(tmp_path / "a"),
                                  signing_dir=tmp_path / "signing")
    path = tmp_path / "b.zip"
    path.write_bytes(b"".join(exports.article_export(session, article_id=desk.article.id, fmt="bundle",
                                                     config=config).chunks))
    assert "signature.json" not in entries(path)
    assert any(n.startswith("unsigned:") for n in json.loads(entries(path)["manifest.json"])["notes"])
    assert verify(path).exit_code == UNSIGNED
    key = signing.create_key(tmp_path / "signing")  # picked up by the next export, no restart needed
    path.write_bytes(b"".join(exports.article_export(session, article_id=desk.article.id, fmt="bundle",
                                                     config=config).chunks))
    assert verify(path, "--fingerprint", key.fingerprint).exit_code == VERIFIED
