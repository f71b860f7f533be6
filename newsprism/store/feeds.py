"""Feed polling state: which feeds are due, what each poll found, feed health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, or_, select, update

from newsprism.store.db import as_utc, utcnow
from newsprism.store.schema import articles, feeds, outlets


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
    poll_interval_seconds: int | None
    failing_since: datetime | None


def due_feeds(conn: Connection, *, now: datetime) -> list[DueFeed]:
    """Active, not quarantined feeds whose next poll time has come, longest-waiting first."""
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
            feeds.c.poll_interval_seconds,
            feeds.c.failing_since,
        )
        .select_from(feeds.outerjoin(outlets, feeds.c.outlet_id == outlets.c.id))
        .where(
            feeds.c.active.is_(True),
            feeds.c.quarantined_at.is_(None),
            or_(feeds.c.next_poll_at.is_(None), feeds.c.next_poll_at <= now),
        )
        .order_by(feeds.c.next_poll_at.is_not(None), feeds.c.next_poll_at, feeds.c.id)
    )
    return [DueFeed(*row[:-1], failing_since=as_utc(row.failing_since)) for row in rows]


def record_poll_success(
    conn: Connection,
    feed_id: int,
    *,
    status: int,
    etag: str | None,
    last_modified: str | None,
    body_hash: str | None,
    next_poll_at: datetime,
    interval_seconds: int,
    new_articles: int,
    title: str | None = None,
) -> None:
    now = utcnow()
    values: dict[str, Any] = {
        "last_status": status,
        "last_polled_at": now,
        "last_success_at": now,
        "next_poll_at": next_poll_at,
        "poll_interval_seconds": interval_seconds,
        "error_count": 0,
        "last_error": None,
        "last_error_kind": None,
        "failing_since": None,
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
    kind: str,
    next_poll_at: datetime,
    quarantine: bool,
    disable_reason: str | None = None,
) -> None:
    """Count a failure; a "will not work" one quarantines the feed, a long run of
    "retry later" ones disables it, each with a reason the user sees."""
    now = utcnow()
    values: dict[str, Any] = {
        "last_status": status,
        "last_polled_at": now,
        "next_poll_at": next_poll_at,
        "error_count": feeds.c.error_count + 1,
        "last_error": error[:2000],
        "last_error_kind": kind,
        "failing_since": func.coalesce(feeds.c.failing_since, now),
    }
    if quarantine:
        values["quarantined_at"] = now
        values["quarantine_reason"] = error[:2000]
    if disable_reason:
        values["active"] = False
        values["disabled_reason"] = disable_reason[:2000]
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))


def retry_feeds(conn: Connection, feed_ids: list[int] | None = None) -> int:
    """Release quarantined or disabled feeds so the next pass polls them; how many."""
    condition = or_(feeds.c.quarantined_at.is_not(None), feeds.c.active.is_(False))
    query = update(feeds).where(condition)
    if feed_ids is not None:
        query = query.where(feeds.c.id.in_(feed_ids))
    result = conn.execute(
        query.values(
            quarantined_at=None,
            quarantine_reason=None,
            active=True,
            disabled_reason=None,
            next_poll_at=None,
            error_count=0,
            failing_since=None,
        )
    )
    return result.rowcount


def feed_health(
    conn: Connection, *, outlet_id: int | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """One row a feed (of one outlet, if given) for the health table, failing first."""
    now = now or utcnow()
    week_ago = now - timedelta(days=7)
    recent = (
        select(articles.c.feed_id, func.count().label("recent"))
        .where(articles.c.fetched_at >= week_ago, articles.c.feed_id.is_not(None))
        .group_by(articles.c.feed_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            feeds,
            outlets.c.domain.label("outlet_domain"),
            outlets.c.name.label("outlet_name"),
            func.coalesce(recent.c.recent, 0).label("recent_articles"),
        )
        .select_from(
            feeds.outerjoin(outlets, feeds.c.outlet_id == outlets.c.id).outerjoin(
                recent, recent.c.feed_id == feeds.c.id
            )
        )
        .where(feeds.c.outlet_id == outlet_id if outlet_id is not None else feeds.c.id.is_not(None))
        .order_by(feeds.c.error_count.desc(), outlets.c.domain, feeds.c.url)
    )
    health = []
    for row in rows:
        item = dict(row._mapping)
        for key in (
            "next_poll_at",
            "last_polled_at",
            "last_success_at",
            "failing_since",
            "quarantined_at",
        ):
            item[key] = as_utc(item.get(key))
        item["articles_per_day"] = round(item.pop("recent_articles") / 7, 1)
        if item["quarantined_at"] is not None:
            item["state"] = "quarantined"
        elif not item["active"]:
            item["state"] = "disabled"
        elif item["error_count"]:
            item["state"] = "failing"
        elif item["last_success_at"] is None:
            item["state"] = "new"
        else:
            item["state"] = "ok"
        health.append(item)
    return health
