"""Atom feeds out: top stories, blindspots, a story's articles. Parsed back with
feedparser, as a feed reader would, and checked entry by entry."""

from __future__ import annotations

import json

import feedparser
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import Engine, update

from newsprism.models import RawArticle
from newsprism.store.articles import add_article
from newsprism.store.schema import stories
from newsprism.store.stories import attach_article
from newsprism.web.app import CONTENT_SECURITY_POLICY
from tests.web.conftest import STORY_TITLE, Seeded, seed_story

BASE = "http://testserver"


def _parse(client: TestClient, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    etree.fromstring(response.content)  # well-formed XML, or this raises
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_top_stories_feed(client: TestClient, sqlite_engine: Engine, seeded: Seeded) -> None:
    smaller = seed_story(sqlite_engine, title="A smaller story", url_prefix="small")
    with sqlite_engine.begin() as conn:
        conn.execute(update(stories).where(stories.c.id == smaller.story_id).values(source_count=2))
    feed = _parse(client, "/feeds/top.atom")
    assert feed.feed.title == "newsprism: top stories"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": f"{BASE}/feeds/top.atom", "alternate": f"{BASE}/"}
    assert [entry.title for entry in feed.entries] == [STORY_TITLE, "A smaller story"]
    top = feed.entries[0]
    assert top.link == f"{BASE}/stories/{seeded.story_id}"
    assert top.id == top.link
    assert "3 sources, 3 articles." in top.summary
    assert "Left 34%, Center 33%, Right 33%" in top.summary
    assert "• Maduro asked Putin for missiles and radar repairs." in top.summary
    assert top.updated_parsed and top.published_parsed


def test_story_feed_lists_its_articles_newest_first(
    client: TestClient, seeded: Seeded, sqlite_engine: Engine
) -> None:
    feed = _parse(client, f"/feeds/stories/{seeded.story_id}.atom")
    assert feed.feed.title == f"newsprism: {STORY_TITLE}"
    titles = [entry.title for entry in feed.entries]
    assert titles == [
        f"Reuters: Reuters on {STORY_TITLE}",
        f"Fox News: Fox News on {STORY_TITLE}",
        f"New York Times: New York Times on {STORY_TITLE}",
    ]
    newest = feed.entries[0]
    assert newest.link == "https://www.reuters.com/2025/story-2.html"
    assert newest.author == "Reuters"
    assert newest.summary == "Lede from Reuters: Maduro asked Putin for help."
    assert (
        newest.id == f"{BASE}/stories/{seeded.story_id}#article-{seeded.article_ids['reuters.com']}"
    )


def test_hostile_titles_and_links_are_escaped(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    with sqlite_engine.begin() as conn:
        article_id = add_article(
            conn,
            RawArticle(
                url="https://www.reuters.com/evil.html",
                title='</title><script>alert("x")</script> & more\x0b\x00',
                lede="<b>bold</b> ]]> claims",
            ),
        )
        attach_article(conn, article_id=article_id, story_id=seeded.story_id, similarity=0.5)
        conn.execute(
            update(stories)
            .where(stories.c.id == seeded.story_id)
            .values(title="Tom & Jerry <i>return</i>\x1f")
        )
    story_feed = client.get(f"/feeds/stories/{seeded.story_id}.atom")
    assert b"<script>" not in story_feed.content and b"<b>" not in story_feed.content
    entries = {e.title: e for e in _parse(client, f"/feeds/stories/{seeded.story_id}.atom").entries}
    evil = entries['Reuters: </title><script>alert("x")</script> & more']
    assert evil.summary == "<b>bold</b> ]]> claims"  # text, given back as the text it was
    top = _parse(client, "/feeds/top.atom")
    assert top.entries[0].title == "Tom & Jerry <i>return</i>"


def test_an_unsafe_article_link_points_to_the_story_page_instead(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    with sqlite_engine.begin() as conn:
        article_id = add_article(
            conn, RawArticle(url="javascript:alert(1)//www.reuters.com/x", title="Sneaky")
        )
        attach_article(conn, article_id=article_id, story_id=seeded.story_id, similarity=0.5)
    feed = _parse(client, f"/feeds/stories/{seeded.story_id}.atom")
    [sneaky] = [e for e in feed.entries if e.title.endswith("Sneaky")]
    assert sneaky.link == f"{BASE}/stories/{seeded.story_id}#article-{article_id}"


def test_blindspot_feeds(client: TestClient, sqlite_engine: Engine, seeded: Seeded) -> None:
    ignored = seed_story(sqlite_engine, title="Only the right covered this", url_prefix="bs")
    with sqlite_engine.begin() as conn:
        conn.execute(
            update(stories)
            .where(stories.c.id == ignored.story_id)
            .values(
                coverage_json=json.dumps(
                    {"sides": {"left": 0, "center": 0, "right": 3}, "blindspot": "left"}
                )
            )
        )
    left = _parse(client, "/feeds/blindspot/left.atom")
    assert [entry.title for entry in left.entries] == ["Only the right covered this"]
    assert "the left barely covers" in left.feed.title
    assert _parse(client, "/feeds/blindspot/right.atom").entries == []
    assert client.get("/feeds/blindspot/center.atom").status_code == 422


def test_unknown_and_merged_stories(client: TestClient, sqlite_engine: Engine, seeded: Seeded):
    assert client.get("/feeds/stories/4242.atom").status_code == 404
    absorbed = seed_story(sqlite_engine, title="Duplicate", url_prefix="dup")
    with sqlite_engine.begin() as conn:
        conn.execute(
            update(stories)
            .where(stories.c.id == absorbed.story_id)
            .values(merged_into=seeded.story_id)
        )
    moved = client.get(f"/feeds/stories/{absorbed.story_id}.atom", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == f"/feeds/stories/{seeded.story_id}.atom"


def test_pages_link_their_feeds(client: TestClient, seeded: Seeded) -> None:
    def alternates(path: str) -> list[str]:
        head = client.get(path).text.split("</head>")[0]
        return [
            line.split('href="')[1].split('"')[0]
            for line in head.splitlines()
            if 'rel="alternate" type="application/atom+xml"' in line
        ]

    assert alternates("/") == ["/feeds/top.atom"]
    assert alternates(f"/stories/{seeded.story_id}") == [
        "/feeds/top.atom",
        f"/feeds/stories/{seeded.story_id}.atom",
    ]
    assert alternates("/blindspots/right") == ["/feeds/blindspot/right.atom"]
    # every feed a page links to is there
    for path in ("/feeds/top.atom", "/feeds/blindspot/right.atom", "/feeds/blindspot/left.atom"):
        assert client.get(path).status_code == 200


def test_feeds_carry_the_security_headers(client: TestClient, seeded: Seeded) -> None:
    headers = client.get(f"/feeds/stories/{seeded.story_id}.atom").headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
