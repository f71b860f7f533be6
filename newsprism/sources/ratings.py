"""One value per outlet and axis from several raters' ratings, or from a local override.

The axes and their scales are ``sources.axes``: three built in (``SCALES`` below), and
those a catalogue declares, which reach the rule as the ``axes`` registry callers load
from the store (``store.axes.axis_registry``). Without one, the built-ins are used.

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
  outlet look more partisan than either; on factuality and Wikipedia reliability toward
  the end of the scale (lower factuality, less reliable), so that disagreement never
  flatters an outlet. An axis a catalogue declares names its own tie rule (``toward``:
  a value of its scale, or ``end``).

Values that are not on the scale are ignored (also after a catalogue re-declares an
axis with fewer values); an axis with no usable rating has no value.
Raters *disagree* on an axis when their newest values are two or more steps apart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from newsprism.models import Rating
from newsprism.sources.axes import BUILT_IN_AXES, WIKIPEDIA_AXIS, WIKIPEDIA_SCALE, Axis

__all__ = [
    "BUILT_IN_AXES",
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

# The built-in axes' scales by name (those that need no database).
SCALES: dict[str, tuple[str, ...]] = {name: axis.scale for name, axis in BUILT_IN_AXES.items()}
# What the rule is handed: axes by name (an ``AxisRegistry``, or the built-ins).
Axes = Mapping[str, Axis]


@dataclass(frozen=True, slots=True)
class Combined:
    """An outlet's value on one axis and how it came about."""

    axis: str
    value: str | None
    override: bool  # the value is a local override, not the raters'
    raters: tuple[str, ...]  # the raters whose newest ratings were combined
    raters_disagree: bool


def _newest(ratings: list[Rating], axis: str, *, overrides: bool, axes: Axes) -> dict[str, Rating]:
    """Per rater, its newest on-scale rating on ``axis`` (overrides, or raters only)."""
    known = axes.get(axis)
    if known is None:
        return {}
    scale = known.scale
    newest: dict[str, Rating] = {}
    for rating in ratings:
        if rating.axis != axis or rating.value not in scale or rating.is_override != overrides:
            continue
        kept = newest.get(rating.rater)
        if kept is None or (rating.rated_on or "") > (kept.rated_on or ""):
            newest[rating.rater] = rating
    return newest


def override_of(ratings: list[Rating], axis: str, *, axes: Axes = BUILT_IN_AXES) -> Rating | None:
    """The newest local override on ``axis``, if any."""
    found = _newest(ratings, axis, overrides=True, axes=axes).values()
    return max(found, key=lambda rating: rating.rated_on or "", default=None)


def _round(mean: Fraction, *, tie_toward: int) -> int:
    low = math.floor(mean)
    if mean - low == Fraction(1, 2):
        return low + 1 if tie_toward > low else low
    return round(mean)


def _raters_value(newest: dict[str, Rating], axis: Axis) -> str | None:
    if not newest:
        return None
    positions = [axis.scale.index(rating.value) for rating in newest.values()]
    mean = Fraction(sum(positions), len(positions))
    # Ties toward the axis's own value: the center for bias, the end of the scale on
    # factuality and Wikipedia reliability, what a catalogue declared on its axes.
    return axis.scale[_round(mean, tie_toward=axis.tie_position)]


def _disagree(newest: dict[str, Rating], axis: Axis) -> bool:
    positions = [axis.scale.index(rating.value) for rating in newest.values()]
    return len(positions) > 1 and max(positions) - min(positions) >= 2


def combine(ratings: list[Rating], axis: str, *, axes: Axes = BUILT_IN_AXES) -> Combined:
    """The outlet's value on ``axis`` by the rule in this module's docstring, explained.

    ``axes``: the axes known (an ``AxisRegistry`` loaded from the store, where declared
    axes matter); an axis not among them has no value.
    """
    newest = _newest(ratings, axis, overrides=False, axes=axes)
    override = override_of(ratings, axis, axes=axes)
    known = axes.get(axis)
    return Combined(
        axis=axis,
        value=override.value if override else (_raters_value(newest, known) if known else None),
        override=override is not None,
        raters=tuple(sorted(newest)),
        raters_disagree=known is not None and bool(newest) and _disagree(newest, known),
    )


def combined_value(ratings: list[Rating], axis: str, *, axes: Axes = BUILT_IN_AXES) -> str | None:
    """The outlet's value on ``axis`` by the rule in this module's docstring."""
    return combine(ratings, axis, axes=axes).value


def raters_disagree(ratings: list[Rating], axis: str, *, axes: Axes = BUILT_IN_AXES) -> bool:
    """True when two raters' newest values on ``axis`` are two or more steps apart.

    Overrides are not raters: an override does not hide the raters' disagreement.
    """
    return combine(ratings, axis, axes=axes).raters_disagree


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
