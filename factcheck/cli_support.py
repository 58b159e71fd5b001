"""What every `factcheck` command module shares: settings from the environment and a database session."""
from __future__ import annotations

import click
from sqlmodel import Session

from factcheck.config import ConfigError, Settings


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _engine(settings: Settings):
    from factcheck.db import make_engine

    return make_engine(settings.database_url)


def _session(settings: Settings) -> Session:
    return Session(_engine(settings), expire_on_commit=False)
