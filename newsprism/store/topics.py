"""Topics: the categories feeds gave articles, each story's topics, and the listings
by topic (topic pages, the ``topic`` filter, the reader's *Following* page)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, exists, false, func, insert, or_, select
from sqlalchemy.sql.elements import ColumnElement

from newsprism.models import Topic
from newsprism.nlp.text import clean
from newsprism.store.db import as_utc
from newsprism.store.schema import article_categories, articles, outlets, stories, story_topics
from newsprism.store.stories import story_dict

MAX_CATEGORIES_PER_ARTICLE = 20  # some feeds send dozens of tags an item
MAX_CATEGORY_LENGTH = 200  # the column's width


def add_article_categories(conn: Connection, article_id: int, categories: Iterable[str]) -> int:
    """Keep a new article's feed categories (cleaned, deduplicated); how many."""
    kept: list[str] = []
    for raw in categories:
        # PostgreSQL refuses NUL in text; no category needs one.
        category = clean(str(raw).replace("\x00", ""))[:MAX_CATEGORY_LENGTH].strip()
        if category and category not in kept:
            kept.append(category)
        if len(kept) == MAX_CATEGORIES_PER_ARTICLE:
            break
    if kept:
        conn.execute(
            insert(article_categories),
            [{"article_id": article_id, "category": category} for category in kept],
        )
    return len(kept)


