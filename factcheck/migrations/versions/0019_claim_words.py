"""Checked before?: the lexical stage in the database (SQLite FTS5; PostgreSQL tsvector + GIN, per language).

The words of every claim that already has a sentence vector are written here, as the matching job writes them
(factcheck/services/claim_words.py): its text, and its latest verdict's restated claim and rationale.

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE TABLE claim_words (claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE, "
                   "config VARCHAR(32) NOT NULL, document TSVECTOR NOT NULL)")
        op.execute("CREATE INDEX ix_claim_words_document ON claim_words USING GIN (document)")
    else:
        op.execute("CREATE VIRTUAL TABLE claim_words USING fts5(words, tokenize = 'unicode61 remove_diacritics 0')")
    from factcheck.services import claim_words

    rows = bind.execute(sa.text(
        "SELECT c.id, c.text, a.language, v.claim_reviewed, v.rationale FROM claims c "
        "JOIN claim_vectors cv ON cv.claim_id = c.id JOIN articles a ON a.id = c.article_id "
        "LEFT JOIN verdicts v ON v.id = (SELECT MAX(v2.id) FROM verdicts v2 WHERE v2.claim_id = c.id)")).all()
    claim_words.store(bind, [(r[0], " ".join((r[1], r[3] or "", r[4] or "")), r[2]) for r in rows])


def downgrade() -> None:
    op.execute("DROP TABLE claim_words")
