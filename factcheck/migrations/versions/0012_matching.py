"""Checked before?: stored claim vectors, matches to past claims with an editor's decision, the matching job.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "claim_vectors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("model", S(length=64), nullable=False),
        sa.Column("text_hash", S(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("claim_id"),
    )
    op.create_table(
        "claim_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("matched", sa.JSON(), nullable=False),
        sa.Column("decision", S(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", WHEN(), nullable=True),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"]),
        sa.ForeignKeyConstraint(["match_id"], ["claims.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("claim_id", "match_id", name="uq_claim_matches_pair"),
    )
    op.create_index("ix_claim_matches_claim_id", "claim_matches", ["claim_id"], unique=False)
    op.create_index("ix_claim_matches_match_id", "claim_matches", ["match_id"], unique=False)
    op.create_table(
        "matching_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.Column("state", S(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reason", S(length=1000), nullable=False),
        sa.Column("next_try_at", WHEN(), nullable=True),
        sa.Column("updated_at", WHEN(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_matching_jobs_article_id", "matching_jobs", ["article_id"], unique=False)
    op.create_index("ix_matching_jobs_state", "matching_jobs", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_matching_jobs_state", table_name="matching_jobs")
    op.drop_index("ix_matching_jobs_article_id", table_name="matching_jobs")
    op.drop_table("matching_jobs")
    op.drop_index("ix_claim_matches_match_id", table_name="claim_matches")
    op.drop_index("ix_claim_matches_claim_id", table_name="claim_matches")
    op.drop_table("claim_matches")
    op.drop_table("claim_vectors")
