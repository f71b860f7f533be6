"""The search page: stories whose articles match, with the matching passages marked."""

from __future__ import annotations

from math import ceil
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from newsprism.store.search import MARK_END, MARK_START, search_stories
from newsprism.web.deps import Conn, render
from newsprism.web.format import safe_url
from newsprism.web.ratelimit import search_rate_limit
from newsprism.web.routes.home import listing_entry

router = APIRouter()

RESULTS_PER_PAGE = 20
MATCHES_SHOWN = 3
MAX_PAGE = 500  # deeper pages are no use to a reader and cost a large OFFSET


@router.get(
    "/search",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(search_rate_limit)],
)
def search_page(
    request: Request,
    conn: Conn,
    q: str = "",  # any length: the search cuts it (store.search.MAX_QUERY_LENGTH)
    page: int = Query(default=1, ge=1, le=MAX_PAGE),
) -> Response:
    results = (
        search_stories(
            conn,
            q,
            limit=RESULTS_PER_PAGE,
            offset=(page - 1) * RESULTS_PER_PAGE,
            matches_per_story=MATCHES_SHOWN,
        )
        if q.strip()
        else None
    )
    stories = []
    for story in results.stories if results else []:
        entry = listing_entry(story)
        entry["matches"] = [
            {
                **match,
                "url": safe_url(match["url"]),
                "snippet_parts": marked_parts(match["snippet"]),
            }
            for match in story["matches"]
        ]
        stories.append(entry)
    return render(
        request,
        "search.html",
        {
            "section": "search",
            "q": q,
            "searched": results is not None,
            "total": results.total if results else 0,
            "stories": stories,
            "page": page,
            "page_count": max(1, ceil((results.total if results else 0) / RESULTS_PER_PAGE)),
        },
    )


def marked_parts(snippet: str | None) -> list[dict[str, Any]]:
    """A snippet as (text, matched?) parts: the template escapes every part and wraps the
    matched ones in <mark>, so nothing from the article ever reaches the page as HTML."""
    parts: list[dict[str, Any]] = []
    marked = False
    for piece in (snippet or "").replace(MARK_END, MARK_START).split(MARK_START):
        if piece:
            parts.append({"text": piece, "mark": marked})
        marked = not marked
    return parts


def plain_snippet(snippet: str | None) -> str:
    """The snippet without its match markers (what the JSON API gives)."""
    return (snippet or "").replace(MARK_START, "").replace(MARK_END, "")
