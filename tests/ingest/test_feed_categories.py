"""Feed categories, from real saved feeds to the database: RSS <category>, Atom
category, JSON Feed tags; carried by a polling pass over loopback HTTP and by imports."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from newsprism.ingest.archive import read_archive
from newsprism.ingest.feeds import parse_feed
from newsprism.ingest.poll import poll_once
from newsprism.models import RawArticle
from newsprism.store.articles import add_article
from newsprism.store.outlets import add_feed, ensure_outlet
from newsprism.store.schema import article_categories, articles
from newsprism.store.topics import categories_of_articles
from tests.conftest import SHARED_DATA

FEEDS = SHARED_DATA / "feeds"


def _feed(name: str) -> bytes:
    return next(FEEDS.glob(f"**/{name}")).read_bytes()


NYT_CATEGORIES = [
    "Conservation of Resources",
    "Grass",
    "Water",
    "Deserts",
    "Shortages",
    "Mars (Planet)",
    "Colorado River",
    "Hoover Dam",
    "Lake Mead",
    "Las Vegas (Nev)",
    "Mojave Desert (Calif)",
    "Western States (US)",
    "your-feed-science",
]


def test_rss_categories_of_a_real_feed():
    parsed = parse_feed(_feed("feed-char-escape.xml"), url="https://www.nytimes.com/rss")
    assert parsed.items[0].categories == NYT_CATEGORIES


def test_atom_categories_and_the_lenient_parser_keep_them_too():
    atom = parse_feed(_feed("feed-test-atom-category-attribute.xml"), url="https://example.com/")
    assert atom.items[0].categories == ["government"]
    # Malformed XML goes to feedparser; its categories still arrive.
    malformed = parse_feed(_feed("feed-test-malformed.xml"), url="https://example.com/")
    assert malformed.bozo is not None
    assert malformed.items[0].categories == ["News", "5G", "Japan"]


def test_json_feed_tags_as_a_list_or_a_comma_separated_string():
    # rose.json (a real feed) sends "tags": "workflow,omnifocus" — a string, not a list.
    real = parse_feed(
        _feed("rose.json"), url="https://rosemaryorchard.com/", headers={"content-type": "json"}
    )
    assert real.items[0].categories == ["workflow", "omnifocus"]
    assert real.items[1].categories == []
    listed = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [
                {"id": "1", "url": "https://example.com/1", "tags": ["Climate", 7, " ", "Ice"]}
            ],
        }
    ).encode()
    assert parse_feed(listed, url="https://example.com/").items[0].categories == ["Climate", "Ice"]


def test_an_article_keeps_its_categories_once_each(engine):
    with engine.begin() as conn:
        article_id = add_article(
            conn,
            RawArticle(
                url="https://example.com/a",
                title="A",
                categories=["Climate", "Climate", " Ice\x00 ", "x" * 300, *map(str, range(40))],
            ),
        )
        again = add_article(
            conn, RawArticle(url="https://example.com/a", title="A", categories=["Other"])
        )
    assert again is None  # a known URL adds nothing, categories included
    with engine.connect() as conn:
        stored = categories_of_articles(conn, [article_id])[article_id]
    assert len(stored) == 20  # at most 20 an article
    assert {"Climate", "Ice", "x" * 200} <= set(stored)
    assert "Other" not in stored


def test_an_import_file_category_or_categories_are_kept(tmp_path):
    archive = tmp_path / "a.jsonl"
    archive.write_text(
        "\n".join(
            json.dumps(record)
            for record in (
                {"url": "https://e.com/1", "title": "One", "category": "world"},
                {"url": "https://e.com/2", "title": "Two", "categories": ["Climate", None]},
                {"url": "https://e.com/3", "title": "Three", "tags": ["Ice"]},
                {"url": "https://e.com/4", "title": "Four", "category": None},
            )
        )
    )
    assert [article.categories for article in read_archive(archive)] == [
        ["world"],
        ["Climate"],
        ["Ice"],
        [],
    ]


class _OneFeed(BaseHTTPRequestHandler):
    body = b""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


@pytest.fixture
def nyt_feed_url() -> Iterator[str]:
    """The real NYT feed with categories, served over loopback HTTP."""
    handler = type("Handler", (_OneFeed,), {"body": _feed("feed-char-escape.xml")})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/rss"
    server.shutdown()
    server.server_close()


def test_a_polling_pass_stores_each_items_categories(engine, nyt_feed_url, poll_settings):
    with engine.begin() as conn:
        outlet = ensure_outlet(conn, domain="127.0.0.1", name="Test outlet", origin="test")
        add_feed(conn, url=nyt_feed_url, outlet_id=outlet)
    # The feed's items link to nytimes.com: keep their feed text, fetch no page.
    report = poll_once(engine, settings=poll_settings.model_copy(update={"fetch_articles": False}))
    assert report.articles_new >= 1
    with engine.connect() as conn:
        first = conn.execute(select(articles.c.id).order_by(articles.c.id)).scalars().first()
        stored = categories_of_articles(conn, [first])[first]
        total = conn.execute(select(article_categories)).all()
    assert sorted(stored) == sorted(NYT_CATEGORIES)
    assert len(total) >= len(NYT_CATEGORIES)
