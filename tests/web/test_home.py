"""The home page: empty state, listing with bias bars, orders and pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from newsprism.settings import Settings
from newsprism.web.app import create_app
from tests.web.conftest import STORY_TITLE, Seeded, seed_story


def test_empty_instance_explains_that_feeds_are_polled(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "No stories yet" in response.text
    assert "polling" in response.text
    assert '<a href="/feeds">feed health</a>' in response.text


def test_home_lists_stories_with_bias_bar_and_outlets(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/").text
    assert f'<a href="/stories/{seeded.story_id}">{STORY_TITLE}</a>' in html
    assert "3 sources · 3 articles" in html
    assert 'aria-label="Bias distribution: Left 34%, Center 33%, Right 33%, Unrated 0%"' in html
    assert "New York Times" in html and "Fox News" in html and "Reuters" in html
    assert re.search(r"updated <time datetime=[^>]+>2 hours ago</time>", html)
    assert "No stories yet" not in html


def test_home_orders_and_pages(client: TestClient, sqlite_engine: Engine, seeded: Seeded) -> None:
    seed_story(sqlite_engine, title="A newer story", url_prefix="newer", hours_ago=1)
    latest = client.get("/?order=latest").text
    assert latest.index("A newer story") < latest.index(STORY_TITLE)
    assert 'href="/?order=latest" class="tab" aria-current="page"' in latest
    # Past the last page: says so instead of pretending there are no stories.
    beyond = client.get("/?page=5").text
    assert "No stories on this page" in beyond
    assert client.get("/?order=sideways").status_code == 422
    assert client.get("/?page=0").status_code == 422


def test_create_app_opens_the_configured_database(settings: Settings) -> None:
    # What `newsprism serve` does: no engine handed in, the settings name the database.
    with TestClient(create_app(settings)) as client:
        assert "No stories yet" in client.get("/").text
        assert client.get("/healthz").json() == {"status": "ok"}
    assert (settings.data_dir / "newsprism.sqlite3").exists()
