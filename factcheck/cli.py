"""The `factcheck` command. Scripts and tests depend on its words and output; keep them stable."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from sqlmodel import select

from factcheck.cli_support import _engine, _session, _settings


@click.group()
@click.version_option(package_name="factcheck")
def main() -> None:
    """factcheck: an editorial fact-checking desk."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create the database or migrate it to the latest schema."""
    from factcheck import db as database

    engine = _engine(_settings())
    database.upgrade(engine, revision)
    click.echo(f"Database at revision {database.current_revision(engine)} ({engine.url.render_as_string()}).")


@main.group()
def users() -> None:
    """Accounts."""


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "editor", "checker"]), default="checker", show_default=True)
@click.option("--password", default=None, help="Omit to generate one; it is printed once.")
@click.option("--display-name", default="")
def users_create(name: str, role: str, password: str | None, display_name: str) -> None:
    """Create a user NAME with a role."""
    from factcheck.errors import ValidationError
    from factcheck.services import users as user_service

    with _session(_settings()) as session:
        try:
            user, pw = user_service.create_user(session, username=name, role=role, password=password,
                                                display_name=display_name)
        except ValidationError as exc:
            raise click.ClickException(exc.message) from None
        session.commit()
    click.echo(f"Created {user.username} ({user.role}).")
    if password is None:
        click.echo(f"Password: {pw}")


@main.group()
def tokens() -> None:
    """API tokens."""


@tokens.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for, e.g. 'CMS import'.")
@click.option("--expires-days", type=click.IntRange(1, 3650), default=None, help="Omit for a token that does not expire.")
def tokens_create(username: str, name: str, expires_days: int | None) -> None:
    """Create an API token for USERNAME; the token is printed once, as the last word."""
    from factcheck.errors import DomainError
    from factcheck.models import User
    from factcheck.services import tokens as token_service

    with _session(_settings()) as session:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            raise click.ClickException(f"No user {username!r}.")
        try:
            token, raw = token_service.create_token(session, user=user, name=name, expires_in_days=expires_days)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        session.commit()
    click.echo(f"Token #{token.id} for {username} created; it is shown only now. Send it as "
               f"'Authorization: Bearer TOKEN'.\nToken: {raw}")


@main.command("demo")
def demo() -> None:
    """Create the demo newsroom (four people, one article) and print the passwords."""
    from factcheck.services.demo import create_demo_newsroom

    settings = _settings()
    with _session(settings) as session:
        rows = create_demo_newsroom(session, max_body_chars=settings.max_body_chars)
        session.commit()
    click.echo("Demo newsroom ready. Sign in with one of:")
    for username, role, password in rows:
        click.echo(f"  {role:<8} {username:<10} password: {password}")
    from factcheck.exports import signing

    if signing.load_signer(settings.signing_dir) is None:  # so the demo's evidence bundles are signed
        key = signing.create_key(settings.signing_dir)
        click.echo(f"Evidence bundles are signed with the newsroom key {key.fingerprint} "
                   f"(`factcheck keys list`).")


def _read_input(path: str, max_bytes: int, *, max_chars: int | None = None, max_unpacked: int | None = None) -> str:
    from factcheck.text.container import ContainerLimits
    from factcheck.text.decode import IntakeError, decode_upload

    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        name = "stdin.txt"
    else:
        p = Path(path)
        if not p.is_file():
            raise click.ClickException(f"No such file: {path}")
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
        name = p.name
    try:
        return decode_upload(data, name, max_bytes=max_bytes, max_chars=max_chars,
                             limits=ContainerLimits(max_unpacked=max_unpacked) if max_unpacked else None)
    except IntakeError as exc:
        raise click.ClickException(str(exc)) from None


def _structure(text: str, plain: bool):
    from factcheck.services.intake import clean_text
    from factcheck.text.structure import detect_structure, plain_structure

    text = clean_text(text)
    return plain_structure(text) if plain else detect_structure(text)


@main.command("split")
@click.argument("path")
@click.option("--plain", is_flag=True, help="Treat the whole input as body text.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--threshold", type=float, default=None, help="Check-worthiness threshold (default: the model's).")
def split(path: str, plain: bool, as_json: bool, threshold: float | None) -> None:
    """Split an article (PATH, or - for standard input) into scored sentences."""
    from dataclasses import replace

    from factcheck.text.analysis import analyse
    from factcheck.text.language import ENGLISH_SCORER, detect_language

    max_bytes = _max_bytes_without_secret()
    structure = _structure(_read_input(path, max_bytes), plain)
    detected = detect_language(structure.body)
    language = detected.code or ENGLISH_SCORER
    sentences = analyse(structure.body, threshold=threshold, language=language)
    english_only = language != ENGLISH_SCORER
    if english_only:  # the threshold is not applied to a language the scorer was not trained on
        sentences = [replace(s, checkworthy=False) for s in sentences]
    if as_json:
        click.echo(json.dumps({
            "title": structure.title, "byline": structure.byline, "sources": structure.sources,
            "language": detected.code, "language_confidence": detected.confidence,
            "also_languages": detected.also,
            "scores": "English model" if english_only else "trained for this language",
            "furniture": [f.as_dict() for f in structure.furniture],
            "body": structure.body, "sentences": [s.as_dict() for s in sentences],
        }, ensure_ascii=False))
        return
    if not structure.body:
        raise click.ClickException(
            f"No body text left after setting aside {len(structure.furniture)} lines of page furniture; "
            "use --plain to keep every line as body text.")
    if structure.title:
        click.echo(f"Title:   {structure.title}")
    if structure.byline:
        click.echo(f"Byline:  {structure.byline}")
    click.echo(f"Language: {detected.code or 'unknown'}" + (
        "   (scores: English model; threshold not applied)" if english_only else ""))
    click.echo(f"Sources: {len(structure.sources)}   Set aside: {len(structure.furniture)}   "
               f"Sentences: {len(sentences)}   Check-worthy: {sum(s.checkworthy for s in sentences)}")
    click.echo("")
    click.echo(f"{'start':>6} {'end':>6} {'score':>5}  ?  sentence / reasons")
    for s in sentences:
        click.echo(f"{s.start:>6} {s.end:>6} {s.score:>5.2f}  {'*' if s.checkworthy else ' '}  {s.text}")
        if s.reasons:
            click.echo(f"{'':>22}{'; '.join(s.reasons)}")


