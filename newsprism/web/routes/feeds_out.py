"""Atom feeds out, made with feedgen: the top stories, each blindspot, each topic,
each story's articles. Feed readers get what the pages show, with links back to them.

Everything in a feed came from other people's feeds and pages: lxml (under feedgen)
escapes it, characters XML cannot carry are dropped first, and a link is only ever
an http(s) URL.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import RedirectResponse
from feedgen.feed import FeedGenerator
from starlette.responses import Response

from newsprism.store.schema import MAX_ROW_ID
from newsprism.store.stories import get_story, story_articles
from newsprism.store.topics import topic_by_slug
from newsprism.store.web_reads import StoryFilters, filtered_stories
from newsprism.web.deps import Conn
from newsprism.web.format import bar_label, plural, safe_url, truncate_text

router = APIRouter(prefix="/feeds", include_in_schema=False)

ATOM = "application/atom+xml; charset=utf-8"
STORIES_PER_FEED = 30
ARTICLES_PER_FEED = 50
# XML 1.0 allows neither most control characters nor lone surrogates; lxml refuses them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SIDES = ("left", "center", "right", "unrated")
BLINDSPOT_TITLES = {
    "left": "Blindspot for the left: stories the left barely covers",
    "right": "Blindspot for the right: stories the right barely covers",
}


@router.get("/top.atom")
def top_feed(request: Request, conn: Conn) -> Response:
    stories = filtered_stories(conn, StoryFilters(), limit=STORIES_PER_FEED, order="biggest")
    return _story_feed(
        request,
        stories,
        title="newsprism: top stories",
        subtitle="The stories covered by the most sources, with who covered them.",
        page="/",
    )


@router.get("/blindspot/{side}.atom")
def blindspot_feed(request: Request, conn: Conn, side: Literal["left", "right"]) -> Response:
    stories = filtered_stories(
        conn, StoryFilters(blindspot=side), limit=STORIES_PER_FEED, order="latest"
    )
    return _story_feed(
        request,
        stories,
        title=f"newsprism: {BLINDSPOT_TITLES[side]}",
        subtitle="Stories that one side covers and the other (nearly) ignores.",
        page=f"/blindspots/{side}",
    )


@router.get("/topics/{slug}.atom")
def topic_feed(request: Request, conn: Conn, slug: str = Path(max_length=100)) -> Response:
    topic = topic_by_slug(conn, slug.strip().lower())
    if topic is None:
        raise HTTPException(status_code=404, detail=f"No topic {slug}")
    stories = filtered_stories(
        conn, StoryFilters(topic=topic["slug"]), limit=STORIES_PER_FEED, order="latest"
    )
    return _story_feed(
        request,
        stories,
        title=f"newsprism: {topic['label']}",
        subtitle=f"The latest stories about {topic['label']}, with who covered them.",
        page=f"/topics/{quote(topic['slug'])}",
    )


@router.get("/stories/{story_id}.atom")
def story_feed(request: Request, conn: Conn, story_id: int = Path(ge=1, le=MAX_ROW_ID)) -> Response:
    story = get_story(conn, story_id)
    if story is None:
        raise HTTPException(status_code=404, detail=f"No story {story_id}")
    if story["id"] != story_id:  # merged: follow the story that absorbed it
        return RedirectResponse(f"/feeds/stories/{story['id']}.atom", status_code=301)
    base = _base(request)
    page = f"{base}/stories/{story['id']}"
    feed = _feed(request, title=f"newsprism: {story['title']}", page=page)
    feed.subtitle(_xml(f"Every article of this story, newest first ({page})."))
    rows = story_articles(conn, story["id"])
    rows.sort(key=lambda row: (_when(row), row["id"]), reverse=True)
    for row in rows[:ARTICLES_PER_FEED]:
        outlet = row["outlet_name"] or row["outlet_domain"] or "Unknown outlet"
        when = _when(row)
        entry = feed.add_entry(order="append")
        entry.id(f"{page}#article-{row['id']}")
        entry.title(_xml(f"{outlet}: {row['title']}"))
        entry.link(href=safe_url(row["url"]) or f"{page}#article-{row['id']}")
        entry.author({"name": _xml(outlet)})
        entry.published(when)
        entry.updated(when)
        summary = truncate_text(row["lede"] or row["text"], 600)
        if summary:
            entry.summary(_xml(summary))
    feed.updated(story["updated_at"])
    return _atom(feed)


def _story_feed(
    request: Request, stories: list[dict[str, Any]], *, title: str, subtitle: str, page: str
) -> Response:
    base = _base(request)
    feed = _feed(request, title=title, page=base + page)
    feed.subtitle(subtitle)
    for story in stories:
        url = f"{base}/stories/{story['id']}"
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.title(_xml(story["title"]))
        entry.link(href=url)
        entry.published(story["first_seen"])
        entry.updated(story["updated_at"])
        entry.summary(_xml(_story_summary(story)))
    newest = max((story["updated_at"] for story in stories), default=None)
    feed.updated(newest or datetime.now(UTC))
    return _atom(feed)


def _story_summary(story: dict[str, Any]) -> str:
    """Counts, the side split and the summary bullets, as plain text."""
    coverage = story.get("coverage") or {}
    lines = [
        f"{plural(story['source_count'], 'source')}, {plural(story['article_count'], 'article')}."
    ]
    if coverage.get("sides_percent"):
        lines.append(bar_label(coverage["sides_percent"], _SIDES) + ".")
    for bullet in (story.get("summary") or {}).get("bullets") or []:
        lines.append(f"• {bullet.get('text', '')}")
    return "\n".join(lines)


def _feed(request: Request, *, title: str, page: str) -> FeedGenerator:
    feed = FeedGenerator()
    self_url = str(request.url.replace(query=None, fragment=None))
    feed.id(self_url)
    feed.title(_xml(title))
    feed.author({"name": "newsprism"})
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=page, rel="alternate", type="text/html")
    feed.generator("newsprism")
    return feed


def _atom(feed: FeedGenerator) -> Response:
    return Response(content=feed.atom_str(pretty=True), media_type=ATOM)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _when(row: dict[str, Any]) -> datetime:
    return row["published_at"] or row["fetched_at"]


def _xml(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")
