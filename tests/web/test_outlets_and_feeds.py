"""Outlet pages and the feed health page."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, update

from newsprism.store.schema import events, feeds
from tests.web.conftest import STORY_TITLE, Seeded


def test_outlet_page_lists_ratings_with_raters_and_licences(
    client: TestClient, seeded: Seeded
) -> None:
    response = client.get("/outlets/nytimes.com")
    assert response.status_code == 200
    html = response.text
    assert "<h1>New York Times</h1>" in html
    assert "<dd>The New York Times Company</dd>" in html
    assert "<dd>Private</dd>" in html
    assert "<td>AllSides</td>" in html and "<td>CC BY-NC 4.0</td>" in html
    assert "<td>Wikipedia Perennial Sources</td>" in html and "<td>CC BY-SA 4.0</td>" in html
    assert "<td>2019</td>" in html
    assert "<dt>Bias (combined)</dt><dd>Lean Left</dd>" in html
    assert "<dt>Factuality (combined)</dt><dd>High</dd>" in html
    assert "https://nytimes.com/rss.xml" in html
    assert f'<a href="/stories/{seeded.story_id}">{STORY_TITLE}</a>' in html
    # www. and case are forgiven, unknown outlets are a 404.
    assert client.get("/outlets/WWW.NYTimes.com").status_code == 200
    assert client.get("/outlets/nowhere.example").status_code == 404


def test_feed_health_shows_failures_and_events(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    with sqlite_engine.begin() as conn:
        conn.execute(
            update(feeds)
            .where(feeds.c.url == "https://foxnews.com/rss.xml")
            .values(
                last_status=503,
                error_count=4,
                last_error="Service <b>Unavailable</b>",
                last_error_kind="retry",
            )
        )
        conn.execute(
            update(feeds)
            .where(feeds.c.url == "https://reuters.com/rss.xml")
            .values(last_status=200, articles_found=17, last_success_at=datetime.now(UTC))
        )
        conn.execute(
            insert(events).values(
                at=datetime.now(UTC),
                level="error",
                kind="feed-error",
                url="https://foxnews.com/rss.xml",
                message="HTTP 503 after 3 tries",
            )
        )
    html = client.get("/feeds").text
    assert "3 feeds · 1 failing" in html
    # Failing feeds come first, and their errors are escaped.
    assert html.index("foxnews.com/rss.xml") < html.index("reuters.com/rss.xml")
    assert "Service &lt;b&gt;Unavailable&lt;/b&gt;" in html
    assert '<span class="status status-error">503</span>' in html
    assert '<td class="num">17</td>' in html
    assert '<span class="state state-failing">failing</span>' in html
    assert "(retry later)" in html
    assert "HTTP 503 after 3 tries" in html
    assert '<span class="level level-error">error</span>' in html


def test_feed_health_of_an_empty_instance(client: TestClient) -> None:
    html = client.get("/feeds").text
    assert "No feeds yet" in html and "Nothing to report" in html
