"""One vocabulary for every durable background job (captures, exports and the kinds to come).

States: queued, running, retrying, done, failed; the reason a job is waiting or failed is `reason`; a job waiting
for its next try has `next_try_at`. Captures said `fetching`/`archived`; exports said `error` and had no next try.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE captures SET state = 'running' WHERE state = 'fetching'")
    op.execute("UPDATE captures SET state = 'done' WHERE state = 'archived'")
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.alter_column("error", new_column_name="reason",
                              existing_type=sa.String(length=1000), existing_nullable=False)
        batch_op.add_column(sa.Column("next_try_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.drop_column("next_try_at")
        batch_op.alter_column("reason", new_column_name="error",
                              existing_type=sa.String(length=1000), existing_nullable=False)
    op.execute("UPDATE exports SET state = 'queued' WHERE state = 'retrying'")
    op.execute("UPDATE captures SET state = 'archived' WHERE state = 'done'")
    op.execute("UPDATE captures SET state = 'fetching' WHERE state = 'running'")
