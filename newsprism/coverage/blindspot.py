"""Blindspots: stories one side covers and the other side (nearly) ignores.

The one definition newsprism uses, for the ``blindspot`` of a story's coverage, the
blindspot feeds and the API's ``blindspot`` filter. Shares are of the story's *rated*
sources (distinct outlets with a bias rating): unrated outlets tell nothing about
which side is missing.

A story is a **blindspot for the left** when it has at least
``BLINDSPOT_MIN_RATED_SOURCES`` rated sources, at most ``BLINDSPOT_MAX_SHARE`` of them
lean left and at least ``BLINDSPOT_OTHER_SIDE_SHARE`` of them lean right; the same
the other way round. A story covered mostly by the center is nobody's blindspot.
"""

from __future__ import annotations

from collections.abc import Mapping

BLINDSPOT_SIDES = ("left", "right")
BLINDSPOT_MIN_RATED_SOURCES = 3
BLINDSPOT_MAX_SHARE = 0.2
BLINDSPOT_OTHER_SIDE_SHARE = 0.5

_OTHER_SIDE = {"left": "right", "right": "left"}


def blindspot_side(sides: Mapping[str, int]) -> str | None:
    """The side a story is a blindspot for ("left" or "right"), from its source counts
    per side (coverage's ``sides``); None when it is not a blindspot."""
    rated = sum(sides.get(side, 0) for side in ("left", "center", "right"))
    if rated < BLINDSPOT_MIN_RATED_SOURCES:
        return None
    for side in BLINDSPOT_SIDES:
        missing = sides.get(side, 0) / rated
        other = sides.get(_OTHER_SIDE[side], 0) / rated
        if missing <= BLINDSPOT_MAX_SHARE and other >= BLINDSPOT_OTHER_SIDE_SHARE:
            return side
    return None
