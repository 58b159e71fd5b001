"""Requests from the public: what a reader asked the desk to check (or reported as an error), and the decision.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "public_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", S(length=16), nullable=False),
        sa.Column("claim_text", sa.Text(), nullable=False),
        sa.Column("link", S(length=2048), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("email", S(length=254), nullable=True),
        sa.Column("state", S(length=16), nullable=False),
        sa.Column("reason", S(length=1000), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.Column("decided_at", WHEN(), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_public_requests_state", "public_requests", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_public_requests_state", table_name="public_requests")
    op.drop_table("public_requests")
