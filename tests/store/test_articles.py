"""Storing articles: the outlet an article is filed under, asked once per host in an
import (store/articles.py ``outlets_seen``)."""

from sqlalchemy import func, select

from newsprism.models import RawArticle
from newsprism.store.articles import add_article
from newsprism.store.outlets import ensure_outlet
from newsprism.store.schema import articles, outlets


def _raw(url: str, domain: str | None = None) -> RawArticle:
    return RawArticle(url=url, title="A headline", outlet_domain=domain, text="Some text.")


def test_an_import_files_articles_under_the_outlets_found_once_per_host(engine):
    with engine.begin() as conn:
        rated = ensure_outlet(conn, domain="example-news.com", name="Example News")
        seen: dict = {}
        filed = [
            add_article(conn, _raw(f"https://www.example-news.com/a{n}"), outlets_seen=seen)
            for n in range(3)
        ] + [
            add_article(conn, _raw(f"https://blog.unknown-outlet.org/p{n}"), outlets_seen=seen)
            for n in range(3)
        ]
        # A duplicate is still refused, and a known host is not asked again.
        assert add_article(conn, _raw("https://www.example-news.com/a0"), outlets_seen=seen) is None
        outlet_of = dict(conn.execute(select(articles.c.id, articles.c.outlet_id)).all())
        added = conn.execute(
            select(outlets.c.id).where(outlets.c.domain == "blog.unknown-outlet.org")
        ).scalar_one()
        count = conn.execute(select(func.count()).select_from(outlets)).scalar_one()
        # Without the memo, the same outlets.
        alone = add_article(conn, _raw("https://blog.unknown-outlet.org/p9"))
        alone_outlet = conn.execute(
            select(articles.c.outlet_id).where(articles.c.id == alone)
        ).scalar_one()
    assert [outlet_of[i] for i in filed] == [rated] * 3 + [added] * 3
    assert alone_outlet == added
    assert seen == {
        ("example-news.com", ""): rated,  # host_of drops "www."
        ("blog.unknown-outlet.org", ""): added,
    }
    assert count == 2
