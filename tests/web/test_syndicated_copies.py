"""Syndicated copies on the story page and in the API: the "N articles, M original"
count, and a tag on each copy linking to its original, in the story or in another."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from newsprism.store.schema import articles, stories
from tests.web.conftest import Seeded, seed_story


def _entry(html: str, article_id: int) -> str:
    match = re.search(rf'<li class="card article" id="article-{article_id}".*?</li>', html, re.S)
    assert match, f"article {article_id} is not on the page"
    return match.group(0)


def _mark_copies(engine: Engine, seeded: Seeded, elsewhere: Seeded) -> None:
    """Reuters' text is the NYT's (same story); Fox's is an article of another story."""
    ids = seeded.article_ids
    with engine.begin() as conn:
        for copy, original in (
            (ids["reuters.com"], ids["nytimes.com"]),
            (ids["foxnews.com"], elsewhere.article_ids["nytimes.com"]),
        ):
            conn.execute(
                update(articles).where(articles.c.id == copy).values(syndicated_of=original)
            )
        coverage = json.loads(
            conn.execute(stories.select().where(stories.c.id == seeded.story_id))
            .one()
            .coverage_json
        )
        coverage |= {"original_count": 2, "syndicated_count": 1}
        conn.execute(
            update(stories)
            .where(stories.c.id == seeded.story_id)
            .values(coverage_json=json.dumps(coverage))
        )


def test_copies_are_tagged_and_linked(
    client: TestClient, sqlite_engine: Engine, seeded: Seeded
) -> None:
    elsewhere = seed_story(sqlite_engine, title="Another story", url_prefix="other")
    _mark_copies(sqlite_engine, seeded, elsewhere)
    html = client.get(f"/stories/{seeded.story_id}").text
    assert "<strong>3 Articles, 2 original</strong> from 3 sources" in html
    assert re.search(r"<dt>Original Articles</dt><dd>2</dd>", html)
    assert re.search(r"<dt>Syndicated Copies</dt><dd>1</dd>", html)
    ids = seeded.article_ids
    reuters = _entry(html, ids["reuters.com"])
    assert ">Syndicated copy</span>" in reuters
    assert f'of <a href="#article-{ids["nytimes.com"]}">New York Times</a>' in reuters
    fox = _entry(html, ids["foxnews.com"])
    other_nyt = elsewhere.article_ids["nytimes.com"]
    assert (
        f'of <a href="/stories/{elsewhere.story_id}#article-{other_nyt}">New York Times</a>' in fox
    )
    assert "Syndicated copy" not in _entry(html, ids["nytimes.com"])

    detail = client.get(f"/api/stories/{seeded.story_id}").json()
    assert detail["original_count"] == 2
    assert detail["coverage"]["original_count"] == 2
    assert detail["coverage"]["syndicated_count"] == 1
    by_id = {article["id"]: article["syndicated_of"] for article in detail["articles"]}
    assert by_id == {
        ids["nytimes.com"]: None,
        ids["reuters.com"]: ids["nytimes.com"],
        ids["foxnews.com"]: other_nyt,
    }


def test_coverage_from_before_syndication_shows_no_original_count(
    client: TestClient, seeded: Seeded
) -> None:
    """Coverage computed before copies were detected has no count: none is invented."""
    html = client.get(f"/stories/{seeded.story_id}").text
    assert "<strong>3 Articles</strong> from 3 sources" in html
    assert "Original Articles" not in html
    assert client.get(f"/api/stories/{seeded.story_id}").json()["original_count"] is None
