"""The RFC 3161 client against a real authority on loopback (`openssl ts -reply`), and the offline check."""
from __future__ import annotations

import pytest

from factcheck.archive import tsa
from factcheck.archive.fetcher import FetchPolicy
from factcheck.config import ConfigError, Settings
from tests.archive.tsa_server import LoopbackTSA, authority_fixture, sha256

DATA = b"WARC/1.1 a capture's bytes " * 50


authority = authority_fixture()
other_authority = authority_fixture("Some Other TSA")


def client(a: LoopbackTSA, **policy) -> tsa.TSA:
    return tsa.TSA(a.url, a.ca_pem, FetchPolicy(allow=frozenset({("127.0.0.1", a.port)}), **policy))


def test_a_token_is_asked_for_checked_and_says_who_and_when(authority):
    token = tsa.request_token(DATA, client(authority))
    assert token.digest == sha256(DATA)
    assert token.tsa_name == "Loopback Test TSA"
    assert token.stamped_at.tzinfo is not None and token.serial
    again = tsa.check(token.der, sha256(DATA), authority.ca_pem)  # offline, as verify-bundle does
    assert (again.tsa_name, again.stamped_at) == (token.tsa_name, token.stamped_at)


def test_a_token_for_another_digest_is_refused(authority):
    der = authority.token_for(b"some other file")
    with pytest.raises(tsa.TokenProblem, match="another file"):
        tsa.check(der, sha256(DATA), authority.ca_pem)


def test_a_token_from_another_authority_does_not_chain_to_this_ones_certificate(authority, other_authority):
    der = other_authority.token_for(DATA)
    assert tsa.check(der, sha256(DATA), other_authority.ca_pem).tsa_name == "Some Other TSA"
    with pytest.raises(tsa.TokenProblem, match="does not chain"):
        tsa.check(der, sha256(DATA), authority.ca_pem)


def test_certificates_without_a_root_and_garbage_are_refused(authority):
    der = authority.token_for(DATA)
    leaf = (authority.folder / "tsa.crt").read_bytes()
    with pytest.raises(tsa.TokenProblem, match="no root"):
        tsa.check(der, sha256(DATA), leaf)
    with pytest.raises(tsa.TokenProblem, match="not an RFC 3161"):
        tsa.check(b"not a token", sha256(DATA), authority.ca_pem)


def test_a_token_the_authority_signed_for_another_request_is_refused_by_its_nonce(authority, monkeypatch):
    stale = authority.token_for(DATA)  # the right digest, but not an answer to this request
    monkeypatch.setattr(authority, "reply", lambda query: stale)
    with pytest.raises(tsa.TimestampError, match="refused") as caught:
        tsa.request_token(DATA, client(authority))
    assert not caught.value.permanent


def test_the_outbound_rules_of_the_fetcher_apply_to_the_authority(authority):
    blocked = tsa.TSA(authority.url, authority.ca_pem, FetchPolicy())  # loopback, not allow-listed
    before = authority.hits
    with pytest.raises(tsa.TimestampError, match="blocked range") as caught:
        tsa.request_token(DATA, blocked)
    assert caught.value.permanent and authority.hits == before


def test_an_authority_that_is_down_or_failing_is_worth_trying_again(tmp_path, authority):
    a = LoopbackTSA(tmp_path / "down")
    a.fail_with = 503
    with pytest.raises(tsa.TimestampError, match="answered HTTP 503") as busy:
        tsa.request_token(DATA, client(a))
    a.stop()
    with pytest.raises(tsa.TimestampError, match="could not be reached") as down:
        tsa.request_token(DATA, client(a, total_timeout=3))
    assert not busy.value.permanent and not down.value.permanent


def test_the_setting_needs_the_authoritys_certificates(tmp_path, authority):
    base = {"FACTCHECK_DEV": "1"}
    assert Settings.from_env(base, instance_dir=tmp_path).tsa_url is None
    with pytest.raises(ConfigError, match="FACTCHECK_TSA_CERTS"):
        Settings.from_env({**base, "FACTCHECK_TSA_URL": authority.url}, instance_dir=tmp_path)
    leaf = tmp_path / "leaf.pem"
    leaf.write_bytes((authority.folder / "tsa.crt").read_bytes())
    with pytest.raises(ConfigError, match="no root"):
        Settings.from_env({**base, "FACTCHECK_TSA_URL": authority.url, "FACTCHECK_TSA_CERTS": str(leaf)},
                          instance_dir=tmp_path)
    with pytest.raises(ConfigError, match="FACTCHECK_TSA_URL"):
        Settings.from_env({**base, "FACTCHECK_TSA_URL": "ftp://tsa.example", "FACTCHECK_TSA_CERTS": str(leaf)},
                          instance_dir=tmp_path)
    good = Settings.from_env({**base, **authority.env()}, instance_dir=tmp_path)
    assert good.tsa_url == authority.url and good.tsa_certificates == authority.ca_pem
