"""Reads about outlets and their raters for the explanatory pages (/how-we-count)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from newsprism.store.schema import ratings

__all__ = ["raters_in_force"]


def raters_in_force(conn: Connection) -> list[dict[str, Any]]:
    """Every rater with ratings in this instance: its licence(s), the axes it rates and
    how many outlets it rated (history included); local overrides come as their own
    rater, flagged ``override``. Most outlets first."""
    outlets_rated = conn.execute(
        select(
            ratings.c.rater,
            ratings.c.licence,
            ratings.c.is_override,
            func.count(func.distinct(ratings.c.outlet_id)).label("outlets"),
        ).group_by(ratings.c.rater, ratings.c.licence, ratings.c.is_override)
    )
    axes: dict[str, set[str]] = {}
    for rater, axis in conn.execute(select(ratings.c.rater, ratings.c.axis).distinct()):
        axes.setdefault(rater, set()).add(axis)
    found = [
        {
            "rater": row.rater,
            "licence": row.licence,
            "override": bool(row.is_override),
            "outlets": row.outlets,
            "axes": sorted(axes.get(row.rater, ())),
        }
        for row in outlets_rated
    ]
    found.sort(key=lambda entry: (entry["override"], -entry["outlets"], entry["rater"]))
    return found
