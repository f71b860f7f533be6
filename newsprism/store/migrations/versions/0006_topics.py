"""topics: the categories feeds gave articles, and each story's topics

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

Two tables rather than a JSON column on ``articles`` / ``stories``:

* ``story_topics(story_id, slug, label, weight, origin)`` is what the topic pages,
  the ``topic`` filter of the stories API and the per-topic feeds query. "Stories of
  topic X" is then an indexed lookup on ``slug`` and "topics with their story counts"
  a GROUP BY, the same SQL on SQLite and PostgreSQL; in a JSON column each would need
  the dialect's own JSON functions (``json_each`` / ``jsonb_array_elements``) and a
  scan of every story.
* ``article_categories(article_id, category)`` keeps each feed category as the feed
  wrote it; topics are normalised from them when the story is refreshed, so a better
  stoplist or synonym list also applies to articles already stored.

Both rows go with their article or story (ON DELETE CASCADE). Stories stored before
this revision get their topics from the pipeline's topic backfill (``jobs/topics.py``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_categories",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_categories_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "category", name=op.f("pk_article_categories")),
    )
    op.create_table(
        "story_topics",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_topics_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("story_id", "slug", name=op.f("pk_story_topics")),
    )
    with op.batch_alter_table("story_topics", schema=None) as batch_op:
        batch_op.create_index("ix_story_topics_slug", ["slug"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("story_topics", schema=None) as batch_op:
        batch_op.drop_index("ix_story_topics_slug")
    op.drop_table("story_topics")
    op.drop_table("article_categories")
