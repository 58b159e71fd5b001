"""Checked before?: ClaimReview feeds an admin configures, re-read on a schedule.

Revision ID: 0016
Revises: 0015
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
