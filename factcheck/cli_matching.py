"""`factcheck matching ...`: rebuild the stored claim vectors (after a change of encoder) and search past claims."""
from __future__ import annotations

import click

from factcheck.cli_support import _session, _settings


@click.group()
def matching() -> None:
    """Checked before?: the vectors past claims are matched by."""


@matching.command("rebuild")
@click.option("--suggest/--no-suggest", default=True, help="Also store each claim's past matches again.")
def rebuild(suggest: bool) -> None:
    """Compute the vector of every claim that has none of this encoder or one of an older text."""
    from sqlmodel import select

    from factcheck.models import Claim, ClaimStatus
    from factcheck.services import matching as service

    with _session(_settings()) as session:
        done = service.rebuild(session)
        click.echo(f"{done} claim vector{'' if done == 1 else 's'} computed ({service.MODEL}).")
        if suggest:
            claims = list(session.exec(select(Claim).where(Claim.status != ClaimStatus.candidate.value,
                                                           Claim.merged_into_id.is_(None)).order_by(Claim.id)))
            vectors = service.store_vectors(session, claims)
            for claim in claims:
                service.suggest(session, claim=claim, vector=vectors[claim.id])
            session.commit()
            click.echo(f"Past matches stored again for {len(claims)} claim{'' if len(claims) == 1 else 's'}.")


@click.group()
def factchecks() -> None:
    """Other organisations' fact-checks (ClaimReview), matched beside the desk's own."""


@factchecks.command("import")
@click.argument("source", metavar="PATH|URL")
def factchecks_import(source: str) -> None:
    """Import a ClaimReview JSON-LD file or a Fact Check Tools claims:search answer (PATH), or what an address
    serves (URL, http:// or https://: its JSON, or the JSON-LD, microdata and RDFa of its page), fetched by the safe
    fetcher under the same rules as captures."""
    from pathlib import Path

    from factcheck.errors import ValidationError
    from factcheck.services import factchecks as service

    settings = _settings()
    is_url = source.lower().startswith(("http://", "https://"))
    if not is_url and not Path(source).is_file():
        raise click.ClickException(f"No file at {source!r} (an address starts with http:// or https://).")
    with _session(settings) as session:
        try:
            if is_url:
                added, known = service.import_url(session, url=source, policy=settings.fetch_policy, actor=None)
            else:
                added, known = service.import_file(session, data=Path(source).read_bytes(), actor=None)
        except ValidationError as exc:
            raise click.ClickException(exc.message) from None
        session.commit()
    click.echo(f"{added} fact-check{'' if added == 1 else 's'} imported, {known} already here.")


@matching.command("search")
@click.argument("words", nargs=-1, required=True)
def search(words: tuple[str, ...]) -> None:
    """Past claims for WORDS (or a pasted claim), best first."""
    from factcheck.errors import ValidationError
    from factcheck.services import past_matches

    with _session(_settings()) as session:
        try:
            found = past_matches.search_results(session, q=" ".join(words), k=10)
        except ValidationError as exc:
            raise click.ClickException(exc.message) from None
        for m in found:
            rating = m.verdict.rating if m.verdict else "no verdict"
            click.echo(f"#{m.claim.id}\t{m.similarity:.2f}\t{rating}\t{m.claim.text}")
        if not found:
            click.echo("Nothing on the desk matches.")