def categories_of_articles(conn: Connection, article_ids: Sequence[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    if not article_ids:
        return result
    rows = conn.execute(
        select(article_categories.c.article_id, article_categories.c.category)
        .where(article_categories.c.article_id.in_(list(article_ids)))
        .order_by(article_categories.c.article_id, article_categories.c.category)
    )
    for row in rows:
        result.setdefault(row.article_id, []).append(row.category)
    return result


def save_story_topics(conn: Connection, story_id: int, topics: Sequence[Topic]) -> None:
    """Replace the story's topics (idempotent: the same topics give the same rows)."""
    conn.execute(delete(story_topics).where(story_topics.c.story_id == story_id))
    if topics:
        conn.execute(
            insert(story_topics),
            [
                {
                    "story_id": story_id,
                    "slug": topic.slug,
                    "label": topic.label[:200],
                    "weight": topic.weight,
                    "origin": topic.origin,
                }
                for topic in topics
            ],
        )


def topics_of_stories(
    conn: Connection, story_ids: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """Each story's topics, heaviest first."""
    result: dict[int, list[dict[str, Any]]] = {story_id: [] for story_id in story_ids}
    if not story_ids:
        return result
    rows = conn.execute(
        select(story_topics)
        .where(story_topics.c.story_id.in_(list(story_ids)))
        .order_by(story_topics.c.story_id, story_topics.c.weight.desc(), story_topics.c.slug)
    )
    for row in rows:
        result[row.story_id].append(
            {"slug": row.slug, "label": row.label, "weight": row.weight, "origin": row.origin}
        )
    return result


# --- listings ------------------------------------------------------------------------


def _listed_stories() -> list[ColumnElement[bool]]:
    """The stories a listing shows (as ``store.web_reads``): not merged away, with a source."""
    return [stories.c.merged_into.is_(None), stories.c.source_count >= 1]


def _topic_counts():  # type: ignore[no-untyped-def]
    story_count = func.count(story_topics.c.story_id)
    return (
        select(
            story_topics.c.slug,
            func.max(story_topics.c.label).label("label"),
            story_count.label("story_count"),
            func.max(stories.c.last_seen).label("last_seen"),
        )
        .select_from(story_topics.join(stories, stories.c.id == story_topics.c.story_id))
        .where(*_listed_stories())
        .group_by(story_topics.c.slug)
    )


def list_topics(
    conn: Connection, *, limit: int = 100, offset: int = 0, min_stories: int = 1
) -> list[dict[str, Any]]:
    """Topics with their story counts, most stories first (then the latest story)."""
    story_count = func.count(story_topics.c.story_id)
    rows = conn.execute(
        _topic_counts()
        .having(story_count >= min_stories)
        .order_by(story_count.desc(), func.max(stories.c.last_seen).desc(), story_topics.c.slug)
        .limit(limit)
        .offset(offset)
    )
    return [{**row._mapping, "last_seen": as_utc(row.last_seen)} for row in rows]


def count_topics(conn: Connection, *, min_stories: int = 1) -> int:
    counted = _topic_counts().having(func.count(story_topics.c.story_id) >= min_stories).subquery()
    return conn.execute(select(func.count()).select_from(counted)).scalar_one()


def topic_by_slug(conn: Connection, slug: str) -> dict[str, Any] | None:
    """The topic's label and story count; None when no listed story has it."""
    if "\x00" in slug:  # PostgreSQL refuses NUL in text; no slug has one
        return None
    row = conn.execute(_topic_counts().where(story_topics.c.slug == slug)).first()
    if row is None:
        return None
    return {**row._mapping, "last_seen": as_utc(row.last_seen)}


def has_topic(slug: str) -> ColumnElement[bool]:
    """Condition on ``stories``: the story has this topic (for the story filters)."""
    if "\x00" in slug:
        return false()
    return exists().where(story_topics.c.story_id == stories.c.id, story_topics.c.slug == slug)


def _followed(topics: Sequence[str], outlet_domains: Sequence[str]) -> ColumnElement[bool]:
    topics = [slug for slug in topics if "\x00" not in slug]
    outlet_domains = [domain for domain in outlet_domains if "\x00" not in domain]
    either = []
    if topics:
        either.append(
            exists().where(story_topics.c.story_id == stories.c.id, story_topics.c.slug.in_(topics))
        )
    if outlet_domains:
        either.append(
            exists().where(
                articles.c.story_id == stories.c.id,
                articles.c.outlet_id == outlets.c.id,
                outlets.c.domain.in_(outlet_domains),
            )
        )
    return or_(*either) if either else false()


def followed_stories(
    conn: Connection,
    *,
    topics: Sequence[str],
    outlet_domains: Sequence[str],
    limit: int = 30,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Stories with any of the topics or an article of any of the outlets, latest first."""
    rows = conn.execute(
        select(stories)
        .where(*_listed_stories(), _followed(topics, outlet_domains))
        .order_by(stories.c.last_seen.desc(), stories.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [story_dict(row) for row in rows]


def count_followed_stories(
    conn: Connection, *, topics: Sequence[str], outlet_domains: Sequence[str]
) -> int:
    return conn.execute(
        select(func.count())
        .select_from(stories)
        .where(*_listed_stories(), _followed(topics, outlet_domains))
    ).scalar_one()


def outlet_names(conn: Connection, domains: Sequence[str]) -> dict[str, str]:
    """The name of each of these outlets that exists, by domain."""
    domains = [domain for domain in domains if "\x00" not in domain]
    if not domains:
        return {}
    rows = conn.execute(
        select(outlets.c.domain, outlets.c.name).where(outlets.c.domain.in_(domains))
    )
    return {row.domain: row.name for row in rows}


def topic_labels(conn: Connection, slugs: Sequence[str]) -> dict[str, str]:
    """The label of each of these topics that some story has, by slug."""
    slugs = [slug for slug in slugs if "\x00" not in slug]
    if not slugs:
        return {}
    rows = conn.execute(
        select(story_topics.c.slug, func.max(story_topics.c.label))
        .where(story_topics.c.slug.in_(slugs))
        .group_by(story_topics.c.slug)
    )
    return {row[0]: row[1] for row in rows}


# --- backfill ------------------------------------------------------------------------


def story_ids_after(conn: Connection, after_id: int, *, limit: int) -> list[int]:
    """Ids of stories not merged away, above ``after_id``, in order: a backfill's batch."""
    return list(
        conn.execute(
            select(stories.c.id)
            .where(stories.c.id > after_id, stories.c.merged_into.is_(None))
            .order_by(stories.c.id)
            .limit(limit)
        ).scalars()
    )


def topic_inputs(conn: Connection, story_id: int) -> list[dict[str, Any]]:
    """What a story's topics are computed from, per article: id, title, outlet domain
    and grouping (a lighter read than ``stories.story_articles``)."""
    rows = conn.execute(
        select(
            articles.c.id,
            articles.c.title,
            articles.c.grouping_json,
            articles.c.outlet_id,
            outlets.c.domain.label("outlet_domain"),
        )
        .select_from(articles.outerjoin(outlets, articles.c.outlet_id == outlets.c.id))
        .where(articles.c.story_id == story_id)
        .order_by(articles.c.id)
    )
    result = []
    for row in rows:
        item = dict(row._mapping)
        grouping = item.pop("grouping_json")
        item["grouping"] = json.loads(grouping) if grouping else None
        result.append(item)
    return result
