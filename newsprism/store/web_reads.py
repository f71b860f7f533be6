"""Reads only the web UI and JSON API need: one outlet by domain, feed health, events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from newsprism.store.db import as_utc
from newsprism.store.schema import events, outlets, ratings


def outlet_by_domain(conn: Connection, domain: str) -> dict[str, Any] | None:
    row = conn.execute(select(outlets).where(outlets.c.domain == domain)).first()
    if row is None:
        return None
    outlet = dict(row._mapping)
    outlet["created_at"] = as_utc(outlet["created_at"])
    return outlet


def outlet_rating_rows(conn: Connection, outlet_id: int) -> list[dict[str, Any]]:
    """Every rating of an outlet, with whether this instance's admin overrode it."""
    rows = conn.execute(
        select(
            ratings.c.axis,
            ratings.c.value,
            ratings.c.rater,
            ratings.c.licence,
            ratings.c.rated_on,
            ratings.c.source_url,
            ratings.c.is_override,
        )
        .where(ratings.c.outlet_id == outlet_id)
        .order_by(ratings.c.axis, ratings.c.rater, ratings.c.rated_on.desc())
    )
    return [{**row._mapping, "rated_on": row.rated_on or None} for row in rows]


def recent_events(conn: Connection, *, limit: int = 50) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(events.c.at, events.c.level, events.c.kind, events.c.url, events.c.message)
        .order_by(events.c.at.desc(), events.c.id.desc())
        .limit(limit)
    )
    return [{**row._mapping, "at": as_utc(row.at)} for row in rows]
