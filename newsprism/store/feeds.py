"""Feed polling state: which feeds are due, and what each poll found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, or_, select, update

from newsprism.store.db import utcnow
from newsprism.store.schema import feeds, outlets


@dataclass(slots=True)
class DueFeed:
    id: int
    url: str
    outlet_id: int | None
    outlet_domain: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    error_count: int


def due_feeds(conn: Connection, *, now: datetime) -> list[DueFeed]:
    rows = conn.execute(
        select(
            feeds.c.id,
            feeds.c.url,
            feeds.c.outlet_id,
            outlets.c.domain,
            feeds.c.etag,
            feeds.c.last_modified,
            feeds.c.body_hash,
            feeds.c.error_count,
        )
        .select_from(feeds.outerjoin(outlets, feeds.c.outlet_id == outlets.c.id))
        .where(
            feeds.c.active.is_(True),
            or_(feeds.c.next_poll_at.is_(None), feeds.c.next_poll_at <= now),
        )
        .order_by(feeds.c.next_poll_at.is_not(None), feeds.c.next_poll_at, feeds.c.id)
    )
    return [DueFeed(*row) for row in rows]


def record_poll_success(
    conn: Connection,
    feed_id: int,
    *,
    status: int,
    etag: str | None,
    last_modified: str | None,
    body_hash: str | None,
    next_poll_at: datetime,
    new_articles: int,
    title: str | None = None,
) -> None:
    now = utcnow()
    values = {
        "last_status": status,
        "last_polled_at": now,
        "last_success_at": now,
        "next_poll_at": next_poll_at,
        "error_count": 0,
        "last_error": None,
        "articles_found": feeds.c.articles_found + new_articles,
    }
    # A 304 answer carries no validators of its own: keep the ones we sent.
    if etag is not None:
        values["etag"] = etag
    if last_modified is not None:
        values["last_modified"] = last_modified
    if body_hash is not None:
        values["body_hash"] = body_hash
    if title:
        values["title"] = title[:500]
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))


def record_poll_failure(
    conn: Connection,
    feed_id: int,
    *,
    status: int | None,
    error: str,
    next_poll_at: datetime,
) -> None:
    conn.execute(
        update(feeds)
        .where(feeds.c.id == feed_id)
        .values(
            last_status=status,
            last_polled_at=utcnow(),
            next_poll_at=next_poll_at,
            error_count=feeds.c.error_count + 1,
            last_error=error[:2000],
        )
    )
