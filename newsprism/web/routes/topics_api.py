"""Topics in the JSON API: ``GET /api/topics`` and ``GET /api/topics/{slug}``.

(The stories list filters by topic too: ``GET /api/stories?topic=SLUG``.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from newsprism.store import topics as topic_store
from newsprism.store.web_reads import StoryFilters, filtered_stories
from newsprism.web.deps import Conn
from newsprism.web.routes.api import MAX_OFFSET, NOT_FOUND, StorySummary, _summary
from newsprism.web.routes.topics import MAX_SLUG_LENGTH, normalise_slug

router = APIRouter(prefix="/api", tags=["topics"])


class TopicSummary(BaseModel):
    slug: str = Field(description="The topic's key: in URLs and the stories `topic` filter.")
    label: str = Field(description="The topic's name as people read it.")
    story_count: int = Field(description="Stories with this topic.")
    last_seen: datetime | None = Field(description="When the latest of them was last updated.")
    page_url: str
    feed_url: str = Field(description="The topic's Atom feed.")


class TopicList(BaseModel):
    total: int
    limit: int
    offset: int
    topics: list[TopicSummary]


class TopicDetail(TopicSummary):
    order: str
    limit: int
    offset: int
    stories: list[StorySummary]


def _topic(row: dict) -> TopicSummary:
    return TopicSummary(
        slug=row["slug"],
        label=row["label"],
        story_count=row["story_count"],
        last_seen=row["last_seen"],
        page_url=f"/topics/{quote(row['slug'])}",
        feed_url=f"/feeds/topics/{quote(row['slug'])}.atom",
    )


@router.get("/topics", response_model=TopicList)
def api_topics(
    conn: Conn,
    limit: int = Query(default=100, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=MAX_OFFSET),
    min_stories: int = Query(
        default=1, ge=1, le=1_000_000, description="Only topics of at least this many stories."
    ),
) -> TopicList:
    """Topics (feed categories and headline keywords) with their story counts, most
    stories first."""
    return TopicList(
        total=topic_store.count_topics(conn, min_stories=min_stories),
        limit=limit,
        offset=offset,
        topics=[
            _topic(row)
            for row in topic_store.list_topics(
                conn, limit=limit, offset=offset, min_stories=min_stories
            )
        ],
    )


@router.get("/topics/{slug}", response_model=TopicDetail, responses=NOT_FOUND)
def api_topic(
    conn: Conn,
    slug: str = Path(max_length=MAX_SLUG_LENGTH),
    limit: int = Query(default=30, ge=1, le=200),
    offset: int = Query(default=0, ge=0, le=MAX_OFFSET),
    order: Literal["biggest", "latest"] = "latest",
) -> TopicDetail:
    """A topic and a page of its stories, latest (or biggest) first."""
    topic = topic_store.topic_by_slug(conn, normalise_slug(slug))
    if topic is None:
        raise HTTPException(status_code=404, detail=f"No topic {slug}")
    filters = StoryFilters(topic=topic["slug"])
    stories = filtered_stories(conn, filters, limit=limit, offset=offset, order=order)
    return TopicDetail(
        **_topic(topic).model_dump(),
        order=order,
        limit=limit,
        offset=offset,
        stories=[_summary(story) for story in stories],
    )
