"""The JSON API: shapes, redirects and JSON 404s."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from newsprism.store.schema import stories
from tests.web.conftest import STORY_TITLE, Seeded, seed_story


def test_story_list(client: TestClient, seeded: Seeded) -> None:
    body = client.get("/api/stories?limit=10&order=latest").json()
    assert body["total"] == 1 and body["limit"] == 10 and body["order"] == "latest"
    [story] = body["stories"]
    assert story["id"] == seeded.story_id
    assert story["title"] == STORY_TITLE
    assert story["article_count"] == 3 and story["source_count"] == 3
    assert story["sides_percent"] == {"left": 34, "center": 33, "right": 33, "unrated": 0}
    assert story["page_url"] == f"/stories/{seeded.story_id}"
    assert story["first_seen"] < story["last_seen"]
    assert client.get("/api/stories?offset=1").json()["stories"] == []
    assert client.get("/api/stories?limit=0").status_code == 422


def test_story_detail(client: TestClient, seeded: Seeded) -> None:
    body = client.get(f"/api/stories/{seeded.story_id}").json()
    assert body["title"] == STORY_TITLE
    assert body["summary"][0]["article_ids"] == [
        seeded.article_ids["nytimes.com"],
        seeded.article_ids["reuters.com"],
    ]
    assert body["summary_method"].startswith("extractive")
    assert body["coverage"]["headline"] == "34% of the sources lean Left"
    assert body["coverage"]["sides"] == {"left": 1, "center": 1, "right": 1, "unrated": 0}
    assert body["coverage"]["raters"]["us-left-right"] == ["allsides"]
    assert len(body["articles"]) == 3
    by_domain = {article["outlet"]["domain"]: article for article in body["articles"]}
    nyt = by_domain["nytimes.com"]
    assert nyt["url"] == "https://www.nytimes.com/2025/story-0.html"
    assert nyt["lede"].startswith("Lede from New York Times")
    assert nyt["outlet"] == {
        "domain": "nytimes.com",
        "name": "New York Times",
        "bias": "lean-left",
        "side": "left",
        "factuality": "high",
    }
    assert by_domain["foxnews.com"]["outlet"]["bias"] == "right"


def test_merged_story_redirects_and_unknown_is_json_404(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    absorbed = seed_story(sqlite_engine, title="Duplicate", url_prefix="dup")
    with sqlite_engine.begin() as conn:
        conn.execute(
            update(stories)
            .where(stories.c.id == absorbed.story_id)
            .values(merged_into=seeded.story_id)
        )
    response = client.get(f"/api/stories/{absorbed.story_id}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == f"/api/stories/{seeded.story_id}"
    missing = client.get("/api/stories/4242")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No story 4242"}
    assert client.get("/api/outlets/nowhere.example").json() == {
        "detail": "No outlet nowhere.example"
    }


def test_outlet_detail(client: TestClient, seeded: Seeded) -> None:
    body = client.get("/api/outlets/foxnews.com").json()
    assert body["name"] == "Fox News" and body["country"] == "US"
    assert body["bias"] == "right" and body["factuality"] == "mixed"
    assert {(r["rater"], r["licence"]) for r in body["ratings"]} == {
        ("allsides", "CC BY-NC 4.0"),
        ("wikipedia-rsp", "CC BY-SA 4.0"),
    }
    assert body["feeds"][0]["url"] == "https://foxnews.com/rss.xml"
    assert body["feeds"][0]["outlet_domain"] == "foxnews.com"
    assert [s["id"] for s in body["recent_stories"]] == [seeded.story_id]


def test_feeds(client: TestClient, seeded: Seeded) -> None:
    body = client.get("/api/feeds").json()
    assert sorted(feed["outlet_domain"] for feed in body["feeds"]) == [
        "foxnews.com",
        "nytimes.com",
        "reuters.com",
    ]
    assert body["feeds"][0]["error_count"] == 0
    assert body["events"] == []


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) >= {  # others (admin) may come
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/outlets/{domain}",
        "/api/feeds",
        "/api/search",
        "/api/export.jsonl",
    }
    parameters = {p["name"] for p in paths["/api/stories"]["get"]["parameters"]}
    assert parameters >= {"limit", "offset", "side", "blindspot", "outlet", "language", "since"}
    docs = client.get("/docs")
    assert docs.status_code == 200
    # Swagger UI comes from this server: closed networks get working docs.
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert assets and all(url.startswith("/") for url in assets), assets
    assert client.get(assets[0]).status_code == 200


def test_story_list_filters(client: TestClient, sqlite_engine: Engine, seeded: Seeded) -> None:
    older = seed_story(sqlite_engine, title="Older story", url_prefix="older", hours_ago=24 * 30)
    with sqlite_engine.begin() as conn:  # covered by the right only: a blindspot for the left
        conn.execute(
            update(stories)
            .where(stories.c.id == older.story_id)
            .values(
                coverage_json=json.dumps(
                    {"sides": {"left": 0, "center": 0, "right": 3}, "blindspot": "left"}
                )
            )
        )

    def ids(**params: str) -> list[int]:
        body = client.get("/api/stories", params={"order": "latest", **params}).json()
        assert body["total"] == len(body["stories"])
        return [story["id"] for story in body["stories"]]

    assert ids() == [seeded.story_id, older.story_id]
    assert ids(side="left") == [seeded.story_id]
    assert ids(side="right") == [seeded.story_id, older.story_id]
    assert ids(blindspot="left") == [older.story_id]
    assert ids(outlet="www.FoxNews.com") == [seeded.story_id, older.story_id]
    assert ids(outlet="nowhere.example") == []
    assert ids(language="en") == [seeded.story_id, older.story_id]
    assert ids(language="fr") == []
    today = datetime.now(UTC).date()
    assert ids(since=(today - timedelta(days=2)).isoformat()) == [seeded.story_id]
    assert ids(until=(today - timedelta(days=2)).isoformat()) == [older.story_id]
    assert ids(until=today.isoformat()) == [seeded.story_id, older.story_id]  # the whole day
    assert ids(since=(datetime.now(UTC) + timedelta(hours=1)).isoformat()) == []
    paged = client.get("/api/stories", params={"side": "right", "limit": 1, "offset": 1}).json()
    assert paged["total"] == 2 and len(paged["stories"]) == 1


@pytest.mark.parametrize(
    "query",
    [
        "side=north",
        "blindspot=center",
        "since=yesterday",
        "until=2024-13-01",
        "until=-44588",  # a bare number is no ISO 8601 date (pydantic would take it as Unix time)
        "since=1700000000.5",
        "limit=201",
        "offset=-1",
        "offset=99999999999999999999999",
        "order=random",
        "outlet=" + "x" * 300,
    ],
)
def test_bad_list_parameters_are_422(client: TestClient, query: str) -> None:
    response = client.get(f"/api/stories?{query}")
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][0] == "query"
