"""Story corrections made by people: merge two stories, split articles off into a new
story, move an article. Each is one transaction that moves the articles, brings the
touched stories' numbers up to date, pins the articles a person placed, writes an
audit row and bumps ``corrections_version``.

That meta row is also a lock: a correction and a clustering batch both update it first
(``lock_corrections_version``), so they never interleave, and the pipeline sees from
its value that its in-memory open stories no longer match the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Select, func, insert, or_, select, update

from newsprism.store.db import as_utc, utcnow
from newsprism.store.outlets import get_meta, set_meta
from newsprism.store.schema import articles, meta, stories, story_corrections
from newsprism.store.stories import create_story

CORRECTIONS_VERSION_KEY = "corrections_version"
ACTIONS = ("merge", "split", "move")


class CorrectionError(ValueError):
    """A correction that makes no sense (merge a story into itself, ...)."""


class UnknownStory(CorrectionError):
    pass


class UnknownArticle(CorrectionError):
    pass


@dataclass(frozen=True, slots=True)
class Correction:
    """One row of the audit log.

    merge: ``source_story_id`` was absorbed by ``target_story_id`` (which keeps its id);
    split: ``article_ids`` left ``source_story_id`` for the new ``target_story_id``;
    move: ``article_ids`` (one) went from ``source_story_id`` to ``target_story_id``.
    """

    id: int
    at: datetime
    action: str
    source_story_id: int | None
    target_story_id: int | None
    article_ids: list[int]
    actor: str | None
    note: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "action": self.action,
            "source_story_id": self.source_story_id,
            "target_story_id": self.target_story_id,
            "article_ids": self.article_ids,
            "actor": self.actor,
            "note": self.note,
        }


# --- the version, and the lock it doubles as ------------------------------------------


def corrections_version(conn: Connection) -> int:
    """The id of the latest correction (0 before the first)."""
    return int(get_meta(conn, CORRECTIONS_VERSION_KEY) or 0)


def lock_corrections_version(conn: Connection) -> int:
    """Write-lock the version row until this transaction ends, and read it.

    A no-op UPDATE takes the lock on both backends: SQLite's write lock (the first
    write of a transaction), PostgreSQL's row lock. Run it first in the transaction so
    every later read sees the database as no concurrent correction can change it.
    """
    locked = conn.execute(
        update(meta).where(meta.c.key == CORRECTIONS_VERSION_KEY).values(value=meta.c.value)
    )
    if locked.rowcount == 0:  # a database whose migration did not insert the row
        set_meta(conn, CORRECTIONS_VERSION_KEY, "0")
    return corrections_version(conn)


# --- the three corrections -------------------------------------------------------------


def merge_stories(
    conn: Connection,
    *,
    source_id: int,
    target_id: int,
    actor: str | None = None,
    note: str | None = None,
) -> Correction:
    """Story ``source_id`` joins ``target_id``: its articles move there and its id
    redirects there from now on. The target keeps its id."""
    return _merge(conn, source_id, target_id, actor=actor, note=note, pin=True)


def merge_same_event(
    conn: Connection, *, source_id: int, target_id: int, score: float
) -> Correction:
    """The merge pass's merge: two stories the clusterer now scores as one event.

    Logged like a merge by hand (actor ``machine``), and the source's id redirects the
    same way, but its articles are not pinned — the machine placed them — and keep
    their "why grouped"."""
    note = f"merge pass: the two stories score {score:.3f} as one event"
    return _merge(conn, source_id, target_id, actor="machine", note=note, pin=False)


def _merge(
    conn: Connection,
    source_id: int,
    target_id: int,
    *,
    actor: str | None,
    note: str | None,
    pin: bool,
) -> Correction:
    """Both merges; ``pin``: the moved articles are placed by a person (pinned, their
    "why grouped" replaced), not by the machine."""
    lock_corrections_version(conn)
    if source_id == target_id:
        raise CorrectionError(f"cannot merge story {source_id} into itself")
    _open_story(conn, source_id, role="merge")
    _open_story(conn, target_id, role="merge into")
    moved = _article_ids_of(conn, source_id)
    correction = _record(
        conn,
        action="merge",
        source_story_id=source_id,
        target_story_id=target_id,
        article_ids=moved,
        actor=actor,
        note=note,
    )
    if pin:
        _place(conn, moved, story_id=target_id, correction=correction)
    else:
        conn.execute(update(articles).where(articles.c.id.in_(moved)).values(story_id=target_id))
    _absorb(conn, source_id, into=target_id)
    _recompute(conn, target_id)
    return correction


def merge_emptied_by_settling(
    conn: Connection, *, source_id: int, target_id: int, article_ids: list[int]
) -> Correction:
    """Settling grouped every article of ``source_id`` elsewhere (they are already
    moved): its id redirects to ``target_id``, the story that took most of them, and
    the log says so like any machine merge (actor ``machine``)."""
    lock_corrections_version(conn)
    correction = _record(
        conn,
        action="merge",
        source_story_id=source_id,
        target_story_id=target_id,
        article_ids=article_ids,
        actor="machine",
        note="settling: its articles were grouped again, most of them into this story",
    )
    _absorb(conn, source_id, into=target_id)
    return correction


def corrected_by_people_among(conn: Connection, story_ids: Iterable[int]) -> set[int]:
    """Of ``story_ids``, the stories people corrected: a pinned article, or a
    correction not made by the machine. The merge pass and settling leave them alone."""
    ids = sorted(set(story_ids))
    if not ids:
        return set()
    pinned = select(articles.c.story_id).where(
        articles.c.story_id.in_(ids), articles.c.pinned.is_(True)
    )
    found = set(conn.execute(pinned.distinct()).scalars())
    by_people = or_(story_corrections.c.actor.is_(None), story_corrections.c.actor != "machine")
    for column in (story_corrections.c.source_story_id, story_corrections.c.target_story_id):
        query = select(column).where(column.in_(ids), by_people).distinct()
        found.update(conn.execute(query).scalars())
    return found


def split_story(
    conn: Connection,
    *,
    story_id: int,
    article_ids: list[int],
    actor: str | None = None,
    note: str | None = None,
) -> Correction:
    """The given articles of ``story_id`` leave it for a new story (``target_story_id``
    of the result); the rest stay, and the story keeps its id."""
    lock_corrections_version(conn)
    _open_story(conn, story_id, role="split")
    chosen = sorted(set(article_ids))
    if not chosen:
        raise CorrectionError("name at least one article to split off")
    members = set(_article_ids_of(conn, story_id))
    for article_id in chosen:
        if article_id not in members:
            _article_story(conn, article_id)  # unknown article: UnknownArticle
            raise CorrectionError(f"article {article_id} is not in story {story_id}")
    if len(chosen) == len(members):
        raise CorrectionError(
            f"splitting off every article of story {story_id} would leave it empty; "
            "name only the articles that belong elsewhere"
        )
    first = conn.execute(
        select(articles.c.title, _when().label("when"))
        .where(articles.c.id.in_(chosen))
        .order_by(_when(), articles.c.id)
        .limit(1)
    ).one()
    # The title is provisional: the refresh step picks the representative headline.
    new_id = create_story(conn, title=first.title, first_seen=as_utc(first.when), centroid=b"")
    correction = _record(
        conn,
        action="split",
        source_story_id=story_id,
        target_story_id=new_id,
        article_ids=chosen,
        actor=actor,
        note=note,
    )
    _place(conn, chosen, story_id=new_id, correction=correction)
    _recompute(conn, story_id)
    _recompute(conn, new_id)
    return correction


def move_article(
    conn: Connection,
    *,
    article_id: int,
    story_id: int,
    actor: str | None = None,
    note: str | None = None,
) -> Correction:
    """Article ``article_id`` leaves its story for ``story_id``. A story left without
    articles redirects to ``story_id``, like a merged one."""
    lock_corrections_version(conn)
    current = _article_story(conn, article_id)
    if current is None:
        # Refused rather than placed: the pipeline may be clustering it right now.
        raise CorrectionError(
            f"article {article_id} is not in a story yet; move it once it has been clustered"
        )
    if current == story_id:
        raise CorrectionError(f"article {article_id} is already in story {story_id}")
    _open_story(conn, story_id, role="move an article into")
    correction = _record(
        conn,
        action="move",
        source_story_id=current,
        target_story_id=story_id,
        article_ids=[article_id],
        actor=actor,
        note=note,
    )
    _place(conn, [article_id], story_id=story_id, correction=correction)
    if _article_ids_of(conn, current):
        _recompute(conn, current)
    else:
        _absorb(conn, current, into=story_id)
    _recompute(conn, story_id)
    return correction


# --- the audit log -----------------------------------------------------------------------


def list_corrections(
    conn: Connection, *, limit: int = 50, offset: int = 0, story_id: int | None = None
) -> list[Correction]:
    """The audit log, newest first; with ``story_id``, the corrections that touched it."""
    rows = conn.execute(
        _touching(select(story_corrections), story_id)
        .order_by(story_corrections.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_correction(row) for row in rows]


def count_corrections(conn: Connection, *, story_id: int | None = None) -> int:
    query = select(func.count()).select_from(story_corrections)
    return conn.execute(_touching(query, story_id)).scalar_one()


def _touching(query: Select[Any], story_id: int | None) -> Select[Any]:
    if story_id is None:
        return query
    return query.where(
        (story_corrections.c.source_story_id == story_id)
        | (story_corrections.c.target_story_id == story_id)
    )


def pinned_article_ids(conn: Connection, story_id: int) -> list[int]:
    """The articles of a story that a person placed there."""
    return list(
        conn.execute(
            select(articles.c.id)
            .where(articles.c.story_id == story_id, articles.c.pinned.is_(True))
            .order_by(articles.c.id)
        ).scalars()
    )


# --- internals -----------------------------------------------------------------------------


def _when() -> Any:
    return func.coalesce(articles.c.published_at, articles.c.fetched_at)


def _open_story(conn: Connection, story_id: int, *, role: str) -> None:
    """Refuse an unknown story, or one already merged into another."""
    row = conn.execute(
        select(stories.c.id, stories.c.merged_into).where(stories.c.id == story_id)
    ).first()
    if row is None:
        raise UnknownStory(f"no story {story_id}")
    if row.merged_into is not None:
        raise CorrectionError(
            f"cannot {role} story {story_id}: it was merged into story {row.merged_into}"
        )


def _article_story(conn: Connection, article_id: int) -> int | None:
    row = conn.execute(select(articles.c.story_id).where(articles.c.id == article_id)).first()
    if row is None:
        raise UnknownArticle(f"no article {article_id}")
    return row.story_id


def _article_ids_of(conn: Connection, story_id: int) -> list[int]:
    return list(
        conn.execute(
            select(articles.c.id).where(articles.c.story_id == story_id).order_by(articles.c.id)
        ).scalars()
    )


def _record(
    conn: Connection,
    *,
    action: str,
    source_story_id: int | None,
    target_story_id: int | None,
    article_ids: list[int],
    actor: str | None,
    note: str | None,
) -> Correction:
    at = utcnow()
    correction_id = conn.execute(
        insert(story_corrections).values(
            at=at,
            action=action,
            source_story_id=source_story_id,
            target_story_id=target_story_id,
            article_ids_json=json.dumps(article_ids),
            actor=actor,
            note=note,
        )
    ).inserted_primary_key[0]
    set_meta(conn, CORRECTIONS_VERSION_KEY, str(correction_id))
    return Correction(
        id=correction_id,
        at=at,
        action=action,
        source_story_id=source_story_id,
        target_story_id=target_story_id,
        article_ids=article_ids,
        actor=actor,
        note=note,
    )


def _place(
    conn: Connection, article_ids: list[int], *, story_id: int, correction: Correction
) -> None:
    """Put articles into a story by hand: pinned, and the clusterer's score and
    "why grouped" replaced by the correction that placed them there."""
    if not article_ids:
        return
    grouping = {
        "corrected": {
            "correction_id": correction.id,
            "action": correction.action,
            "from_story_id": correction.source_story_id,
            "note": correction.note,
        }
    }
    conn.execute(
        update(articles)
        .where(articles.c.id.in_(article_ids))
        .values(
            story_id=story_id,
            pinned=True,
            similarity=None,
            grouping_json=json.dumps(grouping, ensure_ascii=False),
        )
    )


def _absorb(conn: Connection, story_id: int, *, into: int) -> None:
    """``story_id`` (now without articles) redirects to ``into``; so do the stories
    merged into it before, directly (no chains to follow)."""
    conn.execute(
        update(stories)
        .where(stories.c.merged_into == story_id)
        .values(merged_into=into, updated_at=utcnow())
    )
    conn.execute(
        update(stories)
        .where(stories.c.id == story_id)
        .values(
            merged_into=into,
            article_count=0,
            source_count=0,
            centroid=None,
            needs_refresh=False,
            updated_at=utcnow(),
        )
    )


def _recompute(conn: Connection, story_id: int) -> None:
    """Counts, first/last seen and centroid from the story's articles as they are now
    (what ``save_story_state`` keeps while clustering), and mark it for refresh."""
    when = _when()
    counts = conn.execute(
        select(
            func.count(articles.c.id),
            func.count(func.distinct(articles.c.outlet_id)),
            func.min(when),
            func.max(when),
        ).where(articles.c.story_id == story_id)
    ).one()
    embeddings = conn.execute(
        select(articles.c.embedding).where(
            articles.c.story_id == story_id, articles.c.embedding.is_not(None)
        )
    ).scalars()
    # The same layout as the clusterer writes: the float32 sum of the members' vectors.
    vectors = [np.frombuffer(data, dtype=np.float32) for data in embeddings]
    centroid = np.sum(vectors, axis=0, dtype=np.float32).tobytes() if vectors else None
    conn.execute(
        update(stories)
        .where(stories.c.id == story_id)
        .values(
            article_count=counts[0],
            source_count=counts[1],
            first_seen=counts[2],
            last_seen=counts[3],
            centroid=centroid,
            needs_refresh=True,
            updated_at=utcnow(),
        )
    )


def _correction(row: Any) -> Correction:
    return Correction(
        id=row.id,
        at=as_utc(row.at),
        action=row.action,
        source_story_id=row.source_story_id,
        target_story_id=row.target_story_id,
        article_ids=json.loads(row.article_ids_json),
        actor=row.actor,
        note=row.note,
    )
