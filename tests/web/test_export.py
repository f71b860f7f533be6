"""GET /api/export.jsonl: the lines `newsprism export` writes, streamed."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from newsprism.jobs.exporter import iter_story_exports
from tests.web.conftest import Seeded, seed_story


def test_export_streams_every_story_with_per_rater_numbers(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    other = seed_story(sqlite_engine, title="Another story", url_prefix="other")
    response = client.get("/api/export.jsonl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert "attachment" in response.headers["content-disposition"]
    lines = response.text.splitlines()
    assert lines == [
        json.dumps(record, ensure_ascii=False) for record in iter_story_exports(sqlite_engine)
    ]
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [seeded.story_id, other.story_id]
    first = records[0]
    assert first["coverage"]["sides"] == {"left": 1, "center": 1, "right": 1, "unrated": 0}
    assert first["per_rater"]["allsides"]["us-left-right"]["sides"] == {
        "left": 1,
        "center": 1,
        "right": 1,
    }
    assert first["per_rater"]["wikipedia-rsp"]["factuality"]["values"] == {
        "high": 1,
        "mixed": 1,
        "very-high": 1,
    }
    assert {a["outlet"] for a in first["articles"]} == {
        "nytimes.com",
        "foxnews.com",
        "reuters.com",
    }


def test_export_of_an_empty_instance_is_empty(client: TestClient) -> None:
    response = client.get("/api/export.jsonl")
    assert response.status_code == 200 and response.text == ""
