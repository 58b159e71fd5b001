"""Checked before?: ClaimReview feeds an admin configures, re-read on a schedule.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "factcheck_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", S(length=2048), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("every_minutes", sa.Integer(), nullable=False),
        sa.Column("etag", S(length=512), nullable=False),
        sa.Column("last_modified", S(length=128), nullable=False),
        sa.Column("next_read_at", WHEN(), nullable=True),
        sa.Column("last_tried_at", WHEN(), nullable=True),
        sa.Column("last_read_at", WHEN(), nullable=True),
        sa.Column("last_outcome", S(length=16), nullable=False),
        sa.Column("last_added", sa.Integer(), nullable=False),
        sa.Column("last_known", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("failed_at", WHEN(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )


def downgrade() -> None:
    op.drop_table("factcheck_feeds")
