"""The blindspot pages: stories one side covers and the other (nearly) ignores.

Which stories are blindspots is decided once, in ``coverage/blindspot.py``, when a
story's coverage is computed; these pages only list the stories so marked (the same
filter as the Atom feeds and ``/api/stories?blindspot=``).
"""

from __future__ import annotations

from math import ceil
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from newsprism.coverage.blindspot import (
    BLINDSPOT_MAX_SHARE,
    BLINDSPOT_MIN_RATED_SOURCES,
    BLINDSPOT_OTHER_SIDE_SHARE,
    BLINDSPOT_SIDES,
)
from newsprism.store.web_reads import StoryFilters, count_filtered_stories, filtered_stories
from newsprism.web.deps import Conn, render
from newsprism.web.routes.home import MAX_PAGE, listing_entry
from newsprism.web.routes.outlets import normalise_domain

router = APIRouter(include_in_schema=False)

STORIES_PER_SIDE_OVERVIEW = 6
STORIES_PER_PAGE = 20
OTHER_SIDE = {"left": "right", "right": "left"}


def blindspot_rule() -> dict[str, Any]:
    """The thresholds of ``coverage/blindspot.py``, as the pages state them."""
    return {
        "max_share": round(BLINDSPOT_MAX_SHARE * 100),
        "other_share": round(BLINDSPOT_OTHER_SIDE_SHARE * 100),
        "min_sources": BLINDSPOT_MIN_RATED_SOURCES,
    }


@router.get("/blindspots", response_class=HTMLResponse)
def blindspots(request: Request, conn: Conn) -> Response:
    sides = []
    for side in BLINDSPOT_SIDES:
        filters = StoryFilters(blindspot=side)
        stories = filtered_stories(conn, filters, limit=STORIES_PER_SIDE_OVERVIEW, order="latest")
        sides.append(
            {
                "side": side,
                "other": OTHER_SIDE[side],
                "total": count_filtered_stories(conn, filters),
                "stories": [listing_entry(story) for story in stories],
            }
        )
    return render(
        request,
        "blindspots.html",
        {"section": "blindspots", "sides": sides, "rule": blindspot_rule(), "side": None},
    )


@router.get("/blindspots/{side}", response_class=HTMLResponse)
def blindspots_of_side(
    request: Request,
    conn: Conn,
    side: Literal["left", "right"],
    order: Literal["latest", "biggest"] = "latest",
    page: int = Query(default=1, ge=1, le=MAX_PAGE),
    outlet: str | None = Query(
        default=None, max_length=255, description="Only the stories this outlet covered."
    ),
) -> Response:
    domain = normalise_domain(outlet) if outlet else None
    filters = StoryFilters(blindspot=side, outlet_domain=domain)
    total = count_filtered_stories(conn, filters)
    stories = filtered_stories(
        conn, filters, limit=STORIES_PER_PAGE, offset=(page - 1) * STORIES_PER_PAGE, order=order
    )
    return render(
        request,
        "blindspots.html",
        {
            "section": f"blindspot-{side}",
            "side": side,
            "other": OTHER_SIDE[side],
            "order": order,
            "page": page,
            "page_count": max(1, ceil(total / STORIES_PER_PAGE)),
            "total": total,
            "stories": [listing_entry(story) for story in stories],
            "rule": blindspot_rule(),
            "outlet": domain,
            # Kept on the ordering and page links.
            "query": urlencode({"order": order, **({"outlet": domain} if domain else {})}),
        },
    )
