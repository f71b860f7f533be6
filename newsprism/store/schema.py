"""The schema, as SQLAlchemy Core tables. Runs on SQLite and PostgreSQL.

Migrations under ``migrations/versions`` are append-only; a change here needs a new
revision there (``alembic revision --autogenerate`` from this folder's alembic.ini).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Row ids are INTEGER columns: 32 bits on PostgreSQL. Anything larger is no row (and
# would be a database error), so every id taken from a request is bounded by this.
MAX_ROW_ID = 2**31 - 1

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

outlets = Table(
    "outlets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("domain", String(255), nullable=False, unique=True),
    Column("name", String(255), nullable=False),
    Column("country", String(8)),
    Column("language", String(16)),
    Column("homepage", String(2048)),
    Column("owner", Text),
    Column("ownership_typology", String(64)),
    Column("ownership_source", String(255)),
    # "catalogue" (bundled), "import" (from a user's file), "auto" (seen in an article)
    Column("origin", String(32), nullable=False, server_default="catalogue"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("outlet_id", ForeignKey("outlets.id", ondelete="CASCADE"), nullable=False),
    Column("axis", String(64), nullable=False),
    Column("value", String(64), nullable=False),
    Column("rater", String(64), nullable=False),
    Column("licence", String(128), nullable=False),
    Column("rated_on", String(32), nullable=False, server_default=""),
    Column("source_url", String(2048)),
    # A local override set by this instance's admin; shown as such.
    Column("is_override", Boolean, nullable=False, server_default="0"),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("outlet_id", "axis", "rater", "rated_on", name="uq_ratings_natural"),
)

# Rating axes a catalogue declared (sources.axes); the built-in ones are code, not rows.
axes = Table(
    "axes",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("label", String(255), nullable=False),
    # The scale in order: a JSON list of [value, display label ("" when none)].
    Column("scale_json", Text, nullable=False),
    # The value ties go toward, or "end" (the last value of the scale).
    Column("toward", String(64), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    # "catalogue" (bundled) or "import" (a user's catalogue file).
    Column("origin", String(32), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("outlet_id", ForeignKey("outlets.id", ondelete="CASCADE")),
    Column("url", String(2048), nullable=False, unique=True),
    Column("title", String(512)),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("etag", String(512)),
    Column("last_modified", String(128)),
    Column("body_hash", String(64)),
    Column("next_poll_at", DateTime(timezone=True)),
    Column("last_polled_at", DateTime(timezone=True)),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_status", Integer),
    Column("error_count", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("articles_found", Integer, nullable=False, server_default="0"),
    # Adaptive polling: the interval now in force, between the min and max settings.
    Column("poll_interval_seconds", Integer),
    # "retry" (may work later) or "permanent" (will not work as it is).
    Column("last_error_kind", String(16)),
    # When the current run of failures began (cleared by a success).
    Column("failing_since", DateTime(timezone=True)),
    # A feed that will not work as it is waits here, with its reason, until retried.
    Column("quarantined_at", DateTime(timezone=True)),
    Column("quarantine_reason", Text),
    # Why the feed is inactive, when it was disabled automatically or by hand.
    Column("disabled_reason", Text),
)

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("article_count", Integer, nullable=False, server_default="0"),
    Column("source_count", Integer, nullable=False, server_default="0"),
    # Sum of member embeddings (float32 bytes); its direction is the story centroid.
    Column("centroid", LargeBinary),
    Column("summary_json", Text),
    Column("coverage_json", Text),
    Column("needs_refresh", Boolean, nullable=False, server_default="1"),
    # When another story absorbed this one, its id; the old id redirects there.
    Column("merged_into", ForeignKey("stories.id")),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_stories_last_seen", stories.c.last_seen)
# Absorbing a story moves the redirects that pointed at it (corrections._absorb).
Index(
    "ix_stories_merged_into",
    stories.c.merged_into,
    sqlite_where=stories.c.merged_into.is_not(None),
    postgresql_where=stories.c.merged_into.is_not(None),
)
# Listings (biggest or latest first, and how many stories there are) walk these
# instead of reading every story row, whose coverage and summary JSON fill pages.
Index(
    "ix_stories_biggest",
    stories.c.source_count,
    stories.c.last_seen,
    stories.c.id,
    sqlite_where=stories.c.merged_into.is_(None),
    postgresql_where=stories.c.merged_into.is_(None),
)
Index(
    "ix_stories_latest",
    stories.c.last_seen,
    stories.c.id,
    sqlite_where=stories.c.merged_into.is_(None),
    postgresql_where=stories.c.merged_into.is_(None),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    # sha256 of the normalised URL: the dedup key.
    Column("url_hash", String(64), nullable=False, unique=True),
    Column("url", String(2048), nullable=False),
    Column("canonical_url", String(2048)),
    # sha256 of the normalised canonical URL, when the page names one: a second dedup key.
    Column("canonical_hash", String(64)),
    Column("outlet_id", ForeignKey("outlets.id", ondelete="SET NULL")),
    Column("feed_id", ForeignKey("feeds.id", ondelete="SET NULL")),
    Column("external_id", String(255)),
    Column("title", Text, nullable=False),
    Column("lede", Text, nullable=False, server_default=""),
    Column("text", Text, nullable=False, server_default=""),
    Column("author", String(512)),
    Column("image_url", String(2048)),
    Column("language", String(16)),
    Column("published_at", DateTime(timezone=True)),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("text_source", String(16), nullable=False),
    Column("extraction_error", Text),
    Column("embedding", LargeBinary),
    Column("story_id", ForeignKey("stories.id", ondelete="SET NULL")),
    Column("similarity", Float),
    # The page looks paywalled (metadata says so, or the text is cut short).
    Column("paywalled", Boolean),
    # Syndicated copy: the earliest stored article carrying the same (wire) text.
    Column("syndicated_of", ForeignKey("articles.id", ondelete="SET NULL")),
    # Why the clusterer put the article in its story: score, nearest member, shared terms.
    Column("grouping_json", Text),
    # Placed by a human (story correction): the clusterer never moves it.
    Column("pinned", Boolean, nullable=False, server_default="0"),
)
Index("ix_articles_story_id", articles.c.story_id)
Index("ix_articles_canonical_hash", articles.c.canonical_hash)
Index("ix_articles_published_at", articles.c.published_at)
Index("ix_articles_outlet_id", articles.c.outlet_id)

# Locality-sensitive hashing bands of each article's MinHash signature: two articles
# sharing a band are candidate near-duplicates (syndicated copies).
syndication_bands = Table(
    "syndication_bands",
    metadata,
    Column("band", String(40), nullable=False),
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    UniqueConstraint("band", "article_id", name="uq_syndication_bands_band_article"),
)
Index("ix_syndication_bands_article_id", syndication_bands.c.article_id)

# Failures a user should see: a feed that would not parse, a page that 404s, ...
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("level", String(16), nullable=False),  # info / warning / error
    Column("kind", String(64), nullable=False),  # feed-error, fetch-error, extract-error, ...
    Column("feed_id", ForeignKey("feeds.id", ondelete="CASCADE")),
    Column("url", String(2048)),
    Column("message", Text, nullable=False),
)
Index("ix_events_at", events.c.at)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Audit log of the story corrections made by people: merge, split, move.
story_corrections = Table(
    "story_corrections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(16), nullable=False),  # merge / split / move
    # merge: absorbed -> surviving; split: original -> new; move: from -> to.
    Column("source_story_id", Integer),
    Column("target_story_id", Integer),
    Column("article_ids_json", Text, nullable=False, server_default="[]"),
    Column("actor", String(255)),
    Column("note", Text),
)
Index("ix_story_corrections_at", story_corrections.c.at)

# The categories (tags) a feed gave an article, as the feed wrote them (cleaned):
# normalised into topics when its story is refreshed, so better rules apply to old ones.
article_categories = Table(
    "article_categories",
    metadata,
    Column(
        "article_id",
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
    ),
    Column("category", String(200), primary_key=True, nullable=False),
)

# A story's topics (stories/topics.py): its articles' categories and its keywords.
story_topics = Table(
    "story_topics",
    metadata,
    Column(
        "story_id", ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True, nullable=False
    ),
    Column("slug", String(100), primary_key=True, nullable=False),
    Column("label", String(200), nullable=False),
    Column("weight", Float, nullable=False),  # share of the story's articles carrying it
    Column("origin", String(16), nullable=False),  # category / keyword
)
Index("ix_story_topics_slug", story_topics.c.slug)


# Made by migration 0005 and not modelled here (a virtual table, its triggers and a
# generated column nothing writes): the FTS5 table ``articles_fts`` with the shadow
# tables SQLite keeps for it; PostgreSQL's ``articles.search_vector`` and its index.
NOT_IN_METADATA = ("articles_fts", "ix_articles_search", "search_vector")


def autogenerate_includes(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: autogenerate leaves the search index alone."""
    return not (type_ in ("table", "index", "column") and (name or "").startswith(NOT_IN_METADATA))
