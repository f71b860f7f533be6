"""story corrections: audit log, pinned articles

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("source_story_id", sa.Integer(), nullable=True),
        sa.Column("target_story_id", sa.Integer(), nullable=True),
        sa.Column("article_ids_json", sa.Text(), server_default="[]", nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_corrections")),
    )
    with op.batch_alter_table("story_corrections", schema=None) as batch_op:
        batch_op.create_index("ix_story_corrections_at", ["at"], unique=False)

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pinned", sa.Boolean(), server_default="0", nullable=False))

    # The row every correction bumps and every clustering batch locks first
    # (store/corrections.py): it must exist for the lock to take.
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.bulk_insert(meta, [{"key": "corrections_version", "value": "0"}])


def downgrade() -> None:
    op.execute("DELETE FROM meta WHERE key = 'corrections_version'")

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("pinned")

    with op.batch_alter_table("story_corrections", schema=None) as batch_op:
        batch_op.drop_index("ix_story_corrections_at")

    op.drop_table("story_corrections")
