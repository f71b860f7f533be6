"""One value per outlet and axis from several raters' ratings.

The rule, the same everywhere an outlet's bias or factuality is shown:

* Each rater counts once, with its newest rating on that axis (the latest ``rated_on``;
  an undated rating is older than any dated one).
* The values become positions on the axis's scale (``BIAS_SCALE``: far-left = 0 ..
  far-right = 6; ``FACTUALITY_SCALE``: very-high = 0 .. very-low = 5) and are averaged.
* The average is rounded to the nearest position. A tie (exactly half-way) goes toward
  the center (position 3) for bias, so that two raters who disagree never make an
  outlet look more partisan than either; and toward the lower factuality (the higher
  position) for factuality, so that disagreement never flatters an outlet.

Values that are not on the scale are ignored; an axis with no usable rating has no value.
"""

from __future__ import annotations

import math
from fractions import Fraction

from newsprism.models import BIAS_AXIS, BIAS_SCALE, FACTUALITY_AXIS, FACTUALITY_SCALE, Rating

__all__ = ["SCALES", "combined_value", "raters_disagree"]

SCALES: dict[str, tuple[str, ...]] = {BIAS_AXIS: BIAS_SCALE, FACTUALITY_AXIS: FACTUALITY_SCALE}
_BIAS_CENTER = BIAS_SCALE.index("center")


def _newest_positions(ratings: list[Rating], axis: str) -> list[int]:
    """The scale position of each rater's newest rating on ``axis``."""
    scale = SCALES.get(axis)
    if scale is None:
        return []
    newest: dict[str, Rating] = {}
    for rating in ratings:
        if rating.axis != axis or rating.value not in scale:
            continue
        kept = newest.get(rating.rater)
        if kept is None or (rating.rated_on or "") > (kept.rated_on or ""):
            newest[rating.rater] = rating
    return [scale.index(rating.value) for rating in newest.values()]


def _round(mean: Fraction, *, tie_toward: int) -> int:
    low = math.floor(mean)
    if mean - low == Fraction(1, 2):
        return low + 1 if tie_toward > low else low
    return round(mean)


def combined_value(ratings: list[Rating], axis: str) -> str | None:
    """The outlet's value on ``axis`` by the rule in this module's docstring."""
    positions = _newest_positions(ratings, axis)
    if not positions:
        return None
    mean = Fraction(sum(positions), len(positions))
    scale = SCALES[axis]
    # Ties toward the center for bias; toward the bottom of the scale for factuality.
    tie_toward = _BIAS_CENTER if axis == BIAS_AXIS else len(scale) - 1
    return scale[_round(mean, tie_toward=tie_toward)]


def raters_disagree(ratings: list[Rating], axis: str) -> bool:
    """True when two raters' newest values on ``axis`` are two or more steps apart."""
    positions = _newest_positions(ratings, axis)
    return len(positions) > 1 and max(positions) - min(positions) >= 2
