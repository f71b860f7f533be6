"""The home page: the biggest or the latest stories, with their bias bars."""

from __future__ import annotations

from math import ceil
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection
from starlette.responses import Response

from newsprism.store.web_reads import StoryFilters, count_filtered_stories, listed_stories
from newsprism.web.deps import render
from newsprism.web.page_build import build_page
from newsprism.web.page_cache import page_cache_of

router = APIRouter()

STORIES_PER_PAGE = 20
TOP_OUTLETS_SHOWN = 4
MAX_PAGE = 10_000  # an offset past 64 bits would be a database error


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(
    request: Request,
    order: Literal["biggest", "latest"] = "biggest",
    page: int = Query(default=1, ge=1, le=MAX_PAGE),
) -> Response:
    cache = page_cache_of(request)
    if cache is not None and (kept := cache.get(request)) is not None:
        return kept

    def build(conn: Connection) -> Response:
        filters = StoryFilters()
        total = count_filtered_stories(conn, filters)
        stories = listed_stories(
            conn,
            filters,
            limit=STORIES_PER_PAGE,
            offset=(page - 1) * STORIES_PER_PAGE,
            order=order,
            outlets_named=TOP_OUTLETS_SHOWN,
        )
        return render(
            request,
            "home.html",
            {
                "order": order,
                "page": page,
                "page_count": max(1, ceil(total / STORIES_PER_PAGE)),
                "total": total,
                "stories": [_card(story) for story in stories],
            },
        )

    rendered = await build_page(request, build)
    return cache.keep(request, rendered) if cache is not None else rendered


def _card(story: dict[str, Any]) -> dict[str, Any]:
    """``listing_entry``'s fields from the lean read (``web_reads.listed_stories``)."""
    return {
        **story,
        "top_outlets": story["outlet_names"],
        "more_outlets": max(0, story["outlet_count"] - TOP_OUTLETS_SHOWN),
    }


def listing_entry(story: dict[str, Any]) -> dict[str, Any]:
    """A story as a listing shows it: counts, side shares and its busiest outlets."""
    coverage = story.get("coverage") or {}
    outlets = coverage.get("outlets") or []
    return {
        **story,
        "sides_percent": coverage.get("sides_percent"),
        "top_outlets": [outlet.get("name") or outlet.get("domain") for outlet in outlets][
            :TOP_OUTLETS_SHOWN
        ],
        "more_outlets": max(0, len(outlets) - TOP_OUTLETS_SHOWN),
    }
