"""The page micro-cache (web/page_cache.py): off by default; when on, the home and
story pages are served again for its seconds, then rendered afresh."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from starlette.requests import Request
from starlette.responses import HTMLResponse

from newsprism.settings import Settings
from newsprism.store.schema import stories
from newsprism.web.app import create_app
from newsprism.web.page_cache import PageCache
from tests.web.conftest import STORY_TITLE, Seeded


def _retitle(engine: Engine, story_id: int, title: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(stories).where(stories.c.id == story_id).values(title=title))


@pytest.fixture
def cached_client(settings: Settings, sqlite_engine: Engine) -> Iterator[TestClient]:
    settings = settings.model_copy(update={"page_cache_seconds": 60})
    with TestClient(create_app(settings, sqlite_engine)) as test_client:
        yield test_client


def test_without_the_setting_every_request_renders_afresh(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    assert STORY_TITLE in client.get(f"/stories/{seeded.story_id}").text
    _retitle(sqlite_engine, seeded.story_id, "A new title")
    assert "A new title" in client.get(f"/stories/{seeded.story_id}").text
    assert "A new title" in client.get("/").text


def test_with_the_setting_story_and_home_pages_are_served_again(
    cached_client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    first_story = cached_client.get(f"/stories/{seeded.story_id}")
    first_home = cached_client.get("/")
    _retitle(sqlite_engine, seeded.story_id, "A new title")
    again = cached_client.get(f"/stories/{seeded.story_id}")
    assert again.text == first_story.text and "A new title" not in again.text
    assert cached_client.get("/").text == first_home.text
    # The same headers as a rendered page: type, length and the security headers.
    assert again.headers["content-type"] == first_story.headers["content-type"]
    assert again.headers["content-length"] == first_story.headers["content-length"]
    assert (
        again.headers["content-security-policy"] == first_story.headers["content-security-policy"]
    )
    # Another query string is another page.
    assert "A new title" in cached_client.get("/?order=latest").text


def test_errors_are_not_kept(cached_client: TestClient, seeded: Seeded) -> None:
    missing = seeded.story_id + 1000
    assert cached_client.get(f"/stories/{missing}").status_code == 404
    cache: PageCache = cached_client.app.state.page_cache  # type: ignore[attr-defined]
    assert cache.get(_request(f"/stories/{missing}")) is None


def _request(path: str, query: str = "") -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": query.encode(),
            "headers": [],
            "scheme": "http",
            "server": ("testserver", 80),
            "root_path": "",
        }
    )


def test_a_page_is_fresh_for_its_seconds_only() -> None:
    cache = PageCache(seconds=0.05)
    cache.keep(_request("/"), HTMLResponse("<p>kept</p>"))
    kept = cache.get(_request("/"))
    assert kept is not None and kept.body == b"<p>kept</p>"
    time.sleep(0.1)  # past its seconds (a monotonic clock): rendered afresh
    assert cache.get(_request("/")) is None


def test_the_least_recently_used_page_goes_first() -> None:
    cache = PageCache(seconds=60, max_pages=2)
    for path in ("/stories/1", "/stories/2"):
        cache.keep(_request(path), HTMLResponse(path))
    assert cache.get(_request("/stories/1")) is not None  # now the most recent
    cache.keep(_request("/stories/3"), HTMLResponse("/stories/3"))
    assert cache.get(_request("/stories/2")) is None
    assert cache.get(_request("/stories/1")) is not None
    assert cache.get(_request("/stories/3")) is not None


def test_redirects_and_errors_are_not_kept() -> None:
    cache = PageCache(seconds=60)
    cache.keep(_request("/a"), HTMLResponse("moved", status_code=301))
    cache.keep(_request("/b"), HTMLResponse("gone", status_code=404))
    assert cache.get(_request("/a")) is None and cache.get(_request("/b")) is None
    cache.keep(_request("/", "order=latest"), HTMLResponse("latest"))
    assert cache.get(_request("/")) is None
    assert cache.get(_request("/", "order=latest")) is not None
