"""Who made a claim (its claimant, set by the checker; ClaimReview's itemReviewed.author) and the article's
outlet (the default claimant). Existing bylines lose their credit words ("Edited by: Jonas Whitfield" ->
"Jonas Whitfield") and existing articles with a URL get its site as their outlet.

Revision ID: 0009
Revises: 0008
"""
import re
from urllib.parse import urlsplit

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# As factcheck.text.structure.byline_name was when this revision was written (a migration keeps its own copy).
_PREFIX = re.compile(r"^(?:[-–—|·•]\s*)?(?:by|written by|reporting by|reported by|edited by|words by|story by"
                     r"|text by|author|authors|posted by)\b\s*[:\-–—]?\s*(?=\S)", re.IGNORECASE)


def _names(byline: str) -> str:
    return " ".join(_PREFIX.sub("", " ".join((byline or "").split()), count=1).split())


def _site(url: str | None) -> str:
    try:
        host = (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")[:200]


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outlet", sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=""))
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimant", sqlmodel.sql.sqltypes.AutoString(length=300),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("claimant_kind", sqlmodel.sql.sqltypes.AutoString(length=16),
                                      nullable=False, server_default=""))
    articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("byline", sa.String),
                        sa.column("url", sa.String), sa.column("outlet", sa.String))
    conn = op.get_bind()
    for row in conn.execute(sa.select(articles.c.id, articles.c.byline, articles.c.url)).all():
        changes = {}
        if _names(row.byline) != (row.byline or ""):
            changes["byline"] = _names(row.byline)
        if _site(row.url):
            changes["outlet"] = _site(row.url)
        if changes:
            conn.execute(articles.update().where(articles.c.id == row.id).values(**changes))


def downgrade() -> None:
    # The credit words taken off bylines are not put back: the names are what the byline means.
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_column("claimant_kind")
        batch_op.drop_column("claimant")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("outlet")