def _max_bytes_without_secret() -> int:
    import os

    raw = os.environ.get("FACTCHECK_MAX_UPLOAD_BYTES")
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else 2 * 1024 * 1024


@main.command("import")
@click.argument("path")
@click.option("--plain", is_flag=True, help="Treat the whole input as body text.")
@click.option("--title", default="", help="Headline, when the text has none.")
@click.option("--url", default="", help="The article's address.")
@click.option("--by", "by", default=None, help="Username of the editor bringing it in (default: the first admin).")
def import_article(path: str, plain: bool, title: str, url: str, by: str | None) -> None:
    """Bring in an article from a file (or - for standard input) and extract its claims."""
    from factcheck.errors import DomainError
    from factcheck.models import Claim, ClaimStatus, User
    from factcheck.services import intake
    from factcheck.services import settings as newsroom

    settings = _settings()
    structure = _structure(_read_input(path, settings.max_upload_bytes, max_chars=settings.max_body_chars,
                                       max_unpacked=settings.max_unpacked_bytes), plain)
    with _session(settings) as session:
        query = select(User).where(User.active)
        query = query.where(User.username == by) if by else query.where(User.role == "admin").order_by(User.id)
        actor = session.exec(query).first()
        if actor is None:
            raise click.ClickException(f"No active user {by!r}." if by else
                                       "No active admin; create one with `factcheck users create NAME --role admin`.")
        draft = intake.ArticleDraft(title=title or structure.title, body=structure.body, url=url,
                                    byline=structure.byline, sources=structure.sources,
                                    boilerplate=structure.boilerplate)
        try:
            article = intake.create_article(session, draft=draft, actor=actor,
                                            threshold=newsroom.checkworthy_threshold(session),
                                            max_body_chars=settings.max_body_chars,
                                            max_sentences=settings.max_sentences)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        session.commit()
        claims = session.exec(select(Claim).where(Claim.article_id == article.id)).all()
        worthy = sum(c.status == ClaimStatus.new for c in claims)
    click.echo(f"Article {article.id}: {worthy} claims, {len(claims) - worthy} candidates, "
               f"{len(structure.sources)} cited sources.")


@main.command("export")
@click.argument("article_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "csv", "json", "claimreview", "bundle", "wacz"]),
              required=True)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True), required=True)
def export(article_id: int, fmt: str, output: str) -> None:
    """Write an article's verification report or export to OUTPUT."""
    from factcheck import registry
    from factcheck.errors import DomainError
    from factcheck.services import exports

    settings = _settings()
    with _session(settings) as session:
        try:
            built = exports.article_export(session, article_id=article_id, fmt=fmt,
                                           config=registry.build_pieces(settings).export)
            size = 0
            with open(output, "wb") as fh:
                for chunk in built.chunks:
                    fh.write(chunk)
                    size += len(chunk)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
    click.echo(f"Wrote {output} ({size:,} bytes, {fmt}).")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Run the web app (embedded mode when FACTCHECK_REDIS_URL is unset)."""
    from waitress import serve as waitress_serve

    from factcheck import create_app

    settings = _settings()
    app = create_app(settings)
    mode = "embedded (no Redis)" if settings.embedded else f"distributed (Redis at {settings.redis_url})"
    click.echo(f"factcheck serving on http://{host}:{port} in {mode} mode; Ctrl+C stops it.")
    from factcheck.replay.serve import start_beside

    if start_beside(settings, app.extensions["factcheck.engine"]) is not None:  # a loopback replay origin
        click.echo(f"Archived pages replay at {settings.replay_origin} (this process, another host name).")
    runner = app.extensions["factcheck.jobs"]
    if settings.embedded:
        runner.start_periodic()  # the sweeper and re-checks run here when there is no Celery beat
        for name in ("factcheck.sweep_captures",):
            runner.enqueue(name)  # pick up captures left queued when the app last stopped
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="factcheck")
    finally:
        if settings.embedded:
            runner.shutdown()


from factcheck import cli_accounts, cli_evidence

for _command in cli_accounts.USERS:
    users.add_command(_command)
tokens.add_command(cli_accounts.tokens_revoke_all)
main.add_command(cli_evidence.keys)
main.add_command(cli_evidence.verify_bundle)
from factcheck.cli_matching import factchecks as _factchecks, matching as _matching  # noqa: E402

main.add_command(_matching)
main.add_command(_factchecks)
from factcheck.replay.serve import serve_replay  # noqa: E402

main.add_command(serve_replay)

if __name__ == "__main__":  # pragma: no cover
    main()
