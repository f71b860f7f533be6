"""Topic pages, the Following page, the topics API and filter, and each topic's Atom
feed, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from newsprism.models import Topic
from newsprism.settings import Settings
from newsprism.store.topics import save_story_topics
from newsprism.web.app import create_app
from tests.web.conftest import STORY_TITLE, seed_story

HOSTILE_LABEL = '<script>alert("x")</script> & co'


@dataclass
class Site:
    client: TestClient
    maduro: int  # story id: topics venezuela, russia
    second: int  # story id: topic venezuela only
    hostile: int  # story id: a topic label with markup


@pytest.fixture
def site(settings: Settings, engine: Engine) -> Iterator[Site]:
    maduro = seed_story(engine).story_id
    second = seed_story(engine, title="Venezuela votes", url_prefix="votes", hours_ago=1).story_id
    hostile = seed_story(engine, title="Odd labels", url_prefix="odd", hours_ago=30).story_id
    with engine.begin() as conn:
        save_story_topics(
            conn,
            maduro,
            [
                Topic("venezuela", "Venezuela", 1.0, "category"),
                Topic("russia", "Russia", 0.667, "keyword"),
            ],
        )
        save_story_topics(conn, second, [Topic("venezuela", "Venezuela", 0.5, "category")])
        save_story_topics(conn, hostile, [Topic("script-alert", HOSTILE_LABEL, 1.0, "category")])
    with TestClient(create_app(settings, engine)) as client:
        yield Site(client, maduro, second, hostile)


def test_topics_page_lists_topics_with_story_counts(site: Site):
    page = site.client.get("/topics")
    assert page.status_code == 200
    html = page.text
    assert '<a href="/topics/venezuela">Venezuela</a> <span class="meta">2 stories' in html
    assert '<a href="/topics/russia">Russia</a> <span class="meta">1 story' in html
    # Most stories first.
    assert html.index("/topics/venezuela") < html.index("/topics/russia")
    # A label from a feed is text, never markup.
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in html


def test_a_topic_page_lists_its_stories_with_a_follow_button_and_feed(site: Site):
    page = site.client.get("/topics/venezuela")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Venezuela</h1>" in html
    assert "2 stories" in html
    assert f'href="/stories/{site.maduro}"' in html and f'href="/stories/{site.second}"' in html
    assert f'href="/stories/{site.hostile}"' not in html
    # Latest first by default: the story updated an hour ago before the older one.
    assert html.index(f"/stories/{site.second}") < html.index(f"/stories/{site.maduro}")
    # The story's other topics link on; the page's own topic is not repeated.
    assert '<a class="topic-chip" href="/topics/russia">Russia</a>' in html
    assert 'class="topic-chip" href="/topics/venezuela"' not in html
    assert 'data-follow="topic" data-follow-key="venezuela" data-follow-label="Venezuela"' in html
    assert 'href="/feeds/topics/venezuela.atom"' in html
    # Slugs are case-insensitive; an unknown topic is a 404 page.
    assert site.client.get("/topics/VENEZUELA").status_code == 200
    missing = site.client.get("/topics/atlantis")
    assert missing.status_code == 404 and "atlantis" in missing.text


def test_the_following_page_shows_stories_of_any_followed_topic_or_outlet(site: Site):
    empty = site.client.get("/following")
    assert empty.status_code == 200
    assert "data-following-empty" in empty.text
    assert "/stories/" not in empty.text.split("<main", 1)[1]

    by_outlet = site.client.get("/following?outlet=reuters.com")
    # Reuters covered all three seeded stories.
    for story_id in (site.maduro, site.second, site.hostile):
        assert f'href="/stories/{story_id}"' in by_outlet.text

    page = site.client.get(
        "/following?topic=russia&topic=Russia&outlet=nowhere.example&topic=atlantis"
    )
    html = page.text
    assert page.status_code == 200
    assert f'href="/stories/{site.maduro}"' in html
    assert f'href="/stories/{site.second}"' not in html
    assert 'Topic: <a href="/topics/russia">Russia</a>' in html
    assert html.count('data-follow-key="russia"') == 1  # the same topic twice is one
    assert "atlantis <span" in html and "(no story yet)" in html
    assert "nowhere.example <span" in html and "(unknown here)" in html


def test_too_many_followed_items_are_cut_not_an_error(site: Site):
    query = "&".join(f"topic=t{number}" for number in range(200))
    page = site.client.get(f"/following?{query}&topic=venezuela")
    assert page.status_code == 200
    assert page.text.count("(no story yet)") == 50


def test_topics_api(site: Site):
    listing = site.client.get("/api/topics").json()
    assert listing["total"] == 3
    assert [(t["slug"], t["label"], t["story_count"]) for t in listing["topics"]] == [
        ("venezuela", "Venezuela", 2),
        ("russia", "Russia", 1),
        ("script-alert", HOSTILE_LABEL, 1),
    ]
    first = listing["topics"][0]
    assert first["page_url"] == "/topics/venezuela"
    assert first["feed_url"] == "/feeds/topics/venezuela.atom"
    assert site.client.get("/api/topics?min_stories=2").json()["total"] == 1
    paged = site.client.get("/api/topics?limit=1&offset=1").json()
    assert [t["slug"] for t in paged["topics"]] == ["russia"] and paged["total"] == 3

    detail = site.client.get("/api/topics/venezuela?order=biggest").json()
    assert detail["label"] == "Venezuela" and detail["story_count"] == 2
    assert [s["id"] for s in detail["stories"]] == [site.second, site.maduro]
    missing = site.client.get("/api/topics/atlantis")
    assert missing.status_code == 404 and missing.json() == {"detail": "No topic atlantis"}


def test_the_stories_api_filters_by_topic(site: Site):
    found = site.client.get("/api/stories?topic=russia").json()
    assert found["total"] == 1 and [s["id"] for s in found["stories"]] == [site.maduro]
    both = site.client.get("/api/stories?topic=venezuela&outlet=reuters.com").json()
    assert {s["id"] for s in both["stories"]} == {site.maduro, site.second}
    assert site.client.get("/api/stories?topic=atlantis").json()["total"] == 0
    assert site.client.get("/api/stories?topic=" + "x" * 101).status_code == 422
    # NUL is no slug: nothing matches (PostgreSQL would refuse it as text).
    assert site.client.get("/api/stories?topic=a%00b").json()["total"] == 0


def test_each_topic_has_an_atom_feed(site: Site):
    response = site.client.get("/feeds/topics/venezuela.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert feed.feed.title == "newsprism: Venezuela"
    assert {link.rel: link.href for link in feed.feed.links}["alternate"] == (
        "http://testserver/topics/venezuela"
    )
    assert [entry.title for entry in feed.entries] == ["Venezuela votes", STORY_TITLE]
    assert site.client.get("/feeds/topics/atlantis.atom").status_code == 404
    hostile = feedparser.parse(site.client.get("/feeds/topics/script-alert.atom").content)
    assert hostile.feed.title == f"newsprism: {HOSTILE_LABEL}"


def test_the_outlet_page_has_a_follow_button(site: Site):
    html = site.client.get("/outlets/reuters.com").text
    assert 'data-follow="outlet" data-follow-key="reuters.com" data-follow-label="Reuters"' in html


def test_every_page_links_topics_and_following_and_loads_the_follow_script(site: Site):
    html = site.client.get("/").text
    assert '<a href="/topics">Topics</a>' in html
    assert '<a href="/following">Following</a>' in html
    assert '<script src="/static/follow.js" defer></script>' in html
    script = site.client.get("/static/follow.js")
    assert script.status_code == 200 and "localStorage" in script.text
