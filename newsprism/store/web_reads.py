"""Reads only the web UI and JSON API need: one outlet by domain, feed health, events,
and story listings filtered by side, blindspot, outlet, language and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Integer, String, cast, exists, false, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from newsprism.store.db import as_utc
from newsprism.store.schema import articles, events, outlets, ratings, stories
from newsprism.store.stories import _story_dict
from newsprism.store.topics import has_topic


def outlet_by_domain(conn: Connection, domain: str) -> dict[str, Any] | None:
    if "\x00" in domain:  # PostgreSQL refuses NUL in text; no domain has one
        return None
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


# --- story listings with filters --------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoryFilters:
    """What a listing may be narrowed to; every field left None filters nothing."""

    side: str | None = None  # at least one source on this side (left/center/right)
    blindspot: str | None = None  # coverage's "blindspot" is this side
    outlet_domain: str | None = None  # an article from this outlet
    language: str | None = None  # an article in this language (ISO 639-1)
    since: datetime | None = None  # seen on or after (last_seen >= since)
    until: datetime | None = None  # begun on or before (first_seen <= until)
    topic: str | None = None  # the story has this topic (its slug; store/topics.py)


def filtered_stories(
    conn: Connection,
    filters: StoryFilters,
    *,
    limit: int = 30,
    offset: int = 0,
    order: str = "biggest",
) -> list[dict[str, Any]]:
    """Stories for a listing, as ``stories.list_stories`` orders them: "biggest" (most
    sources, then newest) or "latest"."""
    ordering = (
        (stories.c.last_seen.desc(), stories.c.id.desc())
        if order == "latest"
        else (stories.c.source_count.desc(), stories.c.last_seen.desc(), stories.c.id.desc())
    )
    rows = conn.execute(
        select(stories)
        .where(*_conditions(conn, filters))
        .order_by(*ordering)
        .limit(limit)
        .offset(offset)
    )
    return [_story_dict(row) for row in rows]


def count_filtered_stories(conn: Connection, filters: StoryFilters) -> int:
    return conn.execute(
        select(func.count()).select_from(stories).where(*_conditions(conn, filters))
    ).scalar_one()


def _conditions(conn: Connection, filters: StoryFilters) -> list[ColumnElement[bool]]:
    conditions = [stories.c.merged_into.is_(None), stories.c.source_count >= 1]
    if filters.side:
        count = _coverage_value(conn, "sides", filters.side)
        conditions.append(cast(count, Integer) > 0)
    if filters.blindspot:
        conditions.append(_coverage_value(conn, "blindspot") == filters.blindspot)
    # PostgreSQL refuses NUL in text; no stored domain or language has one.
    if "\x00" in (filters.outlet_domain or "") + (filters.language or ""):
        conditions.append(false())
    elif filters.outlet_domain:
        conditions.append(
            exists().where(
                articles.c.story_id == stories.c.id,
                articles.c.outlet_id == outlets.c.id,
                outlets.c.domain == filters.outlet_domain,
            )
        )
    if filters.language and "\x00" not in filters.language:
        conditions.append(
            exists().where(
                articles.c.story_id == stories.c.id,
                func.lower(articles.c.language) == filters.language.lower(),
            )
        )
    if filters.since:
        conditions.append(stories.c.last_seen >= _in_utc(filters.since))
    if filters.until:
        conditions.append(stories.c.first_seen <= _in_utc(filters.until))
    if filters.topic:
        conditions.append(has_topic(filters.topic))
    return conditions


def _in_utc(value: datetime) -> datetime:
    """SQLite keeps times as text without a zone: compare in UTC, as everything is
    stored; a naive time is UTC already. Times at the ends of the calendar that have
    no UTC equivalent (year 1 east of Greenwich) become its first or last moment."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return (datetime.min if value.year == 1 else datetime.max).replace(tzinfo=UTC)


def _coverage_value(conn: Connection, *path: str) -> ColumnElement[Any]:
    """A value of the stored coverage JSON (format: coverage/README-format.md), as text."""
    if conn.dialect.name == "postgresql":
        return cast(stories.c.coverage_json, JSONB)[path].astext
    return cast(func.json_extract(stories.c.coverage_json, "$." + ".".join(path)), String)
