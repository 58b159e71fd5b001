"""Trusted timestamps (RFC 3161): a durable job per capture WARC or bundle manifest, holding the token.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "timestamps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("tsa_url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
        sa.Column("token", sa.LargeBinary(), nullable=True),
        sa.Column("tsa_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("stamped_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("serial", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("next_try_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subject", "subject_id", name="uq_timestamps_subject"),
    )
    with op.batch_alter_table("timestamps", schema=None) as batch_op:
        batch_op.create_index("ix_timestamps_state", ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("timestamps", schema=None) as batch_op:
        batch_op.drop_index("ix_timestamps_state")
    op.drop_table("timestamps")
