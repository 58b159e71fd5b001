"""The Alembic migrations build exactly the schema the models describe, on each database."""
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from factcheck import db


def test_migrations_match_the_models(migrated_engine):
    with migrated_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_head_is_applied_and_tables_exist(migrated_engine):
    assert db.current_revision(migrated_engine) is not None
    tables = set(inspect(migrated_engine).get_table_names())
    assert {"users", "articles", "claims", "sources", "captures", "verdicts", "comments", "events"} <= tables


def test_upgrade_twice_is_harmless(migrated_engine):
    before = db.current_revision(migrated_engine)
    db.upgrade(migrated_engine)
    assert db.current_revision(migrated_engine) == before
