"""Stories: the clustering state, and the reads the pages and exports need."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Select, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from newsprism.models import ArticleForClustering
from newsprism.store.db import as_utc, utcnow
from newsprism.store.schema import articles, outlets, stories


@dataclass(slots=True)
class StoryState:
    """What the online clusterer keeps of an open story."""

    id: int
    title: str
    centroid: bytes | None
    article_count: int
    first_seen: datetime
    last_seen: datetime


# --- clustering state -------------------------------------------------------------


def unassigned_articles(
    conn: Connection,
    *,
    limit: int | None = None,
    after: ArticleForClustering | None = None,
) -> list[ArticleForClustering]:
    """Articles not yet in a story, oldest first (clustering is order-dependent);
    ``after``: only those that come after that article in this order."""
    when = func.coalesce(articles.c.published_at, articles.c.fetched_at)
    query = (
        select(
            articles.c.id,
            articles.c.title,
            articles.c.lede,
            articles.c.text,
            when.label("when"),
            articles.c.outlet_id,
            articles.c.language,
        )
        .where(articles.c.story_id.is_(None))
        .order_by(when, articles.c.id)
    )
    if after is not None:
        query = query.where(
            or_(when > after.published, and_(when == after.published, articles.c.id > after.id))
        )
    if limit:
        query = query.limit(limit)
    return [
        ArticleForClustering(
            id=row.id,
            title=row.title,
            lede=row.lede,
            published=as_utc(row.when),
            outlet_id=row.outlet_id,
            language=row.language,
            text=row.text,
        )
        for row in conn.execute(query)
    ]


def count_unassigned(conn: Connection) -> int:
    return conn.execute(
        select(func.count()).select_from(articles).where(articles.c.story_id.is_(None))
    ).scalar_one()


def count_needing_refresh(conn: Connection) -> int:
    return conn.execute(
        select(func.count())
        .select_from(stories)
        .where(stories.c.needs_refresh.is_(True), stories.c.merged_into.is_(None))
    ).scalar_one()


# The clustering pass runs these once per article: built once (see store/articles.py).
_INSERT_STORY = insert(stories)
_ATTACH = (
    update(articles)
    .where(articles.c.id == bindparam("article_id"))
    .values(
        story_id=bindparam("to_story"),
        similarity=bindparam("to_similarity"),
        embedding=bindparam("to_embedding"),
        grouping_json=bindparam("to_grouping"),
    )
)
_STORY_COUNTS = select(
    func.count(articles.c.id), func.count(func.distinct(articles.c.outlet_id))
).where(articles.c.story_id == bindparam("story_id"))


def create_story(conn: Connection, *, title: str, first_seen: datetime, centroid: bytes) -> int:
    return conn.execute(
        _INSERT_STORY,
        {
            "title": title,
            "first_seen": first_seen,
            "last_seen": first_seen,
            "centroid": centroid,
            "article_count": 0,
            "source_count": 0,
            "needs_refresh": True,
            "updated_at": utcnow(),
        },
    ).inserted_primary_key[0]


def attach_article(
    conn: Connection,
    *,
    article_id: int,
    story_id: int,
    similarity: float | None,
    embedding: bytes | None = None,
    grouping: dict[str, Any] | None = None,
) -> None:
    if embedding is not None and grouping is not None:
        conn.execute(
            _ATTACH,
            {
                "article_id": article_id,
                "to_story": story_id,
                "to_similarity": similarity,
                "to_embedding": embedding,
                "to_grouping": json.dumps(grouping, ensure_ascii=False),
            },
        )
        return
    values: dict[str, Any] = {"story_id": story_id, "similarity": similarity}
    if embedding is not None:
        values["embedding"] = embedding
    if grouping is not None:
        values["grouping_json"] = json.dumps(grouping, ensure_ascii=False)
    conn.execute(update(articles).where(articles.c.id == article_id).values(**values))


def save_story_state(conn: Connection, state: StoryState) -> None:
    """Write back centroid, counts and times after articles joined a story."""
    counts = conn.execute(_STORY_COUNTS, {"story_id": state.id}).one()
    # An empty title keeps the stored one (the refresh step picks the representative).
    title = {"title": state.title} if state.title else {}
    conn.execute(
        update(stories)
        .where(stories.c.id == state.id)
        .values(
            **title,
            centroid=state.centroid,
            article_count=counts[0],
            source_count=counts[1],
            first_seen=state.first_seen,
            last_seen=state.last_seen,
            needs_refresh=True,
            updated_at=utcnow(),
        )
    )


def stories_needing_refresh(conn: Connection, *, limit: int = 500) -> list[int]:
    return list(
        conn.execute(
            select(stories.c.id)
            .where(stories.c.needs_refresh.is_(True), stories.c.merged_into.is_(None))
            .order_by(stories.c.id)
            .limit(limit)
        ).scalars()
    )


def save_story_refresh(
    conn: Connection,
    story_id: int,
    *,
    title: str,
    summary: dict[str, Any],
    coverage: dict[str, Any],
) -> None:
    conn.execute(
        update(stories)
        .where(stories.c.id == story_id)
        .values(
            title=title,
            summary_json=json.dumps(summary, ensure_ascii=False),
            coverage_json=json.dumps(coverage, ensure_ascii=False),
            needs_refresh=False,
            updated_at=utcnow(),
        )
    )


# --- reads for pages, API and export ----------------------------------------------


def count_stories(conn: Connection) -> int:
    return conn.execute(
        select(func.count()).select_from(stories).where(stories.c.merged_into.is_(None))
    ).scalar_one()


def list_stories(
    conn: Connection,
    *,
    limit: int = 30,
    offset: int = 0,
    min_sources: int = 1,
    order: str = "biggest",
) -> list[dict[str, Any]]:
    """Stories for a listing, in ``listing_order``."""
    rows = conn.execute(
        select(stories)
        .where(stories.c.merged_into.is_(None), stories.c.source_count >= min_sources)
        .order_by(*listing_order(order))
        .limit(limit)
        .offset(offset)
    )
    return [story_dict(row) for row in rows]


def listing_order(order: str) -> tuple[ColumnElement[Any], ...]:
    """How every listing orders stories: "latest" (newest first) or else "biggest"
    (most sources, then newest); the id breaks ties so pages never overlap."""
    if order == "latest":
        return (stories.c.last_seen.desc(), stories.c.id.desc())
    return (stories.c.source_count.desc(), stories.c.last_seen.desc(), stories.c.id.desc())


_WHOLE_STORY = select(stories).where(stories.c.id == bindparam("story_id"))


def get_story(conn: Connection, story_id: int) -> dict[str, Any] | None:
    """The story, following merge redirects (the result's id may differ)."""
    return story_following_merges(conn, story_id, _WHOLE_STORY)


def story_following_merges(
    conn: Connection, story_id: int, statement: Select[Any]
) -> dict[str, Any] | None:
    """The story ``statement`` reads (story columns with ``merged_into``, selected by
    the bind parameter ``story_id``), following merge redirects to the story that
    absorbed it; None for an unknown id or a redirect loop."""
    seen: set[int] = set()
    while story_id not in seen:
        seen.add(story_id)
        row = conn.execute(statement, {"story_id": story_id}).first()
        if row is None:
            return None
        if row.merged_into is None:
            return story_dict(row)
        story_id = row.merged_into
    return None


def iter_all_story_ids(conn: Connection) -> Iterable[int]:
    return conn.execute(
        select(stories.c.id).where(stories.c.merged_into.is_(None)).order_by(stories.c.id)
    ).scalars()


def story_articles(conn: Connection, story_id: int) -> list[dict[str, Any]]:
    """A story's articles with their outlet, oldest first."""
    rows = conn.execute(
        select(
            articles.c.id,
            articles.c.url,
            articles.c.canonical_url,
            articles.c.title,
            articles.c.lede,
            articles.c.text,
            articles.c.author,
            articles.c.language,
            articles.c.published_at,
            articles.c.fetched_at,
            articles.c.text_source,
            articles.c.similarity,
            articles.c.grouping_json,
            articles.c.external_id,
            articles.c.outlet_id,
            articles.c.syndicated_of,
            outlets.c.domain.label("outlet_domain"),
            outlets.c.name.label("outlet_name"),
            outlets.c.country.label("outlet_country"),
            outlets.c.language.label("outlet_language"),
            outlets.c.owner.label("outlet_owner"),
            outlets.c.ownership_typology.label("outlet_ownership_typology"),
        )
        .select_from(articles.outerjoin(outlets, articles.c.outlet_id == outlets.c.id))
        .where(articles.c.story_id == story_id)
        .order_by(func.coalesce(articles.c.published_at, articles.c.fetched_at), articles.c.id)
    )
    result = []
    for row in rows:
        item = dict(row._mapping)
        item["published_at"] = as_utc(item["published_at"])
        item["fetched_at"] = as_utc(item["fetched_at"])
        grouping = item.pop("grouping_json")
        item["grouping"] = load_json(grouping) if grouping else None
        result.append(item)
    return result


def stories_of_outlet(conn: Connection, outlet_id: int, *, limit: int = 20) -> list[dict[str, Any]]:
    story_ids = (
        select(articles.c.story_id)
        .where(articles.c.outlet_id == outlet_id, articles.c.story_id.is_not(None))
        .distinct()
    )
    rows = conn.execute(
        select(stories)
        .where(stories.c.id.in_(story_ids), stories.c.merged_into.is_(None))
        .order_by(stories.c.last_seen.desc())
        .limit(limit)
    )
    return [story_dict(row) for row in rows]


def load_json(text: str) -> Any:
    """A stored JSON column, parsed with orjson: listings parse a coverage object of
    tens of kB per story, ~2.5× faster than the standard library (bench/web.py). What
    orjson refuses and ``json.dumps`` may have written (NaN, huge integers) is parsed
    by the standard library, as before."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def story_dict(row: Any) -> dict[str, Any]:
    """A story row as every reader of stories gets it: times in UTC, JSON parsed."""
    return {
        "id": row.id,
        "title": row.title,
        "first_seen": as_utc(row.first_seen),
        "last_seen": as_utc(row.last_seen),
        "article_count": row.article_count,
        "source_count": row.source_count,
        "summary": load_json(row.summary_json) if row.summary_json else None,
        "coverage": load_json(row.coverage_json) if row.coverage_json else None,
        "updated_at": as_utc(row.updated_at),
    }


def members_of_stories_seen_since(
    conn: Connection, *, seen_since: datetime
) -> list[dict[str, Any]]:
    """Articles (with embeddings) of open stories: what the clusterer reloads on start."""
    open_ids = select(stories.c.id).where(
        stories.c.last_seen >= seen_since, stories.c.merged_into.is_(None)
    )
    when = func.coalesce(articles.c.published_at, articles.c.fetched_at)
    rows = conn.execute(
        select(
            articles.c.id,
            articles.c.story_id,
            articles.c.title,
            articles.c.lede,
            articles.c.text,
            articles.c.embedding,
            when.label("when"),
        )
        .where(articles.c.story_id.in_(open_ids))
        .order_by(when, articles.c.id)
    )
    return [{**row._mapping, "when": as_utc(row.when)} for row in rows]


def clustering_texts(conn: Connection, article_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Title, lede and text of the given articles (what the clusterer reads), by id."""
    ids = sorted(set(article_ids))
    if not ids:
        return {}
    rows = conn.execute(
        select(articles.c.id, articles.c.title, articles.c.lede, articles.c.text).where(
            articles.c.id.in_(ids)
        )
    )
    return {row.id: dict(row._mapping) for row in rows}


def recent_clustered_texts(conn: Connection, *, before: datetime, limit: int) -> list[str]:
    """Title + text of the latest clustered articles before a time: the TF-IDF warm-up."""
    when = func.coalesce(articles.c.published_at, articles.c.fetched_at)
    rows = conn.execute(
        select(articles.c.title, articles.c.lede, articles.c.text)
        .where(articles.c.story_id.is_not(None), when < before)
        .order_by(when.desc(), articles.c.id.desc())
        .limit(limit)
    )
    return [f"{row.title} {row.text or row.lede}" for row in rows][::-1]


def article_embeddings(conn: Connection, story_id: int) -> dict[int, bytes]:
    rows = conn.execute(
        select(articles.c.id, articles.c.embedding).where(
            articles.c.story_id == story_id, articles.c.embedding.is_not(None)
        )
    )
    return {row.id: row.embedding for row in rows}


def story_ids_by_url_hash(conn: Connection) -> dict[str, int | None]:
    """Every article's URL hash and its story (what `eval stories` reads back)."""
    rows = conn.execute(select(articles.c.url_hash, articles.c.story_id))
    return {row.url_hash: row.story_id for row in rows}
