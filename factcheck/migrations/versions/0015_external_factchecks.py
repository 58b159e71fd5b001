"""Checked before?: other organisations' fact-checks (ClaimReview), imported and matched.

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "external_factchecks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", S(length=2048), nullable=False),
        sa.Column("publisher", S(length=300), nullable=False),
        sa.Column("claim_reviewed", sa.Text(), nullable=False),
        sa.Column("claimant", S(length=300), nullable=False),
        sa.Column("rating", S(length=300), nullable=False),
        sa.Column("title", S(length=1000), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("language", S(length=16), nullable=False),
        sa.Column("model", S(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["imported_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )


def downgrade() -> None:
    op.drop_table("external_factchecks")
