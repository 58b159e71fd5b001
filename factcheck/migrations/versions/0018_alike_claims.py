"""Checked before?: claims that came in together and say the same thing share a group (the queue groups them).

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("alike_id", sa.Integer(), nullable=True))
        batch.create_index("ix_claims_alike_id", ["alike_id"])


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_index("ix_claims_alike_id")
        batch.drop_column("alike_id")
