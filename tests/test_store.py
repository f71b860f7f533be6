from sqlalchemy import inspect

from newsprism.models import Outlet, Rating, RawArticle
from newsprism.store.articles import add_article, count_articles
from newsprism.store.db import migrate
from newsprism.store.outlets import ensure_outlet, outlet_id_for_host, upsert_outlet


def test_migrations_create_every_table_and_are_idempotent(engine):
    migrate(engine)  # a second run must be a no-op
    tables = set(inspect(engine).get_table_names())
    assert {"outlets", "ratings", "feeds", "articles", "stories", "events"} <= tables


def test_outlet_matching_uses_longest_whole_label_suffix(engine):
    with engine.begin() as conn:
        india = ensure_outlet(conn, domain="indiatimes.com", name="India Times", origin="test")
        toi = ensure_outlet(conn, domain="timesofindia.indiatimes.com", name="TOI", origin="test")
        go = ensure_outlet(conn, domain="go.com", name="Go", origin="test")
        abc = ensure_outlet(conn, domain="abcnews.go.com", name="ABC News", origin="test")
        assert outlet_id_for_host(conn, "timesofindia.indiatimes.com") == toi
        assert outlet_id_for_host(conn, "www.indiatimes.com") == india
        assert outlet_id_for_host(conn, "abcnews.go.com") == abc
        assert outlet_id_for_host(conn, "espn.go.com") == go
        assert outlet_id_for_host(conn, "xgo.com") is None


def test_add_article_is_idempotent_on_normalised_and_canonical_url(engine):
    with engine.begin() as conn:
        first = add_article(
            conn,
            RawArticle(
                url="https://www.example.com/news/a?utm_source=rss",
                canonical_url="https://example.com/news/a-canonical",
                title="A",
            ),
        )
        assert first is not None
        assert add_article(conn, RawArticle(url="http://example.com/news/a/", title="A")) is None
        assert (
            add_article(conn, RawArticle(url="https://example.com/news/a-canonical", title="A"))
            is None
        )
        assert add_article(conn, RawArticle(url="https://example.com/news/b", title="B"))
        assert count_articles(conn) == 2


def test_upsert_outlet_twice_keeps_one_row_per_rating(engine):
    outlet = Outlet(
        domain="example.org",
        name="Example",
        feeds=["https://example.org/feed.xml"],
        ratings=[Rating(axis="factuality", value="high", rater="test", licence="CC0")],
    )
    with engine.begin() as conn:
        first = upsert_outlet(conn, outlet)
        second = upsert_outlet(conn, outlet)
        assert first == second
        from newsprism.store.outlets import ratings_by_outlet

        assert len(ratings_by_outlet(conn, [first])[first]) == 1
