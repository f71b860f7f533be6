"""Reads only the web UI and JSON API need: one outlet by domain, feed health, events,
story listings filtered by side, blindspot, outlet, language and dates, and the lean
reads of the two busiest pages (the story page and the home page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Integer,
    String,
    Text,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from newsprism.store.db import as_utc
from newsprism.store.schema import articles, events, outlets, ratings, stories
from newsprism.store.stories import (
    listing_order,
    load_json,
    story_dict,
    story_following_merges,
)
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
    """The stories that pass ``filters``, in ``stories.listing_order``."""
    rows = conn.execute(
        select(stories)
        .where(*_conditions(conn, filters))
        .order_by(*listing_order(order))
        .limit(limit)
        .offset(offset)
    )
    return [story_dict(row) for row in rows]


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


# --- the story page and the home page ---------------------------------------------
# Read on every visit, so built once (no statement construction per request) and
# narrowed to the columns the pages show: an article's full text (kilobytes, on
# SQLite's overflow pages) and a story's centroid are never read here.

_STORY = select(
    stories.c.id,
    stories.c.title,
    stories.c.first_seen,
    stories.c.last_seen,
    stories.c.article_count,
    stories.c.source_count,
    stories.c.summary_json,
    stories.c.coverage_json,
    stories.c.updated_at,
    stories.c.merged_into,
).where(stories.c.id == bindparam("story_id"))

# The page shows the lede, or for an article without one the opening of its text.
_LEDE_OR_OPENING = func.coalesce(
    func.nullif(articles.c.lede, ""), func.substr(articles.c.text, 1, 400)
)

_PAGE_ARTICLES = (
    select(
        articles.c.id,
        articles.c.url,
        articles.c.title,
        _LEDE_OR_OPENING.label("lede"),
        articles.c.language,
        articles.c.published_at,
        articles.c.fetched_at,
        articles.c.syndicated_of,
        articles.c.grouping_json,
        articles.c.outlet_id,
        outlets.c.domain.label("outlet_domain"),
        outlets.c.name.label("outlet_name"),
        outlets.c.ownership_typology.label("outlet_ownership_typology"),
    )
    .select_from(articles.outerjoin(outlets, articles.c.outlet_id == outlets.c.id))
    .where(articles.c.story_id == bindparam("story_id"))
    .order_by(func.coalesce(articles.c.published_at, articles.c.fetched_at), articles.c.id)
)


def page_story(conn: Connection, story_id: int) -> dict[str, Any] | None:
    """``stories.get_story`` for the story page: the same dict, merges followed (the
    result's id may differ), without reading the centroid."""
    return story_following_merges(conn, story_id, _STORY)


def page_articles(conn: Connection, story_id: int) -> list[dict[str, Any]]:
    """A story's articles as the story page shows them, oldest first: what
    ``stories.story_articles`` gives less the full text, author and ids the page does
    not show; ``lede`` is the opening of the text where the article has none."""
    # All rows at once and unpacked by position: reading 200 rows one by one through
    # named attributes took longer than the query itself.
    rows = conn.execute(_PAGE_ARTICLES, {"story_id": story_id}).all()
    return [
        {
            "id": article_id,
            "url": url,
            "title": title,
            "lede": lede,
            "language": language,
            "published_at": as_utc(published_at),
            "fetched_at": as_utc(fetched_at),
            "syndicated_of": syndicated_of,
            "grouping": load_json(grouping) if grouping else None,
            "outlet_id": outlet_id,
            "outlet_domain": outlet_domain,
            "outlet_name": outlet_name,
            "outlet_ownership_typology": ownership,
        }
        for (
            article_id,
            url,
            title,
            lede,
            language,
            published_at,
            fetched_at,
            syndicated_of,
            grouping,
            outlet_id,
            outlet_domain,
            outlet_name,
            ownership,
        ) in rows
    ]


def listed_stories(
    conn: Connection,
    filters: StoryFilters,
    *,
    limit: int = 30,
    offset: int = 0,
    order: str = "biggest",
    outlets_named: int = 4,
) -> list[dict[str, Any]]:
    """``filtered_stories`` for a listing card: the story's counts and times, its side
    shares (``sides_percent``), the names of its first ``outlets_named`` outlets
    (``outlet_names``: name, else domain) and how many outlets it has
    (``outlet_count``). The coverage JSON (tens of kB for a big story) is read by the
    database, which hands back only these values: parsing it whole per story was
    most of the home page's time (bench/web.py)."""
    picked, outlet_count = _listing_values(conn, outlets_named)
    rows = conn.execute(
        select(
            stories.c.id,
            stories.c.title,
            stories.c.first_seen,
            stories.c.last_seen,
            stories.c.article_count,
            stories.c.source_count,
            picked.label("picked"),
            outlet_count.label("outlet_count"),
        )
        .where(*_conditions(conn, filters))
        .order_by(*listing_order(order))
        .limit(limit)
        .offset(offset)
    )
    listed = []
    for row in rows:
        # [sides_percent, name 1, domain 1, name 2, domain 2, ...]; all null without coverage
        values = orjson.loads(row.picked) if row.picked else [None] * (1 + 2 * outlets_named)
        names = [values[i] or values[i + 1] for i in range(1, len(values), 2)]
        count = row.outlet_count or 0
        listed.append(
            {
                "id": row.id,
                "title": row.title,
                "first_seen": as_utc(row.first_seen),
                "last_seen": as_utc(row.last_seen),
                "article_count": row.article_count,
                "source_count": row.source_count,
                "sides_percent": values[0],
                "outlet_names": names[: min(count, outlets_named)],
                "outlet_count": count,
            }
        )
    return listed


def _listing_values(
    conn: Connection, outlets_named: int
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The coverage values a listing card shows, as one JSON array (text), and the
    length of the coverage's outlet list."""
    if conn.dialect.name == "postgresql":
        document = cast(stories.c.coverage_json, JSONB)
        values = [document["sides_percent"]]
        for index in range(outlets_named):
            values += [
                document[("outlets", str(index), "name")],
                document[("outlets", str(index), "domain")],
            ]
        is_list = func.jsonb_typeof(document["outlets"]) == "array"
        return (
            cast(func.jsonb_build_array(*values), Text),
            case((is_list, func.jsonb_array_length(document["outlets"])), else_=0),
        )
    paths = ["$.sides_percent"]
    for index in range(outlets_named):
        paths += [f"$.outlets[{index}].name", f"$.outlets[{index}].domain"]
    # json_extract with several paths answers a JSON array of their values.
    return (
        func.json_extract(stories.c.coverage_json, *paths),
        func.json_array_length(stories.c.coverage_json, "$.outlets"),
    )
