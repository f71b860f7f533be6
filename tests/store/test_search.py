"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector): ranking, query syntax,
the index kept in step with the articles, and input that must never break a query."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, update

from newsprism.models import RawArticle
from newsprism.store.articles import add_article
from newsprism.store.db import _MIGRATIONS, make_engine, migrate
from newsprism.store.schema import articles, stories
from newsprism.store.search import (
    MARK_END,
    MARK_START,
    fts5_query,
    search_stories,
    skip_search_index,
)
from newsprism.store.stories import attach_article, create_story
from tests.web.conftest import seed_story


def _story_with(engine: Engine, *, title: str, text: str = "", lede: str = "", key: str) -> int:
    """A story of one article (the search indexes articles; stories are found by them)."""
    with engine.begin() as conn:
        article_id = add_article(
            conn,
            RawArticle(
                url=f"https://example.org/{key}",
                title=title,
                lede=lede,
                text=text,
                published=datetime(2025, 3, 1, tzinfo=UTC),
            ),
        )
        story_id = create_story(
            conn, title=title, first_seen=datetime(2025, 3, 1, tzinfo=UTC), centroid=b""
        )
        attach_article(conn, article_id=article_id, story_id=story_id, similarity=None)
        conn.execute(
            update(stories).where(stories.c.id == story_id).values(article_count=1, source_count=1)
        )
    return story_id


def _found(engine: Engine, query: str) -> list[int]:
    with engine.connect() as conn:
        return [story["id"] for story in search_stories(conn, query).stories]


def test_finds_stories_by_their_articles_headline_first(engine: Engine) -> None:
    in_text = _story_with(
        engine, key="a", title="Budget talks resume", text="The glacier melted faster."
    )
    in_title = _story_with(engine, key="b", title="Glacier melts faster than forecast")
    _story_with(engine, key="c", title="Football final tonight")
    assert _found(engine, "glacier") == [in_title, in_text]
    assert _found(engine, "GLACIER") == [in_title, in_text]  # case does not matter
    assert _found(engine, "volcano") == []


def test_all_words_phrases_or_and_exclusion(engine: Engine) -> None:
    vote = _story_with(engine, key="v", title="Parliament vote on Brexit delayed again")
    deal = _story_with(engine, key="d", title="Brexit deal rejected by parliament")
    trade = _story_with(engine, key="t", title="Trade deal signed with Japan")
    assert set(_found(engine, "brexit parliament")) == {vote, deal}
    assert _found(engine, '"brexit deal"') == [deal]
    assert set(_found(engine, "vote or japan")) == {vote, trade}
    assert _found(engine, "brexit -vote") == [deal]
    assert _found(engine, "deal -japan") == [deal]


def test_results_page_counts_snippets_and_matches(engine: Engine) -> None:
    seeded = seed_story(engine)
    seed_story(engine, title="Brexit vote delayed", url_prefix="other")
    with engine.connect() as conn:
        results = search_stories(conn, "Putin", limit=1)
        page_two = search_stories(conn, "Putin", limit=1, offset=1)
    assert results.total == 2 and len(results.stories) == 1 and len(page_two.stories) == 1
    assert {results.stories[0]["id"], page_two.stories[0]["id"]} >= {seeded.story_id}
    story = results.stories[0]
    assert story["match_count"] == 3 and len(story["matches"]) == 3
    match = story["matches"][0]
    assert f"{MARK_START}Putin{MARK_END}" in match["snippet"]
    assert match["outlet_domain"] in {"nytimes.com", "foxnews.com", "reuters.com"}
    assert match["url"].startswith("https://www.")


def test_the_index_follows_inserts_updates_deletes_and_merges(engine: Engine) -> None:
    story_id = _story_with(engine, key="x", title="Harbour strike ends")
    assert _found(engine, "harbour") == [story_id]
    with engine.begin() as conn:
        conn.execute(update(articles).values(title="Airport strike ends", lede="Pilots agree."))
    assert _found(engine, "harbour") == []
    assert _found(engine, "pilots airport") == [story_id]
    other = _story_with(engine, key="y", title="Airport reopens")
    with engine.begin() as conn:  # a story merged into another is not a result of its own
        conn.execute(update(stories).where(stories.c.id == other).values(merged_into=story_id))
    assert _found(engine, "airport") == [story_id]
    with engine.begin() as conn:
        conn.execute(delete(articles))
    assert _found(engine, "airport") == []


