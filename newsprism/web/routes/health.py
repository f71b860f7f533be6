"""Feed health: every feed's last poll, and the latest problems the pipeline logged."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from newsprism.store.feeds import feed_health
from newsprism.store.web_reads import recent_events
from newsprism.web.deps import Conn, render

router = APIRouter()

EVENTS_SHOWN = 50


@router.get("/feeds", response_class=HTMLResponse, include_in_schema=False)
def feeds_page(request: Request, conn: Conn) -> Response:
    feeds = feed_health(conn)
    return render(
        request,
        "feeds.html",
        {
            "feeds": feeds,
            "failing": sum(1 for feed in feeds if feed["state"] != "ok" and feed["state"] != "new"),
            "never_polled": sum(1 for feed in feeds if feed["last_polled_at"] is None),
            "events": recent_events(conn, limit=EVENTS_SHOWN),
        },
    )


@router.get("/healthz", include_in_schema=False)
def liveness(conn: Conn) -> dict[str, str]:
    """For container health checks: the app answers and the database is reachable."""
    conn.exec_driver_sql("SELECT 1")
    return {"status": "ok"}
