"""The outlet page: who it is, every rating with its rater and licence, feeds, stories."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection
from starlette.responses import Response

from newsprism.models import BIAS_AXIS, FACTUALITY_AXIS, Rating, side_of
from newsprism.sources.ratings import combined_value
from newsprism.store.feeds import feed_health
from newsprism.store.stories import stories_of_outlet
from newsprism.store.web_reads import outlet_by_domain, outlet_rating_rows
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
    ratings = outlet_rating_rows(conn, outlet["id"])
    as_ratings = [
        Rating(
            axis=row["axis"],
            value=row["value"],
            rater=row["rater"],
            licence=row["licence"],
            rated_on=row["rated_on"],
            source_url=row["source_url"],
        )
        for row in ratings
    ]
    bias = combined_value(as_ratings, BIAS_AXIS)
    return {
        "outlet": outlet,
        "ratings": ratings,
        "combined": {"bias": bias, "factuality": combined_value(as_ratings, FACTUALITY_AXIS)},
        "combined_side": side_of(bias) or "unrated",
        "feeds": feed_health(conn, outlet_id=outlet["id"]),
        "stories": stories_of_outlet(conn, outlet["id"], limit=RECENT_STORIES_SHOWN),
    }
