"""Exports: the attempt number (the builder's token) and a heartbeat, so a sweep can recover an export whose
worker died mid-build instead of leaving it `running` for ever.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.execute("UPDATE exports SET updated_at = created_at")
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("attempts")
