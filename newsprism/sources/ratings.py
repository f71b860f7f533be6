"""One value per outlet and axis from several raters' ratings, or from a local override.

The axes and their scales are the catalogue ``SCALES`` below; a new axis is one entry.

The rule, the same everywhere an outlet's bias, factuality or other axis is shown:

* **An override wins.** When this instance's admin set an override on the axis
  (``newsprism sources override``), the newest override is the value, whatever the raters
  say, and it is shown as an override.
* Otherwise each rater counts once, with its newest rating on that axis (the latest
  ``rated_on``; an undated rating is older than any dated one). Older ratings of the same
  rater stay stored as history but do not count.
* The values become positions on the axis's scale (``BIAS_SCALE``: far-left = 0 ..
  far-right = 6; ``FACTUALITY_SCALE``: very-high = 0 .. very-low = 5) and are averaged.
* The average is rounded to the nearest position. A tie (exactly half-way) goes toward
  the center (position 3) for bias, so that two raters who disagree never make an
  outlet look more partisan than either; on every other axis toward the end of the scale
  (lower factuality, less reliable), so that disagreement never flatters an outlet.

Values that are not on the scale are ignored; an axis with no usable rating has no value.
Raters *disagree* on an axis when their newest values are two or more steps apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from newsprism.models import BIAS_AXIS, BIAS_SCALE, FACTUALITY_AXIS, FACTUALITY_SCALE, Rating

__all__ = [
    "SCALES",
    "WIKIPEDIA_AXIS",
    "WIKIPEDIA_SCALE",
    "Combined",
    "combine",
    "combined_value",
    "override_of",
    "raters_disagree",
    "superseded",
]

# Wikipedia's perennial-sources status: its own axis, most reliable first.
WIKIPEDIA_AXIS = "wikipedia-reliability"
WIKIPEDIA_SCALE: tuple[str, ...] = (
    "generally-reliable",
    "no-consensus",
    "generally-unreliable",
    "deprecated",
    "blacklisted",
)

SCALES: dict[str, tuple[str, ...]] = {
    BIAS_AXIS: BIAS_SCALE,
    FACTUALITY_AXIS: FACTUALITY_SCALE,
    WIKIPEDIA_AXIS: WIKIPEDIA_SCALE,
}
_BIAS_CENTER = BIAS_SCALE.index("center")


@dataclass(frozen=True, slots=True)
class Combined:
    """An outlet's value on one axis and how it came about."""

    axis: str
    value: str | None
    override: bool  # the value is a local override, not the raters'
    raters: tuple[str, ...]  # the raters whose newest ratings were combined
    raters_disagree: bool


def _newest(ratings: list[Rating], axis: str, *, overrides: bool) -> dict[str, Rating]:
    """Per rater, its newest on-scale rating on ``axis`` (overrides, or raters only)."""
    scale = SCALES.get(axis)
    if scale is None:
        return {}
    newest: dict[str, Rating] = {}
    for rating in ratings:
        if rating.axis != axis or rating.value not in scale or rating.is_override != overrides:
            continue
        kept = newest.get(rating.rater)
        if kept is None or (rating.rated_on or "") > (kept.rated_on or ""):
            newest[rating.rater] = rating
    return newest


def override_of(ratings: list[Rating], axis: str) -> Rating | None:
    """The newest local override on ``axis``, if any."""
    found = _newest(ratings, axis, overrides=True).values()
    return max(found, key=lambda rating: rating.rated_on or "", default=None)


def _round(mean: Fraction, *, tie_toward: int) -> int:
    low = math.floor(mean)
    if mean - low == Fraction(1, 2):
        return low + 1 if tie_toward > low else low
    return round(mean)


def _raters_value(newest: dict[str, Rating], axis: str) -> str | None:
    if not newest:
        return None
    scale = SCALES[axis]
    positions = [scale.index(rating.value) for rating in newest.values()]
    mean = Fraction(sum(positions), len(positions))
    # Ties toward the center for bias; toward the end of the scale on the other axes.
    tie_toward = _BIAS_CENTER if axis == BIAS_AXIS else len(scale) - 1
    return scale[_round(mean, tie_toward=tie_toward)]


def _disagree(newest: dict[str, Rating], axis: str) -> bool:
    positions = [SCALES[axis].index(rating.value) for rating in newest.values()]
    return len(positions) > 1 and max(positions) - min(positions) >= 2


def combine(ratings: list[Rating], axis: str) -> Combined:
    """The outlet's value on ``axis`` by the rule in this module's docstring, explained."""
    newest = _newest(ratings, axis, overrides=False)
    override = override_of(ratings, axis)
    return Combined(
        axis=axis,
        value=override.value if override else _raters_value(newest, axis),
        override=override is not None,
        raters=tuple(sorted(newest)),
        raters_disagree=bool(newest) and _disagree(newest, axis),
    )


def combined_value(ratings: list[Rating], axis: str) -> str | None:
    """The outlet's value on ``axis`` by the rule in this module's docstring."""
    return combine(ratings, axis).value


def raters_disagree(ratings: list[Rating], axis: str) -> bool:
    """True when two raters' newest values on ``axis`` are two or more steps apart.

    Overrides are not raters: an override does not hide the raters' disagreement.
    """
    return combine(ratings, axis).raters_disagree


def superseded(ratings: list[Rating]) -> list[bool]:
    """For each rating, whether a newer one of the same rater on its axis replaced it.

    Superseded ratings are history: stored and shown, never combined. (Overrides are
    rater ``local``: an older override is superseded by a newer one.)
    """
    newest: dict[tuple[str, str], str] = {}
    for rating in ratings:
        key = (rating.axis, rating.rater)
        newest[key] = max(newest.get(key, ""), rating.rated_on or "")
    seen: set[tuple[str, str]] = set()
    flags = []
    for rating in ratings:
        key = (rating.axis, rating.rater)
        # Only the first rating carrying the newest date counts (a key is unique per date).
        current = key not in seen and (rating.rated_on or "") == newest[key]
        if current:
            seen.add(key)
        flags.append(not current)
    return flags
