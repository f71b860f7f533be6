"""The outlet page: who it is, every rating with its rater and licence, feeds, stories,
and how often it covered each side's blindspots."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection
from starlette.responses import Response

from newsprism.coverage.blindspot import BLINDSPOT_SIDES
from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS, side_of
from newsprism.sources.ratings import combine, combined_value, superseded
from newsprism.store.axes import axis_registry
from newsprism.store.feeds import feed_health
from newsprism.store.outlets import ratings_by_outlet
from newsprism.store.stories import stories_of_outlet
from newsprism.store.web_reads import StoryFilters, count_filtered_stories, outlet_by_domain
from newsprism.web.deps import Conn, render

router = APIRouter()

RECENT_STORIES_SHOWN = 20


@router.get("/outlets/{domain}", response_class=HTMLResponse, include_in_schema=False)
def outlet_page(request: Request, domain: str, conn: Conn) -> Response:
    view = outlet_view(conn, domain)
    if view is None:
        raise HTTPException(status_code=404, detail=f"No outlet {domain}")
    return render(request, "outlet.html", view)


def normalise_domain(domain: str) -> str:
    domain = domain.strip().lower().rstrip(".")
    return domain[4:] if domain.startswith("www.") else domain


def outlet_view(conn: Connection, domain: str) -> dict[str, Any] | None:
    """The outlet page's content; shared with ``/api/outlets/{domain}``."""
    outlet = outlet_by_domain(conn, normalise_domain(domain))
    if outlet is None:
        return None
    # Every rating, history and local overrides included (an override carries its note).
    as_ratings = ratings_by_outlet(conn, [outlet["id"]])[outlet["id"]]
    ratings = [
        {**asdict(rating), "superseded": old}
        for rating, old in zip(as_ratings, superseded(as_ratings), strict=True)
    ]
    bias = combined_value(as_ratings, BIAS_AXIS)
    # Each known axis (built in, or declared by a catalogue) the outlet is rated on,
    # combined, with whether an override decided it.
    known = axis_registry(conn)
    rated = {r.axis for r in as_ratings}
    axes = {axis: combine(as_ratings, axis, axes=known) for axis in known if axis in rated}
    return {
        "outlet": outlet,
        "ratings": ratings,
        "combined": {"bias": bias, "factuality": combined_value(as_ratings, FACTUALITY_AXIS)},
        "axes": axes,
        # What each known axis is (label, scale, value labels), for the page's wording.
        "axis_info": known,
        "overridden": {axis for axis, found in axes.items() if found.override},
        "combined_side": side_of(bias) or "unrated",
        "feeds": feed_health(conn, outlet_id=outlet["id"]),
        "stories": stories_of_outlet(conn, outlet["id"], limit=RECENT_STORIES_SHOWN),
        "blindspots": blindspot_appearances(conn, outlet["domain"]),
    }


def blindspot_appearances(conn: Connection, domain: str) -> dict[str, int]:
    """Per side, how many of that side's blindspot stories this outlet covered: the
    blindspot listings' own filter, narrowed to the outlet (one definition of both)."""
    return {
        side: count_filtered_stories(conn, StoryFilters(blindspot=side, outlet_domain=domain))
        for side in BLINDSPOT_SIDES
    }