def test_articles_stored_before_the_migration_are_searchable(db_url: str) -> None:
    engine = make_engine(db_url)
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    try:
        story_id = _story_with(engine, key="old", title="Referendum result announced")
        migrate(engine)  # 0005 fills the index from the existing rows
        assert _found(engine, "referendum") == [story_id]
    finally:
        engine.dispose()


HOSTILE_QUERIES = [
    '"',
    '"unclosed phrase',
    "NEAR(a b)",
    "a AND OR NOT b",
    "title:glacier",
    "glacier*",
    "^glacier",
    "(((",
    "-",
    "- - -",
    "or",
    "\x00glacier",
    "glacier\x00\x01\x1f",
    "'; DROP TABLE articles; --",
    "ÄÖÜ ß 北京 🚀",
    MARK_START + "glacier" + MARK_END,
    "a" * 10_000,
    "!@#$%^&*()[]{}<>|\\",
    "<script>alert(1)</script>",
]

FINDS_THE_GLACIER = {
    "glacier*",
    "^glacier",
    "\x00glacier",
    "glacier\x00\x01\x1f",
    HOSTILE_QUERIES[15],
}


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_no_input_breaks_the_query(engine: Engine, query: str) -> None:
    story_id = _story_with(engine, key="g", title="Glacier melts")
    with engine.connect() as conn:
        results = search_stories(conn, query)
    assert results.total == len(results.stories)
    assert "\x00" not in results.query and len(results.query) <= 200
    if query in FINDS_THE_GLACIER:
        assert [story["id"] for story in results.stories] == [story_id]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=60))
def test_any_text_is_a_valid_query(engine: Engine, query: str) -> None:
    with engine.connect() as conn:
        results = search_stories(conn, query)
    assert results.total >= len(results.stories)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("glacier", '("glacier")'),
        ("a b or c -d", '("a") AND ("b" OR "c") NOT "d"'),
        ('"ice sheet" melt', '("ice sheet") AND ("melt")'),
        ('-"ice sheet" melt', '("melt") NOT "ice sheet"'),
        ("U.S. troops", '("U S") AND ("troops")'),
        ('NEAR("a" ', '("NEAR a")'),
        ("or or", None),
        ("-only", None),
        ("*", None),
    ],
)
def test_fts5_query_quotes_every_term(query: str, expected: str | None) -> None:
    assert fts5_query(query) == expected


def test_autogenerate_leaves_the_search_index_alone(engine: Engine) -> None:
    """The FTS5 table and the GIN index are not in schema.py's metadata; a maintainer's
    `alembic revision --autogenerate` must not propose to drop them."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from newsprism.store.schema import autogenerate_includes, metadata

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": autogenerate_includes})
        diff = compare_metadata(context, metadata)
        unfiltered = compare_metadata(MigrationContext.configure(conn), metadata)
    assert not [change for change in diff if "articles_fts" in str(change)]
    assert not [change for change in diff if "ix_articles_search" in str(change)]
    # the hook is what keeps them out: without it, autogenerate would drop them
    assert [
        change
        for change in unfiltered
        if "articles_fts" in str(change) or "ix_articles_search" in str(change)
    ]


def test_a_database_that_skips_the_index_stores_updates_and_deletes_articles(
    engine: Engine,
) -> None:
    # ``eval stories`` skips indexing in its throwaway SQLite database; storing,
    # changing and deleting articles still work and searching finds nothing there.
    # PostgreSQL's search vector is a generated column, so nothing changes on it.
    indexed = _story_with(engine, key="before", title="Harbour strike ends")
    with engine.begin() as conn:
        skip_search_index(conn)
    later = _story_with(engine, key="after", title="Harbour reopens")
    with engine.begin() as conn:
        conn.execute(update(articles).values(lede="Ships sail again."))
    found = _found(engine, "harbour")
    if engine.dialect.name == "sqlite":
        assert found == [indexed]
    else:
        assert sorted(found) == sorted([indexed, later])
    with engine.begin() as conn:
        conn.execute(delete(articles))
    assert _found(engine, "harbour") == []
