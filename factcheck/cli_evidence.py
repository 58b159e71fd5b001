"""`factcheck keys …` (the newsroom's signing key) and `factcheck verify-bundle` (checking evidence offline),
added to the `factcheck` group by factcheck/cli.py.

verify-bundle's exit status says what was proved; scripts may depend on these numbers:

    0  VERIFIED: every file matches the manifest, and the manifest is signed by a key you gave (--key/--fingerprint)
    1  a problem: a file altered, added or missing, a bad signature, or a signature by a key you do not trust
    2  the command was used wrongly (click's usage errors), or a key file given cannot be read
    3  UNSIGNED: the files match each other, which proves nothing about who made them
    4  SIGNED, NOT PINNED: signed by the key the bundle carries; you gave no key or fingerprint to check it against

Timestamps do not change the status (a bad token is a problem, 1); each line after the verdict says what a
token proved: "TIMESTAMPED: <file> timestamped by <TSA> at <time>", or what is not timestamped.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from factcheck.cli_support import _settings

VERIFIED, PROBLEM, USAGE, UNSIGNED, UNPINNED = 0, 1, 2, 3, 4
WELL_KNOWN = "/.well-known/factcheck-keys.json"


@click.group()
def keys() -> None:
    """The newsroom's signing key (Ed25519) for evidence bundles."""


@keys.command("create")
def keys_create() -> None:
    """Make the newsroom's signing key (once; refuses to overwrite one) and print its fingerprint."""
    from factcheck.exports import signing

    settings = _settings()
    try:
        key = signing.create_key(settings.signing_dir)
    except signing.SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created the newsroom signing key at {settings.signing_dir / signing.PRIVATE_KEY} "
               f"(readable by its owner only; keep a backup somewhere safe).")
    click.echo(f"Fingerprint: {key.fingerprint}")
    click.echo(f"Readers check bundles against it; it is published at {settings.public_url}{WELL_KNOWN}.")


@keys.command("rotate")
def keys_rotate() -> None:
    """Replace the signing key; the old public key is kept so bundles signed with it still verify."""
    from factcheck.exports import signing

    settings = _settings()
    try:
        old, new = signing.rotate_key(settings.signing_dir)
    except signing.SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Retired key {old.fingerprint} (its private key is deleted; its public key stays published).")
    click.echo(f"Fingerprint: {new.fingerprint}")


@keys.command("list")
def keys_list() -> None:
    """Every public key this newsroom has signed with, the current one first."""
    from factcheck.exports import signing

    settings = _settings()
    found = signing.public_keys(settings.signing_dir)
    if not found:
        click.echo("No signing key yet; create one with `factcheck keys create`.")
        return
    for key in sorted(found, key=lambda k: k.retired_at is not None):
        state = f"retired {key.retired_at}" if key.retired_at else "current"
        click.echo(f"{key.fingerprint}  created {key.created_at or '?'}  {state}")


@click.command("verify-bundle")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--key", "key_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Public keys you trust: a PEM file, or the JSON the newsroom publishes at " + WELL_KNOWN + ".")
@click.option("--fingerprint", "fingerprints", multiple=True,
              help="The fingerprint of a key you trust, as the newsroom publishes it (64 hex digits).")
@click.option("--tsa-cert", "tsa_certs", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="The time-stamping authority's certificates you trust (PEM, its root CA), as it publishes them.")
def verify_bundle(path: str, key_files: tuple[str, ...], fingerprints: tuple[str, ...],
                  tsa_certs: tuple[str, ...]) -> None:
    """Check an evidence bundle offline and say what it proves. Exit status: 0 signed by a key you gave,
    1 a problem, 3 unsigned, 4 signed but no key or fingerprint was given to check it against."""
    from factcheck.exports import signing
    from factcheck.exports.verify import check_bundle

    try:
        trusted = [k for f in key_files for k in signing.read_public_keys(Path(f))]
        tsa_pem = _tsa_certificates(tsa_certs)
        result = check_bundle(Path(path), keys=trusted if key_files else None,
                              fingerprints=list(fingerprints) if fingerprints else None, tsa_certificates=tsa_pem)
    except signing.SigningKeyError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(USAGE)
    if result.problems:
        for problem in result.problems:
            click.echo(f"PROBLEM: {problem}")
        n = len(result.problems)
        click.echo(f"{n} problem{'s' if n != 1 else ''} found; the bundle does not verify.")
        sys.exit(PROBLEM)
    who = f"{result.newsroom or 'an unnamed newsroom'}, key {result.fingerprint}"
    if result.signed and result.pinned:
        click.echo(f"VERIFIED: signed by {who} on {result.signed_at} (the newsroom's own clock). Every file is "
                   f"present and matches the signed manifest.")
        _say_timestamps(result.timestamps)
        sys.exit(VERIFIED)
    if result.signed:
        click.echo(f"SIGNED, NOT PINNED: the manifest is signed by {who} on {result.signed_at}, with the key the "
                   f"bundle itself carries, and every file matches it. Anyone can sign with a key of their own: "
                   f"compare that fingerprint with the one the newsroom publishes at {WELL_KNOWN}, then run again "
                   f"with --fingerprint or --key.")
        _say_timestamps(result.timestamps)
        sys.exit(UNPINNED)
    click.echo("UNSIGNED: proves only that the files match each other, not who made them or when.")
    if result.asked_for:
        click.echo(f"You asked for a signature by {', '.join(result.asked_for)}; this bundle carries none.")
    _say_timestamps(result.timestamps)
    sys.exit(UNSIGNED)


def _tsa_certificates(files: tuple[str, ...]) -> bytes | None:
    """The PEM certificates given with --tsa-cert, joined; a file without one is a usage error."""
    from factcheck.archive.tsa import read_certificates
    from factcheck.exports import signing

    if not files:
        return None
    joined = b""
    for name in files:
        data = Path(name).read_bytes()
        try:
            read_certificates(data)
        except ValueError as exc:
            raise signing.SigningKeyError(f"{name}: not a PEM certificate file ({exc})") from None
        joined += data if data.endswith(b"\n") else data + b"\n"
    return joined


def _say_timestamps(found) -> None:
    """What the timestamp tokens proved, one line each, after the verdict."""
    against = ("the TSA certificates you gave" if found.pinned else
               "the TSA certificates the bundle carries (compare them with those the authority publishes, then run "
               "again with --tsa-cert)")
    for stamp in ([found.manifest] if found.manifest else []) + found.files:
        when = stamp.stamped_at.isoformat(timespec="seconds")
        click.echo(f"TIMESTAMPED: {stamp.file} timestamped by {stamp.tsa_name} at {when}: it existed exactly as it "
                   f"is by then ({stamp.token}, checked against {against}).")
    for sentence in found.unstamped:
        click.echo(f"NOT TIMESTAMPED: {sentence}.")
