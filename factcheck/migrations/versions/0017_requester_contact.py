"""Requests from the public: confirmed requester emails, their retention, and emails to readers.

A reader's address is confirmed (a signed link), erased on request or after the newsroom's retention, and the
request remembers whether the reader was told of the publication. An email may go to a reader (a request) rather
than a desk user, so `email_messages.user_id` may be empty and `request_id` names the request.

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("public_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", WHEN(), nullable=True))
        batch_op.add_column(sa.Column("email_erased_at", WHEN(), nullable=True))
        batch_op.add_column(sa.Column("told_published_at", WHEN(), nullable=True))
    with op.batch_alter_table("email_messages", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("request_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_email_messages_request_id", ["request_id"], unique=False)
        batch_op.create_foreign_key("fk_email_messages_request_id", "public_requests", ["request_id"], ["id"])


def downgrade() -> None:
    op.execute("DELETE FROM email_messages WHERE user_id IS NULL")
    with op.batch_alter_table("email_messages", schema=None) as batch_op:
        batch_op.drop_constraint("fk_email_messages_request_id", type_="foreignkey")
        batch_op.drop_index("ix_email_messages_request_id")
        batch_op.drop_column("request_id")
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("public_requests", schema=None) as batch_op:
        batch_op.drop_column("told_published_at")
        batch_op.drop_column("email_erased_at")
        batch_op.drop_column("email_confirmed_at")
