"""Topic pages and the reader's *Following* page.

``/topics`` lists the topics (feed categories and headline keywords, see
``stories/topics.py``) with their story counts; ``/topics/{slug}`` a topic's stories as
the home page lists them. ``/following`` shows the stories of the topics and outlets a
reader follows: the list lives in their browser (``static/follow.js``, localStorage),
which puts it in this page's query (``?topic=…&outlet=…``); the server keeps nothing.
"""

from __future__ import annotations

from math import ceil
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection
from starlette.responses import Response

from newsprism.store import topics as topic_store
from newsprism.store.web_reads import StoryFilters, count_filtered_stories, filtered_stories
from newsprism.web.deps import Conn, render
from newsprism.web.routes.home import MAX_PAGE, listing_entry
from newsprism.web.routes.outlets import normalise_domain

router = APIRouter(include_in_schema=False)

TOPICS_PER_PAGE = 120
STORIES_PER_PAGE = 20
# Bounds what one /following URL may ask for (follow.js keeps at most as many).
MAX_FOLLOWED = 50
MAX_SLUG_LENGTH = 100


def normalise_slug(slug: str) -> str:
    return slug.strip().lower()[:MAX_SLUG_LENGTH]


def with_topics(conn: Connection, stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Listing entries (``home.listing_entry``) with each story's topics."""
    topics = topic_store.topics_of_stories(conn, [story["id"] for story in stories])
    return [{**listing_entry(story), "topics": topics.get(story["id"], [])} for story in stories]


@router.get("/topics", response_class=HTMLResponse)
def topics_page(
    request: Request, conn: Conn, page: int = Query(default=1, ge=1, le=MAX_PAGE)
) -> Response:
    total = topic_store.count_topics(conn)
    topics = topic_store.list_topics(
        conn, limit=TOPICS_PER_PAGE, offset=(page - 1) * TOPICS_PER_PAGE
    )
    return render(
        request,
        "topics.html",
        {
            "section": "topics",
            "topics": topics,
            "total": total,
            "page": page,
            "page_count": max(1, ceil(total / TOPICS_PER_PAGE)),
        },
    )


@router.get("/topics/{slug}", response_class=HTMLResponse)
def topic_page(
    request: Request,
    conn: Conn,
    slug: str,
    order: Literal["biggest", "latest"] = "latest",
    page: int = Query(default=1, ge=1, le=MAX_PAGE),
) -> Response:
    topic = topic_store.topic_by_slug(conn, normalise_slug(slug))
    if topic is None:
        raise HTTPException(status_code=404, detail=f"No story has the topic {slug!r} yet.")
    filters = StoryFilters(topic=topic["slug"])
    total = count_filtered_stories(conn, filters)
    stories = filtered_stories(
        conn, filters, limit=STORIES_PER_PAGE, offset=(page - 1) * STORIES_PER_PAGE, order=order
    )
    return render(
        request,
        "topic.html",
        {
            "section": "topics",
            "topic": topic,
            "order": order,
            "page": page,
            "page_count": max(1, ceil(total / STORIES_PER_PAGE)),
            "total": total,
            "stories": with_topics(conn, stories),
        },
    )


@router.get("/following", response_class=HTMLResponse)
def following_page(
    request: Request,
    conn: Conn,
    topic: list[str] = Query(default=[], description="Followed topics (slugs)."),
    outlet: list[str] = Query(default=[], description="Followed outlets (domains)."),
    page: int = Query(default=1, ge=1, le=MAX_PAGE),
) -> Response:
    slugs = _unique(normalise_slug(slug) for slug in topic)[:MAX_FOLLOWED]
    domains = _unique(normalise_domain(domain)[:255] for domain in outlet)[:MAX_FOLLOWED]
    labels = topic_store.topic_labels(conn, slugs)
    names = topic_store.outlet_names(conn, domains)
    total = topic_store.count_followed_stories(conn, topics=slugs, outlet_domains=domains)
    stories = topic_store.followed_stories(
        conn,
        topics=slugs,
        outlet_domains=domains,
        limit=STORIES_PER_PAGE,
        offset=(page - 1) * STORIES_PER_PAGE,
    )
    return render(
        request,
        "following.html",
        {
            "section": "following",
            "followed_topics": [
                {"slug": s, "label": labels.get(s), "known": s in labels} for s in slugs
            ],
            "followed_outlets": [
                {"domain": d, "name": names.get(d), "known": d in names} for d in domains
            ],
            "total": total,
            "page": page,
            "page_count": max(1, ceil(total / STORIES_PER_PAGE)),
            "stories": with_topics(conn, stories),
            "query": urlencode([*(("topic", s) for s in slugs), *(("outlet", d) for d in domains)]),
        },
    )


def _unique(values) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen
