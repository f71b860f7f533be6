"""Stories' topics from the store: computed when a story is refreshed, and once for every
stored story when the topic rules change (or the database predates topics).

The rules themselves are ``stories/topics.py``; bump ``TOPIC_RULES_VERSION`` with them
and the next pipeline pass recomputes every story's topics (cheap: titles, categories
and the stored grouping terms; no embedding, no summary).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine

from newsprism.models import Topic
from newsprism.store import topics as topic_store
from newsprism.store.outlets import get_meta, set_meta
from newsprism.stories.topics import TopicSource, story_topics

TOPIC_RULES_VERSION = "1"
_META_KEY = "topic_rules_version"
_BACKFILL_BATCH = 200


def topics_for(conn: Connection, members: Sequence[dict[str, Any]]) -> list[Topic]:
    """The topics of a story's articles (rows with id, title, outlet_domain, grouping)."""
    categories = topic_store.categories_of_articles(conn, [m["id"] for m in members])
    return story_topics(
        [
            TopicSource(
                title=member["title"] or "",
                # An article without an outlet counts as its own source.
                outlet=member.get("outlet_domain") or f"article-{member['id']}",
                categories=categories.get(member["id"], ()),
                shared_terms=(member.get("grouping") or {}).get("shared_terms") or (),
            )
            for member in members
        ]
    )


def backfill_story_topics(engine: Engine) -> int:
    """Compute every story's topics unless done under the current rules; how many
    stories were done. Idempotent, in batches: an interrupted run starts over."""
    with engine.connect() as conn:
        if get_meta(conn, _META_KEY) == TOPIC_RULES_VERSION:
            return 0
    done, after = 0, 0
    while True:
        with engine.begin() as conn:
            story_ids = topic_store.story_ids_after(conn, after, limit=_BACKFILL_BATCH)
            if not story_ids:
                set_meta(conn, _META_KEY, TOPIC_RULES_VERSION)
                return done
            for story_id in story_ids:
                members = topic_store.topic_inputs(conn, story_id)
                topic_store.save_story_topics(conn, story_id, topics_for(conn, members))
            done += len(story_ids)
            after = story_ids[-1]
