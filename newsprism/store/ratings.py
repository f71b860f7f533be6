"""Ratings: imports keyed on their natural key, history, local overrides.

A rating's natural key is (outlet, axis, rater, rated_on). Importing stores a rating
under its key once; a newer ``rated_on`` from the same rater adds a row beside the
older ones, which stay as history (``sources.ratings`` combines only the newest).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from newsprism.models import Rating
from newsprism.store.db import utcnow
from newsprism.store.schema import ratings

__all__ = [
    "OVERRIDE_LICENCE",
    "OVERRIDE_RATER",
    "RatingCounts",
    "clear_override",
    "set_override",
    "store_ratings",
]

# The rater and licence an override is stored under; no importer may use this rater.
OVERRIDE_RATER = "local"
OVERRIDE_LICENCE = "local override"


@dataclass(slots=True)
class RatingCounts:
    added: int = 0
    updated: int = 0  # same rater and date, another value, licence or source
    unchanged: int = 0


@dataclass(slots=True)
class _Stored:
    """What is known of one natural key while an import runs."""

    value: str
    licence: str
    source_url: str | None
    id: int | None = None  # None: inserted by this import, not yet flushed
    pending: dict[str, Any] = field(default_factory=dict)


def store_ratings(
    conn: Connection, items: list[tuple[int, Rating]], *, undated_on: str
) -> RatingCounts:
    """Store (outlet id, rating) pairs by their natural key; idempotent.

    A rating with a date is stored under it (a changed value for the same date replaces
    the old one: the rater corrected itself). A rating without a date is one the file
    does not date: when it repeats what that rater says now (its newest rating on the
    axis), nothing is stored, so importing the same file again on another day changes
    nothing; otherwise it is stored as of ``undated_on`` (the import's date) and, being
    the newest, supersedes the rater's older ratings, which stay as history.
    """
    counts = RatingCounts()
    raters = sorted({rating.rater for _, rating in items})
    if not raters:
        return counts
    stored: dict[tuple[int, str, str, str], _Stored] = {}
    newest: dict[tuple[int, str, str], tuple[str, str]] = {}  # -> (rated_on, value)
    # One query for everything these raters said before, rather than one per rating.
    for row in conn.execute(
        select(
            ratings.c.id,
            ratings.c.outlet_id,
            ratings.c.axis,
            ratings.c.rater,
            ratings.c.rated_on,
            ratings.c.value,
            ratings.c.licence,
            ratings.c.source_url,
        ).where(ratings.c.rater.in_(raters), ratings.c.is_override.is_(False))
    ):
        key = (row.outlet_id, row.axis, row.rater, row.rated_on or "")
        stored[key] = _Stored(row.value, row.licence, row.source_url, id=row.id)
        _note_newest(newest, key, row.value)
    inserts: list[dict[str, Any]] = []
    now = utcnow()
    for outlet_id, rating in items:
        rated_on = rating.rated_on or ""
        if not rated_on:
            current = newest.get((outlet_id, rating.axis, rating.rater))
            if current is not None and current[1] == rating.value:
                counts.unchanged += 1
                continue
            rated_on = undated_on
        key = (outlet_id, rating.axis, rating.rater, rated_on)
        known = stored.get(key)
        wanted = (rating.value, rating.licence, rating.source_url)
        if known is None:
            row = {
                "outlet_id": outlet_id,
                "axis": rating.axis,
                "value": rating.value,
                "rater": rating.rater,
                "licence": rating.licence,
                "rated_on": rated_on,
                "source_url": rating.source_url,
                "is_override": False,
                "imported_at": now,
            }
            inserts.append(row)
            stored[key] = _Stored(*wanted, pending=row)
            counts.added += 1
        elif (known.value, known.licence, known.source_url) == wanted:
            counts.unchanged += 1
        else:
            known.value, known.licence, known.source_url = wanted
            if known.id is None:  # the file rated the same outlet twice: the last one wins
                known.pending.update(value=rating.value, licence=rating.licence)
                known.pending.update(source_url=rating.source_url)
            else:
                conn.execute(
                    update(ratings)
                    .where(ratings.c.id == known.id)
                    .values(
                        value=rating.value, licence=rating.licence, source_url=rating.source_url
                    )
                )
                counts.updated += 1
        _note_newest(newest, key, rating.value)
    if inserts:
        conn.execute(insert(ratings), inserts)
    return counts


def _note_newest(
    newest: dict[tuple[int, str, str], tuple[str, str]],
    key: tuple[int, str, str, str],
    value: str,
) -> None:
    outlet_id, axis, rater, rated_on = key
    current = newest.get((outlet_id, axis, rater))
    if current is None or rated_on >= current[0]:
        newest[(outlet_id, axis, rater)] = (rated_on, value)


def set_override(
    conn: Connection, *, outlet_id: int, axis: str, value: str, on: str, note: str | None
) -> None:
    """Override an outlet's value on ``axis`` as of ``on``; again the same day replaces it.

    Stored as a rating of rater ``local`` with ``is_override`` set; the note goes into the
    row's ``source_url`` column, which an override has no other use for (read back as
    ``Rating.note`` by ``store.outlets``).
    """
    where = (
        ratings.c.outlet_id == outlet_id,
        ratings.c.axis == axis,
        ratings.c.rater == OVERRIDE_RATER,
        ratings.c.rated_on == on,
    )
    values = {"value": value, "source_url": note, "is_override": True, "imported_at": utcnow()}
    found = conn.execute(select(ratings.c.id).where(*where)).scalar()
    if found is not None:
        conn.execute(update(ratings).where(ratings.c.id == found).values(**values))
        return
    conn.execute(
        insert(ratings).values(
            outlet_id=outlet_id,
            axis=axis,
            rater=OVERRIDE_RATER,
            licence=OVERRIDE_LICENCE,
            rated_on=on,
            **values,
        )
    )


def clear_override(conn: Connection, *, outlet_id: int, axis: str) -> int:
    """Remove the outlet's overrides on ``axis``: the raters' value counts again."""
    return conn.execute(
        delete(ratings).where(
            ratings.c.outlet_id == outlet_id,
            ratings.c.axis == axis,
            ratings.c.is_override.is_(True),
        )
    ).rowcount
