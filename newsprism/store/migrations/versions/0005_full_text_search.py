"""full-text search over articles (SQLite FTS5, PostgreSQL tsvector)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

SQLite: ``articles_fts``, an FTS5 *external-content* table over the articles' title,
lede and text (the text is stored once, in ``articles``), kept in step by three
triggers and filled from the existing rows here. PostgreSQL: ``articles.search_vector``,
a stored generated tsvector (title weighted A, lede B, text D) with a GIN index. It is
stored rather than an expression index because ranking reads the vector of every
match: recomputing it from the text costs milliseconds per article, seconds per query.

None of it is declared in ``schema.py`` (a virtual table, triggers and a generated
column SQLAlchemy need not know: nothing writes them); ``schema.autogenerate_includes``
keeps autogenerate from proposing to drop them.

Caution for later migrations: an SQLite batch operation that *recreates* ``articles``
(dropping a column, changing a constraint) drops these triggers with the old table;
such a migration must run ``create_sqlite_triggers`` below again afterwards.
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The text is cut at 100,000 characters because a tsvector may not exceed 1 MB: a
# longer one would make the article's INSERT fail.
POSTGRES_VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, lede), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, left(text, 100000)), 'D')"
)

SQLITE_TRIGGERS = {
    "articles_fts_after_insert": """
        CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
          INSERT INTO articles_fts(rowid, title, lede, text)
          VALUES (new.id, new.title, new.lede, new.text);
        END""",
    "articles_fts_after_delete": """
        CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
          INSERT INTO articles_fts(articles_fts, rowid, title, lede, text)
          VALUES ('delete', old.id, old.title, old.lede, old.text);
        END""",
    # Only a change of the indexed columns touches the index (joining a story does not).
    "articles_fts_after_update": """
        CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF title, lede, text
        ON articles BEGIN
          INSERT INTO articles_fts(articles_fts, rowid, title, lede, text)
          VALUES ('delete', old.id, old.title, old.lede, old.text);
          INSERT INTO articles_fts(rowid, title, lede, text)
          VALUES (new.id, new.title, new.lede, new.text);
        END""",
}


def create_sqlite_triggers() -> None:
    for name, statement in SQLITE_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # unicode61 with diacritics removed: "Québec" finds "Quebec"; no stemming, as
        # PostgreSQL's 'simple' configuration, so both backends find the same articles.
        op.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5("
            "title, lede, text, content='articles', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        create_sqlite_triggers()
        op.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE articles ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({POSTGRES_VECTOR}) STORED"
        )
        op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search_vector)")
        # Statistics for the new column now, not at autovacuum's next visit: without
        # them the planner may scan every article instead of using the index.
        op.execute("ANALYZE articles")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
