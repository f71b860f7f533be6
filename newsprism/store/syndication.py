"""Syndicated copies: LSH bands of article signatures, and the copy → original links."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, or_, select, update

from newsprism.store.db import as_utc
from newsprism.store.outlets import get_meta, set_meta
from newsprism.store.schema import articles, outlets, stories, syndication_bands

# The id of the last article the syndication step has looked at.
CHECKED_UP_TO_KEY = "syndication_checked_up_to"
# When old bands were last pruned (ISO time).
BANDS_PRUNED_AT_KEY = "syndication_bands_pruned_at"

_WHEN = func.coalesce(articles.c.published_at, articles.c.fetched_at)


@dataclass(slots=True)
class ArticleText:
    id: int
    when: datetime
    text: str
    syndicated_of: int | None = None


def checked_up_to(conn: Connection) -> int:
    return int(get_meta(conn, CHECKED_UP_TO_KEY) or 0)


def set_checked_up_to(conn: Connection, article_id: int) -> None:
    set_meta(conn, CHECKED_UP_TO_KEY, str(article_id))


def bands_pruned_at(conn: Connection) -> datetime | None:
    value = get_meta(conn, BANDS_PRUNED_AT_KEY)
    return as_utc(datetime.fromisoformat(value)) if value else None


def set_bands_pruned_at(conn: Connection, when: datetime) -> None:
    set_meta(conn, BANDS_PRUNED_AT_KEY, when.isoformat())


def prune_bands(conn: Connection, *, published_before: datetime) -> int:
    """Drop the bands of articles published before ``published_before``; how many rows
    went (the articles and their copy links stay)."""
    result = conn.execute(
        delete(syndication_bands).where(syndication_bands.c.published_at < published_before)
    )
    return result.rowcount or 0


def count_to_check(conn: Connection) -> int:
    """How many articles the syndication step has not looked at yet."""
    after = checked_up_to(conn)
    return conn.execute(
        select(func.count()).select_from(articles).where(articles.c.id > after)
    ).scalar_one()


def articles_to_check(conn: Connection, *, after_id: int, limit: int) -> list[ArticleText]:
    """Articles stored after the last one checked, in id (storage) order."""
    rows = conn.execute(
        select(articles.c.id, _WHEN.label("when"), articles.c.text, articles.c.syndicated_of)
        .where(articles.c.id > after_id)
        .order_by(articles.c.id)
        .limit(limit)
    )
    return [_article_text(row) for row in rows]


# Statements run once per article checked, built once (building and caching a
# statement costs more than SQLite running it).
_DELETE_BANDS = delete(syndication_bands).where(
    syndication_bands.c.article_id == bindparam("article_id")
)
_INSERT_BAND = insert(syndication_bands)
_SHARING_BANDS = (
    select(syndication_bands.c.article_id)
    .where(
        syndication_bands.c.band.in_(bindparam("keys", expanding=True)),
        syndication_bands.c.article_id != bindparam("exclude_id"),
        syndication_bands.c.published_at >= bindparam("since"),
        syndication_bands.c.published_at <= bindparam("until"),
    )
    .distinct()
    .order_by(syndication_bands.c.article_id)
)
_COPY_CANDIDATES = (
    select(articles.c.id, articles.c.syndicated_of)
    .where(articles.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(articles.c.id)
)
_TEXT = select(articles.c.text).where(articles.c.id == bindparam("article_id"))


def store_bands(
    conn: Connection, article_id: int, keys: list[str], *, published_at: datetime
) -> None:
    # Replacing, not adding: re-checking an article (the meta key reset) stays valid.
    conn.execute(_DELETE_BANDS, {"article_id": article_id})
    conn.execute(
        _INSERT_BAND,
        [{"band": key, "article_id": article_id, "published_at": published_at} for key in keys],
    )


def candidates_sharing_bands(
    conn: Connection, keys: list[str], *, exclude_id: int, since: datetime, until: datetime
) -> list[int]:
    """Articles published in the window that share at least one band with ``keys``."""
    rows = conn.execute(
        _SHARING_BANDS, {"keys": keys, "exclude_id": exclude_id, "since": since, "until": until}
    )
    return list(rows.scalars())


@dataclass(slots=True)
class CopyCandidate:
    id: int
    syndicated_of: int | None


def copy_candidates(conn: Connection, article_ids: list[int]) -> list[CopyCandidate]:
    """Each article's id and the original it is a copy of (texts are read only when
    needed: ``article_text``)."""
    if not article_ids:
        return []
    rows = conn.execute(_COPY_CANDIDATES, {"ids": article_ids})
    return [CopyCandidate(id=row.id, syndicated_of=row.syndicated_of) for row in rows]


def article_text(conn: Connection, article_id: int) -> str:
    return conn.execute(_TEXT, {"article_id": article_id}).scalar_one() or ""


def article_times(conn: Connection, article_ids: list[int]) -> dict[int, datetime]:
    """Publication time (else fetch time) of each article."""
    rows = conn.execute(
        select(articles.c.id, _WHEN.label("when")).where(articles.c.id.in_(article_ids))
    )
    return {row.id: as_utc(row.when) for row in rows}


def set_syndicated_of(conn: Connection, article_id: int, original_id: int) -> None:
    conn.execute(
        update(articles).where(articles.c.id == article_id).values(syndicated_of=original_id)
    )
    _refresh_stories_of(conn, [article_id])


def repoint_copies(conn: Connection, *, from_ids: list[int], to_id: int) -> None:
    """Make ``from_ids`` and every copy of them copies of ``to_id``."""
    condition = or_(articles.c.id.in_(from_ids), articles.c.syndicated_of.in_(from_ids))
    changed = list(conn.execute(select(articles.c.id).where(condition)).scalars())
    conn.execute(update(articles).where(condition).values(syndicated_of=to_id))
    _refresh_stories_of(conn, changed)


def _refresh_stories_of(conn: Connection, article_ids: list[int]) -> None:
    """Stories whose original counts just changed get their coverage recomputed."""
    story_ids = select(articles.c.story_id).where(
        articles.c.id.in_(article_ids), articles.c.story_id.is_not(None)
    )
    conn.execute(update(stories).where(stories.c.id.in_(story_ids)).values(needs_refresh=True))


def original_counts(conn: Connection, story_ids: Iterable[int]) -> dict[int, int]:
    """Distinct texts per story: articles not copies, plus one per copied text whose
    original lies outside the story (the same rule as the coverage numbers)."""
    story_ids = list(story_ids)
    if not story_ids:
        return {}
    text_root = func.coalesce(articles.c.syndicated_of, articles.c.id)
    rows = conn.execute(
        select(articles.c.story_id, func.count(func.distinct(text_root)))
        .where(articles.c.story_id.in_(story_ids))
        .group_by(articles.c.story_id)
    )
    return {row[0]: row[1] for row in rows}


def originals_of(conn: Connection, article_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The articles copies point at: enough to link to one outside the story."""
    if not article_ids:
        return {}
    rows = conn.execute(
        select(
            articles.c.id,
            articles.c.url,
            articles.c.title,
            articles.c.story_id,
            outlets.c.domain.label("outlet_domain"),
            outlets.c.name.label("outlet_name"),
        )
        .select_from(articles.outerjoin(outlets, articles.c.outlet_id == outlets.c.id))
        .where(articles.c.id.in_(article_ids))
    )
    return {row.id: dict(row._mapping) for row in rows}


def _article_text(row: Any) -> ArticleText:
    return ArticleText(
        id=row.id, when=as_utc(row.when), text=row.text or "", syndicated_of=row.syndicated_of
    )
