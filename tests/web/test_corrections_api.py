"""Story corrections over the JSON API, on SQLite and PostgreSQL: the token, what each
call does, the redirects it leaves, the audit log, and JSON 4xx for bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from newsprism.settings import Settings
from newsprism.store.corrections import pinned_article_ids
from newsprism.web.app import create_app
from tests.web.conftest import Seeded, seed_story

TOKEN = "correct-horse-battery-staple"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _client(tmp_path: Path, engine: Engine, *, token: str | None) -> TestClient:
    settings = Settings(
        _env_file=None, data_dir=tmp_path / "data", load_catalogue=False, admin_token=token
    ).prepare()
    return TestClient(create_app(settings, engine))


@pytest.fixture
def client(tmp_path: Path, engine: Engine) -> Iterator[TestClient]:
    with _client(tmp_path, engine, token=TOKEN) as test_client:
        yield test_client


@pytest.fixture
def two(engine: Engine) -> tuple[Seeded, Seeded]:
    return (
        seed_story(engine, title="Maduro asks Russia for help", url_prefix="one"),
        seed_story(engine, title="Kremlin answers Maduro", url_prefix="two", hours_ago=2),
    )


def _articles(client: TestClient, story_id: int) -> list[int]:
    response = client.get(f"/api/stories/{story_id}")
    assert response.status_code == 200, response.text
    return sorted(article["id"] for article in response.json()["articles"])


def test_merge_and_the_redirects_it_leaves(client, two):
    one, other = two
    response = client.post(
        f"/api/stories/{other.story_id}/merge",
        json={"into": one.story_id, "note": "the same event"},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["action"] == "merge" and body["actor"] == "api"
    assert (body["source_story_id"], body["target_story_id"]) == (other.story_id, one.story_id)
    assert body["article_ids"] == sorted(other.article_ids.values())
    assert _articles(client, one.story_id) == sorted(
        [*one.article_ids.values(), *other.article_ids.values()]
    )
    for path in (f"/api/stories/{other.story_id}", f"/stories/{other.story_id}"):
        moved = client.get(path, follow_redirects=False)
        assert moved.status_code in (301, 308)
        assert moved.headers["location"] == path.replace(str(other.story_id), str(one.story_id))
    listing = client.get("/api/stories").json()
    assert [story["id"] for story in listing["stories"]] == [one.story_id]
    assert listing["stories"][0]["article_count"] == 6


def test_split_makes_a_new_story_with_its_own_page(client, two, engine):
    one, _ = two
    leaving = [one.article_ids["foxnews.com"]]
    response = client.post(
        f"/api/stories/{one.story_id}/split",
        json={"article_ids": leaving, "note": "a different event"},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    new_id = response.json()["target_story_id"]
    assert _articles(client, new_id) == leaving
    assert one.article_ids["foxnews.com"] not in _articles(client, one.story_id)
    with engine.connect() as conn:
        assert pinned_article_ids(conn, new_id) == leaving
    page = client.get(f"/stories/{new_id}")
    assert page.status_code == 200
    assert "Placed here by hand: split from story" in page.text
    assert "a different event" in page.text
    grouping = client.get(f"/api/stories/{new_id}").json()["articles"][0]["grouping"]
    assert grouping["corrected"]["action"] == "split"


def test_move_an_article(client, two):
    one, other = two
    article = one.article_ids["reuters.com"]
    response = client.post(
        f"/api/articles/{article}/move", json={"story_id": other.story_id}, headers=AUTH
    )
    assert response.status_code == 200, response.text
    assert response.json()["source_story_id"] == one.story_id
    assert article in _articles(client, other.story_id)
    assert article not in _articles(client, one.story_id)


def test_the_audit_log_is_public_and_newest_first(client, two):
    one, other = two
    assert client.get("/api/corrections").json() == {
        "total": 0,
        "limit": 50,
        "offset": 0,
        "corrections": [],
    }
    client.post(
        f"/api/articles/{one.article_ids['reuters.com']}/move",
        json={"story_id": other.story_id},
        headers=AUTH,
    )
    client.post(
        f"/api/stories/{other.story_id}/merge",
        json={"into": one.story_id, "note": "one event after all"},
        headers=AUTH,
    )
    log = client.get("/api/corrections").json()
    assert log["total"] == 2
    assert [entry["action"] for entry in log["corrections"]] == ["merge", "move"]
    assert log["corrections"][0]["note"] == "one event after all"
    page = client.get("/api/corrections?limit=1&offset=1").json()
    assert [entry["action"] for entry in page["corrections"]] == ["move"]
    about = client.get(f"/api/corrections?story={other.story_id}").json()
    assert about["total"] == 2
    assert client.get("/api/corrections?limit=0").status_code == 422


def _merge(client: TestClient, two: tuple[Seeded, Seeded], **kwargs):  # type: ignore[no-untyped-def]
    one, other = two
    return client.post(
        f"/api/stories/{other.story_id}/merge", json={"into": one.story_id}, **kwargs
    )


def test_without_a_token_the_api_says_who_may_correct(client, two):
    missing = _merge(client, two)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in missing.json()["detail"]
    basic = _merge(client, two, headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    wrong = _merge(client, two, headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 403 and wrong.json() == {"detail": "Wrong admin token."}
    prefix = _merge(client, two, headers={"Authorization": f"Bearer {TOKEN[:-1]}"})
    assert prefix.status_code == 403
    assert client.get("/api/corrections").json()["total"] == 0
    assert len(_articles(client, two[1].story_id)) == 3


def test_with_no_admin_token_configured_corrections_are_disabled(tmp_path, engine, two):
    with _client(tmp_path, engine, token=None) as client:
        refused = _merge(client, two, headers=AUTH)
        assert refused.status_code == 403
        assert "disabled" in refused.json()["detail"]
        assert "NEWSPRISM_ADMIN_TOKEN" in refused.json()["detail"]
        assert client.get("/api/corrections").status_code == 200  # reading stays open
        assert len(_articles(client, two[1].story_id)) == 3


@pytest.mark.parametrize(
    ("path", "body", "status", "detail"),
    [
        ("/api/stories/{one}/merge", {"into": "{one}"}, 400, "into itself"),
        ("/api/stories/424242/merge", {"into": "{one}"}, 404, "no story 424242"),
        ("/api/stories/{one}/merge", {"into": 424242}, 404, "no story 424242"),
        ("/api/stories/{one}/split", {"article_ids": [424242]}, 404, "no article 424242"),
        ("/api/stories/{one}/split", {"article_ids": "{all_of_one}"}, 400, "leave it empty"),
        ("/api/stories/{one}/split", {"article_ids": ["{one_of_other}"]}, 400, "not in story"),
        ("/api/articles/{one_of_other}/move", {"story_id": "{other}"}, 400, "already in"),
        ("/api/articles/424242/move", {"story_id": "{one}"}, 404, "no article 424242"),
        ("/api/stories/{one}/merge", {}, 422, None),
        ("/api/stories/{one}/merge", {"into": "seven"}, 422, None),
        ("/api/stories/{one}/merge", {"into": 2**40}, 422, None),
        ("/api/stories/99999999999999999999/merge", {"into": "{one}"}, 422, None),
        ("/api/stories/-1/merge", {"into": "{one}"}, 422, None),
        ("/api/stories/{one}/merge", {"into": "{other}", "note": "x" * 2001}, 422, None),
        ("/api/stories/{one}/split", {"article_ids": []}, 422, None),
        ("/api/articles/{one_of_other}/move", {"story_id": None}, 422, None),
    ],
)
def test_bad_input_is_a_json_4xx(client, two, path, body, status, detail):
    one, other = two
    names = {
        "one": one.story_id,
        "other": other.story_id,
        "one_of_other": other.article_ids["nytimes.com"],
        "all_of_one": sorted(one.article_ids.values()),
    }

    def fill(value):  # type: ignore[no-untyped-def]
        if isinstance(value, list):
            return [fill(item) for item in value]
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            return names[value[1:-1]]
        return value

    response = client.post(
        path.format(**names), json={key: fill(value) for key, value in body.items()}, headers=AUTH
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    if detail:
        assert detail in response.json()["detail"]
    assert client.get("/api/corrections").json()["total"] == 0


def test_a_body_that_is_not_json_is_a_422(client, two):
    one, _ = two
    response = client.post(
        f"/api/stories/{one.story_id}/merge",
        content=b"into=7",
        headers={**AUTH, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"


def test_the_openapi_schema_names_the_bearer_token(client):
    schema = client.get("/openapi.json").json()
    merge = schema["paths"]["/api/stories/{story_id}/merge"]["post"]
    assert merge["security"] == [{"HTTPBearer": []}]
    assert "401" in merge["responses"] and "403" in merge["responses"]
