"""Account commands that an admin at the server's console needs: set a password, issue a reset link,
sign someone out everywhere, revoke all of someone's API tokens. Registered on `factcheck users` and
`factcheck tokens` at the end of factcheck/cli.py."""
from __future__ import annotations

import click
from sqlmodel import func, select

from factcheck.cli_support import _session, _settings
from factcheck.errors import DomainError


def _user(session, username: str):
    from factcheck.models import User

    user = session.exec(select(User).where(func.lower(User.username) == username.strip().lower())).first()
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    return user


@click.command("set-password")
@click.argument("username")
@click.option("--password", prompt="New password", hide_input=True, confirmation_prompt=True,
              help="Asked for (twice, not echoed) when omitted.")
def users_set_password(username: str, password: str) -> None:
    """Set USERNAME's password; every session of the account ends and any reset link stops working."""
    from factcheck.services import passwords

    with _session(_settings()) as session:
        user = _user(session, username)
        try:
            passwords.set_password(session, user=user, password=password)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        session.commit()
    click.echo(f"Password of {user.username} changed; they are signed out everywhere.")


@click.command("reset-link")
@click.argument("username")
@click.option("--hours", type=click.IntRange(1, 24 * 7), default=24, show_default=True,
              help="How long the link works.")
def users_reset_link(username: str, hours: int) -> None:
    """Print a one-time link with which USERNAME sets a new password; shown only now, as the last word."""
    from datetime import timedelta

    from factcheck.services import passwords

    settings = _settings()
    with _session(settings) as session:
        user = _user(session, username)
        try:
            raw, expires = passwords.issue_reset_link_token(session, user=user, ttl=timedelta(hours=hours))
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        session.commit()
    click.echo(f"One-time reset link for {user.username}, valid until {expires:%Y-%m-%d %H:%M} UTC; any earlier "
               f"link no longer works. It is shown only now.\nLink: {settings.public_url}/reset/{raw}")


@click.command("sign-out")
@click.argument("username")
def users_sign_out(username: str) -> None:
    """End every session of USERNAME (browsers and devices); API tokens are not touched."""
    from factcheck.services import users as user_service

    with _session(_settings()) as session:
        user = _user(session, username)
        user_service.sign_out_everywhere(session, user=user)
        session.commit()
    click.echo(f"{user.username} is signed out everywhere.")


@click.command("revoke-all")
@click.argument("username")
def tokens_revoke_all(username: str) -> None:
    """Revoke every API token of USERNAME."""
    from factcheck.services import tokens as token_service

    with _session(_settings()) as session:
        user = _user(session, username)
        count = token_service.revoke_all(session, user=user)
        session.commit()
    click.echo(f"{count} token{'s' if count != 1 else ''} of {user.username} revoked.")


USERS = (users_set_password, users_reset_link, users_sign_out)
