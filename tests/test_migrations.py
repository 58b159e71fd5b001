"""The Alembic migrations build exactly the schema the models describe, on each database."""
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from factcheck import db


def _model_table(obj, name, type_, reflected, compare_to) -> bool:
    """The full-text index of claims' words is a different thing on each database, not a model
    (services/claim_words.py): SQLite's FTS5 table and its shadow tables, PostgreSQL's tsvector table."""
    return not (type_ == "table" and name.startswith("claim_words"))


def test_migrations_match_the_models(migrated_engine):
    with migrated_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _model_table})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_the_claims_full_text_index_exists_on_each_database(migrated_engine):
    tables = set(inspect(migrated_engine).get_table_names())
    assert "claim_words" in tables


def test_head_is_applied_and_tables_exist(migrated_engine):
    assert db.current_revision(migrated_engine) is not None
    tables = set(inspect(migrated_engine).get_table_names())
    assert {"users", "articles", "claims", "sources", "captures", "verdicts", "comments", "events"} <= tables


def test_upgrade_twice_is_harmless(migrated_engine):
    before = db.current_revision(migrated_engine)
    db.upgrade(migrated_engine)
    assert db.current_revision(migrated_engine) == before
