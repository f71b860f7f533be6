"""indexes for story listings: biggest first, latest first, and the count

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

The home page and ``GET /api/stories`` order stories by sources then recency (or by
recency) and count them for the pagination. Without an index each of these read every
story row; a row carries its coverage and summary JSON (a few kB, over several pages),
so with 10,000 stories a home page took ~1 s. These partial indexes (stories not
merged into another: the only ones listed) serve the orders and the count by
themselves. ``ix_stories_latest`` is not redundant with ``ix_stories_last_seen``:
without statistics SQLite's planner prefers ``ix_stories_biggest`` for the
``source_count >= 1`` condition and sorts every story, unless a partial index on the
order exists.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_LISTED = sa.text("merged_into IS NULL")


def upgrade() -> None:
    for name, columns in (
        ("ix_stories_biggest", ["source_count", "last_seen", "id"]),
        ("ix_stories_latest", ["last_seen", "id"]),
    ):
        op.create_index(name, "stories", columns, sqlite_where=_LISTED, postgresql_where=_LISTED)


def downgrade() -> None:
    op.drop_index("ix_stories_latest", table_name="stories")
    op.drop_index("ix_stories_biggest", table_name="stories")
