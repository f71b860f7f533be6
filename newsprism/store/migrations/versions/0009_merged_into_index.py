"""index on stories.merged_into: redirects updated without reading every story

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

A story absorbed into another takes over the redirects of the stories absorbed into
it before (``corrections._absorb``: ``UPDATE stories … WHERE merged_into = ?``).
Without an index that read every story row, a few ms each with 10,000 stories; the
merge pass and settling (which empties stories) do it hundreds of times in an
import. Partial: only merged stories have the column set.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_MERGED = sa.text("merged_into IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_stories_merged_into",
        "stories",
        ["merged_into"],
        sqlite_where=_MERGED,
        postgresql_where=_MERGED,
    )


def downgrade() -> None:
    op.drop_index("ix_stories_merged_into", table_name="stories")
