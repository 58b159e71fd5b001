"""Email: each person's address, and the emails sent to them (a durable job each: a notification now, or a digest).

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", S(length=254), nullable=True))
    op.create_table(
        "email_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", S(length=16), nullable=False),
        sa.Column("notification_ids", sa.JSON(), nullable=False),
        sa.Column("once_key", S(length=64), nullable=True),
        sa.Column("to_address", S(length=254), nullable=False),
        sa.Column("subject", S(length=255), nullable=False),
        sa.Column("sent_at", WHEN(), nullable=True),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.Column("state", S(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reason", S(length=1000), nullable=False),
        sa.Column("next_try_at", WHEN(), nullable=True),
        sa.Column("updated_at", WHEN(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "once_key", name="uq_email_messages_once"),
    )
    op.create_index("ix_email_messages_user_id", "email_messages", ["user_id"], unique=False)
    op.create_index("ix_email_messages_state", "email_messages", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_email_messages_state", table_name="email_messages")
    op.drop_index("ix_email_messages_user_id", table_name="email_messages")
    op.drop_table("email_messages")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")
