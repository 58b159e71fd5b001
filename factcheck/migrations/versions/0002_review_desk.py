"""Review desk: publication time, comment kinds, source versions and removal, keyset indexes.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index("ix_claims_published_at", ["published_at"], unique=False)
        batch_op.create_index("ix_claims_score_id", ["score", "id"], unique=False)
        batch_op.create_index("ix_claims_due_id", ["due_at", "id"], unique=False)
        batch_op.create_index("ix_claims_created_id", ["created_at", "id"], unique=False)
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default="comment"))
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False,
                                      server_default=sa.text("CURRENT_TIMESTAMP")))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("removed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("removed_at")
        batch_op.drop_column("version")
        batch_op.drop_column("updated_at")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_created_id")
        batch_op.drop_index("ix_claims_due_id")
        batch_op.drop_index("ix_claims_score_id")
        batch_op.drop_index("ix_claims_published_at")
        batch_op.drop_column("published_at")
