"""``newsprism export``: one JSON object a story, with its numbers and articles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine

from newsprism.coverage.per_rater import per_rater_numbers
from newsprism.store import stories as story_store


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def iter_story_exports(engine: Engine) -> Iterator[dict[str, Any]]:
    with engine.connect() as conn:
        story_ids = list(story_store.iter_all_story_ids(conn))
        for story_id in story_ids:
            story = story_store.get_story(conn, story_id)
            if story is None:
                continue
            members = story_store.story_articles(conn, story_id)
            yield {
                "id": story["id"],
                "title": story["title"],
                "first_seen": _iso(story["first_seen"]),
                "last_seen": _iso(story["last_seen"]),
                "article_count": story["article_count"],
                "source_count": story["source_count"],
                "coverage": story["coverage"],
                # Each rater's own view of the story's sources (the coverage mixes them).
                "per_rater": per_rater_numbers(story["coverage"]),
                "summary": story["summary"],
                "articles": [
                    {
                        "id": m["id"],
                        "external_id": m["external_id"],
                        "url": m["url"],
                        "title": m["title"],
                        "outlet": m["outlet_domain"],
                        "published": _iso(m["published_at"]),
                    }
                    for m in members
                ],
            }
