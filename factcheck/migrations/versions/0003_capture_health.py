"""Archiving: capture purpose (cite or re-check) and each source's health after re-checks.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default="cite"))
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("health", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("health_reason", sqlmodel.sql.sqltypes.AutoString(length=1000),
                                      nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("health_reason")
        batch_op.drop_column("health")
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_column("purpose")
