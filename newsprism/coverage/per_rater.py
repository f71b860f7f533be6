"""A story's numbers per rater: how each rater alone would place the story's sources.

The combined numbers (``compute.py``) mix raters; researchers comparing raters need
each one's own view. Computed from the coverage object's ``outlets`` (each with every
rating it carries), so it needs no database and works on any stored coverage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from newsprism.models import BIAS_AXIS, side_of


def per_rater_numbers(coverage: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """``{rater: {axis: {"rated": n, "unrated": m, "values": {value: n}, "sides": {...}}}}``.

    Counts are of sources (distinct outlets), as everywhere; each outlet counts with the
    rater's newest rating on that axis; ``unrated`` is the story's sources that rater
    has no rating for. ``sides`` (left/center/right) is given for the bias axis only.
    """
    outlets = list((coverage or {}).get("outlets") or [])
    newest: dict[tuple[str, str], dict[int, tuple[str, str]]] = {}
    for index, outlet in enumerate(outlets):
        for rating in outlet.get("ratings") or []:
            rater, axis = rating.get("rater"), rating.get("axis")
            if not rater or not axis or not rating.get("value"):
                continue
            when = rating.get("rated_on") or ""
            known = newest.setdefault((rater, axis), {})
            if index not in known or when > known[index][0]:
                known[index] = (when, rating["value"])
    numbers: dict[str, dict[str, Any]] = {}
    for (rater, axis), by_outlet in sorted(newest.items()):
        values = Counter(value for _when, value in by_outlet.values())
        entry: dict[str, Any] = {
            "rated": len(by_outlet),
            "unrated": len(outlets) - len(by_outlet),
            "values": dict(sorted(values.items())),
        }
        if axis == BIAS_AXIS:
            sides = Counter(side_of(value) for value in values.elements())
            entry["sides"] = {side: sides.get(side, 0) for side in ("left", "center", "right")}
        numbers.setdefault(rater, {})[axis] = entry
    return numbers
