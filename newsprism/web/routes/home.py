"""The home page: the biggest or the latest stories, with their bias bars."""

from __future__ import annotations

from math import ceil
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from newsprism.store.stories import count_stories, list_stories
from newsprism.web.deps import Conn, render

router = APIRouter()

STORIES_PER_PAGE = 20
TOP_OUTLETS_SHOWN = 4


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(
    request: Request,
    conn: Conn,
    order: Literal["biggest", "latest"] = "biggest",
    page: int = Query(default=1, ge=1),
) -> Response:
    total = count_stories(conn)
    stories = list_stories(
        conn, limit=STORIES_PER_PAGE, offset=(page - 1) * STORIES_PER_PAGE, order=order
    )
    return render(
        request,
        "home.html",
        {
            "order": order,
            "page": page,
            "page_count": max(1, ceil(total / STORIES_PER_PAGE)),
            "total": total,
            "stories": [listing_entry(story) for story in stories],
        },
    )


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
